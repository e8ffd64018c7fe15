// "Check with Clerk" through the services and the IPC contract, against the sandbox's Backend API.
// Sessions are made the way they happen: Understudy's own impersonation (its ticket consumed as a
// browser would), actor tokens minted outside Understudy with @clerk/backend (the Dashboard, the
// CLI) and consumed the same way, and history states recorded through the ledger's own API.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/main/ledger/ledger.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { ClerkCheckProgress, ClerkCheckReport, ImpersonationView } from '../../src/shared/domain.ts';
import { InertWindowHost, OS_USER, startRig, type Rig } from '../fault/rig.ts';
import { consumeTicket, foreignSession, recordedEntry } from '../support/clerk-sessions.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain as [string, string, string];
const OPERATOR = SANDBOX_FIXTURES.operator;

let sandbox: Sandbox;
let rig: Rig;
let windows: InertWindowHost;
beforeAll(async () => {
  sandbox = await startSandbox({ users: 30 });
});
afterAll(() => sandbox?.close());
beforeEach(async () => {
  windows = new InertWindowHost();
  rig = await startRig({ sandbox, windowHost: windows });
});
afterEach(async () => {
  sandbox.faults.clear();
  await rig?.close();
});

const consume = (url: string) => consumeTicket(sandbox, url);
const foreign = (userId: string) => foreignSession(sandbox, userId, { sub: 'user_2sbxDashboardAdmin000000000' });
const recorded = (ledger: Ledger, userId: string, then: 'unknown' | 'ended', session: boolean) => recordedEntry(sandbox, ledger, { userId, userName: userId, osUser: OS_USER, then, session });

const sessionLists = () => sandbox.requests.filter((request) => request.route === 'GET /sessions');

