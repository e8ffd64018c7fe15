// The support agent's whole journey through the real console in Chromium, against the real main
// services and the Clerk sandbox: connect an instance by key, say who you are, find a customer by
// keyboard, impersonate them, watch it sign in, end it, and audit it in the history and at Clerk.
// Then the same console on a production (sk_live_) instance, where everything says PRODUCTION and
// the instance name must be typed out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnderstudyApi } from '../../src/shared/api.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { ConsolePage, callsSince, eventually } from '../support/console-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const [ADA, ALAN] = SANDBOX_FIXTURES.plain;
const OPERATOR = SANDBOX_FIXTURES.operator;
const REASON = 'SUP-1234 checking billing';

describe('connecting an instance by its secret key', () => {
  let sandbox: Sandbox;
  let harness: Harness;
  let ui: ConsolePage;

  beforeAll(async () => {
    sandbox = await startSandbox({ users: 60 });
    harness = await startHarness({ sandbox, withoutBuiltInSandbox: true });
    ui = new ConsolePage(harness.page);
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  it('refuses a wrong key in place and stores nothing; keeps the right one in the keychain and shows only its hint', async () => {
    const { page } = harness;
    await ui.heading('Welcome to Understudy').waitFor();
    // No built-in sandbox here: the only way in is a key.
    expect(await page.getByRole('button', { name: 'Open the sandbox' }).count()).toBe(0);
    const keyField = page.getByLabel('Secret key');

    // A well-formed key Clerk does not know: refused in place, nothing stored.
    const wrongKey = `sk_test_${'x'.repeat(40)}`;
    await ui.connect('Acme staging', wrongKey);
    await ui.alert('invalid-key').waitFor();
    expect(await ui.alert('invalid-key').innerText()).toMatch(/Clerk rejected the secret key/);
    expect(await keyField.inputValue()).toBe('');
    expect(await harness.keychain.list()).toEqual([]);
    expect(await page.getByLabel('Instance name').inputValue()).toBe('Acme staging');

    // The sandbox's real key: verified with Clerk, then stored; step 2 asks who you are there.
    await ui.connect('Acme staging', sandbox.secretKey);
    await ui.heading('Who are you in Acme staging?').waitFor();
    const stored = await harness.keychain.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret).toBe(sandbox.secretKey);

    // The key never comes back to the console: no IPC answer carries it, only the hint.
    const hint = `sk_test_…${sandbox.secretKey.slice(-4)}`;
    const answers = JSON.stringify(harness.ipcLog.map((record) => record.output));
    expect(answers).not.toContain(sandbox.secretKey);
    expect(answers).toContain(hint);

    await ui.chooseOperator('morgan', /^Morgan Reyes/);
    await ui.heading('Users').waitFor();
    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    const instance = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Acme staging' }) });
    expect(await instance.innerText()).toContain(hint);
    expect(await instance.innerText()).toMatch(/Morgan Reyes/);
    expect(await page.content()).not.toContain(sandbox.secretKey);
  });

  it('never opens a sign-in link of a connected instance that is not https, and revokes it', async () => {
    // The sandbox hands out http://127.0.0.1 links: fine for the built-in demo, never for a real instance.
    await ui.press('Control+1');
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-1 link check');
    const problem = ui.impersonateDialog.getByRole('alert');
    await eventually(async () => expect(await problem.innerText()).toMatch(/not an https address/));
    expect(harness.windowHost.all()).toEqual([]);
    const [token] = sandbox.state.actorTokens();
    expect(token!.status).toBe('revoked');
  });
});

// The sandbox's links are loopback http, which only the built-in sandbox profile may open (see
// above), so the journey runs there; the keys, the gateway and the services are the same.
describe('the agent journey on the sandbox instance', () => {
  let sandbox: Sandbox;
  let harness: Harness;
  let ui: ConsolePage;
  let impersonationId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ users: 200 });
    harness = await startHarness({ sandbox });
    ui = new ConsolePage(harness.page);
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  it('asks who you are, then finds a customer with "/", the arrow keys and Enter, with a debounced search', async () => {
    const { page } = harness;
    await ui.heading('Welcome to Understudy').waitFor();
    await page.getByRole('button', { name: 'Open the sandbox' }).click();
    await ui.heading('Who are you in Sandbox (demo instance)?').waitFor();
    await ui.chooseOperator('morgan', /^Morgan Reyes/);
    await ui.heading('Users').waitFor();
    await expect.poll(() => ui.topbar.innerText()).toMatch(/You are\s+Morgan Reyes/);
    await ui.results.waitFor();
    expect(await ui.pagerRange.innerText()).toBe('1–25 of 200');

    // Away from the search box (Ctrl+2: Active), "/" brings it back, focused.
    await ui.press('Control+2');
    await ui.heading('Active impersonations').waitFor();
    await ui.press('/');
    await ui.heading('Users').waitFor();
    await eventually(async () => expect(await ui.search.evaluate((input) => input === document.activeElement)).toBe(true));

    const before = harness.ipcLog.length;
    await page.keyboard.type('ada', { delay: 60 });
    await ui.option(/^Ada Lovelace ada@analytical\.example/).waitFor();
    await eventually(async () => expect(await ui.results.getAttribute('aria-busy')).toBeNull());
    const searches = callsSince(harness, 'users:search', before);
    expect(searches.length).toBeGreaterThanOrEqual(1);
    expect(searches.length).toBeLessThanOrEqual(2);
    expect(searches.at(-1)!.input).toMatchObject({ query: 'ada', offset: 0 });

    // The first row is active; the arrow keys move through the rows while focus stays in the box.
    const labels = await ui.results.getByRole('option').evaluateAll((options) => options.map((option) => option.getAttribute('aria-label') ?? ''));
    const ada = labels.findIndex((label) => label.startsWith('Ada Lovelace'));
    expect(labels.length).toBeGreaterThan(1);
    expect(await ui.activeOption(ui.results)).toBe(labels[0]);
    await ui.press('ArrowDown');
    expect(await ui.activeOption(ui.results)).toBe(labels[1]);
    await ui.press('ArrowUp');
    for (let step = 0; step < ada; step++) await ui.press('ArrowDown');
    expect(await ui.activeOption(ui.results)).toBe(labels[ada]);
    const activeId = await ui.search.getAttribute('aria-activedescendant');
    expect(await harness.page.locator(`[id="${activeId}"]`).getAttribute('aria-label')).toBe(labels[ada]);
    await ui.press('Enter');
    await ui.heading('Ada Lovelace').waitFor();
    // Enter on a result, Enter again to impersonate: the button has focus.
    await eventually(async () => expect(await ui.impersonateButton.evaluate((button) => button === document.activeElement)).toBe(true));
  });

  it('impersonates with a reason: the Active screen shows it waiting, then signed in, and the window is the customer, acted by the operator', async () => {
    const { page, windowHost } = harness;
    // Hold the ticket so the waiting phase is observable, then let it through.
    let release!: () => void;
    windowHost.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));

    await ui.press('Enter');
    const dialog = ui.impersonateDialog;
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('heading').first().innerText()).toBe('Impersonate Ada Lovelace');
    // Keyboard only: the reason field has focus, Enter starts.
    await page.keyboard.type(REASON);
    await page.keyboard.press('Enter');

    await ui.heading('Active impersonations').waitFor();
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--waiting/));
    expect(await item.innerText()).toMatch(/Waiting for sign-in/);
    expect(await ui.navItem('Active').innerText()).toMatch(/1/);

    windowHost.beforeTicket = null;
    release();
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 15_000);
    expect(await item.innerText()).toMatch(/Signed in/);
    expect(await item.innerText()).toMatch(/Session ends in/);

    const view = harness.services.orchestrator.list().find((candidate) => candidate.subject.id === ADA);
    impersonationId = view!.id;
    const app = windowHost.window(impersonationId).page;
    await app.getByTestId('subject-id').waitFor();
    expect(await app.getByTestId('subject-id').innerText()).toBe(ADA);
    expect(await app.getByTestId('subject-name').innerText()).toBe('Ada Lovelace');
    expect(await app.getByTestId('actor-sub').innerText()).toBe(OPERATOR);

    // Clerk got the actor and only a short ticket reference; the ledger has the whole reason.
    const token = sandbox.state.actorTokens().find((candidate) => candidate.userId === ADA)!;
    expect(token.actor['sub']).toBe(OPERATOR);
    expect(harness.services.ledger.get(impersonationId)).toMatchObject({ reason: REASON, status: 'accepted' });
  });

  it('refuses protected users in place: Impersonate… is disabled with the reason next to it', async () => {
    await ui.press('Control+1');
    await ui.heading('Users').waitFor();
    await ui.openUser('grace', /^Grace Hopper/);
    await eventually(async () => expect(await ui.impersonateButton.isDisabled()).toBe(true));
    const reason = harness.page.locator('#impersonate-blocked');
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.innerText()).toMatch(/^Protected: .*admin.*cannot be impersonated/i);
    expect(await ui.impersonateButton.getAttribute('aria-describedby')).toBe('impersonate-blocked');
    // Esc goes back to the results, where "grace" is still the query.
    await ui.press('Escape');
    await ui.heading('Users').waitFor();
    expect(await ui.search.inputValue()).toBe('grace');
  });

  it('ends the impersonation from the Active screen: the session is revoked at Clerk and the window closes', async () => {
    const window = harness.windowHost.window(impersonationId);
    const sessionId = harness.services.ledger.get(impersonationId)!.sessionId!;
    expect(sandbox.state.session(sessionId)!.status).toBe('active');

    await ui.press('Control+2');
    await ui.heading('Active impersonations').waitFor();
    await harness.page.getByRole('button', { name: 'End the impersonation of Ada Lovelace' }).click();
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--ended/));
    expect(await harness.page.getByRole('region', { name: 'Recently finished' }).innerText()).toMatch(/Ada Lovelace/);
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(window.isClosed()).toBe(true);
    expect(await harness.page.getByRole('button', { name: 'End all' }).isDisabled()).toBe(true);
  });

  it('keeps the token history: filters by status, revokes a pending link, exports CSV and JSON without any ticket', async () => {
    const { page, windowHost } = harness;
    // A second impersonation whose link is never used: pending until revoked from the history.
    let release!: () => void;
    windowHost.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));
    await ui.press('Control+1');
    await ui.openUser('alan', /^Alan Turing/);
    await ui.startImpersonation('SUP-1300 invoice totals');
    await ui.liveItem('Alan Turing').waitFor();

    await ui.press('Control+3');
    await ui.heading('Token history').waitFor();
    await expect.poll(() => ui.historyRows().count()).toBe(2);
    const adaRow = ui.historyRows().filter({ hasText: 'Ada Lovelace' });
    expect(await adaRow.innerText()).toMatch(/Ended/);
    expect(await adaRow.innerText()).toContain(REASON);
    expect(await adaRow.innerText()).toMatch(/Morgan Reyes/);
    expect(await adaRow.innerText()).toMatch(/support-agent/);

    await page.getByRole('button', { name: 'Revoke the pending link for Alan Turing' }).click();
    await page.getByRole('button', { name: 'Revoke link' }).click();
    const alanRow = ui.historyRows().filter({ hasText: 'Alan Turing' });
    await eventually(async () => expect(await alanRow.innerText()).toMatch(/Revoked/));
    windowHost.beforeTicket = null;
    release();
    const alanToken = sandbox.state.actorTokens().find((token) => token.userId === ALAN)!;
    expect(alanToken.status).toBe('revoked');

    // Filter by status.
    const status = page.getByLabel('Status');
    await status.selectOption({ label: 'Ended' });
    await expect.poll(() => ui.historyRows().count()).toBe(1);
    expect(await ui.historyRows().first().innerText()).toMatch(/Ada Lovelace/);
    await status.selectOption({ label: 'Pending' });
    await page.getByText('Nothing matches these filters').waitFor();
    await status.selectOption({ label: 'Ended' });
    await expect.poll(() => ui.historyRows().count()).toBe(1);

    // Main orders by date: oldest first puts Ada (started first) before Alan once the filter is cleared.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => ui.historyRows().count()).toBe(2);
    expect(await ui.historyRows().nth(0).innerText()).toMatch(/Alan Turing/);
    await page.getByRole('columnheader', { name: /Date/ }).getByRole('button').click();
    await eventually(async () => expect(await page.getByRole('columnheader', { name: /Date/ }).getAttribute('aria-sort')).toBe('ascending'));
    await eventually(async () => expect(await ui.historyRows().nth(0).innerText()).toMatch(/Ada Lovelace/));
    expect(await ui.historyRows().nth(1).innerText()).toMatch(/Alan Turing/);

    // Exports follow the filter.
    await status.selectOption({ label: 'Ended' });
    const statusLine = page.locator('.status-line[role="status"]');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await eventually(async () => expect(await statusLine.innerText()).toMatch(/^Exported 1 entry to .*\.csv$/));
    await page.getByRole('button', { name: 'Export JSON' }).click();
    await eventually(async () => expect(await statusLine.innerText()).toMatch(/^Exported 1 entry to .*\.json$/));

    const files = readdirSync(harness.exportsDir);
    const csv = readFileSync(join(harness.exportsDir, files.find((name) => name.endsWith('.csv'))!), 'utf8');
    const json = readFileSync(join(harness.exportsDir, files.find((name) => name.endsWith('.json'))!), 'utf8');
    const [header, row, ...rest] = csv.trimEnd().split('\r\n');
    expect(rest).toEqual([]);
    const columns = header!.split(',');
    const cells = row!.split(',');
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect(cell('user_id')).toBe(ADA);
    expect(cell('status')).toBe('ended');
    expect(cell('reason')).toBe(REASON);
    expect(cell('operator_user_id')).toBe(OPERATOR);
    expect(cell('ended_reason')).toBe('operator');
    const entries = (JSON.parse(json) as { impersonations: { subject: { id: string }; status: string; reason: string }[] }).impersonations;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subject: { id: ADA }, status: 'ended', reason: REASON });

    // No sign-in link in either: neither the ticket nor its URL.
    for (const content of [csv, json]) {
      for (const token of sandbox.state.actorTokens()) {
        expect(content).not.toContain(token.ticket);
        expect(content).not.toContain(token.url);
      }
      expect(content).not.toMatch(/tickets\/accept|__clerk_ticket/);
      expect(content).not.toContain(sandbox.secretKey);
    }
  });

  it('shows Clerk’s own record of the user’s sessions, the impersonated one with its actor', async () => {
    await ui.press('Control+1');
    await ui.openUser('ada', /^Ada Lovelace/);
    const sessions = harness.page.getByRole('region', { name: 'Sessions in Clerk' });
    await sessions.getByRole('table').waitFor();
    const impersonated = sessions.locator('tbody tr').filter({ hasText: 'You (Morgan Reyes)' });
    await expect.poll(() => impersonated.count()).toBe(1);
    const sessionId = harness.services.ledger.get(impersonationId)!.sessionId!;
    expect(await impersonated.innerText()).toContain(sessionId);
    expect(await impersonated.innerText()).toMatch(/Revoked/);
    // Ada's own session (seeded) is there too, not impersonated.
    expect(await sessions.locator('tbody tr').filter({ hasText: 'Not impersonated' }).count()).toBeGreaterThanOrEqual(1);
    // And this computer's history for her.
    const local = harness.page.getByRole('region', { name: 'Impersonations from this computer' });
    expect(await local.innerText()).toContain(REASON);
  });
});

