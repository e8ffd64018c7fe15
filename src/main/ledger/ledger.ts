// The impersonation history: append-only, hash-chained events in SQLite (history-db.ts), with each
// impersonation's current state derived from its events and kept in an indexed table for queries.
// Every step that matters is committed before the orchestrator goes on (it records before it mints
// and before it opens a window). Queries are answered by SQLite, paged and filtered: nothing reads
// the whole history at start.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  HistoryEvent,
  HistoryEventType,
  HistoryOrder,
  HistoryVerification,
  LedgerEntry,
  LedgerFilter,
  LedgerPage,
  LedgerStatus,
  PolicyChange,
  PolicyChangePage,
} from '../../shared/domain.ts';
import { LIVE_STATUSES } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocumentStore, DocumentStoreFactory } from '../storage/document-store.ts';
import { redact } from '../redact.ts';
import { AuditCursors } from './audit-cursors.ts';
import { eventHash, GENESIS_HASH } from './hash-chain.ts';
import { NewerHistoryError, openHistoryDb, transaction } from './history-db.ts';
import { countMatching, matchingEntries, matchingPolicyChanges } from './history-filter.ts';
import { readJsonHistory, setAside } from './json-history.ts';
import { isTerminal, newEntrySchema, patchSchema } from './ledger-schema.ts';
import { toPolicyChange } from './policy-changes.ts';
import { canMove } from './transitions.ts';

/** The fields the caller knows before minting. */
export type NewLedgerEntry = Pick<
  LedgerEntry,
  | 'profileId'
  | 'profileName'
  | 'production'
  | 'subject'
  | 'operator'
  | 'reason'
  | 'tokenTtlSeconds'
  | 'sessionMaxSeconds'
  | 'readOnly'
>;

export type LedgerPatch = Partial<
  Pick<LedgerEntry, 'status' | 'actorTokenId' | 'tokenExpiresAt' | 'sessionId' | 'acceptedAt' | 'endedAt' | 'endedBy' | 'error'>
>;

export interface LedgerOptions {
  now?: () => number;
  /**
   * The SQLite file. Default: `history.sqlite` next to the documents when opened on the document
   * folder (the app), an in-memory database when opened on a single document (tests).
   */
  database?: string;
  /** Name of the legacy JSON head document to migrate from. */
  name?: string;
}

export type LedgerListener = (entry: LedgerEntry) => void;
export type HistoryEventListener = (event: HistoryEvent) => void;

const LABEL = 'impersonation history';
const MAX_PAGE = 500;
const VERIFY_CHUNK = 5000;
const MAX_PROBLEMS = 20;

interface EventRow {
  seq: number;
  id: string;
  entry_id: string | null;
  type: string;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
}

