// Page-object helpers for the console end-to-end tests: everything is found the way an operator
// (or a screen reader) finds it, by role and accessible name, never by CSS details.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Channel } from '../../src/shared/contract.ts';
import { startHarness, type Harness, type IpcRecord } from './harness.ts';

export const SCREENSHOT_DIR = resolve('test-results/screenshots');

/**
 * Polls until `check` stops throwing, then resolves; after `timeout` ms rejects with its last error.
 * Playwright-style auto-waiting for plain assertions, with no test runner state (the bench uses it too).
 */
export async function eventually(check: () => unknown | Promise<unknown>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    // A check that hangs is cut off at the deadline, as one that keeps failing is.
    const cutOff = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`eventually: no success within ${timeout} ms`)), Math.max(0, deadline - Date.now()))));
    try {
      await Promise.race([check(), cutOff]);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

export class ConsolePage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
    // Fail in seconds, not the default 30: every wait here is for something local.
    page.setDefaultTimeout(10_000);
  }

  // ——— Where things are ———
  get topbar(): Locator {
    return this.page.getByTestId('topbar');
  }
  get environment(): Locator {
    return this.page.getByTestId('environment');
  }
  get search(): Locator {
    return this.page.getByRole('combobox', { name: 'Search users' });
  }
  get results(): Locator {
    return this.page.getByRole('listbox', { name: 'Search users: results' });
  }
  get pagerRange(): Locator {
    return this.page.locator('.pager__range');
  }
  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }
  option(name: string | RegExp): Locator {
    return this.page.getByRole('option', { name });
  }
  navItem(name: 'Users' | 'Active' | 'Token history' | 'Settings'): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: false });
  }
  alert(kind: string): Locator {
    return this.page.locator(`[role="alert"][data-error-kind="${kind}"]`);
  }
  get impersonateButton(): Locator {
    return this.page.getByRole('button', { name: 'Impersonate…' });
  }
  get impersonateDialog(): Locator {
    return this.page.getByTestId('impersonate-dialog');
  }
  liveItem(subjectName: string): Locator {
    return this.page.getByTestId('impersonation').filter({ has: this.page.getByText(subjectName, { exact: false }) });
  }
  historyRows(): Locator {
    return this.page.getByRole('table').locator('tbody tr');
  }

  // ——— What an operator does ———
  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /** Onboarding step 1 with a key: fills name and key and submits. */
  async connect(name: string, secretKey: string): Promise<void> {
    await this.page.getByLabel('Instance name').fill(name);
    await this.page.getByLabel('Secret key').fill(secretKey);
    await this.page.getByRole('button', { name: 'Connect instance' }).click();
  }

  /** "Who are you": types in the picker, moves to the wanted row with the arrow keys, Enter. */
  async chooseOperator(query: string, name: RegExp): Promise<void> {
    const picker = this.page.getByRole('combobox', { name: 'Find yourself' });
    await picker.waitFor();
    await picker.fill(query);
    const listbox = this.page.getByRole('listbox', { name: 'Find yourself: results' });
    await listbox.getByRole('option', { name }).waitFor();
    await this.moveTo(picker, listbox, name);
    await this.page.keyboard.press('Enter');
    // The choice is confirmed by name: focus is on "Yes, I am …".
    const confirm = this.page.getByTestId('operator-confirm').getByRole('button', { name: /^Yes, I am / });
    await eventually(async () => expect(await confirm.evaluate((button) => button === document.activeElement)).toBe(true));
    await this.page.keyboard.press('Enter');
  }

  /** Arrow-down through a combobox's options until the active one matches `name`. */
  async moveTo(combobox: Locator, listbox: Locator, name: RegExp): Promise<void> {
    await listbox.waitFor();
    await eventually(async () => expect(await listbox.getAttribute('aria-busy')).toBeNull());
    const count = await listbox.getByRole('option').count();
    // The first row is active as soon as results arrive.
    for (let step = 0; step < count; step++) {
      if (name.test((await this.activeOption(listbox)) ?? '')) return;
      await combobox.press('ArrowDown');
    }
    if (name.test((await this.activeOption(listbox)) ?? '')) return;
    throw new Error(`No option matching ${name} in the results`);
  }

  /** The accessible name of the listbox's active (aria-selected) option. */
  activeOption(listbox: Locator): Promise<string | null> {
    return listbox.locator('[role="option"][aria-selected="true"]').getAttribute('aria-label', { timeout: 2_000 });
  }

  /** From anywhere: `/`, type the query, arrow to the result matching `name`, Enter. */
  async openUserRow(query: string, name: RegExp): Promise<void> {
    await this.press('/');
    await this.search.fill(query);
    await this.results.getByRole('option', { name }).waitFor();
    await this.moveTo(this.search, this.results, name);
    await this.press('Enter');
  }

  /** `openUserRow`, then waits for the user's page. */
  async openUser(query: string, name: RegExp): Promise<void> {
    await this.openUserRow(query, name);
    await this.heading(name).waitFor();
  }

  /** The user page's dialog, filled and started with Enter. */
  async startImpersonation(reason: string, confirmation?: string): Promise<void> {
    await this.impersonateButton.click();
    const dialog = this.impersonateDialog;
    await dialog.waitFor();
    await dialog.getByLabel('Reason or ticket').fill(reason);
    if (confirmation !== undefined) await dialog.getByLabel(/to confirm/).fill(confirmation);
    await dialog.getByLabel('Reason or ticket').press('Enter');
  }

  /** The sandbox instance, chosen on onboarding, with Morgan Reyes as the operator. */
  async enterSandbox(): Promise<void> {
    await this.page.getByRole('button', { name: 'Open the sandbox' }).click();
    await this.chooseOperator('morgan', /^Morgan Reyes/);
    await this.heading('Users').waitFor();
    await this.results.waitFor();
  }

  /** Closes the outcome toasts with their own Dismiss buttons. */
  async dismissToasts(): Promise<void> {
    const buttons = this.page.getByRole('button', { name: 'Dismiss message' });
    while ((await buttons.count()) > 0) await buttons.first().click();
  }

  /** test-results/screenshots/{screen}-{theme}.png, without toasts (they come and go) or caret. */
  async screenshot(screen: string, theme: 'light' | 'dark', options: { keepToasts?: boolean } = {}): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${screen}-${theme}.png`);
    if (!options.keepToasts) await this.dismissToasts();
    await this.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    return path;
  }
}

/** IPC calls on one channel made since `from` (an index into ipcLog). */
export function callsSince(harness: Pick<Harness, 'ipcLog'>, channel: Channel, from = 0): IpcRecord[] {
  return harness.ipcLog.slice(from).filter((record) => record.channel === channel);
}

/**
 * One harness for a describe block, started in beforeAll (optionally entering the sandbox as Morgan
 * Reyes) and closed in afterAll, with the sandbox's injected faults cleared after each test.
 */
export function consoleOnSandbox(options: { users: number; enter: boolean }): { harness: Harness; ui: ConsolePage } {
  const context = {} as { harness: Harness; ui: ConsolePage };
  beforeAll(async () => {
    context.harness = await startHarness({ users: options.users });
    context.ui = new ConsolePage(context.harness.page);
    if (options.enter) await context.ui.enterSandbox();
  });
  afterAll(async () => {
    await context.harness?.close();
  });
  afterEach(() => {
    context.harness?.sandbox.faults.clear();
  });
  return context;
}
