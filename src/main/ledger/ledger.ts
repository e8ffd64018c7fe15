// The impersonation history: one record per attempt, written to disk before every step that
// matters (the orchestrator records before it mints and before it opens a window).
//
// Layout. Rewriting one document that holds every entry costs ~1.4 s per append at 100k entries
// (electron-store re-reads, walks and rewrites the whole file). So the history is a small "head"
// document that every write replaces, plus immutable archives:
//   ledger.json                 { version, archives: [names], entries: [unfinished + recent] }
//   ledger-archive-000001.json  { version, entries: [finished only] }
// When the head grows past `headLimit`, its finished entries are written to a new archive first,
// then the head is rewritten without them: a crash in between leaves an unlisted archive that the
// next rotation overwrites, never a lost or half-written entry. Only unfinished entries change,
// and they always stay in the head, so archives are written once. All entries live in memory,
// sorted by creation time, for queries.
import { randomUUID } from 'node:crypto';
import type { LedgerEntry, LedgerFilter, LedgerStatus } from '../../shared/domain.ts';
import { LIVE_STATUSES } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocumentStore, DocumentStoreFactory } from '../storage/document-store.ts';
import { openDocument } from '../storage/open-document.ts';
import {
  ARCHIVE_NAME,
  archiveMigrations,
  archiveSchema,
  headMigrations,
  headSchema,
  isTerminal,
  newEntrySchema,
  patchSchema,
} from './ledger-schema.ts';
import { redact } from '../redact.ts';
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
  Pick<LedgerEntry, 'status' | 'actorTokenId' | 'sessionId' | 'acceptedAt' | 'endedAt' | 'endedBy' | 'error'>
>;

export interface LedgerOptions {
  now?: () => number;
  /** Head size that triggers archiving (with a document factory only). */
  headLimit?: number;
  /** Name of the head document; archives are `<name>-archive-NNNNNN`. */
  name?: string;
}

export type LedgerListener = (entry: LedgerEntry) => void;

const DEFAULT_HEAD_LIMIT = 500;
const LABEL = 'impersonation history';

export class Ledger {
  readonly #headStore: DocumentStore;
  readonly #documents: DocumentStoreFactory | null;
  readonly #name: string;
  readonly #now: () => number;
  readonly #headLimit: number;
  #archives: string[];
  /** The head document's entries, in file order. */
  #head: LedgerEntry[];
  /** Every entry, ascending by createdAt (ties in insertion order). */
  readonly #all: LedgerEntry[];
  readonly #byId: Map<string, LedgerEntry>;
  /** Ids per subject user id and per operator (Clerk id or OS user, lowercased), in #all's order. */
  readonly #bySubject = new Map<string, string[]>();
  readonly #byOperator = new Map<string, string[]>();
  readonly #listeners = new Set<LedgerListener>();

  private constructor(init: {
    headStore: DocumentStore;
    documents: DocumentStoreFactory | null;
    name: string;
    now: () => number;
    headLimit: number;
    archives: string[];
    head: LedgerEntry[];
    all: LedgerEntry[];
    byId: Map<string, LedgerEntry>;
  }) {
    this.#headStore = init.headStore;
    this.#documents = init.documents;
    this.#name = init.name;
    this.#now = init.now;
    this.#headLimit = init.headLimit;
    this.#archives = init.archives;
    this.#head = init.head;
    this.#all = init.all;
    this.#byId = init.byId;
    for (const entry of init.all) this.#index(entry);
  }

