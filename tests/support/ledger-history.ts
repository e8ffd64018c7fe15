// A large, deterministic ledger history for the performance test and the ledger benchmark.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import type { DocumentStore } from '../../src/main/storage/document-store.ts';
import type { NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerStatus } from '../../src/shared/domain.ts';

export const START = Date.UTC(2024, 0, 1);
const FINISHED: LedgerStatus[] = ['ended', 'ended', 'ended', 'expired', 'revoked', 'failed'];

/** Entry `i` of a deterministic, finished history: 4 instances, 12 operators, 5,000 customers. */
export function seededEntry(i: number): LedgerEntry {
  const createdAt = START + i * 60_000;
  const status = FINISHED[i % FINISHED.length]!;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    actorTokenId: `act_${i.toString(36).padStart(10, '0')}`,
    profileId: `prof_${i % 4}`,
    profileName: `Instance ${i % 4}`,
    production: i % 4 === 0,
    subject: { id: `user_${i % 5000}`, name: `Customer ${i % 5000}`, email: `customer${i % 5000}@example.com` },
    operator: { clerkUserId: `user_op${i % 12}`, osUser: `agent${i % 12}` },
    reason: `SUP-${10_000 + i}: customer reports a problem with invoices`,
    tokenTtlSeconds: 600,
    sessionMaxSeconds: 1800,
    readOnly: i % 3 === 0,
    createdAt,
    tokenExpiresAt: createdAt + 600_000,
    status,
    sessionId: status === 'ended' || status === 'expired' ? `sess_${i.toString(36)}` : null,
    acceptedAt: status === 'ended' || status === 'expired' ? createdAt + 4_000 : null,
    endedAt: status === 'failed' ? null : createdAt + 300_000,
    endedBy: status === 'ended' ? { reason: 'operator', by: `agent${i % 12}` } : null,
    error: status === 'failed' ? 'Clerk was unreachable' : null,
  };
}

/**
 * Writes a history of `count` finished entries in the layout the ledger itself produces, with the
 * head half full (its average size in use), so appends are measured at a typical head size.
 */
export function seedHistory(dir: string, count: number, chunk = 500): void {
  const documents = createElectronStoreDocuments(dir);
  const archives: string[] = [];
  const archived = count - Math.min(count, chunk / 2);
  let i = 0;
  for (let n = 1; i < archived; n++) {
    const name = `ledger-archive-${String(n).padStart(6, '0')}`;
    const entries = [];
    for (const end = Math.min(i + chunk, archived); i < end; i++) entries.push(seededEntry(i));
    documents(name).write({ version: 1, entries });
    archives.push(name);
  }
  const head = [];
  for (; i < count; i++) head.push(seededEntry(i));
  documents('ledger').write({ version: 1, archives, entries: head });
}

/** A new entry as the orchestrator would begin it, distinct per `i`. */
export const newEntry = (i: number): NewLedgerEntry => ({
  profileId: 'prof_1',
  profileName: 'Instance 1',
  production: false,
  subject: { id: `user_new${i}`, name: 'New customer', email: null },
  operator: { clerkUserId: 'user_op1', osUser: 'agent1' },
  reason: 'SUP-1 bench',
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: false,
});

/**
 * A history database in a temp file for unit tests, with what is on disk readable as text through a
 * second connection (`text`: `{ entries, events }` as JSON, undefined while empty) and a way to make
 * writes fail for real (`failWrites`: another connection holds the write lock).
 */
export function diskHistory(): {
  database: string;
  /** The (empty) legacy JSON document Ledger.open is given. */
  store: DocumentStore;
  readonly text: string | undefined;
  failWrites: boolean;
  /** The raw bytes of the database and its WAL. */
  bytes(): string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-history-'));
  const database = join(dir, 'history.sqlite');
  let locker: DatabaseSync | null = null;
  const peek = () => new DatabaseSync(database, { readOnly: true });
  return {
    database,
    store: { path: join(dir, 'ledger.json'), read: () => undefined, write: () => undefined },
    get text() {
      if (!existsSync(database)) return undefined;
      const db = peek();
      try {
        const entries = (db.prepare('SELECT json FROM entry_docs ORDER BY seq').all() as { json: string }[]).map((r) => JSON.parse(r.json) as unknown);
        const events = db.prepare('SELECT * FROM events ORDER BY seq').all();
        return entries.length === 0 && events.length === 0 ? undefined : JSON.stringify({ entries, events });
      } finally {
        db.close();
      }
    },
    get failWrites() {
      return locker !== null;
    },
    set failWrites(fail: boolean) {
      if (fail && !locker) {
        locker = new DatabaseSync(database);
        locker.exec('BEGIN EXCLUSIVE');
      } else if (!fail && locker) {
        locker.exec('ROLLBACK');
        locker.close();
        locker = null;
      }
    },
    bytes() {
      return ['', '-wal'].map((suffix) => (existsSync(database + suffix) ? readFileSync(database + suffix).toString('latin1') : '')).join('');
    },
  };
}
