// The organisation's policy in the real console: the rules IT set are shown as in force, locked
// (disabled, with "Set by your organisation" in their accessible description), the others stay
// editable; the page passes axe; and main refuses a loosening sent straight through the preload's
// bridge, as a compromised or buggy console would send it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnderstudyApi } from '../../src/shared/api.ts';
import type { Policy } from '../../src/shared/domain.ts';
import { seriousViolations } from '../support/axe.ts';
import { ConsolePage, callsSince, eventually } from '../support/console-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const SOURCE = '/etc/understudy/policy.json';

describe('settings set by the organisation', () => {
  let harness: Harness;
  let ui: ConsolePage;

  beforeAll(async () => {
    harness = await startHarness({ users: 40, orgPolicy: { state: 'set', source: SOURCE, policy: { maxTokenTtlSeconds: 300, requireReason: true, protectedRoles: ['owner'] } } });
    ui = new ConsolePage(harness.page);
    await ui.enterSandbox();
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** The text a screen reader announces with the control: its aria-describedby targets. */
  const description = (label: string) =>
    harness.page.getByLabel(label, { exact: true }).evaluate((element) =>
      (element.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );

  it('shows what IT set as locked and in force, and leaves the rest editable', async () => {
    const { page } = harness;
    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    const form = page.getByRole('form', { name: 'Policy of Sandbox (demo instance)' });
    await form.waitFor();
    await expect(form.getByRole('note', { name: 'Policy set by your organisation' }).innerText()).resolves.toContain(SOURCE);

    for (const label of ['Longest sign-in link (minutes)', 'Require a reason or ticket', 'Protected roles']) {
      expect({ label, disabled: await page.getByLabel(label, { exact: true }).isDisabled() }).toEqual({ label, disabled: true });
      expect(await description(label)).toMatch(/^Set by your organisation\./);
    }
    // In force: the organisation's bound, and its role added to the local one.
    expect(await page.getByLabel('Longest sign-in link (minutes)', { exact: true }).inputValue()).toBe('5');
    expect(await page.getByLabel('Require a reason or ticket', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Protected roles', { exact: true }).inputValue()).toBe('admin, owner');

    for (const label of ['Longest session (minutes)', 'Protect banned users', 'Protected user ids']) {
      expect({ label, disabled: await page.getByLabel(label, { exact: true }).isDisabled() }).toEqual({ label, disabled: false });
      expect(await description(label)).not.toMatch(/organisation/);
    }
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('saves an unlocked change with the locked rules as they are', async () => {
    const { page } = harness;
    const from = harness.ipcLog.length;
    await page.getByLabel('Longest session (minutes)', { exact: true }).fill('20');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [save] = callsSince(harness, 'profiles:setPolicy', from);
    expect(save?.output).toMatchObject({ ok: true, value: { policy: { maxSessionSeconds: 1200, maxTokenTtlSeconds: 300, requireReason: true, protectedRoles: ['admin', 'owner'] } } });
    // Still locked after the save.
    await eventually(async () => expect(await page.getByLabel('Longest sign-in link (minutes)', { exact: true }).isDisabled()).toBe(true));
  });

  it('main refuses a loosening sent through the bridge, whatever the form allows', async () => {
    const answer = await harness.page.evaluate(async () => {
      const bridge = (window as unknown as { understudy: UnderstudyApi }).understudy;
      const state = await bridge.app.getState({});
      if (!state.ok) throw new Error('no state');
      const policy: Policy = { ...state.value.profiles.find((profile) => profile.id === 'sandbox')!.policy, maxTokenTtlSeconds: 3600 };
      return bridge.profiles.setPolicy({ profileId: 'sandbox', policy });
    });
    expect(answer).toEqual({ ok: false, error: { kind: 'policy', message: 'Set by your organisation: sign-in links last at most 300 s.' } });
    const events = harness.services.ledger.eventsAfter(0).filter((event) => event.type === 'policy_changed' && event.data.source === 'local');
    expect(events.map((event) => (event.data.after as Policy).maxTokenTtlSeconds)).toEqual([300]);
  });
});
