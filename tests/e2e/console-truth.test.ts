// The console tells the truth in the small things (issue 12, item 8): a countdown that never shows
// more than the cap, the banner's clock format, end time and duration for finished impersonations,
// a 5xx that does not blame the VPN, a wait said once, no pager under an error, the protected reason
// said once, a malformed key kept for correction, a new instance that is not used before the agent
// says who they are there, "sandbox" once in the top bar, and a policy hint that points somewhere real.
import { beforeEach, describe, expect, it } from 'vitest';
import { ConsolePage, consoleOnSandbox, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

describe('truthful details in the console', () => {
  const context = consoleOnSandbox({ users: 80, enter: true });
  // Read at test time: the harness starts in beforeAll.
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(() => {
    ({ harness, ui } = context);
  });

  it('says "sandbox" once in the top bar', async () => {
    const text = await ui.topbar.evaluate((bar) => {
      const select = bar.querySelector('select');
      const chosen = select?.selectedOptions[0]?.textContent ?? '';
      const clone = bar.cloneNode(true) as HTMLElement;
      clone.querySelector('select')?.remove();
      return `${clone.innerText} ${chosen}`;
    });
    expect(text.match(/sandbox/gi) ?? []).toHaveLength(1);
    expect(await ui.environment.textContent()).toBe('Demo data');
  });

  it('titles a 503 as Clerk’s server problem, not the network or a VPN, and drops the pager under it', async () => {
    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'status', status: 503 });
    await ui.press('/');
    await ui.search.fill('katherine');
    const alert = ui.alert('network');
    await alert.waitFor({ timeout: 20_000 });
    const text = await alert.innerText();
    expect(text).toMatch(/^Clerk had a server problem/);
    expect(text).toMatch(/status 503/);
    expect(text).not.toMatch(/VPN|internet connection/);
    expect(await ui.pagerRange.count()).toBe(0);
    harness.sandbox.faults.clear();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await ui.option(/^Katherine Johnson/).waitFor();
    expect(await ui.pagerRange.innerText()).toMatch(/of/);
  });

  it('says the wait of a 429 once', async () => {
    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 20, times: 8 });
    await ui.press('/');
    await ui.search.fill('alan');
    const alert = ui.alert('rate-limited');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text.match(/20 s(econds)?\b/g)).toHaveLength(1);
    expect(text).toMatch(/Try again in 20 seconds\./);
  });

  it('says a protected user’s reason once', async () => {
    harness.sandbox.faults.clear();
    await ui.openUser('grace', /^Grace Hopper/);
    await ui.page.locator('#impersonate-blocked').waitFor();
    const header = await ui.page.locator('.user-header').innerText();
    const reason = (await ui.page.locator('#impersonate-blocked').innerText()).replace(/^Protected: /, '').replace(/\. This user.*$/s, '');
    expect(reason.length).toBeGreaterThan(3);
    expect(header.split(reason).length - 1).toBe(1);
  });

  it('requires a reason on a development instance by default, and says so on the field', async () => {
    await ui.press('Escape');
    await ui.openUser('alan', /^Alan Turing/);
    await ui.impersonateButton.click();
    const reason = ui.impersonateDialog.getByLabel('Reason or ticket (required)');
    await reason.waitFor();
    const before = harness.ipcLog.length;
    await reason.press('Enter');
    await ui.impersonateDialog.getByText('this instance requires one').waitFor();
    expect(harness.ipcLog.slice(before).filter((record) => record.channel === 'impersonation:start')).toEqual([]);
    await ui.press('Escape');
  });

  it('counts a 30-minute cap down from 30:00 in the banner’s format, and shows when a finished one ended and how long it ran', async () => {
    await ui.press('Escape');
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.impersonateButton.click();
    await ui.impersonateDialog.waitFor();
    await ui.impersonateDialog.getByLabel(/Reason or ticket/).fill('SUP-9 countdown');
    await ui.impersonateDialog.getByLabel('Session ends after (minutes)').fill('30');
    await ui.press('Enter');
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    const clock = item.locator('.countdown__value');
    const first = await clock.innerText();
    expect(first).toMatch(/^(30:00|29:5\d)$/);

    await ui.page.getByRole('button', { name: 'End the impersonation of Ada Lovelace' }).click();
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--ended/), 20_000);
    const finished = ui.page.getByRole('region', { name: 'Recently finished' });
    await eventually(async () => expect(await finished.innerText()).toMatch(/Ended \d{1,2}:\d{2}/));
    expect(await finished.innerText()).toMatch(/Signed in for \d+ s/);
    expect(await item.locator('.live-item__clock').innerText()).not.toBe('—');
  });

  it('drops "the window is opening" once signed in, and says "Ended" when the window is closed as when End is pressed', async () => {
    const { page } = harness;
    await ui.press('Control+1');
    await ui.openUser('alan', /^Alan Turing/);
    await ui.startImpersonation('SUP-10 notices');
    const opening = page.getByText('Impersonating Alan Turing: the window is opening.').first();
    const item = ui.liveItem('Alan Turing');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    await eventually(async () => expect(await opening.count()).toBe(0));

    // The customer's window closed from outside the console (as the banner's End or the window's own close button would).
    // Signed in is known from the portal's cookie; the window reaches the app a moment later.
    const customerPage = () => page
      .context()
      .browser()!
      .contexts()
      .flatMap((context) => context.pages())
      .find((candidate) => candidate !== page && candidate.url().startsWith(harness.sandbox.appUrl));
    await eventually(() => expect(customerPage()).toBeDefined(), 20_000);
    await customerPage()!.close();
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--ended/), 20_000);
    await page.getByText('Ended the impersonation of Alan Turing: Clerk confirmed it.').first().waitFor();
  });

  it('shows until when the link of a token Clerk never confirmed could be used', async () => {
    const { page } = harness;
    await ui.press('Control+1');
    await ui.openUser('katherine', /^Katherine Johnson/);
    harness.sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', times: 1 });
    await ui.startImpersonation('SUP-11 lost answer');
    await ui.impersonateDialog.locator('[data-error-kind="ambiguous"]').waitFor({ timeout: 20_000 });
    await ui.press('Escape');
    await ui.press('Control+3');
    const until = page.getByTestId('unknown-until').first();
    await until.waitFor();
    // The TTL plus the longest wait for Clerk's answer: an hour's link reads "in 1 hour".
    expect(await until.innerText()).toMatch(/^Its link could be used until \d{1,2}:\d{2}.*\(in (\d+ minutes?|\d+ hours?)\)$/);
  });

  it('keeps a malformed key in the field to correct it', async () => {
    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    await ui.page.getByRole('button', { name: 'Add instance' }).click();
    await ui.connect('Cut-off key', 'sk_test_tooshort');
    const field = ui.page.getByLabel('Secret key');
    await ui.page.getByText(/too short/).waitFor();
    expect(await field.inputValue()).toBe('sk_test_tooshort');
  });

  it('does not use an instance added in Settings before the agent says who they are there', async () => {
    const { page } = harness;
    await ui.connect('Second sandbox', harness.sandbox.secretKey);
    const dialog = page.getByTestId('operator-dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').first().innerText()).toBe('Who are you in Second sandbox?');
    await ui.press('Escape');
    await eventually(async () => expect(await dialog.count()).toBe(0));
    // Back on the instance that has an operator; the new one is listed, waiting for one.
    await eventually(async () => expect(await page.locator('#instance-switcher').evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent)).toBe('Sandbox (demo instance)'));
    await eventually(async () => expect(await ui.topbar.innerText()).toMatch(/You are\s+Morgan Reyes/));
  });

  it('points a policy refusal to a place that exists', async () => {
    const { describeError } = await import('../../src/renderer/src/data/error-text.ts');
    const next = describeError({ kind: 'policy', message: 'x' }).next;
    const section = /section (\w+)/.exec(next)![1]!;
    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    expect(await ui.page.getByRole('heading', { level: 2, name: section, exact: true }).count()).toBe(1);
  });
});
