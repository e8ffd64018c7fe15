// The real built app — out/main/index.js and out/preload/index.cjs, its composition root, Electron
// adapters, banner view and window host — run as its own process on the Electron emulation
// (dev/electron-emulation), driven like an operator would. Its own built-in sandbox is the Clerk
// instance. The same scenarios on real Electron live in app-electron.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { UnderstudyApi } from '../../src/shared/api.ts';

declare global {
  interface Window {
    understudy: UnderstudyApi;
  }
}
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { IMPERSONATION_INACTIVITY_MS } from '../../src/sandbox/sessions.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp, type EmulatedWindow } from '../support/emulated-app.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain;
// Whole-app scenarios on a shared 2-core machine: starting, signing in and quitting take a while.
vi.setConfig({ testTimeout: 180_000 });
const REASON = 'SUP-4242 checkout fails on the last step';

interface Opened {
  window: EmulatedWindow;
  customer: Page;
  banner: Page;
  partition: string;
}

let userData: string;
let app: EmulatedApp;
let ui: ConsolePage;

/** The impersonation window showing `userId`: a BaseWindow with the banner (data:) and the customer page. */
const known = new Map<string, Opened>();
async function windowOf(userId: string): Promise<Opened> {
  const seen = known.get(userId);
  if (seen) return seen;
  let found: Opened | null = null;
  await eventually(async () => {
    for (const window of await app.windows()) {
      if (window.kind !== 'BaseWindow') continue;
      const bannerEntry = window.contents.find((contents) => contents.url.startsWith('data:'));
      const customerEntry = window.contents.find((contents) => contents.partition.startsWith('understudy-impersonation-'));
      if (!bannerEntry || !customerEntry) continue;
      const customer = await app.page(customerEntry.id);
      const shown = await customer.getByTestId('subject-id').innerText({ timeout: 500 }).catch(() => null);
      if (shown === userId) found = { window, customer, banner: await app.page(bannerEntry.id), partition: customerEntry.partition };
    }
    expect(found).not.toBeNull();
  }, 20_000);
  known.set(userId, found!);
  return found!;
}

async function impersonate(query: string, name: RegExp, options: { readOnly?: boolean } = {}): Promise<void> {
  await ui.press('Control+1');
  await ui.heading('Users').waitFor();
  await ui.openUser(query, name);
  await ui.impersonateButton.click();
  const dialog = ui.impersonateDialog;
  await dialog.waitFor();
  await dialog.getByLabel('Reason or ticket').fill(REASON);
  if (options.readOnly) await dialog.getByLabel(/Look, don’t touch/).check();
  await dialog.getByLabel('Reason or ticket').press('Enter');
  await ui.heading('Active impersonations').waitFor();
}

function ledgerEntries(): { subject?: { id?: string }; userId?: string; status: string }[] {
  const files = readdirSync(userData).filter((name) => name.endsWith('.json'));
  for (const name of files) {
    const document = JSON.parse(readFileSync(join(userData, name), 'utf8')) as Record<string, unknown>;
    if (Array.isArray(document['events']) || Array.isArray(document['entries'])) return ledgerFrom(document);
  }
  throw new Error(`No ledger in ${files.join(', ')}`);
}

function ledgerFrom(document: Record<string, unknown>): { status: string }[] {
  return (document['entries'] ?? document['events']) as { status: string }[];
}

