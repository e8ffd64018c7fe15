// Where each audit sink is in the history: the last event it confirmed (everything after it is the
// outbox) and how its deliveries go. One row per sink in the history's own SQLite file, so the
// outbox is exactly as durable as the events it ships: a crash or a restart resumes from the row.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface AuditCursor {
  deliveredSeq: number;
  lastDeliveryAt: number | null;
  lastAttemptAt: number | null;
  /** When the first of the failures since the last delivery happened; null while deliveries work. */
  failingSince: number | null;
  lastError: string | null;
}

const START: AuditCursor = { deliveredSeq: 0, lastDeliveryAt: null, lastAttemptAt: null, failingSince: null, lastError: null };

interface CursorRow {
  delivered_seq: number;
  last_delivery_at: number | null;
  last_attempt_at: number | null;
  failing_since: number | null;
  last_error: string | null;
}

export class AuditCursors {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT * FROM audit_cursors WHERE sink = ?');
    this.#put = db.prepare(
      `INSERT INTO audit_cursors (sink, delivered_seq, last_delivery_at, last_attempt_at, failing_since, last_error) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sink) DO UPDATE SET delivered_seq = excluded.delivered_seq, last_delivery_at = excluded.last_delivery_at,
       last_attempt_at = excluded.last_attempt_at, failing_since = excluded.failing_since, last_error = excluded.last_error`,
    );
  }

  /** A sink never seen before starts at the beginning: the whole history is shipped to it. */
  get(sink: string): AuditCursor {
    const row = this.#get.get(sink) as CursorRow | undefined;
    if (!row) return { ...START };
    return {
      deliveredSeq: row.delivered_seq,
      lastDeliveryAt: row.last_delivery_at,
      lastAttemptAt: row.last_attempt_at,
      failingSince: row.failing_since,
      lastError: row.last_error,
    };
  }

  put(sink: string, cursor: AuditCursor): void {
    this.#put.run(sink, cursor.deliveredSeq, cursor.lastDeliveryAt, cursor.lastAttemptAt, cursor.failingSince, cursor.lastError);
  }
}
