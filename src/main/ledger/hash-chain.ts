// Each history event carries the SHA-256 of the one before it, so editing, deleting or reordering
// an event breaks the chain from that point on. The chain proves integrity against casual edits of
// the database file; someone able to rewrite the whole file can recompute it, which is why the
// hashes are also shipped off the machine with each audit event (src/main/audit).
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** What is hashed: everything about an event except its own hash. */
export interface ChainedFields {
  seq: number;
  id: string;
  entryId: string | null;
  type: string;
  at: number;
  /** The event's payload as stored (JSON text), hashed byte for byte. */
  data: string;
  prevHash: string;
}

export function eventHash(event: ChainedFields): string {
  // A fixed field order with unambiguous separators (JSON-encoded fields): no two different events
  // serialise to the same text.
  const text = JSON.stringify([event.seq, event.id, event.entryId, event.type, event.at, event.data, event.prevHash]);
  return createHash('sha256').update(text).digest('hex');
}
