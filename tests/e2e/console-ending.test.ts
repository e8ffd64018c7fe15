// Ending is truthful (issues 11 and 12, item 5): with Clerk failing at End, the Active row says
// "Ending — retrying" with the next attempt and a Retry button the keyboard keeps its focus on, the
// console announces it, and "Ended" comes only once Clerk confirmed it (checked at the sandbox).
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/shared/domain.ts';
import { seriousViolations } from '../support/axe.ts';
import { ConsolePage, consoleOnSandbox, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

describe('ending while Clerk cannot be reached', () => {
  const context = consoleOnSandbox({ users: 40, enter: true });
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(() => {
    ({ harness, ui } = context);
  });

  const entryOf = (name: string): LedgerEntry => harness.services.ledger.query({}).find((entry) => entry.subject.name === name)!;
  const eventsOf = (id: string) => harness.services.ledger.eventsAfter(0, 10_000).filter((event) => event.entryId === id).map((event) => event.type);

  it('shows the real state with a keyboard-reachable Retry, announces it, and says Ended only after Clerk confirmed', async () => {
    const { page } = harness;
    await ui.openUser('katherine', /^Katherine Johnson/);
    await ui.startImpersonation('SUP-12 ending truthfully');
    await ui.press('Control+2');
    const item = ui.liveItem('Katherine Johnson');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    const { sessionId, id } = entryOf('Katherine Johnson');
    expect(harness.sandbox.state.session(sessionId!)!.status).toBe('active');

    harness.sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'status', status: 500 });
    // By keyboard: from the row's Focus button, Tab reaches End; Enter presses it.
    await item.getByRole('button', { name: 'Focus the window of Katherine Johnson' }).focus();
    await ui.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('End the impersonation of Katherine Johnson');
    await ui.press('Enter');

    await eventually(async () => expect(await item.locator('.phase').innerText()).toBe('Ending — retrying'), 20_000);
    expect(await item.getAttribute('class')).toMatch(/live-item--ending/);
    // The same button, now Retry, keeps the focus: the agent can press Enter again.
    const retry = item.getByRole('button', { name: 'Retry ending the impersonation of Katherine Johnson now' });
    expect(await retry.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await retry.getAttribute('aria-disabled')).toBe('false');
    // Next attempt in local time with a relative time; when Clerk ends it by itself; what failed.
    const clock = await item.getByTestId('ending-clock').innerText();
    expect(clock).toMatch(/^Next attempt \d{1,2}:\d{2}(\s?[AP]M)? \(in \d+ seconds?\)\s+Clerk ends it by itself by \d{1,2}:\d{2}(\s?[AP]M)? \(in \d+ minutes\)$/);
    expect(clock).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(await item.getByTestId('ending-problem').innerText()).toMatch(/^Clerk has not confirmed the end: Clerk had a server problem \(status 500\).*Understudy keeps trying/);
    await page.getByText('Could not end the impersonation of Katherine Johnson at Clerk yet: Clerk had a server problem (status 500)', { exact: false }).first().waitFor();
    expect(await page.getByText('Ended the impersonation of Katherine Johnson').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Not over at Clerk, and not recorded as over.
    expect(harness.sandbox.state.session(sessionId!)!.status).toBe('active');
    expect(entryOf('Katherine Johnson')).toMatchObject({ status: 'ending', endedAt: null });

    // Retry while Clerk still fails: still ending, said where it was asked.
    await ui.press('Enter');
    await page.getByText("Clerk still has not confirmed the end of Katherine Johnson's impersonation", { exact: false }).first().waitFor({ timeout: 20_000 });
    expect(await item.locator('.phase').innerText()).toBe('Ending — retrying');
    expect(harness.sandbox.state.session(sessionId!)!.status).toBe('active');

    // Clerk answers again: Retry (Enter on the focused button) ends it, and only now it says Ended.
    harness.sandbox.faults.clear();
    await eventually(async () => expect(await retry.getAttribute('aria-disabled')).toBe('false'), 20_000);
    await retry.focus();
    await ui.press('Enter');
    const finished = page.getByRole('region', { name: 'Recently finished' });
    await eventually(async () => expect(await finished.getByTestId('impersonation').filter({ hasText: 'Katherine Johnson' }).count()).toBe(1), 20_000);
    await page.getByText('Ended the impersonation of Katherine Johnson: Clerk confirmed it.').first().waitFor();
    expect(harness.sandbox.state.session(sessionId!)!.status).toBe('revoked');
    const entry = harness.services.ledger.get(id)!;
    expect(entry).toMatchObject({ status: 'ended', endedBy: { reason: 'operator' } });
    expect(entry.error).toMatch(/^Ending at Clerk failed \d+ times \(last: Clerk had a server problem \(status 500\).*\); Clerk confirmed it at attempt \d+\.$/);
    const types = eventsOf(id);
    expect(types.slice(0, 4)).toEqual(['started', 'minted', 'signed_in', 'ending']);
    expect(types.filter((type) => type === 'end_retried').length).toBeGreaterThanOrEqual(1);
    expect(types.at(-1)).toBe('ended');
  });

  it('answers a start beyond Clerk’s sign-in limit at once: the dialog closes, the start is listed as queued, and Cancel (by keyboard) revokes its link without opening a window', async () => {
    const { page } = harness;
    // The agent has the dialog ready for Ada while five other starts (another agent's burst) take
    // Clerk's five sign-ins per 10 s; those count until their sign-ins are over and 11 s more.
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.impersonateButton.click();
    const dialog = ui.impersonateDialog;
    await dialog.waitFor();
    await dialog.getByLabel('Reason or ticket').fill('SUP-13 beyond the limit');
    // Their tickets are held: their sign-ins stay in flight, so Ada's start stays queued for as long
    // as the test needs (a queue that drains by itself races the test on a loaded machine).
    let releaseTickets!: () => void;
    const held = new Promise<void>((resolve) => (releaseTickets = resolve));
    harness.windowHost.beforeTicket = () => held;
    const names = await page.evaluate(async () => {
      const api = (window as unknown as { understudy: import('../../src/shared/api.ts').UnderstudyApi }).understudy;
      const found = await api.users.search({ profileId: 'sandbox', query: '', limit: 40, offset: 0 });
      if (!found.ok) throw new Error(found.error.message);
      const users = found.value.users.filter((user) => !user.protection.protected && !user.locked && !['Katherine Johnson', 'Ada Lovelace'].includes(user.name)).slice(0, 5);
      // Each answers once its window opened, or once it is queued.
      await Promise.all(users.map((user) => api.impersonation.start({ profileId: 'sandbox', userId: user.id, reason: 'SUP-13 many at once', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })));
      return users.map((user) => user.name);
    });
    expect(names).toHaveLength(5);
    // All five windows open (one may first wait for the previous test's sign-in to age out).
    await eventually(() => expect(harness.services.orchestrator.list().filter((view) => names.includes(view.subject.name) && view.phase === 'waiting')).toHaveLength(5), 20_000);
    await dialog.getByLabel('Reason or ticket').press('Enter');
    // The dialog does not stay busy while the window waits for its turn.
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
    const queued = page.getByTestId('impersonation').filter({ has: page.locator('.phase', { hasText: /^Queued$/ }) });
    const ada = queued.filter({ hasText: 'Ada Lovelace' });
    await ada.waitFor({ timeout: 20_000 });
    await page.getByText('The window for Ada Lovelace is queued: Clerk allows 5 sign-ins per 10 seconds.', { exact: false }).first().waitFor();
    expect(entryOf('Ada Lovelace')).toMatchObject({ status: 'pending' });
    expect(await queued.count()).toBe(1);
    const first = ada;
    expect(await first.getByTestId('queued-clock').innerText()).toBe('Opens once the sign-ins in progress are over');
    expect(await first.getByTestId('queued-note').innerText()).toMatch(/Clerk allows 5 sign-ins per 10 seconds/);
    // The accessibility scan runs while the queued row is shown.
    const cancel = first.getByRole('button', { name: /^Cancel the queued impersonation of / });
    const cancelledName = (await cancel.getAttribute('aria-label'))!.replace('Cancel the queued impersonation of ', '');
    expect(cancelledName).toBe('Ada Lovelace');
    const scan = seriousViolations(page);
    await cancel.focus();
    await ui.press('Enter');
    expect(await scan).toEqual([]);
    await page.getByText(`Ended the impersonation of ${cancelledName}: Clerk confirmed it.`).first().waitFor({ timeout: 20_000 });
    const entry = entryOf(cancelledName);
    expect(entry).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator' } });
    expect(harness.sandbox.state.actorTokens().find((token) => token.id === entry.actorTokenId)!.status).toBe('revoked');
    harness.windowHost.beforeTicket = null;
    releaseTickets();
  });
});