  /**
   * Pass the document factory (the app does): the history is then split into a head and archives.
   * A single DocumentStore keeps everything in one document, which is fine for small histories.
   */
  static open(
    documents: DocumentStore | DocumentStoreFactory,
    options: LedgerOptions = {},
  ): { ledger: Ledger; notice: string | null } {
    const now = options.now ?? Date.now;
    const name = options.name ?? 'ledger';
    const factory = typeof documents === 'function' ? documents : null;
    const headStore = factory ? factory(name) : (documents as DocumentStore);
    const notices: string[] = [];

    const head = openDocument(headStore, {
      schema: headSchema,
      migrations: headMigrations,
      empty: () => ({ version: 1 as const, archives: [], entries: [] }),
      now,
      label: LABEL,
    });
    if (head.notice) notices.push(head.notice);

    const listed = head.value.archives;
    if (listed.length > 0 && !factory) {
      throw new AppError({ kind: 'internal', message: `The ${LABEL} at ${headStore.path} has archives, which need the document folder to open.` });
    }

    const byId = new Map<string, LedgerEntry>();
    const archives: string[] = [];
    for (const archiveName of listed) {
      const store = factory!(archiveName);
      const archive = openDocument(store, {
        schema: archiveSchema,
        migrations: archiveMigrations,
        empty: () => ({ version: 1 as const, entries: [] }),
        now,
        label: `${LABEL} archive`,
      });
      if (archive.state === 'new') {
        notices.push(`Part of the ${LABEL} is missing (${store.path}); the entries it held are not shown.`);
        continue;
      }
      if (archive.notice) notices.push(archive.notice);
      if (archive.state === 'moved-aside') continue;
      archives.push(archiveName);
      for (const entry of archive.value.entries) byId.set(entry.id, freezeEntry(entry));
    }

    // The head wins over an archive (an unlisted archive from an interrupted rotation is never read,
    // but a hand-restored one could repeat entries).
    const headById = new Map<string, LedgerEntry>();
    for (const entry of head.value.entries) headById.set(entry.id, freezeEntry(entry));
    for (const [id, entry] of headById) byId.set(id, entry);

    const all = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
    const ledger = new Ledger({
      headStore,
      documents: factory,
      name,
      now,
      headLimit: options.headLimit ?? DEFAULT_HEAD_LIMIT,
      archives,
      head: [...headById.values()],
      all,
      byId,
    });
    // Forget archives that could not be read, so the operator is told once, not at every start.
    if (archives.length !== listed.length) ledger.#writeHead(archives, ledger.#head);
    return { ledger, notice: notices.length > 0 ? notices.join('\n') : null };
  }

