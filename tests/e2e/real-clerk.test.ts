// Real-instance behaviour end to end, in the app's window host on the Electron emulation against a sandbox as strict as Clerk: a
// sign-in page that ignores `__clerk_ticket` (a custom page without the ticket flow) must make the
// impersonation fail, with an explanation, long before the token would expire, and leave it revoked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../src/shared/domain.ts';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import { Orchestrator } from '../../src/main/impersonation/orchestrator.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';
import { DEV_BROWSER_KEY, SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { EmulatedWindowHost } from '../support/emulated-window-host.ts';

let sandbox: Sandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 20, signIn: 'ignores-ticket' });
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-real-clerk-'));
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const profile: Profile = {
  id: 'dev', name: 'Acme dev', kind: 'sandbox', production: false, keyHint: 'sk_test_…',
  operator: { userId: SANDBOX_FIXTURES.operator, name: 'Morgan Reyes' }, policy: defaultPolicy(false), appOrigins: [],
};

/** The real orchestrator, gateway and ledger on `on`, windows in real Chromium. */
function setup(on: Sandbox, dir: string, signInTimeoutMs?: number, origins: readonly string[] = on.origins) {
  const host = new EmulatedWindowHost();
  const { ledger } = Ledger.open(createElectronStoreDocuments(join(dataDir, dir)), { now: Date.now });
  const gateway = createClerkBackendGateway({ secretKey: on.secretKey, apiUrl: on.apiUrl });
  const orchestrator = new Orchestrator({
    profiles: { get: (id) => (id === profile.id ? profile : undefined), gateway: () => gateway },
    ledger,
    windowHost: host,
    now: Date.now,
    osUser: 'agent',
    // What the app passes for the built-in sandbox; the portal's origin is loopback http, allowed on a development instance.
    sandboxOrigins: origins,
    ...(signInTimeoutMs === undefined ? {} : { signInTimeoutMs }),
  });
  return { host, ledger, orchestrator, gateway };
}

const request = { profileId: 'dev', userId: SANDBOX_FIXTURES.plain[0], reason: 'SUP-77 cannot log in', tokenTtlSeconds: 3600, sessionMaxSeconds: 900, readOnly: false };

describe('a sign-in page that ignores __clerk_ticket', () => {
  it('fails the impersonation with an explanation long before the token expires, and leaves the token revoked', async () => {
    // Shorter than the 90 s default so the test is quick; the mechanism is the same.
    const { host, ledger, orchestrator } = setup(sandbox, 'ignored', 4_000);
    const view = await orchestrator.start(request);
    const window = host.window(view.id);
    // The window really is on the app's own sign-in page, with the ticket unconsumed.
    await vi.waitFor(async () => expect(await window.page.getAttribute('[data-testid="sign-in-status"]', 'data-state')).toBe('custom'), { timeout: 10_000, interval: 100 });

    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('revoked'), { timeout: 30_000, interval: 100 });
    const entry = ledger.get(view.id)!;
    expect(entry.endedBy).toEqual({ reason: 'sign-in-timeout', by: 'understudy' });
    expect(entry.error).toMatch(/does not complete the `__clerk_ticket` sign-in/);
    expect(entry.endedAt! < entry.tokenExpiresAt - 3_000_000).toBe(true); // the token had ~an hour left
    expect(sandbox.state.actorTokens().find((token) => token.id === entry.actorTokenId)).toMatchObject({ status: 'revoked', sessionId: null });
    expect(orchestrator.list().find((item) => item.id === view.id)).toMatchObject({ phase: 'failed', error: expect.stringMatching(/clerk\.com\/docs/) });
    expect(window.isClosed()).toBe(true);
  });
});

describe('Clerk refusing the ticket in the window (Account Portal sign-in)', () => {
  let portal: Sandbox;
  beforeAll(async () => {
    portal = await startSandbox({ users: 20 });
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('ends at once with Clerk’s refusal in plain words, instead of waiting for the watchdog', async () => {
    const { host, ledger, orchestrator, gateway } = setup(portal, 'refused');
    let release!: () => void;
    host.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));
    const view = await orchestrator.start(request);
    // Revoked at Clerk behind Understudy's back (say, from the Dashboard) before the page loads.
    await gateway.revokeActorToken(ledger.get(view.id)!.actorTokenId!);
    release();
    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('failed'), { timeout: 15_000, interval: 50 });
    const entry = ledger.get(view.id)!;
    expect(entry.endedBy).toEqual({ reason: 'ticket-error', by: 'understudy' });
    // The Electron adapter reads Clerk's JSON body through the page's debugger: its code, in plain words.
    expect(entry.error).toMatch(/^This sign-in link was revoked at Clerk\. Clerk: “.+”/);
    expect(host.window(view.id).isClosed()).toBe(true);
  });
});

describe('a development instance: the app on localhost, signed in through the dev browser', () => {
  let dev: Sandbox;
  beforeAll(async () => {
    dev = await startSandbox({ users: 20, instance: 'development' });
  });
  afterAll(async () => {
    await dev?.close();
  });

  it('signs in with only the Frontend API listed: the portal and the localhost app pass by the loopback rule of sk_test_ instances', async () => {
    expect(new URL(dev.appUrl).hostname).toBe('localhost');
    const { host, ledger, orchestrator } = setup(dev, 'dev-browser', undefined, [dev.frontendApiUrl]);
    const view = await orchestrator.start(request);
    await vi.waitFor(() => expect(orchestrator.list().find((item) => item.id === view.id)?.phase).toBe('signed-in'), { timeout: 20_000, interval: 100 });
    const window = host.window(view.id);
    await window.page.waitForSelector('[data-testid="subject-id"]', { timeout: 15_000 });
    expect(await window.page.textContent('[data-testid="session-id"]')).toBe(ledger.get(view.id)!.sessionId);
    // The dev browser came in the URL and is gone from it; it stays in the app host's cookie, and
    // there is no `__client` anywhere.
    expect(window.page.url()).toBe(`${dev.appUrl}/`);
    const cookies = await window.context.cookies();
    expect(cookies.find((cookie) => cookie.domain === 'localhost' && cookie.name === DEV_BROWSER_KEY)?.value).toMatch(/^dvb_/);
    expect(cookies.some((cookie) => cookie.name === '__client')).toBe(false);
    expect(dev.state.session(ledger.get(view.id)!.sessionId!)?.status).toBe('active');
    await orchestrator.endAll('end-all', 'agent');
    expect(dev.state.session(ledger.get(view.id)!.sessionId!)?.status).toBe('revoked');
  });
});
