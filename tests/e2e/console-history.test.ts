// What the History screen says beyond impersonations (issue 12 items 4 and 6): every policy change,
// readable and apart from impersonations, in the screen and in exports; and for a sign-in link
// Clerk never confirmed, until when it could be used and a "Check at Clerk" that finds a session
// created from it (by its reference) and ends it at Clerk.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, PolicyChange } from '../../src/shared/domain.ts';
import { CookieJar, signInWithTicket } from '../sandbox/helpers.ts';
import { ConsolePage, consoleOnSandbox, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

describe('the History screen: policy changes and links Clerk never confirmed', () => {
  const context = consoleOnSandbox({ users: 80, enter: true });
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(() => {
    ({ harness, ui } = context);
  });

  it('shows a change of "Require a reason" in the History: what, before → after, by whom, when; and exports it', async () => {
    const { page } = harness;
    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    const form = page.getByRole('form', { name: /^Policy of Sandbox/ });
    await form.getByLabel('Require a reason or ticket').uncheck();
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByText('Saved.').waitFor();

    await ui.press('Control+3');
    await ui.heading('Token history').waitFor();
    const section = page.getByRole('region', { name: 'Policy changes' });
    const change = section.getByTestId('policy-change').first();
    await change.waitFor();
    const text = await change.innerText();
    expect(text).toContain('Policy changed');
    expect(text).toContain('Sandbox');
    expect(text).toContain('Require a reason: on → off');
    expect(text).toMatch(/by Morgan Reyes, on this computer as support-agent/);
    expect(text).toMatch(/\((just now|\d+ minutes? ago)\)/);
    // Only what changed is listed, and it is not a row of the impersonation table.
    expect(await change.locator('.policy-change__settings li').count()).toBe(1);
    expect(await ui.historyRows().filter({ hasText: 'Require a reason' }).count()).toBe(0);

    // Exports carry it too, as a policy change and not as an impersonation.
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const statusLine = page.locator('.status-line[role="status"]');
    await eventually(async () => expect(await statusLine.innerText()).toMatch(/^Exported 0 entries and 1 policy change to .*\.json$/));
    const file = readdirSync(harness.exportsDir).find((name) => name.endsWith('.json'))!;
    const exported = JSON.parse(readFileSync(join(harness.exportsDir, file), 'utf8')) as { impersonations: LedgerEntry[]; policyChanges: PolicyChange[] };
    expect(exported.impersonations).toEqual([]);
    expect(exported.policyChanges).toEqual([
      expect.objectContaining({ source: 'local', profileId: 'sandbox', by: 'support-agent', changes: [{ key: 'requireReason', before: true, after: false }] }),
    ]);

    // Saving again with nothing different records nothing.
    await ui.press('Control+4');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByText('Saved.').waitFor();
    await ui.press('Control+3');
    await change.waitFor();
    expect(await section.getByTestId('policy-change').count()).toBe(1);
  });

  it('for a link Clerk never confirmed, says until when it could be used, and "Check at Clerk" finds and ends its session', async () => {
    const { page, sandbox } = harness;
    await ui.press('Control+1');
    await ui.openUser('katherine', /^Katherine Johnson/);
    // Clerk mints the token, but its answer never arrives.
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    await ui.startImpersonation('SUP-12 lost answer');
    await ui.impersonateDialog.locator('[data-error-kind="ambiguous"]').waitFor({ timeout: 20_000 });
    await ui.press('Escape');

    await ui.press('Control+3');
    const row = ui.historyRows().filter({ hasText: 'Katherine Johnson' });
    await row.getByTestId('unknown-until').waitFor();
    expect(await row.getByTestId('unknown-until').innerText()).toMatch(/^Its link could be used until \d{1,2}:\d{2}.*\(in (\d+ minutes?|\d+ hours?)\)$/);
    const check = row.getByRole('button', { name: /^Check at Clerk for a session of Katherine Johnson/ });

    // Nobody used it yet: nothing to end, and the row says so and until when to check again.
    await check.click();
    await eventually(async () => expect(await row.getByTestId('unknown-check').innerText()).toMatch(/^No session of Katherine Johnson from this link at Clerk yet .*could still be used until .*\(in (\d+ minutes?|\d+ hours?)\)/));
    expect(await row.innerText()).toMatch(/Unknown/);

    // Someone had the link after all and signed in with it.
    const [minted] = sandbox.state.actorTokens().filter((token) => token.status === 'pending');
    await signInWithTicket(minted!.url, new CookieJar(), sandbox);
    const sessionId = sandbox.state.actorTokens().find((token) => token.id === minted!.id)!.sessionId!;
    expect(sandbox.state.session(sessionId)!.status).toBe('active');

    await check.click();
    await eventually(async () => expect(await row.getByTestId('unknown-check').innerText()).toMatch(/^Clerk had a session of Katherine Johnson from this link: ended it at Clerk/));
    await eventually(async () => expect(await row.locator('.badge').first().innerText()).toBe('Ended'));
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(await row.getByRole('button', { name: /^Check at Clerk/ }).count()).toBe(0);
  });
});
