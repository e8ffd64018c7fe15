// Starts and ends impersonations through the real IPC dispatch (sender check, schema validation,
// handler), as the console's calls arrive in main; only Electron's transport is left out.
import { dispatch } from '../../src/main/ipc/register.ts';
import { createLogger } from '../../src/main/log.ts';
import { SANDBOX_PROFILE_ID } from '../../src/main/credentials/profile-service.ts';
import type { ImpersonationView } from '../../src/shared/domain.ts';
import type { Channel } from '../../src/shared/contract.ts';
import type { Harness } from '../../tests/support/harness.ts';

const quiet = createLogger(() => undefined);

export function mainCall<T>(harness: Harness, channel: Channel, input: unknown): Promise<T> {
  const sender = { frameUrl: `${harness.url}/`, isMainFrame: true, webContentsId: 1 };
  return dispatch(channel, sender, input, harness.services.handlers, { webContentsIds: new Set([1]), origin: harness.url }, quiet).then((result) => {
    if (!result.ok) throw new Error(`${channel}: ${result.error.kind}: ${result.error.message}`);
    return result.value as T;
  });
}

/** Ordinary customers of the sandbox: not protected, not banned, not the operator. */
export function impersonableUsers(harness: Harness, count: number): string[] {
  const users = harness.sandbox.state.users.filter(
    (user) => !user.banned && !user.locked && user.publicMetadata['role'] !== 'admin' && !user.id.includes('Operator'),
  );
  if (users.length < count) throw new Error(`Only ${users.length} users can be impersonated`);
  return users.slice(-count).map((user) => user.id);
}

export function startImpersonation(harness: Harness, userId: string): Promise<ImpersonationView> {
  return mainCall<ImpersonationView>(harness, 'impersonation:start', {
    profileId: SANDBOX_PROFILE_ID,
    userId,
    reason: 'SUP-1 benchmark',
    tokenTtlSeconds: 600,
    sessionMaxSeconds: 900,
    readOnly: false,
  });
}

export function endImpersonation(harness: Harness, id: string): Promise<ImpersonationView> {
  return mainCall<ImpersonationView>(harness, 'impersonation:end', { id });
}

/** Waits until main has verified the impersonated session of each id. */
export async function waitSignedIn(harness: Harness, ids: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const views = harness.services.orchestrator.list().filter((view) => ids.includes(view.id));
    if (views.length === ids.length && views.every((view) => view.phase === 'signed-in')) return;
    const failed = views.find((view) => view.phase === 'ended' || view.phase === 'failed');
    if (failed) throw new Error(`Impersonation ${failed.id} ended before signing in: ${failed.error ?? failed.phase}`);
    if (performance.now() > deadline) throw new Error(`Not signed in after ${timeoutMs} ms: ${views.map((v) => v.phase).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
