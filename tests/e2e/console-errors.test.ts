// Failures and waits shown where the agent acted, in plain words with a way forward: Clerk limiting
// requests, Clerk unreachable, a user gone, impersonation not on the plan; and the loading and
// empty states in between. Faults are injected at the sandbox, so the real gateway (with its
// retries), the real IPC and the real console all play their part.
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, consoleOnSandbox, callsSince, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

describe('error, loading and empty states in the console', () => {
  const context = consoleOnSandbox({ users: 120, enter: true });
  // Read at test time: the harness starts in beforeAll.
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(() => {
    ({ harness, ui } = context);
  });

  it('shows the old results as busy while a search is on its way, then says plainly that nobody matches', async () => {
    await ui.results.waitFor();
    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'latency', ms: 1_500, times: 1 });
    await ui.press('/');
    await ui.search.fill('zzzz-nobody');

    // While Clerk answers: the spinner, and the previous rows marked busy rather than blanked.
    await harness.page.getByText('Searching…').waitFor();
    expect(await ui.results.getAttribute('aria-busy')).toBe('true');

    await harness.page.getByText('No users match “zzzz-nobody”').waitFor();
    expect(await ui.results.count()).toBe(0);
    expect(await ui.pagerRange.innerText()).toBe('No users');
    expect(await harness.page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect(await harness.page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    expect(await harness.page.getByText('Searching…').count()).toBe(0);
  });

  it('pages through the results with the pager', async () => {
    await ui.press('/');
    await ui.search.fill('');
    await eventually(async () => expect(await ui.pagerRange.innerText()).toBe('1–25 of 120'));
    const firstPage = await ui.results.getByRole('option').first().getAttribute('aria-label');
    await harness.page.getByRole('button', { name: 'Next page' }).click();
    await eventually(async () => expect(await ui.pagerRange.innerText()).toBe('26–50 of 120'));
    expect(await ui.results.getByRole('option').first().getAttribute('aria-label')).not.toBe(firstPage);
    await harness.page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(async () => expect(await ui.pagerRange.innerText()).toBe('1–25 of 120'));
  });

  it('says when Clerk is limiting requests and when to try again, then recovers on retry', async () => {
    // A Retry-After beyond the gateway's retry budget: it answers at once instead of waiting.
    harness.sandbox.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 20, times: 8 });
    await ui.press('/');
    await ui.search.fill('alan');
    const alert = ui.alert('rate-limited');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Clerk is limiting requests/);
    expect(await alert.innerText()).toMatch(/Try again in 20 seconds\./);
    expect(await ui.results.count()).toBe(0);

    harness.sandbox.faults.clear();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await ui.option(/^Alan Turing/).waitFor();
    expect(await alert.count()).toBe(0);
  });

  it('says when Clerk cannot be reached after the gateway’s retries, then recovers on retry', async () => {
    const fault = harness.sandbox.faults.inject({ route: '*', kind: 'drop' });
    const before = harness.ipcLog.length;
    await ui.press('/');
    await ui.search.fill('katherine');
    const alert = ui.alert('network');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.innerText()).toMatch(/Could not reach Clerk/);
    expect(await alert.innerText()).toMatch(/Check your internet connection/);
    // One search from the console; the repeats were the gateway's own.
    expect(callsSince(harness, 'users:search', before)).toHaveLength(1);
    expect(fault.hits).toBeGreaterThan(1);

    fault.remove();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await ui.option(/^Katherine Johnson/).waitFor();
  });

  it('shows a user that Clerk no longer has as not found, in place of the profile', async () => {
    harness.sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'status', status: 404, times: 1 });
    await ui.openUserRow('alan', /^Alan Turing/);
    const alert = ui.alert('not-found');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Not found in Clerk/);
    expect(await ui.heading(SANDBOX_FIXTURES.plain[1]).count()).toBe(1);
    expect(await ui.impersonateButton.count()).toBe(0);

    // It was a blip: Try again loads the user.
    await alert.getByRole('button', { name: 'Try again' }).click();
    await ui.heading('Alan Turing').waitFor();
    expect(await ui.impersonateButton.isEnabled()).toBe(true);
  });

  it('holds the user page’s place while it loads', async () => {
    harness.sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'latency', ms: 1_500, times: 1 });
    await ui.openUserRow('katherine', /^Katherine Johnson/);
    await harness.page.getByRole('heading', { name: 'Loading user' }).waitFor({ state: 'attached' });
    await ui.heading('Katherine Johnson').waitFor();
    expect(await harness.page.getByRole('heading', { name: 'Loading user' }).count()).toBe(0);
  });

  it('explains in the dialog when impersonation is not on the Clerk plan, and opens no window', async () => {
    await ui.openUser('katherine', /^Katherine Johnson/);
    harness.sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 402, times: 1 });
    await ui.startImpersonation('SUP-9 plan check');
    const alert = ui.impersonateDialog.locator('[role="alert"][data-error-kind="quota"]');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Impersonation is not available/);
    expect(await ui.impersonateDialog.isVisible()).toBe(true);
    expect(harness.windowHost.all()).toEqual([]);
    await ui.press('Escape');
    await eventually(async () => expect(await ui.impersonateDialog.count()).toBe(0));
  });
});
