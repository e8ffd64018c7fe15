// The SQLite file behind the history, through `node:sqlite` (built into Node 22.5+; Electron 45
// ships Node 22 with SQLite compiled in — see README "History storage" for where that is confirmed).
// `events` is append-only and hash-chained (the record). The current state is derived from it:
// `entries` holds only the columns queries filter and sort on (small rows, so a filter that no index
// answers still scans little), keyed by the seq of the event that started the entry; `entry_docs`
// holds each entry as JSON, read only for the page being shown.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  entry_id TEXT,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_entry ON events (entry_id, seq);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  subject_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  status TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  os_user TEXT NOT NULL,
  last_seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created_at);
CREATE INDEX IF NOT EXISTS entries_subject ON entries (subject_id, created_at);
-- The operator filter reads one of these two in date order (history-filter.ts). They cover every
-- other filtered column, so combined filters are checked in the index without reading rows.
-- (They replace the narrower entries_operator / entries_os_user of earlier builds: index-only, so
-- the format number stays; the first open after the upgrade builds them once.)
DROP INDEX IF EXISTS entries_operator;
DROP INDEX IF EXISTS entries_os_user;
CREATE INDEX IF NOT EXISTS entries_by_operator ON entries (operator_id, created_at, seq, status, profile_id, subject_id);
CREATE INDEX IF NOT EXISTS entries_by_os_user ON entries (os_user, created_at, seq, status, profile_id, subject_id, operator_id);
CREATE INDEX IF NOT EXISTS entries_status ON entries (status, profile_id, created_at);
CREATE INDEX IF NOT EXISTS entries_profile ON entries (profile_id, created_at);
CREATE TABLE IF NOT EXISTS entry_docs (seq INTEGER PRIMARY KEY REFERENCES entries (seq), json TEXT NOT NULL);
-- The audit outbox (src/main/audit): per sink, the last event it confirmed and how delivery goes.
-- Added to format 1 as a new table only (older versions ignore it), so the format number stays.
CREATE TABLE IF NOT EXISTS audit_cursors (
  sink TEXT PRIMARY KEY,
  delivered_seq INTEGER NOT NULL,
  last_delivery_at INTEGER,
  last_attempt_at INTEGER,
  failing_since INTEGER,
  last_error TEXT
);
`;

/** The file was written by a newer Understudy: it is left untouched. */
export class NewerHistoryError extends Error {
  readonly found: number;
  constructor(found: number) {
    super(`format ${found}; this version reads up to format ${SCHEMA_VERSION}`);
    this.found = found;
  }
}

export function openHistoryDb(path: string): DatabaseSync {
  const onDisk = path !== ':memory:';
  if (onDisk) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path);
  // Another process that briefly holds the file (a second start racing the single-instance lock, a
  // backup tool, a test's parallel children) makes SQLite answer "database is locked" at once;
  // wait for it a while instead (https://sqlite.org/pragma.html#pragma_busy_timeout).
  db.exec('PRAGMA busy_timeout = 5000');
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new NewerHistoryError(version);
  }
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode: a committed transaction
  // survives the app crashing or being killed (tests/integration/ledger-history.test.ts kills a
  // writer), and the file is always consistent; only an OS crash or power loss may roll back the last
  // commits (https://sqlite.org/pragma.html#pragma_synchronous). FULL fsyncs every commit, ~5 ms per
  // append here against ~0.8 ms, over the 2 ms budget; an unrecorded token still dies at its TTL.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(SCHEMA);
  if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  // Names, emails and reasons: readable by this account only, like the JSON documents were.
  if (onDisk) for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  return db;
}

/** Runs `fn` in one transaction (IMMEDIATE: the write lock is taken up front). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
