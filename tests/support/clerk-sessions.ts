// Sessions made at the sandbox the way they happen, for "Check with Clerk": a ticket followed by a
// browser with JavaScript, actor tokens minted outside Understudy with @clerk/backend (as the
// Dashboard or the CLI would), and history states recorded through the ledger's own API.
import { expect } from 'vitest';
import type { Ledger } from '../../src/main/ledger/ledger.ts';
import { SANDBOX_FIXTURES, type Sandbox } from '../../src/sandbox/index.ts';
import type { LedgerEntry } from '../../src/shared/domain.ts';
import { clerkFor, CookieJar, signInWithTicket, ticketUrl } from '../sandbox/helpers.ts';

/** A ticket followed by a browser with JavaScript: the session it creates. */
export async function consumeTicket(sandbox: Sandbox, url: string): Promise<string> {
  const visit = await signInWithTicket(url, new CookieJar(), sandbox);
  expect(visit.status).toBe(200);
  const token = sandbox.state.actorTokens().find((candidate) => url.includes(candidate.ticket));
  expect(token?.sessionId).toBeTruthy();
  return token!.sessionId!;
}

/** An impersonation started outside Understudy: minted with the secret key, then used. */
export async function foreignSession(sandbox: Sandbox, userId: string, actor: { sub: string }): Promise<string> {
  const token = await clerkFor(sandbox).actorTokens.create({ userId, actor, expiresInSeconds: 600 });
  return consumeTicket(sandbox, ticketUrl(token));
}

/**
 * A history entry in a given state, recorded through the ledger's own API; with `session`, its
 * token is minted and used at Clerk with the actor Understudy stamps (`ref` = the entry's id).
 */
export async function recordedEntry(
  sandbox: Sandbox,
  ledger: Ledger,
  options: { userId: string; userName: string; osUser: string; then: 'unknown' | 'ended'; session: boolean },
): Promise<{ entry: LedgerEntry; sessionId: string | null }> {
  const operator = SANDBOX_FIXTURES.operator;
  const entry = ledger.begin({
    profileId: 'sandbox', profileName: 'Sandbox (demo instance)', production: false, subject: { id: options.userId, name: options.userName, email: null },
    operator: { clerkUserId: operator, osUser: options.osUser }, reason: 'SUP-9 check', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false,
  });
  let sessionId: string | null = null;
  if (options.session) {
    const actor = { sub: operator, ticket: 'SUP-9', ref: entry.id } as { sub: string };
    const token = await clerkFor(sandbox).actorTokens.create({ userId: options.userId, actor, expiresInSeconds: 600, sessionMaxDurationInSeconds: 900 });
    sessionId = await consumeTicket(sandbox, ticketUrl(token));
    if (options.then === 'ended') {
      ledger.update(entry.id, { status: 'pending', actorTokenId: token.id });
      ledger.update(entry.id, { status: 'accepted', sessionId, acceptedAt: Date.now() });
    }
  }
  ledger.update(entry.id, options.then === 'ended' ? { status: 'ended', endedAt: Date.now(), endedBy: { reason: 'operator', by: options.osUser } } : { status: 'unknown' });
  return { entry: ledger.get(entry.id)!, sessionId };
}
