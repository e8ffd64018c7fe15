// Issue 13 part 2 in the real built app on the Electron emulation: an IT policy naming an OTLP
// collector on loopback with `auditDelivery: "required"`. With the collector down, Settings shows the
// outbox (queued, last error) and a start is refused with the reason; when it comes back, Settings
// turns to "Up to date" by itself, the start goes, and the collector decodes the events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { AuditReceiver } from '../support/audit-receiver.ts';
import { seriousViolations } from '../support/axe.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp } from '../support/emulated-app.ts';

const [ADA] = SANDBOX_FIXTURES.plain;
vi.setConfig({ testTimeout: 240_000 });
const running: EmulatedApp[] = [];
const dirs: string[] = [];
const collector = new AuditReceiver();

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') for (const app of running) console.error(app.output.slice(-30).join('\n'));
  for (const app of running.splice(0)) await app.kill();
  await collector.down();
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('audit events shipped off the machine (issue 13)', () => {
  it('shows the outbox in Settings, refuses a start while the collector is down, and lets it go once it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-audit-e2e-'));
    dirs.push(dir);
    await collector.up();
    await collector.down(); // its port, closed: connections are refused
    const policyFile = join(dir, 'policy.json');
    const apiKey = 'collector-key-e2e-41d7';
    writeFileSync(policyFile, JSON.stringify({ auditSinks: [{ type: 'otlp-http', endpoint: collector.origin, headers: { 'x-api-key': apiKey } }], auditDelivery: 'required' }));

    const app = await launchEmulatedApp({ userData: join(dir, 'user-data'), env: { UNDERSTUDY_POLICY_FILE: policyFile } });
    running.push(app);
    const ui = new ConsolePage(await app.consolePage());
    await ui.heading('Welcome to Understudy').waitFor();
    await ui.enterSandbox();

    // Settings › Audit delivery: the policy's first record waits, with the reason it waits.
    await ui.navItem('Settings').click();
    const section = ui.page.getByTestId('audit-delivery');
    await section.getByRole('heading', { name: 'Audit delivery' }).waitFor();
    await section.getByText(`${collector.origin}/v1/logs`, { exact: true }).waitFor();
    await eventually(async () => expect(await section.getByTestId('audit-last-error').innerText()).toMatch(/could not be reached/), 20_000);
    expect(await section.getByTestId('audit-queued').innerText()).toMatch(/^1 event\b/);
    expect(await section.getByTestId('audit-last-delivery').innerText()).toBe('never');
    await section.getByText('Not delivering').waitFor();
    expect(await seriousViolations(ui.page)).toEqual([]);
    // The collector's key is sent as its header, never shown, logged or shipped in an event.
    expect(await ui.page.content()).not.toContain(apiKey);

    // A start is refused, saying what happened, what Understudy does and what the agent can do.
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-77 audit check');
    const refusal = ui.impersonateDialog.locator('[role="alert"][data-error-kind="audit-unreachable"]');
    await refusal.waitFor({ timeout: 20_000 });
    const said = await refusal.innerText();
    expect(said).toContain('Your organisation’s audit log cannot be reached');
    expect(said).toMatch(/Impersonation is paused: your organisation requires every impersonation to reach its audit log, and http:\/\/127\.0\.0\.1:\d+\/v1\/logs has not accepted audit events/);
    expect(said).toMatch(/keeps trying.*nothing is lost/);
    expect(said).toContain('Audit delivery');
    expect(app.ipcLog.filter((call) => call.channel === 'impersonation:start').at(-1)?.output).toMatchObject({ ok: false, error: { kind: 'audit-unreachable' } });
    await ui.press('Escape');

    // The collector comes back: Settings turns up to date on its own (the outbox retries and tells the console).
    await ui.navItem('Settings').click();
    await section.getByText('Not delivering').waitFor();
    await collector.up();
    await eventually(async () => expect(await section.getByText('Up to date').count()).toBe(1), 90_000);
    expect(await section.getByTestId('audit-queued').innerText()).toMatch(/^0 events/);
    expect(await section.getByTestId('audit-last-delivery').innerText()).toBe('just now');

    // The start goes now, and its events reach the collector, decoded as OTLP logs.
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-77 audit check');
    await ui.heading('Active impersonations').waitFor();
    await eventually(() => {
      const started = collector.unique().find((event) => event.name === 'understudy.impersonation.started');
      expect(started?.attributes).toMatchObject({ 'enduser.id': ADA, 'understudy.ticket': 'SUP-77', 'understudy.reason': 'SUP-77 audit check' });
    }, 20_000);
    expect(collector.unique().map((event) => event.name)[0]).toBe('understudy.policy.changed');
    // The refused attempt left no record: one start only.
    expect(collector.unique().filter((event) => event.name === 'understudy.impersonation.started')).toHaveLength(1);
    expect(collector.requests.every((request) => request.headers['x-api-key'] === apiKey && !request.body.includes(apiKey))).toBe(true);
    expect(app.output.join('\n')).not.toContain(apiKey);
  });
});
