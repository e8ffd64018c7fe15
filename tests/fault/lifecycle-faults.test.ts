// Minting, revoking and ending while Clerk misbehaves, and crashes between mint and window, through
// the real dispatch and services against the sandbox's fault injection. For each case: what the
// operator is told (the Result the console gets), and that nothing is lost — every token Clerk
// minted is in the history with a status that tells the truth, and no session is left running.
// Signed-in cases use real Chromium (EmulatedWindowHost); the rest use windows that load nothing.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImpersonationView, LedgerEntry, UnknownCheck, UserPage } from '../../src/shared/domain.ts';
import type { WindowEvents, WindowHost, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CookieJar, signInWithTicket } from '../sandbox/helpers.ts';
import { launchChromium } from '../support/chromium.ts';
import { EmulatedWindowHost } from '../support/emulated-window-host.ts';
import { expectNothingLost, InertWindowHost, OS_USER, startRig, type Rig } from './rig.ts';

const [ADA, ALAN] = SANDBOX_FIXTURES.plain;
const instant = { random: () => 0.5, sleep: async () => undefined };

let browser: Browser;
let sandbox: Sandbox;
const rigs: Rig[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(async () => {
  sandbox.faults.clear();
  // The first rig owns the data folder (removed when it closes), so it closes last.
  for (const rig of rigs.splice(0).reverse()) await rig.close();
  await sandbox.close();
});

/** A fresh sandbox and services per case, so "every token Clerk minted" means this case's tokens. */
async function world(windowHost: WindowHost = new InertWindowHost(), endRetryDelay?: (attempt: number) => number): Promise<Rig> {
  sandbox = await startSandbox({ users: 20 });
  const rig = await startRig({ sandbox, windowHost, gateway: instant, endRetryDelay });
  rigs.push(rig);
  return rig;
}

/** The next start of the app on the same files: new services, then recovery. */
async function restart(previous: Rig, windowHost: WindowHost = new InertWindowHost()): Promise<Rig> {
  const rig = await startRig({ sandbox, windowHost, dataDir: previous.dataDir, gateway: instant, noOperator: true });
  rigs.push(rig);
  await rig.services.recover();
  return rig;
}

const history = (rig: Rig) => rig.ok<LedgerEntry[]>('ledger:query', { filter: {} });
const requestsTo = (route: string, from: number) => sandbox.requests.slice(from).filter((record) => record.route === route).length;
const token = (id: string) => sandbox.state.actorTokens().find((candidate) => candidate.id === id)!;
const eventsOf = (rig: Rig, id: string) => rig.services.ledger.eventsAfter(0, 10_000).filter((event) => event.entryId === id).map((event) => event.type);
const listed = async (rig: Rig, id: string) => (await rig.ok<ImpersonationView[]>('impersonation:list', {})).find((view) => view.id === id);

async function started(rig: Rig, userId: string = ADA!): Promise<ImpersonationView> {
  const result = await rig.startImpersonation(userId);
  if (!result.ok) throw new Error(`start failed: ${result.error.message}`);
  return result.value as ImpersonationView;
}

describe('minting while Clerk fails', () => {
  it('a server error is ambiguous: not retried, recorded as unknown, the operator told plainly', async () => {
    const rig = await world();
    const from = sandbox.requests.length;
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 500, times: 1 });
    const error = await rig.error('impersonation:start', { profileId: 'sandbox', userId: ADA, reason: 'SUP-1', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false });
    expect(error).toEqual({
      kind: 'ambiguous',
      message: 'Unclear whether Clerk managed to create the impersonation token: Clerk answered with a server error (status 500) before confirming. It was not retried, so nothing was done twice.',
    });
    expect(requestsTo('POST /actor_tokens', from)).toBe(1);
    expect(await history(rig)).toEqual([expect.objectContaining({ status: 'unknown', actorTokenId: null, error: error.message })]);
    expect(await rig.ok('impersonation:list', {})).toEqual([]);
    expect(sandbox.state.actorTokens()).toEqual([]);
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('a connection dropped after Clerk minted leaves a token whose id is unknown, covered by an unknown entry', async () => {
    const windows = new InertWindowHost();
    const rig = await world(windows);
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    expect(await rig.error('impersonation:start', { profileId: 'sandbox', userId: ADA, reason: 'SUP-2', tokenTtlSeconds: 300, sessionMaxSeconds: 900, readOnly: false })).toEqual({
      kind: 'ambiguous',
      message: 'Unclear whether Clerk managed to create the impersonation token: the connection to Clerk failed or was dropped before confirming. It was not retried, so nothing was done twice.',
    });
    const [minted] = sandbox.state.actorTokens();
    expect(minted).toMatchObject({ status: 'pending', userId: ADA });
    const [entry] = await history(rig);
    expect(entry).toMatchObject({ status: 'unknown', actorTokenId: null });
    // The history says until when such a link could be used: not before Clerk's own expiry.
    expect(entry!.tokenExpiresAt).toBeGreaterThanOrEqual(minted!.expiresAt - 1000);
    expect(windows.opened).toEqual([]);
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('"Check at Clerk" on an unknown entry finds the session its lost link created (by its reference) and ends it', async () => {
    const rig = await world();
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    await rig.error('impersonation:start', { profileId: 'sandbox', userId: ADA, reason: 'SUP-3', tokenTtlSeconds: 300, sessionMaxSeconds: 900, readOnly: false });
    const [entry] = await history(rig);
    expect(entry).toMatchObject({ status: 'unknown', actorTokenId: null });

    // Nothing used the link yet: nothing to end, the entry stays unknown (the link may still be used).
    const early = await rig.ok<UnknownCheck>('ledger:checkUnknown', { entryId: entry!.id });
    expect(early).toMatchObject({ outcome: 'open', sessionsEnded: 0, entry: { status: 'unknown' } });

    // Someone had the link after all (the answer was lost on the way, not the link).
    const [minted] = sandbox.state.actorTokens();
    await signInWithTicket(minted!.url, new CookieJar(), sandbox);
    const sessionId = sandbox.state.actorTokens()[0]!.sessionId!;
    expect(sandbox.state.session(sessionId)!.status).toBe('active');
    // Another impersonation of the same user by the same operator is not taken for it.
    const other = await started(rig);

    const check = await rig.ok<UnknownCheck>('ledger:checkUnknown', { entryId: entry!.id });
    expect(check).toMatchObject({ outcome: 'ended', sessionsEnded: 1, entry: { status: 'ended', sessionId, endedBy: { reason: 'operator', by: OS_USER } } });
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(rig.entry(entry!.id)).toMatchObject({ status: 'ended', sessionId });
    expect(rig.entry(other.id).status).toBe('pending');
    // Once settled it cannot be checked again.
    expect(await rig.error('ledger:checkUnknown', { entryId: entry!.id })).toMatchObject({ kind: 'conflict' });
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('a connection dropped before Clerk got it is ambiguous too, and nothing was minted', async () => {
    const rig = await world();
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', times: 1 });
    expect(await rig.error('impersonation:start', { profileId: 'sandbox', userId: ADA, reason: 'SUP-9', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toMatchObject({ kind: 'ambiguous' });
    expect(sandbox.state.actorTokens()).toEqual([]);
    expect(await history(rig)).toEqual([expect.objectContaining({ status: 'unknown' })]);
  });

  it('a 429 is a clean refusal: not retried, recorded as failed, with when to try again', async () => {
    const rig = await world();
    const from = sandbox.requests.length;
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
    expect(await rig.error('impersonation:start', { profileId: 'sandbox', userId: ADA, reason: 'SUP-9', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toEqual({
      kind: 'rate-limited', message: 'Clerk is limiting requests for this instance. Try again in 3 s.', retryAfterSeconds: 3,
    });
    expect(requestsTo('POST /actor_tokens', from)).toBe(1);
    expect(await history(rig)).toEqual([expect.objectContaining({ status: 'failed', endedAt: expect.any(Number) })]);
    // And once Clerk lets it, the same request works.
    expect((await started(rig)).phase).toBe('waiting');
  });
});

describe('ending before sign-in while Clerk fails (revoking the token)', () => {
  it('a server error keeps it ending, not ended; Retry tries again, and it is revoked only once Clerk answers', async () => {
    const rig = await world();
    const view = await started(rig);
    const tokenId = rig.entry(view.id).actorTokenId!;
    const from = sandbox.requests.length;
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 500 });
    const ended = await rig.ok<ImpersonationView>('impersonation:end', { id: view.id });
    const problem = 'Clerk had a server problem (status 500) while trying to revoke the impersonation token. Try again in a moment.';
    expect(ended).toMatchObject({ phase: 'ending', error: null, ending: { attempts: 1, problem, nextAttemptAt: expect.any(Number), clerkEndsBy: view.tokenExpiresAt + 900_000 } });
    expect(requestsTo('POST /actor_tokens/{actor_token_id}/revoke', from)).toBe(1); // a 5xx revoke is not repeated blindly
    expect(rig.entry(view.id)).toMatchObject({ status: 'ending', endedBy: { reason: 'operator', by: OS_USER }, endedAt: null });
    expect(rig.entry(view.id).error).toMatch(/^Not ended at Clerk yet \(attempt 1: Clerk had a server problem \(status 500\).*\); still trying\. Clerk ends it by itself by \d{4}-.+Z\.$/);
    expect(token(tokenId).status).toBe('pending');
    expectNothingLost(sandbox, await history(rig), expect);

    // Retry while Clerk is still down: another attempt, another line in the history, still ending.
    expect(await rig.ok('impersonation:retryEnd', { id: view.id })).toMatchObject({ phase: 'ending', ending: { attempts: 2 } });
    expect(token(tokenId).status).toBe('pending');

    sandbox.faults.clear();
    expect(await rig.ok('impersonation:retryEnd', { id: view.id })).toMatchObject({ phase: 'ended', ending: null, error: null });
    expect(token(tokenId).status).toBe('revoked');
    expect(rig.entry(view.id)).toMatchObject({
      status: 'revoked',
      endedBy: { reason: 'operator', by: OS_USER },
      error: `Ending at Clerk failed 2 times (last: ${problem}); Clerk confirmed it at attempt 3.`,
    });
    expect(eventsOf(rig, view.id)).toEqual(['started', 'minted', 'ending', 'end_retried', 'revoked']);
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('an end Clerk did not confirm survives a restart: the next start finishes it for whoever asked', async () => {
    const rig = await world();
    const view = await started(rig);
    const tokenId = rig.entry(view.id).actorTokenId!;
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'drop', afterHandling: true, times: 1 });
    const ended = await rig.ok<ImpersonationView>('impersonation:end', { id: view.id });
    expect(ended).toMatchObject({ phase: 'ending', ending: { problem: expect.stringContaining('Clerk is unreachable (the connection failed or was dropped) while trying to revoke the impersonation token.') } });
    // Conservative: revoked at Clerk, but unconfirmed, so still ending in the history.
    expect(token(tokenId).status).toBe('revoked');
    expect(rig.entry(view.id).status).toBe('ending');
    rig.crash();

    const next = await restart(rig);
    expect(next.entry(view.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator', by: OS_USER } });
    expect(eventsOf(next, view.id)).toEqual(['started', 'minted', 'ending', 'revoked']);
    expect(await listed(next, view.id)).toBeUndefined(); // nothing left to show as ending
    expectNothingLost(sandbox, await history(next), expect);
  });

  it('a leftover Clerk still does not answer at the next start is listed as ending and retried in the background', async () => {
    const rig = await world();
    const view = await started(rig);
    rig.crash();
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 503, times: 2 });
    const next = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir: rig.dataDir, gateway: instant, noOperator: true, endRetryDelay: () => 200 });
    rigs.push(next);
    await next.services.recover();
    // Recovery's attempt failed: still live, on the Active screen, and retried in the background.
    expect(await listed(next, view.id)).toMatchObject({ phase: 'ending', ending: { attempts: 1 } });
    expect(next.entry(view.id).status).toBe('ending');
    await next.waitForPhase(view.id, 'ended', 10_000);
    expect(next.entry(view.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'recovery', by: 'understudy' }, error: expect.stringMatching(/^Ending at Clerk failed 2 times \(last: Clerk had a server problem \(status 503\).*\); Clerk confirmed it at attempt 3\.$/) });
    expect(eventsOf(next, view.id)).toEqual(['started', 'minted', 'ending', 'end_retried', 'recovered']);
    expect(token(next.entry(view.id).actorTokenId!).status).toBe('revoked');
  });

  it('a 429 on revoke is retried and the impersonation ends normally', async () => {
    const rig = await world();
    const view = await started(rig);
    const from = sandbox.requests.length;
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
    expect(await rig.ok('impersonation:end', { id: view.id })).toMatchObject({ phase: 'ended', error: null });
    expect(requestsTo('POST /actor_tokens/{actor_token_id}/revoke', from)).toBe(3);
    expect(rig.sleeps).toEqual([1000, 1000]);
    expect(rig.entry(view.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator', by: OS_USER } });
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('revoking a leftover from the history reports Clerk’s failure and works once Clerk is back', async () => {
    const rig = await world();
    const view = await started(rig);
    // Understudy stopped without ending it; the next start has not recovered yet.
    rig.crash();
    const next = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir: rig.dataDir, gateway: instant, noOperator: true });
    rigs.push(next);
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 503 });
    expect(await next.error('ledger:revokeToken', { entryId: view.id })).toEqual({
      kind: 'network', message: 'Clerk had a server problem (status 503) while trying to revoke the impersonation token. Try again in a moment.',
    });
    expect(next.entry(view.id).status).toBe('pending');
    sandbox.faults.clear();
    expect(await next.ok('ledger:revokeToken', { entryId: view.id })).toMatchObject({ status: 'revoked', endedBy: { reason: 'revoked-token', by: OS_USER } });
    expectNothingLost(sandbox, await history(next), expect);
  });
});

describe('ending a signed-in impersonation while Clerk fails (revoking the session)', () => {
  async function signedIn(rig: Rig, host: EmulatedWindowHost) {
    const view = await started(rig);
    await rig.waitForPhase(view.id, 'signed-in');
    return { view, sessionId: rig.entry(view.id).sessionId!, window: host.window(view.id) };
  }

  it('server errors are retried and the session ends', async () => {
    const host = new EmulatedWindowHost();
    const rig = await world(host);
    const { view, sessionId } = await signedIn(rig, host);
    const from = sandbox.requests.length;
    sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'status', status: 503, times: 2 });
    expect(await rig.ok('impersonation:end', { id: view.id })).toMatchObject({ phase: 'ended', error: null });
    expect(requestsTo('POST /sessions/{session_id}/revoke', from)).toBe(3);
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(rig.entry(view.id)).toMatchObject({ status: 'ended', sessionId });
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('a connection dropped after Clerk revoked is retried safely: the repeat finds it revoked', async () => {
    const host = new EmulatedWindowHost();
    const rig = await world(host);
    const { view, sessionId } = await signedIn(rig, host);
    sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'drop', afterHandling: true, times: 1 });
    expect(await rig.ok('impersonation:end', { id: view.id })).toMatchObject({ phase: 'ended', error: null });
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(rig.entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'operator', by: OS_USER } });
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('with Clerk down the window is still wiped and closed, the entry stays ending, and background retries end it once Clerk answers', async () => {
    const host = new EmulatedWindowHost();
    const rig = await world(host, () => 300);
    const { view, sessionId, window } = await signedIn(rig, host);
    sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'status', status: 500 });
    const ended = await rig.ok<ImpersonationView>('impersonation:end', { id: view.id });
    expect(ended).toMatchObject({
      phase: 'ending',
      ending: { attempts: 1, problem: 'Clerk had a server problem (status 500) while trying to end the session. Try again in a moment.', clerkEndsBy: ended.sessionExpiresAt },
    });
    expect(window.clearedCount).toBe(1);
    expect(window.isClosed()).toBe(true);
    expect(rig.entry(view.id)).toMatchObject({ status: 'ending', sessionId, endedBy: { reason: 'operator', by: OS_USER } });
    expect(sandbox.state.session(sessionId)!.status).toBe('active');
    expectNothingLost(sandbox, await history(rig), expect);

    // In the background, with backoff: at least one more attempt fails while Clerk is down…
    await vi.waitFor(async () => expect((await listed(rig, view.id))!.ending!.attempts).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
    expect((await listed(rig, view.id))!.phase).toBe('ending');
    expect(sandbox.state.session(sessionId)!.status).toBe('active');
    // …and once Clerk answers, it is ended, and only then.
    sandbox.faults.clear();
    await rig.waitForPhase(view.id, 'ended', 10_000);
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(rig.entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'operator', by: OS_USER }, error: expect.stringMatching(/^Ending at Clerk failed \d+ times \(last: Clerk had a server problem \(status 500\).*\); Clerk confirmed it at attempt \d+\.$/) });
    const types = eventsOf(rig, view.id);
    expect(types.slice(0, 4)).toEqual(['started', 'minted', 'signed_in', 'ending']);
    expect(types.at(-1)).toBe('ended');
    expect(types.slice(4, -1).every((type) => type === 'end_retried') && types.length >= 6).toBe(true);
    expectNothingLost(sandbox, await history(rig), expect);
  });
});

/** A window host standing in for a crash: open() throws, or never returns (the process died there). */
class BrokenWindowHost implements WindowHost {
  readonly inner: WindowHost;
  readonly mode: 'throw' | 'die-before-load' | 'die-after-load';
  constructor(mode: BrokenWindowHost['mode'], inner: WindowHost = new InertWindowHost()) {
    this.mode = mode;
    this.inner = inner;
  }
  open(spec: WindowSpec, _events: WindowEvents) {
    if (this.mode === 'throw') return Promise.reject(new Error('GPU process crashed'));
    // After loading, the window signs in at Clerk, but its events reach no one: main is gone.
    if (this.mode === 'die-after-load') void this.inner.open(spec, { onEndRequested: () => undefined, onClosed: () => undefined });
    return new Promise<never>(() => undefined);
  }
  workArea() {
    return this.inner.workArea();
  }
}

describe('a crash between mint and window', () => {
  it('a window that cannot open: the link is revoked and the operator told', async () => {
    const rig = await world(new BrokenWindowHost('throw'));
    const view = rig.startImpersonation(ADA!);
    expect(await view).toEqual({ ok: false, error: { kind: 'internal', message: 'The impersonation window could not be opened. The sign-in link was revoked.' } });
    const [entry] = await history(rig);
    expect(entry).toMatchObject({ status: 'failed', error: 'The impersonation window could not be opened.', endedBy: { reason: 'open-failed', by: 'understudy' } });
    expect(token(entry!.actorTokenId!).status).toBe('revoked');
    expect(rig.logLines.some((line) => line.startsWith('warn The impersonation window could not be opened'))).toBe(true);
    expectNothingLost(sandbox, await history(rig), expect);
  });

  it('a window that cannot open while Clerk is down: the link stays ending, listed, and is revoked at the next start', async () => {
    const rig = await world(new BrokenWindowHost('throw'));
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 502 });
    expect(await rig.error('impersonation:start', { profileId: 'sandbox', userId: ALAN, reason: 'SUP-9', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toEqual({
      kind: 'internal',
      message: 'The impersonation window could not be opened. Revoking the sign-in link at Clerk failed too; Understudy keeps retrying (the Active screen shows it).',
    });
    const [entry] = await history(rig);
    expect(entry).toMatchObject({ status: 'ending', endedBy: { reason: 'open-failed' } });
    expect(await listed(rig, entry!.id)).toMatchObject({ phase: 'ending', ending: { attempts: 1 } });
    expect(token(entry!.actorTokenId!).status).toBe('pending');
    expectNothingLost(sandbox, await history(rig), expect);

    sandbox.faults.clear();
    rig.crash();
    const next = await restart(rig);
    expect(next.entry(entry!.id)).toMatchObject({ status: 'failed', endedBy: { reason: 'open-failed' }, error: 'The impersonation window could not be opened.' });
    expect(token(entry!.actorTokenId!).status).toBe('revoked');
  });

  it('the process dies before the window loads: the history has the token, and the next start revokes it', async () => {
    const rig = await world(new BrokenWindowHost('die-before-load'));
    void rig.startImpersonation(ADA!);
    await vi.waitFor(() => expect(rig.services.ledger.query({})).toEqual([expect.objectContaining({ status: 'pending', actorTokenId: expect.stringMatching(/^act_/) })]), { timeout: 5000, interval: 20 });
    const entry = rig.services.ledger.query({})[0]!;
    expect(token(entry.actorTokenId!).status).toBe('pending');
    expectNothingLost(sandbox, [entry], expect);
    rig.crash();

    const next = await restart(rig);
    expect(next.entry(entry.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'recovery', by: 'understudy' } });
    expect(token(entry.actorTokenId!).status).toBe('revoked');
    expectNothingLost(sandbox, await history(next), expect);
  });

  it('the process dies after the window signed in, before the history knew: the next start ends the session', async () => {
    const inner = new EmulatedWindowHost();
    const rig = await world(new BrokenWindowHost('die-after-load', inner));
    void rig.startImpersonation(ADA!);
    await vi.waitFor(() => expect(inner.all()).toHaveLength(1), { timeout: 10_000, interval: 20 });
    // The orphaned window (had it survived its process) shows the customer signed in.
    const orphan = inner.all()[0]!;
    await orphan.page.getByTestId('subject-id').waitFor({ timeout: 10_000 });
    expect(await orphan.page.getByTestId('subject-id').textContent()).toBe(ADA);
    const minted = sandbox.state.actorTokens()[0]!;
    expect(minted.status).toBe('accepted');
    const [entry] = rig.services.ledger.query({});
    expect(entry).toMatchObject({ status: 'pending', actorTokenId: minted.id, sessionId: null });
    expect(sandbox.state.session(minted.sessionId!)!.status).toBe('active');
    rig.crash();

    const next = await restart(rig);
    expect(next.entry(entry!.id)).toMatchObject({ status: 'ended', sessionId: minted.sessionId, endedBy: { reason: 'recovery' } });
    expect(sandbox.state.session(minted.sessionId!)!.status).toBe('revoked');
    expectNothingLost(sandbox, await history(next), expect);
    // And now it shows the customer app signed out.
    await orphan.page.reload();
    // 'revoked' when the reload carries the old token; 'no-session' when the page's own script already
    // saw its token refresh refused and cleared `__session` first, as clerk-js does. Signed out either way.
    expect(['revoked', 'no-session']).toContain(await orphan.page.getByTestId('signed-out').getAttribute('data-reason'));
    await orphan.close();
  });
});

// Clerk allows 5 sign-in attempts per 10 s per IP; the sandbox enforces it with 429 + Retry-After.
describe('window openings paced within Clerk’s sign-in limit', () => {
  it('queues the starts beyond five in ten seconds, lists them as queued, and signs all seven in without a 429', async () => {
    const rig = await world(new EmulatedWindowHost());
    const page = await rig.ok<UserPage>('users:search', { profileId: 'sandbox', query: '', limit: 30, offset: 0 });
    const subjects = page.users.filter((user) => !user.protection.protected && !user.locked).slice(0, 7);
    expect(subjects).toHaveLength(7);
    const queued = new Set<string>();
    const off = rig.services.orchestrator.onChange((views) => {
      for (const view of views) if (view.queued !== null) queued.add(view.id);
    });
    const started = await Promise.all(subjects.map((user) => rig.startImpersonation(user.id)));
    off();
    for (const result of started) expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    const views = started.map((result) => (result as { ok: true; value: ImpersonationView }).value);
    // Exactly the two beyond the limit were listed as queued before their windows opened.
    expect(queued.size).toBe(2);
    await Promise.all(views.map((view) => rig.waitForPhase(view.id, 'signed-in', 60_000)));
    const signIns = sandbox.pageRequests.filter((record) => record.server === 'frontend-api' && record.method === 'POST' && record.path === '/v1/client/sign_ins');
    expect(signIns.map((record) => record.status)).toEqual(Array.from({ length: 7 }, () => 200));
    for (const view of views) expect(rig.entry(view.id).status).toBe('accepted');
    expectNothingLost(sandbox, await history(rig), expect);
  }, 120_000);
});
