// Partition isolation in real Chromium: three impersonations started through the real IPC dispatch
// and services, each window a fresh in-memory browser context (EmulatedWindowHost). Each one
// writes a cookie, localStorage and IndexedDB value on the sandbox app's storage probe; each must
// see only its own values and its own `__session`, the operator's own browser none of them, and
// ending one wipes its partition before the window goes, without touching the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import type { ImpersonationView } from '../../src/shared/domain.ts';
import { DEV_BROWSER_KEY, SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { EmulatedWindowHost, type EmulatedImpersonationWindow } from '../support/emulated-window-host.ts';
import { startRig, type Rig } from '../fault/rig.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain as readonly string[];
const SUBJECTS = [ADA!, ALAN!, KATHERINE!];

interface ProbeValues {
  local: string | null;
  idb: string | null;
  cookie: string | null;
}
const EMPTY: ProbeValues = { local: null, idb: null, cookie: null };

let sandbox: Sandbox;
let browser: Browser;
let host: EmulatedWindowHost;
let rig: Rig;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([
    startSandbox({ users: 30 }),
    launchChromium(),
  ]);
  host = new EmulatedWindowHost();
  rig = await startRig({ sandbox, windowHost: host });
});
afterAll(async () => {
  await rig?.close();
  await browser?.close();
  await sandbox?.close();
});

async function openProbe(page: Page, write?: string): Promise<ProbeValues> {
  await page.goto(`${sandbox.appUrl}/storage-probe${write ? `?write=${encodeURIComponent(write)}` : ''}`);
  await page.getByTestId('probe-status').and(page.locator('[data-state="ready"]')).waitFor();
  return readProbe(page);
}

