// Identifiers shaped like Clerk's: a type prefix and 27 base62 characters starting with "2"
// (Clerk ids are KSUIDs, whose leading timestamp byte currently renders as 2 or 3).
import { randomBytes } from 'node:crypto';
import type { Random } from './prng.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'user' | 'idn' | 'sess' | 'client' | 'act' | 'ins' | 'dvb';

/** A fresh, unpredictable id for objects created at run time (sessions, tokens, clients). */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(26);
  let tail = '2';
  for (const byte of bytes) tail += BASE62[byte % 62];
  return `${prefix}_${tail}`;
}

/** A reproducible id for seed data. */
export function seededId(prefix: IdPrefix, random: Random): string {
  return `${prefix}_2${random.base62(26)}`;
}

/** Opaque random text for trace ids and secrets. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