describe('Check with Clerk', () => {
  it('reports foreign impersonations, sessions live after the history ended them, and unknown outcomes; ends only what it reported', async () => {
    const from = Date.now() - 1000;
    // 1. Understudy's own impersonation of Ada, signed in and ended properly: nothing to report.
    const started = await rig.startImpersonation(ADA);
    expect(started.ok).toBe(true);
    const own = (started as { value: ImpersonationView }).value;
    const ownSession = await consume(windows.opened[0]!.ticketUrl);
    await rig.ok('impersonation:end', { id: own.id });
    expect(rig.entry(own.id)).toMatchObject({ status: 'ended', sessionId: ownSession });
    expect(sandbox.state.session(ownSession)?.status).toBe('revoked');
    // 2. Alan: the history says ended, Clerk still has the session.
    const stray = await recorded(rig.services.ledger, ALAN, 'ended', true);
    // 3. Katherine: two unknown outcomes, one whose token was used after all.
    const lost = await recorded(rig.services.ledger, KATHERINE, 'unknown', false);
    const usedAnyway = await recorded(rig.services.ledger, KATHERINE, 'unknown', true);
    // 4. Someone impersonated Ada from the Dashboard; and a user Understudy never touched.
    const dashboard = await foreign(ADA);
    const untouched = sandbox.state.users.find((user) => ![ADA, ALAN, KATHERINE, OPERATOR].includes(user.id) && !user.banned)!;
    const elsewhere = await foreign(untouched.id);

    const listsBefore = sessionLists().length;
    const report = await rig.ok<ClerkCheckReport>('clerk:check', { from, to: Date.now() });

    expect(report).toMatchObject({ entries: 4, subjects: 3, checkedSubjects: 3, complete: true, problems: [] });
    expect(report.foreign.map((session) => [session.subject.id, session.sessionId, session.status, session.actor])).toEqual([
      [ADA, dashboard, 'active', { sub: 'user_2sbxDashboardAdmin000000000' }],
    ]);
    // Only the users the period's history names are asked about: the untouched user's session is not looked for.
    expect(report.foreign.some((session) => session.sessionId === elsewhere)).toBe(false);
    const byUser = (a: { subject: { id: string } }, b: { subject: { id: string } }) => a.subject.id.localeCompare(b.subject.id);
    expect([...report.stillActive].sort(byUser).map((session) => [session.subject.id, session.sessionId, session.entryId, session.entryStatus, session.status])).toEqual(
      [
        [ALAN, stray.sessionId, stray.entry.id, 'ended', 'active'],
        [KATHERINE, usedAnyway.sessionId, usedAnyway.entry.id, 'unknown', 'active'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(Object.fromEntries(report.unknownOutcome.map((entry) => [entry.entryId, entry.sessions]))).toEqual({
      [lost.entry.id]: [],
      [usedAnyway.entry.id]: [{ id: usedAnyway.sessionId, status: 'active' }],
    });

    // One Backend API list per user, one after the other (each answered before the next was asked).
    const lists = sessionLists().slice(listsBefore);
    expect(lists.map((request) => request.query['user_id']).sort()).toEqual([ADA, ALAN, KATHERINE].sort());
    for (let i = 1; i < lists.length; i++) expect(lists[i]!.time).toBeGreaterThanOrEqual(lists[i - 1]!.time + lists[i - 1]!.durationMs);
    // Honest progress: 0 of 3, then each user as it is done.
    const progress = rig.emitted.filter((event) => event.event === 'clerk:checkProgress').map((event) => event.payload as ClerkCheckProgress);
    expect(progress.map(({ done, total }) => `${done}/${total}`)).toEqual(['0/3', '1/3', '2/3', '3/3']);
    expect(new Set(progress.map((event) => event.checkId))).toEqual(new Set([report.id]));

    // The check is in the history.
    const checked = rig.services.ledger.eventsAfter(0).filter((event) => event.type === 'clerk_checked');
    expect(checked.map((event) => event.data)).toEqual([
      expect.objectContaining({ action: 'checked', checkId: report.id, by: OS_USER, entries: 4, users: 3, usersChecked: 3, foreignSessions: [dashboard], unknownOutcomes: expect.arrayContaining([lost.entry.id, usedAnyway.entry.id]) }),
    ]);

    // Ending: only a session the report found live after its impersonation ended, confirmed by Clerk.
    expect(await rig.error('clerk:endSession', { checkId: report.id, sessionId: dashboard })).toMatchObject({ kind: 'not-found' });
    expect(sandbox.state.session(dashboard)?.status).toBe('active');
    const after = await rig.ok<ClerkCheckReport>('clerk:endSession', { checkId: report.id, sessionId: stray.sessionId });
    expect(sandbox.state.session(stray.sessionId!)?.status).toBe('revoked');
    expect(after.stillActive.find((session) => session.sessionId === stray.sessionId)).toMatchObject({ status: 'revoked', endedAt: expect.any(Number) });
    expect(rig.services.ledger.eventsAfter(0).filter((event) => event.type === 'clerk_checked').at(-1)?.data).toEqual({
      action: 'ended_session', checkId: report.id, by: OS_USER, entryId: stray.entry.id, sessionId: stray.sessionId, status: 'revoked',
    });
    expect((await rig.ok<{ intact: boolean }>('ledger:verify', {})).intact).toBe(true);

    // A later check no longer finds it.
    const again = await rig.ok<ClerkCheckReport>('clerk:check', { from, to: Date.now() });
    expect(again.stillActive.map((session) => session.sessionId)).toEqual([usedAnyway.sessionId]);
    expect(await rig.error('clerk:endSession', { checkId: report.id, sessionId: usedAnyway.sessionId })).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/no longer the latest/) });
  });

  it('stops when Clerk keeps limiting requests, and says who was not checked', async () => {
    const from = Date.now() - 1000;
    await recorded(rig.services.ledger, ADA, 'unknown', false);
    await recorded(rig.services.ledger, ALAN, 'unknown', false);
    // Longer than the gateway waits for: every list is refused.
    sandbox.faults.inject({ route: 'GET /sessions', kind: 'status', status: 429, retryAfterSeconds: 3600 });
    const report = await rig.ok<ClerkCheckReport>('clerk:check', { from, to: Date.now() });
    expect(report).toMatchObject({ subjects: 2, checkedSubjects: 0, complete: false });
    expect(report.problems).toEqual([expect.stringMatching(/was not checked: .*limit/i), '1 more user(s) were not asked about because Clerk is limiting requests. Run the check again later.']);
    // Still recorded, problems included.
    const event = rig.services.ledger.eventsAfter(0).filter((candidate) => candidate.type === 'clerk_checked').at(-1);
    expect(event?.data).toMatchObject({ action: 'checked', usersChecked: 0, problems: report.problems });
  });

  it('refuses a second check while one runs, and a period that ends before it starts', async () => {
    await recorded(rig.services.ledger, ADA, 'unknown', false);
    sandbox.faults.inject({ route: 'GET /sessions', kind: 'latency', ms: 300, times: 1 });
    const first = rig.call('clerk:check', { from: 0, to: Date.now() });
    expect(await rig.error('clerk:check', { from: 0, to: Date.now() })).toMatchObject({ kind: 'conflict' });
    expect((await first).ok).toBe(true);
    expect(await rig.error('clerk:check', { from: 10, to: 5 })).toMatchObject({ kind: 'invalid-input' });
  });
});