  /** Records an attempt as `minting`, on disk, before anything is asked of Clerk. */
  begin(input: NewLedgerEntry): LedgerEntry {
    const fields = parseOrThrow(newEntrySchema, input, 'new entry');
    const createdAt = this.#now();
    const entry = freezeEntry({
      id: randomUUID(),
      actorTokenId: null,
      ...fields,
      reason: redact(fields.reason),
      createdAt,
      tokenExpiresAt: createdAt + fields.tokenTtlSeconds * 1000,
      status: 'minting',
      sessionId: null,
      acceptedAt: null,
      endedAt: null,
      endedBy: null,
      error: null,
    });

    let archives = this.#archives;
    let head = [...this.#head, entry];
    if (this.#documents && head.length > this.#headLimit) {
      const finished = this.#head.filter((e) => isTerminal(e.status));
      // A head full of unfinished entries (a pile of `unknown`s) grows instead of spawning tiny archives.
      if (finished.length >= Math.ceil(this.#headLimit / 2)) {
        const archiveName = this.#nextArchiveName();
        this.#save(() => this.#documents!(archiveName).write({ version: 1, entries: finished }));
        archives = [...archives, archiveName];
        head = [...this.#head.filter((e) => !isTerminal(e.status)), entry];
      }
    }
    this.#writeHead(archives, head);

    this.#archives = archives;
    this.#head = head;
    this.#insert(entry);
    this.#byId.set(entry.id, entry);
    this.#index(entry);
    this.#emit(entry);
    return entry;
  }

  /** Moves an entry along its life; illegal moves and changes to finished entries are conflicts. */
  update(id: string, patch: LedgerPatch): LedgerEntry {
    const changes = parseOrThrow(patchSchema, patch, 'change');
    const current = this.#byId.get(id);
    if (!current) throw new AppError({ kind: 'not-found', message: 'That impersonation is not in the history.' });
    if (isTerminal(current.status)) {
      throw new AppError({ kind: 'conflict', message: `This impersonation is already ${current.status}; its record can no longer change.` });
    }
    if (changes.status !== undefined && changes.status !== current.status && !canMove(current.status, changes.status)) {
      throw new AppError({ kind: 'conflict', message: `An impersonation that is ${current.status} cannot become ${changes.status}.` });
    }
    const headIndex = this.#head.findIndex((e) => e.id === id);
    if (headIndex < 0) throw new AppError({ kind: 'internal', message: 'An unfinished impersonation was found outside the current history file.' });

    const next = freezeEntry({
      ...current,
      ...changes,
      ...(typeof changes.error === 'string' ? { error: redact(changes.error) } : {}),
    });
    const head = this.#head.with(headIndex, next);
    this.#writeHead(this.#archives, head);

    this.#head = head;
    this.#all[this.#indexOf(current)] = next;
    this.#byId.set(id, next);
    this.#emit(next);
    return next;
  }

  get(id: string): LedgerEntry | null {
    return this.#byId.get(id) ?? null;
  }

  /** Matching entries, newest first. `from`/`to` are inclusive bounds on createdAt. */
  query(filter: LedgerFilter = {}): LedgerEntry[] {
    const { userId, profileId, from, to } = filter;
    // An empty status list means "any status", like an absent one.
    const statuses = filter.status && filter.status.length > 0 ? new Set<LedgerStatus>(filter.status) : null;
    const operator = filter.operator?.trim().toLowerCase() || null;
    const matches = (entry: LedgerEntry) =>
      (userId === undefined || entry.subject.id === userId) &&
      (profileId === undefined || entry.profileId === profileId) &&
      (statuses === null || statuses.has(entry.status)) &&
      (operator === null || sameText(entry.operator.clerkUserId, operator) || sameText(entry.operator.osUser, operator)) &&
      (from === undefined || entry.createdAt >= from) &&
      (to === undefined || entry.createdAt <= to);

    const result: LedgerEntry[] = [];
    // A user or an operator narrows the search to their own entries; otherwise the time range does.
    const ids = userId !== undefined ? (this.#bySubject.get(userId) ?? []) : operator ? (this.#byOperator.get(operator) ?? []) : null;
    if (ids) {
      for (let i = ids.length - 1; i >= 0; i--) {
        const entry = this.#byId.get(ids[i]!)!;
        if (matches(entry)) result.push(entry);
      }
      return result;
    }
    const low = from === undefined ? 0 : this.#firstAtOrAfter(from);
    const high = to === undefined ? this.#all.length : this.#firstAtOrAfter(to + 1);
    for (let i = high - 1; i >= low; i--) {
      const entry = this.#all[i]!;
      if (matches(entry)) result.push(entry);
    }
    return result;
  }

  /** Entries that may still have a token or a session at Clerk (minting, pending, accepted), newest first. */
  live(): LedgerEntry[] {
    return this.#head.filter((e) => LIVE_STATUSES.includes(e.status)).sort((a, b) => b.createdAt - a.createdAt);
  }

  get size(): number {
    return this.#all.length;
  }

  /** Called after every persisted change with the new entry. Returns the unsubscribe function. */
  onChange(listener: LedgerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #writeHead(archives: string[], entries: LedgerEntry[]): void {
    this.#save(() => this.#headStore.write({ version: 1, archives, entries }));
  }

  #save(write: () => void): void {
    try {
      write();
    } catch (error) {
      throw new AppError(
        {
          kind: 'internal',
          message: `The ${LABEL} could not be saved to ${this.#headStore.path}: check that the disk has space and the folder is writable.`,
        },
        { cause: error },
      );
    }
  }

  #nextArchiveName(): string {
    let last = 0;
    for (const archive of this.#archives) last = Math.max(last, Number(ARCHIVE_NAME.exec(archive)?.[1] ?? 0));
    return `${this.#name}-archive-${String(last + 1).padStart(6, '0')}`;
  }

  #insert(entry: LedgerEntry): void {
    const all = this.#all;
    if (all.length === 0 || all[all.length - 1]!.createdAt <= entry.createdAt) {
      all.push(entry);
      return;
    }
    // The clock went back: keep the order by time.
    all.splice(this.#firstAtOrAfter(entry.createdAt + 1), 0, entry);
  }

  #index(entry: LedgerEntry): void {
    addId(this.#bySubject, entry.subject.id, entry, this.#byId);
    const clerkUserId = entry.operator.clerkUserId.toLowerCase();
    const osUser = entry.operator.osUser.toLowerCase();
    addId(this.#byOperator, clerkUserId, entry, this.#byId);
    if (osUser !== clerkUserId) addId(this.#byOperator, osUser, entry, this.#byId);
  }

  #indexOf(entry: LedgerEntry): number {
    for (let i = this.#firstAtOrAfter(entry.createdAt); i < this.#all.length; i++) {
      if (this.#all[i]!.id === entry.id) return i;
    }
    throw new AppError({ kind: 'internal', message: 'The history index is out of step.' });
  }

  /** Index of the first entry created at or after `time` (binary search). */
  #firstAtOrAfter(time: number): number {
    let low = 0;
    let high = this.#all.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#all[mid]!.createdAt < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #emit(entry: LedgerEntry): void {
    for (const listener of this.#listeners) {
      try {
        listener(entry);
      } catch {
        // A listener's failure must not undo or hide a change that is already on disk.
      }
    }
  }
}

/** Adds an id to an index list, keeping creation order (ids never change; entries are looked up). */
function addId(index: Map<string, string[]>, key: string, entry: LedgerEntry, byId: Map<string, LedgerEntry>): void {
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = []));
  let at = ids.length;
  while (at > 0 && byId.get(ids[at - 1]!)!.createdAt > entry.createdAt) at--;
  ids.splice(at, 0, entry.id);
}

function sameText(value: string, lowered: string): boolean {
  return value === lowered || value.toLowerCase() === lowered;
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