export class Ledger {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #now: () => number;
  readonly #listeners = new Set<LedgerListener>();
  readonly #eventListeners = new Set<HistoryEventListener>();
  readonly #sql: {
    last: StatementSync;
    insertEvent: StatementSync;
    insertEntry: StatementSync;
    insertDoc: StatementSync;
    updateEntry: StatementSync;
    updateDoc: StatementSync;
    get: StatementSync;
    live: StatementSync;
    size: StatementSync;
    eventsAfter: StatementSync;
  };
  #lastSeq = 0;
  #lastHash = GENESIS_HASH;
  /** The audit outbox's delivery cursors, in this same database. */
  readonly auditCursors: AuditCursors;

  private constructor(db: DatabaseSync, path: string, now: () => number) {
    this.#db = db;
    this.auditCursors = new AuditCursors(db);
    this.#path = path;
    this.#now = now;
    this.#sql = {
      last: db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO events (seq, id, entry_id, type, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      insertEntry: db.prepare(
        'INSERT INTO entries (seq, id, created_at, subject_id, profile_id, status, operator_id, os_user, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertDoc: db.prepare('INSERT INTO entry_docs (seq, json) VALUES (?, ?)'),
      updateEntry: db.prepare('UPDATE entries SET status = ?, last_seq = ? WHERE id = ? RETURNING seq'),
      updateDoc: db.prepare('UPDATE entry_docs SET json = ? WHERE seq = ?'),
      get: db.prepare('SELECT d.json FROM entries e JOIN entry_docs d ON d.seq = e.seq WHERE e.id = ?'),
      live: db.prepare(
        `SELECT d.json FROM entries e JOIN entry_docs d ON d.seq = e.seq WHERE e.status IN (${LIVE_STATUSES.map(() => '?').join(', ')}) ORDER BY e.created_at DESC, e.seq DESC`,
      ),
      size: db.prepare('SELECT count(*) AS n FROM entries'),
      eventsAfter: db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    };
    const last = this.#sql.last.get() as { seq: number; hash: string } | undefined;
    if (last) {
      this.#lastSeq = last.seq;
      this.#lastHash = last.hash;
    }
  }

  /**
   * Opens the history. Pass the document factory (the app does): the SQLite file then lives next to
   * the documents, and a JSON history from an earlier version is migrated into it once.
   */
  static open(documents: DocumentStore | DocumentStoreFactory, options: LedgerOptions = {}): { ledger: Ledger; notice: string | null } {
    const now = options.now ?? Date.now;
    const factory = typeof documents === 'function' ? documents : null;
    const head = factory ? factory(options.name ?? 'ledger') : (documents as DocumentStore);
    const path = options.database ?? (factory ? join(dirname(head.path), 'history.sqlite') : ':memory:');

    let db: DatabaseSync;
    try {
      db = openHistoryDb(path);
    } catch (error) {
      if (error instanceof NewerHistoryError) {
        throw new AppError({
          kind: 'conflict',
          message: `The ${LABEL} at ${path} was written by a newer version of Understudy (${error.message}). It was left untouched: update Understudy to open it.`,
        });
      }
      throw new AppError(
        {
          kind: 'internal',
          message: `The ${LABEL} at ${path} could not be opened (${(error as Error).message}). It was left untouched; nothing can be recorded, so impersonation is unavailable until it opens.`,
        },
        { cause: error },
      );
    }
    const ledger = new Ledger(db, path, now);
    const notices: string[] = [];
    const tail = ledger.#checkTail();
    if (tail) notices.push(tail);
    const migrated = ledger.#migrateJson(head, factory);
    if (migrated) notices.push(migrated);
    return { ledger, notice: notices.length > 0 ? notices.join('\n') : null };
  }

  /** Where the history lives (for messages). */
  get path(): string {
    return this.#path;
  }

  /**
   * Records an attempt as `minting`, on disk, before anything is asked of Clerk. Clerk counts a
   * token's TTL from when it handles the mint, which can be as late as `answerWithinMs` (the
   * longest Understudy waits for the answer) after now: `tokenExpiresAt` is a true upper bound.
   */
  begin(input: NewLedgerEntry, answerWithinMs = 0): LedgerEntry {
    const fields = parseOrThrow(newEntrySchema, input, 'new entry');
    const createdAt = this.#now();
    const entry = freezeEntry({
      id: randomUUID(),
      actorTokenId: null,
      ...fields,
      reason: redact(fields.reason),
      createdAt,
      tokenExpiresAt: createdAt + Math.max(0, answerWithinMs) + fields.tokenTtlSeconds * 1000,
      status: 'minting',
      sessionId: null,
      acceptedAt: null,
      endedAt: null,
      endedBy: null,
      error: null,
    });
    const event = this.#save(() =>
      transaction(this.#db, () => {
        const event = this.#append(entry.id, 'started', entry as unknown as Record<string, unknown>, createdAt);
        this.#insertEntry(entry, event.seq);
        return event;
      }),
    );
    this.#emit(entry, event);
    return entry;
  }

  /** Moves an entry along its life; illegal moves and changes to finished entries are conflicts. */
  update(id: string, patch: LedgerPatch): LedgerEntry {
    const changes = parseOrThrow(patchSchema, patch, 'change');
    const current = this.get(id);
    if (!current) throw new AppError({ kind: 'not-found', message: 'That impersonation is not in the history.' });
    if (isTerminal(current.status)) {
      throw new AppError({ kind: 'conflict', message: `This impersonation is already ${current.status}; its record can no longer change.` });
    }
    if (changes.status !== undefined && changes.status !== current.status && !canMove(current.status, changes.status)) {
      throw new AppError({ kind: 'conflict', message: `An impersonation that is ${current.status} cannot become ${changes.status}.` });
    }
    const recorded: LedgerPatch = { ...changes, ...(typeof changes.error === 'string' ? { error: redact(changes.error) } : {}) };
    const next = freezeEntry(applyPatch(current, recorded));
    const event = this.#save(() =>
      transaction(this.#db, () => {
        const event = this.#append(id, eventTypeOf(current, recorded), recorded, this.#now());
        const { seq } = this.#sql.updateEntry.get(next.status, event.seq, id) as { seq: number };
        this.#sql.updateDoc.run(JSON.stringify(next), seq);
        return event;
      }),
    );
    this.#emit(next, event);
    return next;
  }

  /** Records an event about the desk rather than one impersonation (a policy change, a check with Clerk). */
  record(type: Extract<HistoryEventType, 'policy_changed' | 'clerk_checked'>, data: Record<string, unknown>): HistoryEvent {
    const event = this.#save(() => transaction(this.#db, () => this.#append(null, type, data, this.#now())));
    for (const listener of this.#eventListeners) safely(() => listener(event));
    return event;
  }

  /** The newest desk event of a type whose `data.source` is `source` (e.g. the last organisation policy recorded). */
  latest(type: HistoryEventType, source: string): HistoryEvent | null {
    const row = this.#db
      .prepare("SELECT * FROM events WHERE entry_id IS NULL AND type = ? AND json_extract(data, '$.source') = ? ORDER BY seq DESC LIMIT 1")
      .get(type, source) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  get(id: string): LedgerEntry | null {
    const row = this.#sql.get.get(id) as { json: string } | undefined;
    return row ? toEntry(row.json) : null;
  }

  /** Every matching entry, newest first (exports). `from`/`to` are inclusive bounds on createdAt. */
  query(filter: LedgerFilter = {}): LedgerEntry[] {
    const { sql, params } = matchingEntries(filter);
    const rows = this.#db
      .prepare(`SELECT d.json FROM (${sql}) p JOIN entry_docs d ON d.seq = p.seq ORDER BY p.created_at DESC, p.seq DESC`)
      .all(...params) as { json: string }[];
    return rows.map((row) => toEntry(row.json));
  }

  /** One page of matching entries in `order`, with the total: what the console shows. */
  page(filter: LedgerFilter = {}, offset = 0, limit = 100, order: HistoryOrder = 'newest'): LedgerPage {
    const size = Math.max(1, Math.min(MAX_PAGE, Math.trunc(limit)));
    const start = Math.max(0, Math.trunc(offset));
    const { sql, params } = matchingEntries(filter, order);
    const dir = order === 'newest' ? 'DESC' : 'ASC';
    // The page is chosen on the small table and its indexes; only its entries' JSON is read.
    const rows = this.#db
      .prepare(`SELECT d.json FROM (${sql} LIMIT ? OFFSET ?) p JOIN entry_docs d ON d.seq = p.seq ORDER BY p.created_at ${dir}, p.seq ${dir}`)
      .all(...params, size, start) as { json: string }[];
    const count = countMatching(filter);
    const total = (this.#db.prepare(count.sql).get(...count.params) as { n: number }).n;
    return { entries: rows.map((row) => toEntry(row.json)), total, offset: start, limit: size };
  }

  /** Policy changes the filter matches, newest first (all of them without a limit: exports). */
  policyChanges(filter: LedgerFilter = {}, offset = 0, limit?: number): PolicyChangePage {
    const matching = matchingPolicyChanges(filter);
    const start = Math.max(0, Math.trunc(offset));
    if (!matching) return { changes: [], total: 0, offset: start, limit: limit ?? 0 };
    const paged = limit === undefined ? '' : ' LIMIT ? OFFSET ?';
    const rows = this.#db
      .prepare(`SELECT * ${matching.sql} ORDER BY seq DESC${paged}`)
      .all(...matching.params, ...(limit === undefined ? [] : [limit, start])) as unknown as EventRow[];
    const total = (this.#db.prepare(`SELECT count(*) AS n ${matching.sql}`).get(...matching.params) as { n: number }).n;
    const changes: PolicyChange[] = rows.map((row) => toPolicyChange(toEvent(row)));
    return { changes, total, offset: start, limit: limit ?? changes.length };
  }

  /** Entries that may still have a token or a session at Clerk (minting, pending, accepted), newest first. */
  live(): LedgerEntry[] {
    return (this.#sql.live.all(...LIVE_STATUSES) as { json: string }[]).map((row) => toEntry(row.json));
  }

  get size(): number {
    return (this.#sql.size.get() as { n: number }).n;
  }

  /** Events after `seq`, oldest first (the audit outbox catches up from here). */
  eventsAfter(seq: number, limit = 500): HistoryEvent[] {
    return (this.#sql.eventsAfter.all(seq, limit) as unknown as EventRow[]).map(toEvent);
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Called after every persisted change with the new entry. Returns the unsubscribe function. */
  onChange(listener: LedgerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called after every persisted event (entry or desk). Returns the unsubscribe function. */
  onEvent(listener: HistoryEventListener): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /**
   * Walks the whole chain: every hash recomputed, every link and sequence number checked, and the
   * current state re-derived from the events and compared with the state table. Yields to the event
   * loop between chunks so the console stays responsive on a large history.
   */
  async verify(): Promise<HistoryVerification> {
    const problems: string[] = [];
    let firstBrokenSeq: number | null = null;
    const broken = (seq: number, problem: string) => {
      firstBrokenSeq ??= seq;
      if (problems.length < MAX_PROBLEMS) problems.push(problem);
    };
    const derived = new Map<string, LedgerEntry>();
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (let after = 0; ; ) {
      const rows = this.#sql.eventsAfter.all(after, VERIFY_CHUNK) as unknown as EventRow[];
      if (rows.length === 0) break;
      for (const row of rows) {
        count++;
        if (row.seq !== expectedSeq) broken(row.seq, `Events ${expectedSeq}–${row.seq - 1} are missing (deleted or reordered).`);
        if (row.prev_hash !== prevHash) broken(row.seq, `Event ${row.seq} does not follow the event before it (an event was removed, inserted or reordered).`);
        const recomputed = eventHash({ seq: row.seq, id: row.id, entryId: row.entry_id, type: row.type, at: row.at, data: row.data, prevHash: row.prev_hash });
        if (recomputed !== row.hash) broken(row.seq, `Event ${row.seq} (${row.type}) was changed after it was written.`);
        deriveInto(derived, row, (problem) => broken(row.seq, problem));
        expectedSeq = row.seq + 1;
        prevHash = row.hash;
      }
      after = rows[rows.length - 1]!.seq;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (expectedSeq - 1 < this.#lastSeq) broken(expectedSeq, `The last ${this.#lastSeq - expectedSeq + 1} events are missing.`);
    // The state table must be exactly what the events say.
    const stateRows = this.#db.prepare('SELECT e.id, d.json FROM entries e LEFT JOIN entry_docs d ON d.seq = e.seq').all() as { id: string; json: string | null }[];
    for (const row of stateRows) {
      const expected = derived.get(row.id);
      if (!expected) broken(this.#lastSeq, `Impersonation ${row.id} is in the history without any event recording it.`);
      else if (!sameEntry(expected, row.json)) broken(this.#lastSeq, `The recorded state of impersonation ${row.id} does not match its events (it was edited).`);
      derived.delete(row.id);
    }
    for (const id of derived.keys()) broken(this.#lastSeq, `Impersonation ${id} has events but was removed from the history.`);
    return { intact: firstBrokenSeq === null && problems.length === 0, events: count, checkedAt: this.#now(), firstBrokenSeq, problems };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #append(entryId: string | null, type: HistoryEventType, data: Record<string, unknown>, at: number): HistoryEvent {
    const seq = this.#lastSeq + 1;
    const fields = { seq, id: randomUUID(), entryId, type, at, data: JSON.stringify(data), prevHash: this.#lastHash };
    const hash = eventHash(fields);
    this.#sql.insertEvent.run(seq, fields.id, entryId, type, at, fields.data, fields.prevHash, hash);
    // Only advanced once the row is in; a rolled-back transaction is undone by #save.
    this.#lastSeq = seq;
    this.#lastHash = hash;
    return { seq, id: fields.id, entryId, type, at, data, prevHash: fields.prevHash, hash };
  }

  #insertEntry(entry: LedgerEntry, seq: number): void {
    this.#sql.insertEntry.run(
      seq,
      entry.id,
      entry.createdAt,
      entry.subject.id,
      entry.profileId,
      entry.status,
      entry.operator.clerkUserId.toLowerCase(),
      entry.operator.osUser.toLowerCase(),
      seq,
    );
    this.#sql.insertDoc.run(seq, JSON.stringify(entry));
  }

  #save<T>(write: () => T): T {
    const before = { seq: this.#lastSeq, hash: this.#lastHash };
    try {
      return write();
    } catch (error) {
      this.#lastSeq = before.seq;
      this.#lastHash = before.hash;
      throw new AppError(
        { kind: 'internal', message: `The ${LABEL} could not be saved to ${this.#path}: check that the disk has space and the folder is writable.` },
        { cause: error },
      );
    }
  }

  /** A cheap check at open: the newest event still hashes to what it says. The full walk is `verify`. */
  #checkTail(): string | null {
    const row = this.#db.prepare('SELECT * FROM events ORDER BY seq DESC LIMIT 1').get() as EventRow | undefined;
    if (!row) return null;
    const hash = eventHash({ seq: row.seq, id: row.id, entryId: row.entry_id, type: row.type, at: row.at, data: row.data, prevHash: row.prev_hash });
    if (hash === row.hash) return null;
    return `The newest event of the ${LABEL} was changed after it was written. Nothing was deleted; open History › Verify history to see what is affected.`;
  }

  /** Imports a JSON history from an earlier version, once, in one transaction; then sets its files aside. */
  #migrateJson(head: DocumentStore, factory: DocumentStoreFactory | null): string | null {
    let legacy;
    try {
      legacy = readJsonHistory(head, factory, this.#now);
    } catch (error) {
      return `The earlier ${LABEL} (${head.path}) could not be read for migration (${(error as Error).message}). It was left untouched and will be tried again at the next start.`;
    }
    if (!legacy) return null;
    const notices = [...legacy.notices];
    const known = this.#db.prepare('SELECT 1 FROM entries WHERE id = ?');
    let imported = 0;
    try {
      transaction(this.#db, () => {
        for (const entry of legacy.entries) {
          if (known.get(entry.id)) continue; // an earlier, interrupted migration already has it
          const event = this.#append(entry.id, 'imported', entry as unknown as Record<string, unknown>, entry.createdAt);
          this.#insertEntry(entry, event.seq);
          imported++;
        }
      });
    } catch (error) {
      const last = this.#sql.last.get() as { seq: number; hash: string } | undefined;
      this.#lastSeq = last?.seq ?? 0;
      this.#lastHash = last?.hash ?? GENESIS_HASH;
      notices.push(
        `The earlier ${LABEL} could not be moved into ${this.#path} (${(error as Error).message}). Nothing was lost: the old files were left as they are and the move will be tried again at the next start. Until then, entries from before this start are not shown.`,
      );
      return notices.join('\n');
    }
    try {
      const moved = setAside(legacy.stores, this.#now());
      if (moved.length > 0) notices.push(`The ${LABEL} moved to ${this.#path} (${imported} entries). The old files are kept, renamed: ${moved.join(', ')}.`);
    } catch (error) {
      notices.push(`The ${LABEL} moved to ${this.#path} (${imported} entries), but the old files could not be renamed aside (${(error as Error).message}); they are not read again.`);
    }
    return notices.length > 0 ? notices.join('\n') : null;
  }

  #emit(entry: LedgerEntry, event: HistoryEvent): void {
    // A listener's failure must not undo or hide a change that is already on disk.
    for (const listener of this.#listeners) safely(() => listener(entry));
    for (const listener of this.#eventListeners) safely(() => listener(event));
  }
}

/** The event an update is recorded as: named after the state it reaches. */
function eventTypeOf(current: LedgerEntry, patch: LedgerPatch): HistoryEventType {
  const status = patch.status;
  // While ending, the only change is another failed attempt: the history lists each one.
  if (current.status === 'ending' && (status === undefined || status === 'ending')) return 'end_retried';
  if (status === undefined || status === current.status) return 'updated';
  if (status === 'ending') return 'ending';
  if (patch.endedBy?.reason === 'recovery') return 'recovered';
  const byStatus: Partial<Record<LedgerStatus, HistoryEventType>> = {
    pending: 'minted',
    accepted: 'signed_in',
    ending: 'ending',
    ended: 'ended',
    revoked: 'revoked',
    expired: 'expired',
    failed: 'failed',
    unknown: 'unknown',
  };
  return byStatus[status] ?? 'updated';
}

function applyPatch(entry: LedgerEntry, patch: LedgerPatch): LedgerEntry {
  const next: Record<string, unknown> = { ...entry };
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) next[key] = value;
  return next as unknown as LedgerEntry;
}

/** Replays one event onto the derived state (verify). */
function deriveInto(derived: Map<string, LedgerEntry>, row: EventRow, broken: (problem: string) => void): void {
  if (row.entry_id === null) return;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    broken(`Event ${row.seq} is not readable.`);
    return;
  }
  if (row.type === 'started' || row.type === 'imported') {
    derived.set(row.entry_id, data as unknown as LedgerEntry);
    return;
  }
  const current = derived.get(row.entry_id);
  if (!current) {
    broken(`Event ${row.seq} changes impersonation ${row.entry_id}, which no earlier event started.`);
    return;
  }
  derived.set(row.entry_id, applyPatch(current, data as LedgerPatch));
}

/** Entries are stored as JSON.stringify of the same construction the replay does, so equal text. */
function sameEntry(expected: LedgerEntry, json: string | null): boolean {
  return json !== null && JSON.stringify(expected) === json;
}

function toEvent(row: EventRow): HistoryEvent {
  return {
    seq: row.seq,
    id: row.id,
    entryId: row.entry_id,
    type: row.type as HistoryEventType,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toEntry(json: string): LedgerEntry {
  return freezeEntry(JSON.parse(json) as LedgerEntry);
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // see #emit
  }
}

/** Entries are shared with callers without copying, so they are frozen. */
function freezeEntry(entry: LedgerEntry): LedgerEntry {
  Object.freeze(entry.subject);
  Object.freeze(entry.operator);
  if (entry.endedBy) Object.freeze(entry.endedBy);
  return Object.freeze(entry);
}

function parseOrThrow<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Paths and rule messages only: a refused value (possibly a token) never reaches a message.
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new AppError({
    kind: 'internal',
    message: `The history refused a ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}.`,
    issues,
  });
}

