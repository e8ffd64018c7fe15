// Distinct search queries drawn from the sandbox's own users, so every one has results.
import type { SandboxUser } from '../../src/sandbox/index.ts';

/** `count` distinct prefixes of `length` characters of primary email addresses, spread over the users. */
export function emailPrefixQueries(users: readonly SandboxUser[], count: number, length = 9): string[] {
  const seen = new Set<string>();
  const step = Math.max(1, Math.floor(users.length / (count * 3)));
  for (let i = 10; i < users.length && seen.size < count; i += step) {
    const address = users[i]?.emails[0]?.address.toLowerCase() ?? '';
    const prefix = address.slice(0, length);
    if (prefix.length === length && /^[a-z0-9._-]+$/.test(prefix)) seen.add(prefix);
  }
  if (seen.size < count) throw new Error(`Only ${seen.size} distinct ${length}-character queries among ${users.length} users`);
  return [...seen];
}
