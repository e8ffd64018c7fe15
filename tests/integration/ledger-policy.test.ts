// The IT-managed policy through the services and the console's calls: an invalid policy blocks
// impersonation, a valid one tightens and locks settings, local changes may only be stricter, and
// every policy change (IT's between starts, the agent's in the console) is in the history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrgPolicy, OrgPolicyState } from '../../src/main/policy/org-policy.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { AppState, HistoryEvent, Profile } from '../../src/shared/domain.ts';
import { InertWindowHost, OS_USER, startRig, type Rig } from '../fault/rig.ts';

let sandbox: Sandbox;
let dataDir: string;
let rig: Rig | null = null;
beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
});
afterAll(() => sandbox?.close());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-policy-'));
});
afterEach(async () => {
  await rig?.close();
  rig = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(orgPolicy: OrgPolicyState) {
  await rig?.close();
  rig = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir, orgPolicy });
  return rig;
}
const set = (policy: OrgPolicy): OrgPolicyState => ({ state: 'set', source: '/etc/understudy/policy.json', policy });
const startRequest = (over: Record<string, unknown> = {}) => ({
  profileId: 'sandbox', userId: SANDBOX_FIXTURES.plain[0], reason: 'SUP-7', tokenTtlSeconds: 300, sessionMaxSeconds: 900, readOnly: false, ...over,
});
const policyEvents = (r: Rig) => r.services.ledger.eventsAfter(0).filter((e: HistoryEvent) => e.type === 'policy_changed');
const sandboxProfile = async (r: Rig) => (await r.ok<AppState>('app:getState', {})).profiles.find((p) => p.id === 'sandbox')!;

