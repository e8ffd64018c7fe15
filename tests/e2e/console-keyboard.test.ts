// The keyboard flow a support agent relies on, with real keystrokes in real Chromium and latency
// injected at the sandbox: Enter never acts on an older query's rows, `/` and Ctrl+K select the
// old query, "Who are you?" preselects nobody and is confirmed by name, and a known user's
// impersonation starts in three keys beyond the query and the reason.
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, consoleOnSandbox, callsSince, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

describe('keyboard flow', () => {
  const context = consoleOnSandbox({ users: 120, enter: false });
  // Read at test time: the harness starts in beforeAll.
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(() => {
    ({ harness, ui } = context);
  });

  const focused = (locator: ReturnType<ConsolePage['page']['getByRole']>) => locator.evaluate((element) => element === document.activeElement);

  it('"Who are you?" preselects nobody, leaves out banned and locked users, and records the operator only once confirmed by name', async () => {
    const { page } = harness;
    await ui.heading('Welcome to Understudy').waitFor();
    await page.getByRole('button', { name: 'Open the sandbox' }).click();
    const picker = page.getByRole('combobox', { name: 'Find yourself' });
    const listbox = page.getByRole('listbox', { name: 'Find yourself: results' });
    await listbox.getByRole('option').first().waitFor();
    await eventually(async () => expect(await listbox.getAttribute('aria-busy')).toBeNull());

    // Nothing is preselected: a bare Enter records nobody.
    expect(await listbox.locator('[role="option"][aria-selected="true"]').count()).toBe(0);
    expect(await picker.getAttribute('aria-activedescendant')).toBeNull();
    const before = harness.ipcLog.length;
    await picker.press('Enter');
    await page.waitForTimeout(300);
    expect(callsSince(harness, 'profiles:setOperator', before)).toEqual([]);
    expect(await page.getByTestId('operator-confirm').count()).toBe(0);

    // Banned and locked users are not offered, whatever is typed.
    for (const query of ['mallory', 'larry']) {
      await picker.fill(query);
      await page.getByText('banned and locked users are not offered').or(page.getByText(`No users match “${query}”`)).first().waitFor();
      await eventually(async () => expect(await page.getByTestId('results-caption').or(page.getByText(`No users match`)).first().innerText()).toMatch(new RegExp(query)));
      expect(await page.getByRole('option', { name: /Mallory Banks|Larry Locke/ }).count()).toBe(0);
    }

    // Typing makes the first match active; Enter asks for confirmation by name, and only that records it.
    await picker.fill('morgan');
    await listbox.getByRole('option', { name: /^Morgan Reyes/ }).waitFor();
    await eventually(async () => expect(await ui.activeOption(listbox)).toMatch(/^Morgan Reyes/));
    await picker.press('Enter');
    const confirm = page.getByTestId('operator-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toMatch(/Record Morgan Reyes \(morgan\.reyes@understudy\.example\) as you in Sandbox/);
    expect(callsSince(harness, 'profiles:setOperator', before)).toEqual([]);
    const yes = confirm.getByRole('button', { name: 'Yes, I am Morgan Reyes' });
    await eventually(async () => expect(await focused(yes)).toBe(true));
    await ui.press('Enter');
    await ui.heading('Users').waitFor();
    const saved = callsSince(harness, 'profiles:setOperator', before);
    expect(saved.map((call) => (call.input as { userId: string }).userId)).toEqual([SANDBOX_FIXTURES.operator]);
  });

  it('`/` and Ctrl+K select the whole old query, so typing replaces it', async () => {
    await ui.results.waitFor();
    await ui.press('/');
    await ui.search.fill('lovelace');
    await ui.option(/^Ada Lovelace/).waitFor();
    await ui.press('Control+2');
    await ui.heading('Active impersonations').waitFor();

    for (const shortcut of ['/', 'Control+k']) {
      await ui.press(shortcut);
      await eventually(async () => expect(await focused(ui.search)).toBe(true));
      await harness.page.keyboard.type('turing');
      expect(await ui.search.inputValue()).toBe('turing');
      await ui.option(/^Alan Turing/).waitFor();
      await ui.press('Control+2');
      await ui.heading('Active impersonations').waitFor();
    }
  });

  it('Enter during a slow search waits for the typed query’s answer instead of opening an older row', async () => {
    const { page } = harness;
    await ui.press('/');
    await ui.search.fill('ada');
    await ui.option(/^Ada Lovelace/).waitFor();
    await eventually(async () => expect(await ui.results.getAttribute('aria-busy')).toBeNull());
    expect(await page.getByTestId('results-caption').innerText()).toBe('Showing results for “ada”');

    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'latency', ms: 2_000, times: 1 });
    await ui.search.fill('turing');
    // The request is on its way: the old rows stay visible but are not actionable, and the caption says whose they are.
    await eventually(async () => expect(await page.getByTestId('results-caption').innerText()).toBe('Showing results for “ada” · searching for “turing”…'));
    expect(await ui.results.locator('[aria-selected="true"]').count()).toBe(0);
    expect(await ui.results.getByRole('option').first().getAttribute('aria-disabled')).toBe('true');
    // A click on an old row does nothing; Enter waits for Turing's answer and opens his page.
    await ui.option(/^Ada Lovelace/).click({ force: true });
    await ui.press('Enter');
    await ui.heading(/^Alan Turing/).waitFor();
    expect(await ui.heading(/^Ada Lovelace/).count()).toBe(0);
  });

  it('a failed search leaves nothing to choose: Enter does nothing and the pager is gone', async () => {
    const { page } = harness;
    await ui.press('Escape');
    await ui.heading('Users').waitFor();
    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'status', status: 422, times: 1 });
    await ui.press('/');
    await ui.search.fill('katherine');
    await page.locator('[role="alert"]').first().waitFor();
    await ui.press('Enter');
    await page.waitForTimeout(300);
    expect(await ui.heading('Users').count()).toBe(1);
    expect(await ui.pagerRange.count()).toBe(0);
  });

  it('starts a known user’s impersonation in three keys beyond the query and the reason, even over a leftover query', async () => {
    const { page } = harness;
    await ui.press('Control+2');
    await ui.heading('Active impersonations').waitFor();
    // Key 1: "/" (the leftover query is selected, typing replaces it).
    await ui.press('/');
    await page.keyboard.type('lovelace');
    await ui.option(/^Ada Lovelace/).waitFor();
    await eventually(async () => expect(await ui.activeOption(ui.results)).toMatch(/^Ada Lovelace/));
    // Key 2: Shift+Enter opens the user with the impersonate dialog, focus in the reason.
    await ui.press('Shift+Enter');
    const reason = ui.impersonateDialog.getByLabel(/Reason or ticket/);
    await eventually(async () => expect(await focused(reason)).toBe(true));
    await page.keyboard.type('SUP-77 checkout');
    // Key 3: Enter starts it.
    await ui.press('Enter');
    await ui.heading('Active impersonations').waitFor();
    await ui.liveItem('Ada Lovelace').waitFor();
    const started = callsSince(harness, 'impersonation:start');
    expect(started.at(-1)!.input).toMatchObject({ userId: SANDBOX_FIXTURES.plain[0], reason: 'SUP-77 checkout' });
  });
});