describe('the real app on the Electron emulation', () => {
  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'understudy-emulated-'));
    app = await launchEmulatedApp({ userData, saveDir: join(userData, 'exports') });
    ui = new ConsolePage(await app.consolePage());
  }, 120_000);

  afterAll(async () => {
    await app?.kill();
    rmSync(userData, { recursive: true, force: true });
  });

  it('starts: the console is served from understudy://console with the preload bridge only, and IPC passes the sender check', async () => {
    const windows = await app.windows();
    const console = windows.find((window) => window.kind === 'BrowserWindow')!;
    expect(console.contents[0]!.url).toBe('understudy://console/index.html');
    expect(await ui.page.evaluate(() => Object.keys(window.understudy).length)).toBeGreaterThan(5);
    // The emulation's IPC binding never reaches the page.
    expect(await ui.page.evaluate(() => Object.keys(window).filter((key) => key.includes('electronEmulation')))).toEqual([]);
    await ui.heading('Welcome to Understudy').waitFor();
    expect(app.ipcLog.find((record) => record.channel === 'app:getState')?.output).toMatchObject({ ok: true });
  });

  it('opens the built-in sandbox instance', async () => {
    await ui.enterSandbox();
  });

  it('runs three impersonations side by side, each in its own partition, none seeing another', async () => {
    await impersonate('ada', /^Ada Lovelace/);
    await impersonate('alan', /^Alan Turing/, { readOnly: true });
    await impersonate('katherine', /^Katherine Johnson/);
    const opened = [await windowOf(ADA!), await windowOf(ALAN!), await windowOf(KATHERINE!)];
    expect(new Set(opened.map((entry) => entry.partition)).size).toBe(3);
    const sessions: string[] = [];
    for (const entry of opened) {
      const cookies = await app.control<{ name: string; value: string }[]>('partitionCookies', { partition: entry.partition });
      // The portal's host and the app's (localhost, on the development sandbox) each keep a token: of one session.
      const session = cookies.filter((cookie) => cookie.name === '__session' && cookie.value !== '');
      const sids = new Set(session.map((cookie) => (JSON.parse(Buffer.from(cookie.value.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid));
      expect(sids.size).toBe(1);
      sessions.push(...sids);
    }
    expect(new Set(sessions).size).toBe(3);
    // The console's own session holds none of them.
    const consoleCookies = await app.control<unknown[]>('cookies', { webContentsId: (await app.windows()).find((w) => w.kind === 'BrowserWindow')!.contents[0]!.id });
    expect(consoleCookies).toEqual([]);
    // Each page is its subject, acted by the operator.
    for (const [entry, id] of [[opened[0]!, ADA], [opened[1]!, ALAN], [opened[2]!, KATHERINE]] as const) {
      expect(await entry.customer.getByTestId('subject-id').innerText()).toBe(id);
      expect(await entry.customer.getByTestId('actor-sub').innerText()).toBe(SANDBOX_FIXTURES.operator);
      expect(await entry.banner.locator('#headline').innerText()).toMatch(/./);
      // The banner states the idle limit the sandbox enforces, as Clerk does for impersonated sessions.
      await eventually(async () => expect(await entry.banner.locator('#status').innerText()).toContain(`after ${IMPERSONATION_INACTIVITY_MS / 60_000} min idle`));
    }
  });

  it('enforces read-only through the app\'s own webRequest listener: a write from the read-only page never leaves it', async () => {
    const writable = await windowOf(ADA!);
    const readOnly = await windowOf(ALAN!);
    await writable.customer.getByRole('link', { name: 'Account' }).click();
    await writable.customer.getByTestId('display-name').fill('Ada L.');
    await writable.customer.getByTestId('display-name').press('Enter');
    await writable.customer.getByTestId('form-saved').waitFor();

    await readOnly.customer.getByRole('link', { name: 'Account' }).click();
    await readOnly.customer.getByTestId('display-name').fill('Alan T.');
    await readOnly.customer.getByTestId('display-name').press('Enter').catch(() => undefined);
    await eventually(async () => expect(await readOnly.customer.evaluate(() => document.documentElement.innerHTML)).toMatch(/ERR_BLOCKED_BY_CLIENT|blocked/i));
    expect(await readOnly.customer.getByTestId('form-saved').count()).toBe(0);
  });

  it('ends from the banner\'s End button: the window closes and the partition is wiped', async () => {
    const katherine = await windowOf(KATHERINE!);
    await katherine.banner.getByRole('button', { name: 'End impersonation' }).click();
    await eventually(async () => expect((await app.windows()).some((window) => window.id === katherine.window.id)).toBe(false), 15_000);
    await eventually(async () => expect(await app.control<unknown[]>('partitionCookies', { partition: katherine.partition })).toEqual([]));
    await eventually(async () => expect(await ui.liveItem('Katherine Johnson').getAttribute('class')).toMatch(/live-item--ended/));
  });

  // Fails today, as it would on Electron: the window host awaits the banner's did-finish-load once,
  // so after a reload End is never awaited again. Issue 9 ("the banner re-arms its drawing and its
  // End button after any reload of its view") fixes it; then this becomes a plain `it`.
  it('redraws the banner and re-arms End after the banner view reloads (issue 9)', async () => {
    const alan = await windowOf(ALAN!);
    const before = await alan.banner.locator('#headline').innerText();
    expect(before).not.toBe('');
    await alan.banner.reload();
    await eventually(async () => expect(await alan.banner.locator('#headline').innerText()).toBe(before));
    await eventually(async () => expect(await alan.banner.getByRole('button', { name: 'End impersonation' }).isEnabled()).toBe(true));
    await alan.banner.getByRole('button', { name: 'End impersonation' }).click();
    await eventually(async () => expect((await app.windows()).some((window) => window.id === alan.window.id)).toBe(false), 15_000);
  });

  it('ends all from the console', async () => {
    await ui.press('Control+2');
    await ui.heading('Active impersonations').waitFor();
    await ui.page.getByRole('button', { name: 'End all' }).click();
    const confirm = ui.page.getByRole('button', { name: /^End all/ }).last();
    if (await confirm.isVisible().catch(() => false)) await confirm.click().catch(() => undefined);
    // What is left is at most the spare the window host keeps ready: hidden, and it never loaded a page.
    const showingAPage = (window: EmulatedWindow) =>
      window.kind === 'BaseWindow' && window.contents.some((contents) => contents.partition.startsWith('understudy-impersonation-') && contents.url !== '');
    await eventually(async () => expect((await app.windows()).filter(showingAPage)).toEqual([]), 20_000);
  });
});

describe('the real app on the Electron emulation: quitting and starting again', () => {
  let dir: string;
  let running: EmulatedApp | null = null;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'understudy-emulated-restart-'));
  });

  afterAll(async () => {
    await running?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<ConsolePage> {
    running = await launchEmulatedApp({ userData: dir });
    app = running;
    known.clear();
    ui = new ConsolePage(await running.consolePage());
    return ui;
  }

  async function history(): Promise<{ subject: { id: string }; status: string; endedBy: { reason: string } | null }[]> {
    const answer = (await ui.page.evaluate(() => window.understudy.ledger.query({ filter: {} }))) as { ok: boolean; value: never[] };
    expect(answer.ok).toBe(true);
    return answer.value;
  }

  async function consoleWindowId(): Promise<number> {
    return (await running!.windows()).find((window) => window.kind === 'BrowserWindow')!.id;
  }

  it('closing the console ends every impersonation through the bounded shutdown, then the process exits', async () => {
    await start();
    await ui.enterSandbox();
    await impersonate('ada', /^Ada Lovelace/);
    await windowOf(ADA!);
    await running!.control('closeWindow', { windowId: await consoleWindowId() });
    expect(await running!.exited, running!.output.join('\n')).toBe(0);
    await start();
    const ada = (await history()).find((entry) => entry.subject.id === ADA);
    expect(ada?.endedBy?.reason).toBe('app-quit');
  });

  // Electron on Linux and macOS quits on SIGTERM/SIGINT through app.quit() (a logout, `kill`, a
  // service manager): the same bounded shutdown as closing the console, not a crash.
  it('a SIGTERM quits through the bounded shutdown too: the impersonation is ended, the exit is clean', async () => {
    await running?.kill();
    await start();
    if (await ui.page.getByRole('button', { name: 'Open the sandbox' }).isVisible().catch(() => false)) await ui.enterSandbox();
    await impersonate('kjohnson', /^Katherine Johnson/);
    await windowOf(KATHERINE!);
    running!.process.kill('SIGTERM');
    expect(await running!.exited, running!.output.join('\n')).toBe(0);
    // Every step of the shutdown ran with its windows still there (nothing closed them under it).
    expect(running!.output.filter((line) => /Quit step .* failed/.test(line))).toEqual([]);
    await start();
    const katherine = (await history()).find((entry) => entry.subject.id === KATHERINE);
    expect(katherine?.endedBy?.reason).toBe('app-quit');
  });

  // The built-in sandbox lives inside the app and starts empty again, so the session left live is
  // unknown to it: recovery must say it could not end it, never pretend it did. It stays `ending`,
  // retried, and the operator sees it so on the Active screen.
  it('after a crash, the next start runs recovery on what was left live and tells the truth about it', async () => {
    await running?.kill();
    await start();
    if (await ui.page.getByRole('button', { name: 'Open the sandbox' }).isVisible().catch(() => false)) await ui.enterSandbox();
    await impersonate('alan', /^Alan Turing/);
    await windowOf(ALAN!);
    expect((await history()).find((entry) => entry.subject.id === ALAN)?.status).toBe('accepted');
    running!.process.kill('SIGKILL');
    await running!.exited;
    await running!.kill();
    await start();
    await eventually(async () => {
      const alan = (await history()).find((entry) => entry.subject.id === ALAN) as { status: string; error: string | null } | undefined;
      expect(alan?.status).toBe('ending');
      expect(alan?.error).toMatch(/^Not ended at Clerk yet \(attempt \d+: Session not found\); still trying\./);
    }, 20_000);
    // The console of a fresh start may still be settling when the history already says ending: go to
    // Active until it is shown, and on failure name what its rows say instead.
    await eventually(async () => {
      if (!(await ui.heading('Active impersonations').isVisible())) await ui.press('Control+2');
      expect(await ui.page.getByTestId('impersonation').locator('.phase').allInnerTexts()).toContain('Ending — retrying');
    }, 30_000);
  });
});
