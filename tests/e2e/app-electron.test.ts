// The emulated scenarios (app-emulated.test.ts) on real Electron, through Playwright's Electron
// launcher, when an Electron binary is installed (`npx install-electron`). This workplace cannot
// download one: here the scenarios are NOT RUN, and the run says so in its output.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { electronPackageDir, isElectronBinaryPresent } from '../../scripts/ensure-electron.mjs';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';

const packageDir = electronPackageDir();
const present = isElectronBinaryPresent(packageDir);
if (!present) console.warn('NOT RUN: the real-Electron scenarios need the Electron binary (npx install-electron); this machine has none.');

vi.setConfig({ testTimeout: 180_000 });
const [ADA] = SANDBOX_FIXTURES.plain;

describe.skipIf(!present)('the real app on real Electron', () => {
  let userData: string;
  let app: ElectronApplication;
  let ui: ConsolePage;

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'understudy-electron-'));
    // `electron` resolves to the emulation in this project: the binary's path comes from the package itself.
    const executablePath = join(packageDir, 'dist', readFileSync(join(packageDir, 'path.txt'), 'utf8').trim());
    app = await _electron.launch({ executablePath, args: ['out/main/index.js', `--user-data-dir=${userData}`] });
    ui = new ConsolePage(await app.firstWindow());
    await ui.heading('Welcome to Understudy').waitFor();
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    rmSync(userData, { recursive: true, force: true });
  });

  /** The customer page showing `userId`, among every web contents Electron has. */
  async function customerOf(userId: string): Promise<Page> {
    let found: Page | null = null;
    await eventually(async () => {
      for (const page of app.context().pages()) {
        if ((await page.getByTestId('subject-id').innerText({ timeout: 300 }).catch(() => null)) === userId) found = page;
      }
      expect(found).not.toBeNull();
    }, 30_000);
    return found!;
  }

  it('serves the console from understudy://console with the bridge only', async () => {
    expect(ui.page.url()).toBe('understudy://console/index.html');
    expect(await ui.page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  });

  it('signs in as a sandbox user under the banner, and ends from the banner', async () => {
    await ui.enterSandbox();
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-1 real Electron');
    const customer = await customerOf(ADA!);
    expect(await customer.getByTestId('actor-sub').innerText()).toBe(SANDBOX_FIXTURES.operator);
    const banner = app.context().pages().find((page) => page.url().startsWith('data:text/html'))!;
    await banner.locator('#end').click();
    await eventually(() => expect(customer.isClosed()).toBe(true), 30_000);
  });

  it('quits through the bounded shutdown when the console closes', async () => {
    const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
    await ui.page.close();
    expect(await exited).toBe(0);
  });
});
