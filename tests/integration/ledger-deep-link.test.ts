// A helpdesk deep link through the services: the console is asked to open the impersonate dialog
// filled in, nothing is started or minted, and unknown instances or users are explained.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { AppState } from '../../src/shared/domain.ts';
import { InertWindowHost, startRig, type Rig } from '../fault/rig.ts';

let sandbox: Sandbox;
let rig: Rig | null = null;
beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
});
afterAll(() => sandbox?.close());
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('deep links', () => {
  it('fills in the impersonate dialog and starts nothing', async () => {
    rig = await startRig({ sandbox, windowHost: new InertWindowHost() });
    const state = await rig.ok<AppState>('app:getState', {});
    const profile = state.profiles.find((p) => p.id === 'sandbox')!;
    const userId = SANDBOX_FIXTURES.plain[0]!;
    const user = await rig.ok<{ name: string }>('users:get', { profileId: 'sandbox', userId });
    const tokens = sandbox.state.actorTokens().length;
    const history = rig.services.ledger.size;

    await rig.services.openDeepLink(`understudy://impersonate?instance=${encodeURIComponent(profile.keyHint)}&user=${userId}&ticket=SUP-77`);
    expect(rig.emitted.filter((e) => e.event === 'deepLink:impersonate').map((e) => e.payload)).toEqual([
      { profileId: 'sandbox', userId, userName: user.name, reason: 'SUP-77' },
    ]);
    expect(sandbox.state.actorTokens().length).toBe(tokens);
    expect(rig.services.ledger.size).toBe(history);
    expect(await rig.ok('impersonation:list', {})).toEqual([]);
    // The console takes it once (a link that came before it listened is not lost; a reload does not reopen it).
    expect(await rig.ok('deepLink:take', {})).toEqual({ profileId: 'sandbox', userId, userName: user.name, reason: 'SUP-77' });
    expect(await rig.ok('deepLink:take', {})).toBeNull();
  });

  it('explains an unknown instance, an unknown user and a malformed link', async () => {
    rig = await startRig({ sandbox, windowHost: new InertWindowHost() });
    await rig.services.openDeepLink('understudy://impersonate?instance=Nowhere&user=user_abc');
    await rig.services.openDeepLink(`understudy://impersonate?instance=${encodeURIComponent('Sandbox (demo instance)')}&user=user_doesNotExist1`);
    await rig.services.openDeepLink('understudy://impersonate?instance=x&user=user_1&start=now');
    const { notices } = await rig.ok<AppState>('app:getState', {});
    expect(notices).toEqual([
      'The link names the instance “Nowhere”, which is not set up in Understudy. Add it, or ask for a link to an instance you have.',
      'The link names the user user_doesNotExist1, who does not exist in “Sandbox (demo instance)”. Check the ticket for the right user.',
      'This link cannot be opened: it has an unknown parameter “start”.',
    ]);
    expect(rig.emitted.filter((e) => e.event === 'deepLink:impersonate')).toEqual([]);
    expect(await rig.ok('deepLink:take', {})).toBeNull();
  });
});
