// Quitting with impersonations open (services.shutdown(), what the app runs on before-quit): every
// live session is revoked at Clerk and every unused link revoked, windows wiped and closed, the
// history says app-quit. With Clerk down at that moment, quitting still finishes, nothing is
// forgotten, and the next start ends what was left.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImpersonationView, LedgerEntry } from '../../src/shared/domain.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { EmulatedWindowHost } from '../support/emulated-window-host.ts';
import { expectNothingLost, InertWindowHost, OS_USER, startRig, type Rig } from './rig.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain;
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
  for (const rig of rigs.splice(0).reverse()) await rig.close();
  await sandbox.close();
});

/** Two signed-in impersonations and one whose window has not loaded its link yet. */
async function threeOpen() {
  sandbox = await startSandbox({ users: 20 });
  const host = new EmulatedWindowHost();
  const rig = await startRig({ sandbox, windowHost: host, gateway: instant });
  rigs.push(rig);
  const start = async (userId: string) => {
    const result = await rig.startImpersonation(userId);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as ImpersonationView;
  };
  const signedIn = await Promise.all([start(ADA!), start(ALAN!)]);
  await Promise.all(signedIn.map((view) => rig.waitForPhase(view.id, 'signed-in')));
  host.beforeTicket = () => new Promise<void>(() => undefined);
  const waiting = await start(KATHERINE!);
  const sessions = signedIn.map((view) => rig.entry(view.id).sessionId!);
  return { rig, host, signedIn, waiting, sessions, tokenOfWaiting: rig.entry(waiting.id).actorTokenId! };
}

const history = (rig: Rig) => rig.ok<LedgerEntry[]>('ledger:query', { filter: {} });

describe('quitting with impersonations open', () => {
  it('revokes every session and link at Clerk, wipes every window, and records app-quit', async () => {
    const { rig, host, signedIn, waiting, sessions, tokenOfWaiting } = await threeOpen();
    await rig.services.shutdown();

    for (const sessionId of sessions) expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(sandbox.state.actorTokens().find((token) => token.id === tokenOfWaiting)!.status).toBe('revoked');
    for (const view of signedIn) expect(rig.entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'app-quit', by: OS_USER }, error: null });
    expect(rig.entry(waiting.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'app-quit', by: OS_USER } });
    for (const window of host.all()) {
      expect(window.clearedCount).toBe(1);
      expect(window.isClosed()).toBe(true);
    }
    expect(sandbox.state.sessions().filter((session) => session.actor && session.status === 'active')).toEqual([]);
    expectNothingLost(sandbox, await history(rig), expect);

    // Nothing is left for the next start to do.
    const next = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir: rig.dataDir, noOperator: true });
    rigs.push(next);
    const before = sandbox.requests.length;
    await next.services.recover();
    expect(sandbox.requests.length).toBe(before);
    expect(next.services.ledger.live()).toEqual([]);
  }, 40_000);

  it('with Clerk down it still finishes, keeps what Clerk did not confirm ending, and the next start ends it', async () => {
    const { rig, host, signedIn, waiting, sessions, tokenOfWaiting } = await threeOpen();
    sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'status', status: 503 });
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'drop' });
    const from = sandbox.requests.length;
    await rig.services.shutdown();
    // Bounded: four attempts per session (then one look at each), one per unused link; no endless retry.
    const asked = sandbox.requests.slice(from);
    expect(asked.filter((record) => record.route === 'POST /sessions/{session_id}/revoke')).toHaveLength(8);
    expect(asked.filter((record) => record.route === 'GET /sessions/{session_id}')).toHaveLength(2);
    expect(asked.filter((record) => record.route === 'POST /actor_tokens/{actor_token_id}/revoke')).toHaveLength(1);

    // Locally everything is gone: no window, no partition data.
    for (const window of host.all()) {
      expect(window.clearedCount).toBe(1);
      expect(window.isClosed()).toBe(true);
    }
    // The history keeps them ending, with what happened in plain words.
    for (const view of signedIn) {
      expect(rig.entry(view.id)).toMatchObject({
        status: 'ending',
        endedBy: { reason: 'app-quit', by: OS_USER },
        error: expect.stringMatching(/^Not ended at Clerk yet \(attempt 1: Clerk had a server problem \(status 503\) while trying to end the session\. Try again in a moment\.\); still trying\. Clerk ends it by itself by /),
      });
    }
    expect(rig.entry(waiting.id)).toMatchObject({ status: 'ending', error: expect.stringMatching(/^Not ended at Clerk yet \(attempt 1: Clerk is unreachable/) });
    for (const sessionId of sessions) expect(sandbox.state.session(sessionId)!.status).toBe('active');
    expectNothingLost(sandbox, await history(rig), expect);

    sandbox.faults.clear();
    const next = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir: rig.dataDir, gateway: instant, noOperator: true });
    rigs.push(next);
    await next.services.recover();
    for (const sessionId of sessions) expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(sandbox.state.actorTokens().find((token) => token.id === tokenOfWaiting)!.status).toBe('revoked');
    // Finished on behalf of whoever asked (quitting), once Clerk confirmed it.
    for (const view of signedIn) expect(next.entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'app-quit', by: OS_USER } });
    expect(next.entry(waiting.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'app-quit', by: OS_USER } });
    expect(next.services.ledger.live()).toEqual([]);
    expectNothingLost(sandbox, await history(next), expect);
  }, 40_000);
});
