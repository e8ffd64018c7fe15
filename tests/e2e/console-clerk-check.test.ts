// "Check with Clerk" in the real console in Chromium, against the real services and the sandbox:
// an impersonation the agent ran and ended, one started from outside Understudy, one the history
// says ended while Clerk still has it, one whose outcome is unknown. The report shows each where it
// belongs, with honest progress; a session is ended only after a confirmation and shown ended only
// from Clerk's answer; the report exports to a file and the check is in the history.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { seriousViolations } from '../support/axe.ts';
import { foreignSession, recordedEntry } from '../support/clerk-sessions.ts';
import { ConsolePage, callsSince, eventually } from '../support/console-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain as [string, string, string];
const DASHBOARD_ADMIN = 'user_2sbxDashboardAdmin000000000';

describe('Check with Clerk', () => {
  let harness: Harness;
  let ui: ConsolePage;
  let dashboard: string;
  let stray: { entry: { id: string }; sessionId: string | null };

  beforeAll(async () => {
    harness = await startHarness({ users: 40 });
    ui = new ConsolePage(harness.page);
    await ui.enterSandbox();
    // The agent impersonates Ada and ends it: accounted for, nothing to report.
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-31 invoices');
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    await harness.page.getByRole('button', { name: 'End the impersonation of Ada Lovelace' }).click();
    await eventually(() => expect(harness.services.ledger.query({ userId: ADA })[0]?.status).toBe('ended'), 20_000);
    // Someone impersonated Ada from the Dashboard; Alan's impersonation is over here but not at Clerk; Katherine's mint is unknown.
    dashboard = await foreignSession(harness.sandbox, ADA, { sub: DASHBOARD_ADMIN });
    stray = await recordedEntry(harness.sandbox, harness.services.ledger, { userId: ALAN, userName: 'Alan Turing', osUser: 'support-agent', then: 'ended', session: true });
    await recordedEntry(harness.sandbox, harness.services.ledger, { userId: KATHERINE, userName: 'Katherine Johnson', osUser: 'support-agent', then: 'unknown', session: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('reports what the history does not account for, with progress while Clerk is asked', async () => {
    const { page } = harness;
    await ui.press('Control+3');
    await ui.heading('Token history').waitFor();
    await page.getByRole('button', { name: 'Check with Clerk…' }).click();
    const dialog = page.getByTestId('clerk-check');
    await dialog.waitFor();
    await dialog.getByLabel('Period').selectOption({ label: 'The last 24 hours' });

    // The first user's answer is slow: the dialog says how far it got meanwhile.
    harness.sandbox.faults.inject({ route: 'GET /sessions', kind: 'latency', ms: 1500, times: 1 });
    await dialog.getByRole('button', { name: 'Check', exact: true }).click();
    await dialog.getByRole('status').filter({ hasText: 'Asked Clerk about 0 of 3 users' }).waitFor();

    const report = dialog.getByTestId('clerk-check-report');
    await report.waitFor({ timeout: 20_000 });
    expect(await report.locator('.clerk-check__summary').innerText()).toMatch(/^Checked 3 history entries from .+: asked Clerk about 3 of 3 users\. 3 findings\. This check is recorded in the history\.$/);

    const foreign = report.getByRole('region', { name: /^Impersonations this history does not know \(1\)/ });
    expect(await foreign.getByRole('row').nth(1).innerText()).toContain(dashboard);
    expect(await foreign.getByRole('row').nth(1).innerText()).toContain(`sub: ${DASHBOARD_ADMIN}`);
    // Only reported, never ended from here.
    expect(await foreign.getByRole('button', { name: /End session/ }).count()).toBe(0);

    const live = report.getByRole('region', { name: /^Still signed in at Clerk although the history says they are over \(1\)/ });
    expect(await live.getByRole('row').nth(1).innerText()).toMatch(new RegExp(`Alan Turing[\\s\\S]*${stray.sessionId}[\\s\\S]*ended[\\s\\S]*active`));

    const unknown = report.getByRole('region', { name: /^Outcome unknown \(1\)/ });
    expect(await unknown.innerText()).toMatch(/Katherine Johnson[\s\S]*Clerk reports no session from it[\s\S]*Unused, the link expires at /);

    expect(await seriousViolations(page)).toEqual([]);
    const recorded = harness.services.ledger.eventsAfter(0).filter((event) => event.type === 'clerk_checked');
    expect(recorded.map((event) => event.data)).toEqual([expect.objectContaining({ action: 'checked', foreignSessions: [dashboard], stillActiveSessions: [stray.sessionId] })]);
  });

  it('ends a session only after a confirmation, and says ended only once Clerk confirmed it', async () => {
    const { page } = harness;
    const live = page.getByRole('region', { name: /^Still signed in at Clerk/ });
    const from = harness.ipcLog.length;
    await live.getByRole('button', { name: `End session ${stray.sessionId} of Alan Turing…` }).click();
    const confirm = page.getByRole('dialog', { name: 'End this session of Alan Turing?' });
    await confirm.waitFor();
    // Asking is not ending.
    expect(callsSince(harness, 'clerk:endSession', from)).toEqual([]);
    expect(harness.sandbox.state.session(stray.sessionId!)?.status).toBe('active');
    await confirm.getByRole('button', { name: 'End session at Clerk' }).click();
    await live.getByText(/revoked \(ended from this report at .+\)/).waitFor();
    expect(harness.sandbox.state.session(stray.sessionId!)?.status).toBe('revoked');
    expect(callsSince(harness, 'clerk:endSession', from)).toHaveLength(1);
    expect(await live.getByRole('button', { name: /End session/ }).count()).toBe(0);
    expect(harness.sandbox.state.session(dashboard)?.status).toBe('active');
  });

  it('exports the report', async () => {
    const dialog = harness.page.getByTestId('clerk-check');
    await dialog.getByRole('button', { name: 'Export report as CSV' }).click();
    await dialog.getByRole('status').filter({ hasText: /Exported the report \(3 findings\) to / }).waitFor();
    const file = readdirSync(harness.exportsDir).find((name) => /^understudy-clerk-check-\d{4}-\d\d-\d\d\.csv$/.test(name));
    expect(file).toBeDefined();
    const [header, ...rows] = readFileSync(join(harness.exportsDir, file!), 'utf8').trimEnd().split('\r\n');
    expect(header).toBe('finding,profile_name,user_id,user_name,session_id,session_status,session_created_at,actor,entry_id,history_status,detail');
    expect(rows.map((row) => row.split(',')[0])).toEqual(['foreign_session', 'still_active', 'unknown_outcome']);
    expect(rows[0]).toContain(dashboard);
    expect(rows[1]).toContain(`${stray.sessionId},revoked`);
    expect(rows[1]).toMatch(/ended from the report at \d{4}-/);
  });
});
