// Checks the shape of a Clerk secret key before anything is sent or stored, and derives the only
// trace of it the rest of the app may see: a hint. Messages describe the problem, never the key.
import { AppError } from '../../shared/errors.ts';

const PREFIXES = { sk_test_: false, sk_live_: true } as const;
type Prefix = keyof typeof PREFIXES;

/** Clerk's keys are base62 after the prefix; `-` and `_` are allowed too (URL-safe base64 keys). */
const BODY = /^[A-Za-z0-9_-]+$/;
const MIN_BODY = 20;
const MAX_BODY = 200;

export interface ParsedSecretKey {
  /** `sk_live_` keys belong to production instances. */
  production: boolean;
  hint: string;
}

function prefixOf(key: string): Prefix | null {
  for (const prefix of Object.keys(PREFIXES) as Prefix[]) if (key.startsWith(prefix)) return prefix;
  return null;
}

function invalid(message: string): AppError {
  return new AppError({ kind: 'invalid-input', message, issues: [{ path: 'secretKey', message }] });
}

/** Validates a pasted key (surrounding whitespace is forgiven, inner whitespace is not). */
export function parseSecretKey(raw: string): ParsedSecretKey {
  const key = raw.trim();
  if (key === '') throw invalid('Paste the secret key from the Clerk Dashboard (API keys).');
  if (/\s/.test(key)) throw invalid('The secret key contains a space or line break: copy it again in one piece.');
  if (key.startsWith('pk_')) throw invalid('That is a publishable key (pk_…). Understudy needs the secret key (sk_test_… or sk_live_…).');
  const prefix = prefixOf(key);
  if (!prefix) throw invalid('A Clerk secret key starts with sk_test_ or sk_live_.');
  const body = key.slice(prefix.length);
  if (!BODY.test(body)) throw invalid(`After ${prefix} a Clerk secret key has only letters, digits, - and _.`);
  if (body.length < MIN_BODY) throw invalid('The secret key is too short: it looks cut off. Copy it again from the Clerk Dashboard.');
  if (body.length > MAX_BODY) throw invalid('The secret key is too long to be a Clerk secret key.');
  return { production: PREFIXES[prefix], hint: keyHint(key) };
}

/** Whether a key (possibly provisioned outside Understudy) is a production key. */
export function isProductionKey(key: string): boolean {
  return prefixOf(key.trim()) === 'sk_live_';
}

/** `sk_live_…abcd`: the prefix and the last four characters, nothing more. */
export function keyHint(key: string): string {
  const trimmed = key.trim();
  const prefix = prefixOf(trimmed) ?? '';
  const body = trimmed.slice(prefix.length);
  // A short body would be mostly revealed by its last four characters: show none of it.
  const tail = body.length >= 12 ? body.slice(-4) : '';
  return `${prefix}…${tail}`;
}
