// Recovery of a crashed run's leftovers runs after the console opened; the console is told it is
// happening and then what was ended, or what could not be and when it is tried again.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppState, ImpersonationView } from '../../src/shared/domain.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { InertWindowHost, startRig, type Rig } from './rig.ts';

const [ADA, ALAN] = SANDBOX_FIXTURES.plain;
const instant = { random: () => 0.5, sleep: async () => undefined };
let sandbox: Sandbox;
const rigs: Rig[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0).reverse()) await rig.close();
  await sandbox.close();
});

/** A run that crashed with two impersonations live, and the next start's services (not recovered yet). */
async function crashedWithTwoLive(): Promise<{ next: Rig; ids: string[] }> {
  sandbox = await startSandbox({ users: 20 });
  const rig = await startRig({ sandbox, windowHost: new InertWindowHost(), gateway: instant });
  rigs.push(rig);
  const ids: string[] = [];
  for (const user of [ADA!, ALAN!]) {
    const started = await rig.startImpersonation(user);
    if (!started.ok) throw new Error(started.error.message);
    ids.push((started.value as ImpersonationView).id);
  }
  rig.crash();
  const next = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir: rig.dataDir, gateway: instant, noOperator: true });
  rigs.push(next);
  return { next, ids };
}

const notices = async (rig: Rig) => (await rig.ok<AppState>('app:getState', {})).notices;

describe('recovery at start', () => {
  it('says it is ending the leftovers while it does, then how many it ended', async () => {
    const { next, ids } = await crashedWithTwoLive();
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'latency', ms: 300 });
    const recovering = next.services.recover();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await notices(next)).toEqual(['Ending 2 impersonations left live by the last run of Understudy…']);
    await recovering;
    expect(await notices(next)).toEqual(['Ended 2 impersonations left live by the last run. The History shows each one.']);
    for (const id of ids) expect(next.entry(id).status).toBe('revoked');
  });

  it('says which could not be ended yet and that Understudy keeps retrying them', async () => {
    const { next, ids } = await crashedWithTwoLive();
    sandbox.faults.inject({ route: 'POST /actor_tokens/{actor_token_id}/revoke', kind: 'status', status: 500, times: 1 });
    await next.services.recover();
    const [notice] = await notices(next);
    expect(notice).toBe(
      'Ended 1 impersonation of 2 impersonations left live by the last run; 1 could not be ended at Clerk yet. Understudy keeps retrying in the background; the Active screen shows each one with a Retry button.',
    );
    expect(ids.map((id) => next.entry(id).status).sort()).toEqual(['ending', 'revoked']);
    const ending = ids.find((id) => next.entry(id).status === 'ending')!;
    expect(await next.ok('impersonation:list', {})).toEqual([expect.objectContaining({ id: ending, phase: 'ending', ending: expect.objectContaining({ attempts: 1 }) })]);
    // Clerk answers now (the fault was for one request): Retry ends it.
    expect(await next.ok('impersonation:retryEnd', { id: ending })).toMatchObject({ phase: 'ended' });
    expect(next.entry(ending).status).toBe('revoked');
  });

  it('says nothing when the last run left nothing live', async () => {
    sandbox = await startSandbox({ users: 20 });
    const rig = await startRig({ sandbox, windowHost: new InertWindowHost(), gateway: instant });
    rigs.push(rig);
    await rig.services.recover();
    expect(await notices(rig)).toEqual([]);
  });
});