describe('a production instance', () => {
  let sandbox: Sandbox;
  let harness: Harness;
  let ui: ConsolePage;

  beforeAll(async () => {
    sandbox = await startSandbox({ users: 60, instance: 'production' });
    harness = await startHarness({ sandbox });
    ui = new ConsolePage(harness.page);
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  it('marks every screen PRODUCTION and starts only once the instance name is typed out', async () => {
    const { page } = harness;
    expect(sandbox.secretKey).toMatch(/^sk_live_/);
    await ui.enterSandbox();
    const profile = harness.services.profiles.list()[0]!;
    expect(profile.production).toBe(true);

    const marked = async () => {
      expect(await ui.environment.innerText()).toBe('PRODUCTION');
      expect(await ui.topbar.getAttribute('class')).toMatch(/topbar--production/);
    };
    await marked();
    for (const [keys, title] of [['Control+2', 'Active impersonations'], ['Control+3', 'Token history'], ['Control+4', 'Settings'], ['Control+1', 'Users']] as const) {
      await ui.press(keys);
      await ui.heading(title).waitFor();
      await marked();
    }
    expect(await page.getByRole('combobox', { name: 'Instance' }).innerText()).toMatch(/PRODUCTION — /);

    await ui.openUser('ada', /^Ada Lovelace/);
    await marked();
    await ui.screenshot('production-user', 'light');
    await ui.impersonateButton.click();
    const dialog = ui.impersonateDialog;
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/PRODUCTION/);
    // Production requires a reason by default.
    expect(await dialog.getByLabel('Reason or ticket (required)').count()).toBe(1);
    const confirmation = dialog.getByLabel(`Type ${profile.name} to confirm`);
    await dialog.getByLabel('Reason or ticket').fill('SUP-77 refund check');
    await ui.screenshot('production-dialog', 'light');

    // Wrong confirmation text: refused in place, nothing minted at Clerk.
    await confirmation.fill(profile.name.toLowerCase());
    await dialog.getByRole('button', { name: 'Start impersonation' }).click();
    await eventually(async () => expect(await confirmation.getAttribute('aria-invalid')).toBe('true'));
    expect(await dialog.isVisible()).toBe(true);
    expect(sandbox.state.actorTokens()).toEqual([]);

    // Even if the console skipped its own check, main refuses a wrong confirmation.
    const refused = await page.evaluate(
      ([profileId, userId]) =>
        (window as unknown as { understudy: UnderstudyApi }).understudy.impersonation.start({
          profileId,
          userId,
          reason: 'SUP-77 refund check',
          tokenTtlSeconds: 300,
          sessionMaxSeconds: 600,
          readOnly: false,
          confirmation: 'Acme',
        }),
      [profile.id, ADA!] as const,
    );
    expect(refused).toMatchObject({ ok: false, error: { kind: 'policy' } });
    expect(sandbox.state.actorTokens()).toEqual([]);

    await confirmation.fill(profile.name);
    await confirmation.press('Enter');
    await ui.heading('Active impersonations').waitFor();
    const item = ui.liveItem('Ada Lovelace');
    await item.waitFor();
    expect(await item.innerText()).toMatch(/Production/);
    await marked();
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    expect(sandbox.state.actorTokens()).toHaveLength(1);
    await ui.screenshot('production-active', 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await ui.screenshot('production-active', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Ctrl+Shift+E ends everything, after a confirmation.
    await ui.press('Control+Shift+E');
    const endAll = page.getByRole('dialog', { name: 'End the running impersonation?' });
    await endAll.waitFor();
    await eventually(async () => expect(await endAll.getByRole('button', { name: 'End all' }).evaluate((button) => button === document.activeElement)).toBe(true));
    await ui.press('Enter');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--ended/));
    const sessionId = sandbox.state.actorTokens()[0]!.sessionId!;
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
  });
});
