// `Understudy --self-test` (and `npm run self-test` on the emulation): what IT runs on a managed
// machine to see that this install works end to end, against the built-in sandbox so no customer
// is touched and no key is needed. The checks run in order; a failed one skips those that need it.
import type { ImpersonationView } from '../../shared/domain.ts';
import type { Keychain } from '../credentials/keychain.ts';
import type { MainServices } from '../services.ts';
import type { Sandbox } from '../../sandbox/index.ts';
import { SANDBOX_FIXTURES } from '../../sandbox/index.ts';
import { runCheck, type Check } from './report.ts';

/** What only the Electron layer can do: look at the windows the app opened. */
export interface SelfTestProbe {
  /** The headline the banner of the impersonation window shows (drawn by the real banner page). */
  bannerHeadline(subjectName: string): Promise<string>;
  /** Presses that banner's End button as a person would. */
  pressEnd(subjectName: string): Promise<void>;
  /** How many cookies the impersonation's partition still holds. */
  partitionCookies(subjectName: string): Promise<number>;
}

export interface SelfTestDeps {
  keychain: Keychain;
  startSandbox(): Promise<Sandbox>;
  buildServices(sandbox: Sandbox): Promise<MainServices>;
  /** The fetch main uses (Chromium's network in the app). */
  fetch: typeof fetch;
  probe: SelfTestProbe;
  /** Resolves when the app reached the last step of its bounded shutdown. */
  quit(): Promise<void>;
}

const REASON = 'Understudy self-test';

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runSelfTest(deps: SelfTestDeps): Promise<Check[]> {
  const checks: Check[] = [];
  const step = async (name: string, check: () => Promise<string>) => {
    const result = await runCheck(name, check);
    checks.push(result);
    return result.ok;
  };
  const skipped = (names: string[], why: string) => names.forEach((name) => checks.push({ name, ok: false, ms: 0, detail: `not run: ${why}` }));

  await step('keychain reachable', async () => `${(await deps.keychain.list()).length} key(s) stored`);

  let sandbox: Sandbox | null = null;
  if (!(await step('built-in sandbox started', async () => {
    sandbox = await deps.startSandbox();
    return `Backend API at ${sandbox.apiUrl}`;
  }))) {
    skipped(['network to the Backend API', 'impersonation signed in', 'banner drawn', 'ended from the banner', 'partition wiped', 'bounded quit'], 'no sandbox');
    return checks;
  }
  const instance = sandbox!;
  await step('network to the Backend API', async () => {
    const response = await deps.fetch(`${instance.apiUrl}/v1/users?limit=1`, { headers: { Authorization: `Bearer ${instance.secretKey}` } });
    if (!response.ok) throw new Error(`the Backend API answered ${response.status}`);
    return `HTTP ${response.status} through the app's network stack`;
  });

  let services!: MainServices;
  if (!(await step('services started', async () => {
    services = await deps.buildServices(instance);
    return `${services.ledger.size} entries in a fresh history`;
  }))) {
    skipped(['impersonation signed in', 'banner drawn', 'ended from the banner', 'partition wiped', 'bounded quit'], 'the services did not start');
    return checks;
  }
  const subjectId = SANDBOX_FIXTURES.plain[0]!;
  let view: ImpersonationView | null = null;
  const signedIn = await step('impersonation signed in', async () => {
    await services.handlers['profiles:setOperator']({ profileId: 'sandbox', userId: SANDBOX_FIXTURES.operator });
    const started = await services.handlers['impersonation:start']({ profileId: 'sandbox', userId: subjectId, reason: REASON, tokenTtlSeconds: 300, sessionMaxSeconds: 300, readOnly: false });
    view = await until('Signing in', 30_000, () => services.orchestrator.list().find((item) => item.id === started.id && item.phase === 'signed-in'));
    return `${view.subject.name} signed in, verified against the JWKS`;
  });
  if (signedIn && view) {
    const subject = (view as ImpersonationView).subject.name;
    const id = (view as ImpersonationView).id;
    await step('banner drawn', async () => {
      const headline = await until('The banner', 10_000, async () => {
        const text = await deps.probe.bannerHeadline(subject);
        return text.includes(subject) ? text : undefined;
      });
      return headline;
    });
    const ended = await step('ended from the banner', async () => {
      await deps.probe.pressEnd(subject);
      await until('Ending', 30_000, () => (services.ledger.get(id)?.status === 'ended' ? true : undefined));
      return 'the Clerk session was revoked and the history says ended';
    });
    if (ended) {
      await step('partition wiped', async () => {
        const left = await deps.probe.partitionCookies(subject);
        if (left !== 0) throw new Error(`${left} cookie(s) left in the partition`);
        return 'no cookie left';
      });
    } else skipped(['partition wiped'], 'the impersonation did not end');
  } else skipped(['banner drawn', 'ended from the banner', 'partition wiped'], 'the impersonation did not sign in');

  await step('bounded quit', async () => {
    await deps.quit();
    return 'every impersonation ended and the clean-up ran';
  });
  return checks;
}