describe('IT-managed policy', () => {
  it('an invalid policy blocks impersonation with a clear message, and is recorded', async () => {
    const r = await start({ state: 'invalid', source: '/etc/understudy/policy.json', problem: 'maxSessionSeconds: Too small' });
    const state = await r.ok<AppState>('app:getState', {});
    expect(state.notices).toContain(
      "Impersonation is blocked: your organisation's policy (/etc/understudy/policy.json) is invalid — maxSessionSeconds: Too small. Ask IT to fix it.",
    );
    expect(await r.call('impersonation:start', startRequest())).toEqual({
      ok: false,
      error: {
        kind: 'policy',
        message: "Impersonation is blocked: your organisation's policy (/etc/understudy/policy.json) is invalid — maxSessionSeconds: Too small. Ask IT to fix it; Understudy does not fall back to local settings.",
      },
    });
    expect(sandbox.state.actorTokens()).toHaveLength(0);
    expect(policyEvents(r).map((e) => e.data)).toEqual([
      { source: 'organisation', from: '/etc/understudy/policy.json', observedBy: OS_USER, before: null, after: { invalid: 'maxSessionSeconds: Too small' } },
    ]);
  });

  it('tightens and locks what it sets; local changes may only be stricter and are recorded with before and after', async () => {
    const tokensBefore = sandbox.state.actorTokens().length;
    const r = await start(set({ maxTokenTtlSeconds: 300, requireReason: true }));
    const profile = await sandboxProfile(r);
    expect(profile.policy).toMatchObject({ maxTokenTtlSeconds: 300, requireReason: true });
    expect(profile.org).toEqual({ source: '/etc/understudy/policy.json', locked: ['requireReason', 'maxTokenTtlSeconds'], refusal: null, appOrigins: null });

    expect(await r.call('impersonation:start', startRequest({ tokenTtlSeconds: 600 }))).toMatchObject({ ok: false, error: { kind: 'policy', message: expect.stringContaining('at most 5 minutes') } });
    expect(await r.call('impersonation:start', startRequest({ reason: '' }))).toMatchObject({ ok: false, error: { kind: 'policy', message: expect.stringContaining('reason') } });
    expect(sandbox.state.actorTokens().length).toBe(tokensBefore);

    const looser = { ...profile.policy, maxTokenTtlSeconds: 900 };
    expect(await r.call('profiles:setPolicy', { profileId: 'sandbox', policy: looser })).toEqual({
      ok: false, error: { kind: 'policy', message: 'Set by your organisation: sign-in links last at most 300 s.' },
    });
    const stricter = { ...profile.policy, maxTokenTtlSeconds: 120 };
    const changed = await r.ok<Profile>('profiles:setPolicy', { profileId: 'sandbox', policy: stricter });
    expect(changed.policy.maxTokenTtlSeconds).toBe(120);
    const local = policyEvents(r).filter((e) => e.data.source === 'local');
    expect(local).toHaveLength(1);
    expect(local[0]!.data).toMatchObject({ profileId: 'sandbox', by: OS_USER, before: { maxTokenTtlSeconds: 300 }, after: { maxTokenTtlSeconds: 120 } });
  });

  it('refuses, through the IPC contract, every way of loosening a locked rule; a locked rule sent back as shown keeps the local value', async () => {
    const r = await start(set({ requireReason: true, protectBanned: true, maxSessionSeconds: 600, protectedRoles: ['owner'] }));
    const shown = (await sandboxProfile(r)).policy;
    expect(shown).toMatchObject({ requireReason: true, protectBanned: true, maxSessionSeconds: 600, protectedRoles: ['admin', 'owner'] });
    const attempts: [Partial<Profile['policy']>, string][] = [
      [{ requireReason: false }, 'a reason is required'],
      [{ protectBanned: false }, 'banned users are protected'],
      [{ maxSessionSeconds: 601 }, 'sessions last at most 600 s'],
      [{ protectedRoles: ['admin'] }, 'the roles owner are protected'],
    ];
    for (const [change, why] of attempts) {
      expect(await r.call('profiles:setPolicy', { profileId: 'sandbox', policy: { ...shown, ...change } })).toEqual({ ok: false, error: { kind: 'policy', message: `Set by your organisation: ${why}.` } });
    }
    expect((await sandboxProfile(r)).policy).toEqual(shown);
    expect(policyEvents(r).filter((e) => e.data.source === 'local')).toEqual([]);

    // The console sends the locked rules back as it showed them, with one unlocked change.
    await r.ok<Profile>('profiles:setPolicy', { profileId: 'sandbox', policy: { ...shown, maxTokenTtlSeconds: 240 } });
    // Without the organisation's policy, the local rules are what they were: its bounds were not copied in.
    const after = await sandboxProfile(await start({ state: 'none' }));
    expect(after.org).toBeUndefined();
    expect(after.policy).toMatchObject({ maxTokenTtlSeconds: 240, protectedRoles: ['admin'], maxSessionSeconds: 1800 });
  });

  it('records a development instance’s app address changes with before and after, within the bound IT set', async () => {
    const r = await start(set({ appOrigins: ['http://preview.acme.test', 'http://qa.acme.test'] }));
    const added = await r.ok<Profile>('profiles:add', { name: 'Acme dev', secretKey: sandbox.secretKey });
    expect(added).toMatchObject({ production: false, appOrigins: [], org: { appOrigins: ['http://preview.acme.test', 'http://qa.acme.test'] } });

    expect(await r.call('profiles:setAppOrigins', { profileId: added.id, appOrigins: ['http://dev-box.internal:3000'] })).toMatchObject({
      ok: false,
      error: { kind: 'policy', issues: [{ path: 'appOrigins.0', message: expect.stringMatching(/^Set by your organisation: http:\/\/dev-box\.internal:3000 cannot be listed/) }] },
    });
    await r.ok<Profile>('profiles:setAppOrigins', { profileId: added.id, appOrigins: ['HTTP://preview.acme.test/'] });
    await r.ok<Profile>('profiles:setAppOrigins', { profileId: added.id, appOrigins: ['http://preview.acme.test'] }); // no difference: nothing recorded
    await r.ok<Profile>('profiles:setAppOrigins', { profileId: added.id, appOrigins: ['http://preview.acme.test', 'http://qa.acme.test'] });

    const local = policyEvents(r).filter((e) => e.data.source === 'local');
    expect(local.map((e) => e.data)).toEqual([
      expect.objectContaining({ profileId: added.id, profileName: 'Acme dev', by: OS_USER, before: { appOrigins: [] }, after: { appOrigins: ['http://preview.acme.test'] } }),
      expect.objectContaining({ before: { appOrigins: ['http://preview.acme.test'] }, after: { appOrigins: ['http://preview.acme.test', 'http://qa.acme.test'] } }),
    ]);
    const { changes } = await r.ok<{ changes: { changes: unknown[] }[] }>('ledger:policyChanges', { filter: { profileId: added.id }, offset: 0, limit: 10 });
    expect(changes[0]!.changes).toEqual([{ key: 'appOrigins', before: ['http://preview.acme.test'], after: ['http://preview.acme.test', 'http://qa.acme.test'] }]);
  });

  it('records what IT changed between two starts, once', async () => {
    await start(set({ maxSessionSeconds: 900 }));
    await start(set({ maxSessionSeconds: 900 })); // unchanged: nothing new
    const r = await start(set({ maxSessionSeconds: 600, allowedInstances: ['sk_live_…zzzz'] }));
    const org = policyEvents(r).filter((e) => e.data.source === 'organisation');
    expect(org.map((e) => [e.data.before, e.data.after])).toEqual([
      [null, { maxSessionSeconds: 900 }],
      [{ maxSessionSeconds: 900 }, { maxSessionSeconds: 600, allowedInstances: ['sk_live_…zzzz'] }],
    ]);
    // The instance is not on the allowed list: refused before anything is asked of Clerk.
    expect(await r.call('impersonation:start', startRequest())).toMatchObject({ ok: false, error: { kind: 'policy', message: expect.stringMatching(/^Your organisation does not allow impersonation on “.+” \(sk_test_…[A-Za-z0-9_-]{4}\)\.$/) } });
    expect((await r.ok<{ intact: boolean }>('ledger:verify', {})).intact).toBe(true);
  });
});