/** Reads all three stores from inside the page, as the customer app itself would. */
function readProbe(page: Page): Promise<ProbeValues> {
  return page.evaluate(() => (window as unknown as { probe: { read(): Promise<ProbeValues> } }).probe.read());
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

async function sessionClaims(context: BrowserContext): Promise<Record<string, unknown>[]> {
  return (await context.cookies()).filter((cookie) => /^__session/.test(cookie.name) && cookie.value !== '').map((cookie) => claimsOf(cookie.value));
}

async function start(userId: string): Promise<{ view: ImpersonationView; window: EmulatedImpersonationWindow }> {
  const result = await rig.startImpersonation(userId);
  if (!result.ok) throw new Error(`start failed: ${result.error.message}`);
  const view = result.value as ImpersonationView;
  await rig.waitForPhase(view.id, 'signed-in');
  const window = host.window(view.id);
  // Signed in is known from the cookie, while the page may still follow its last redirect home.
  await window.page.getByTestId('subject-id').waitFor();
  return { view, window };
}

describe('impersonation partitions', () => {
  it('keep cookies, localStorage, IndexedDB and sessions apart, and are wiped when one ends', async () => {
    const started = await Promise.all(SUBJECTS.map((subject) => start(subject)));
    const windows = started.map(({ window }) => window);
    const ids = started.map(({ view }) => view.id);

    // Fresh, distinct, in-memory partitions: three contexts, none the console's.
    const partitions = windows.map((window) => window.spec.partition);
    expect(new Set(partitions).size).toBe(3);
    for (const partition of partitions) expect(partition).not.toMatch(/^persist:/);
    expect(new Set(windows.map((window) => window.context)).size).toBe(3);

    // Each window writes its own values, one after the other on the same host (cookies are per
    // host, not per port or context, unless the contexts are truly separate).
    for (const [index, window] of windows.entries()) {
      expect(await openProbe(window.page, `value-of-${SUBJECTS[index]}`)).toEqual({
        local: `value-of-${SUBJECTS[index]}`, idb: `value-of-${SUBJECTS[index]}`, cookie: `value-of-${SUBJECTS[index]}`,
      });
    }
    // Read back after all three wrote: had they shared anything, the last writer would show.
    for (const [index, window] of windows.entries()) {
      const own = `value-of-${SUBJECTS[index]}`;
      expect(await readProbe(window.page)).toEqual({ local: own, idb: own, cookie: own });
      const probeCookies = (await window.context.cookies()).filter((cookie) => cookie.name === 'probe');
      expect(probeCookies.map((cookie) => decodeURIComponent(cookie.value))).toEqual([own]);
      // And exactly one session: its own subject's, acted by the operator, the one in the ledger.
      // (`__session` and `__session_<suffix>` carry the same token, as clerk-js sets them.)
      const sessions = await sessionClaims(window.context);
      expect([...new Set(sessions.map((claims) => claims['sid']))]).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ sub: SUBJECTS[index], sid: rig.entry(ids[index]!).sessionId, act: { sub: SANDBOX_FIXTURES.operator } });
    }

    // Each partition has its own dev browser (the development sandbox's client).
    const devBrowsers = new Set((await Promise.all(windows.map((window) => window.context.cookies()))).flat().filter((cookie) => cookie.name.startsWith(DEV_BROWSER_KEY)).map((cookie) => cookie.value));
    expect(devBrowsers.size).toBe(3);

    // The operator's own browser (a context like the console's) holds none of it.
    const admin = await browser.newContext();
    try {
      const page = await admin.newPage();
      expect(await openProbe(page)).toEqual(EMPTY);
      await page.goto(sandbox.appUrl);
      expect(await page.getByTestId('signed-out').getAttribute('data-reason')).toBe('no-session');
      // Only the dev browser its own visit to the app created (the page's script makes one), none of the windows'.
      const cookies = await admin.cookies();
      expect(cookies.filter((cookie) => !cookie.name.startsWith(DEV_BROWSER_KEY)).map((cookie) => cookie.name)).toEqual([]);
      for (const cookie of cookies) expect(devBrowsers.has(cookie.value)).toBe(false);
    } finally {
      await admin.close();
    }

    // End Ada's. What the partition holds is looked at right after the wipe, before the window goes.
    const ada = windows[0]!;
    const adaSession = rig.entry(ids[0]!).sessionId!;
    let afterWipe: { cookies: unknown[]; probe: ProbeValues } | null = null;
    const wipe = ada.clearData.bind(ada);
    ada.clearData = async () => {
      await wipe();
      afterWipe = { cookies: await ada.context.cookies(), probe: await readProbe(ada.page) };
    };
    expect(await rig.ok('impersonation:end', { id: ids[0] })).toMatchObject({ phase: 'ended' });
    expect(afterWipe).toEqual({ cookies: [], probe: EMPTY });
    expect(ada.clearedCount).toBe(1);
    expect(ada.isClosed()).toBe(true);
    expect(ada.wasClosedByHost()).toBe(true);
    await expect.poll(() => ada.pageAlive()).toBe(false);
    expect(sandbox.state.session(adaSession)!.status).toBe('revoked');
    expect(rig.entry(ids[0]!)).toMatchObject({ status: 'ended', endedBy: { reason: 'operator', by: 'support-agent' } });

    // The other two keep their values and their sessions.
    for (const index of [1, 2]) {
      const own = `value-of-${SUBJECTS[index]}`;
      expect(await readProbe(windows[index]!.page)).toEqual({ local: own, idb: own, cookie: own });
      expect(sandbox.state.session(rig.entry(ids[index]!).sessionId!)!.status).toBe('active');
      expect(windows[index]!.clearedCount).toBe(0);
    }

    // Impersonating Ada again starts from an empty partition, with a new session.
    const again = await start(ADA!);
    expect(again.window.context).not.toBe(ada.context);
    expect(await openProbe(again.window.page)).toEqual(EMPTY);
    const [claims] = await sessionClaims(again.window.context);
    expect(claims).toMatchObject({ sub: ADA });
    expect(claims!['sid']).not.toBe(adaSession);

    // Ending the rest wipes and closes every one of them.
    const ended = await rig.ok<ImpersonationView[]>('impersonation:endAll', {});
    expect(ended.map((view) => view.phase)).toEqual(['ended', 'ended', 'ended']);
    for (const window of [windows[1]!, windows[2]!, again.window]) {
      expect(window.clearedCount).toBe(1);
      expect(window.isClosed()).toBe(true);
      await expect.poll(() => window.pageAlive()).toBe(false);
    }
    expect(sandbox.state.sessions().filter((session) => session.actor && session.status === 'active')).toEqual([]);
  }, 60_000);
});
