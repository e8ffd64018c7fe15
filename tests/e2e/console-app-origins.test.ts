// Settings → Instances → App addresses of a development instance connected by its key, in the real
// console: added with Enter, refused in place next to the field with main's reason, shown only once
// main stored it, removed from the keyboard; and, under an organisation's bound, only what IT allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { seriousViolations } from '../support/axe.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import type { OrgPolicyState } from '../../src/main/policy/org-policy.ts';

describe('app addresses of a development instance', () => {
  let sandbox: Sandbox;
  let harness: Harness;
  let group: Locator;
  let field: Locator;
  let profileId: string;

  const listed = () => group.getByRole('list', { name: 'App addresses of Acme dev' }).getByRole('listitem').allInnerTexts();
  const stored = () => harness.services.profiles.get(profileId)!.appOrigins;
  const description = () => describedBy(field);
  const addWithEnter = (text: string) => enter(field, text);

  beforeAll(async () => {
    ({ sandbox, harness, group, field, profileId } = await connectDevInstance());
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  it('refuses an address in place with main’s reason, keeps what was typed, and stores nothing', async () => {
    expect(await group.getByRole('list').count()).toBe(0);
    await addWithEnter('dev-box.internal:3000');
    await eventually(async () => expect(await field.getAttribute('aria-invalid')).toBe('true'));
    expect(await description()).toMatch(/Write the whole address with http:\/\/, e\.g\. http:\/\/dev-box\.internal:3000\./);
    expect(await field.inputValue()).toBe('dev-box.internal:3000');
    expect(stored()).toEqual([]);

    // Typing again clears the error; the next refusal names its own reason.
    await field.fill('http://localhost:3000');
    expect(await field.getAttribute('aria-invalid')).toBeNull();
    await field.press('Enter');
    await eventually(async () => expect(await description()).toMatch(/http:\/\/localhost:3000 is this computer’s own address/));
    expect(await seriousViolations(harness.page)).toEqual([]);
  });

  it('adds with Enter in the normalised form, only once main stored it, and refuses a duplicate', async () => {
    // Main is held while it stores: the console says it is saving and shows nothing as saved yet.
    const profiles = harness.services.profiles;
    const real = profiles.setAppOrigins.bind(profiles);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    profiles.setAppOrigins = async (id, entries) => {
      await held;
      return real(id, entries);
    };
    try {
      await addWithEnter('HTTP://Dev-Box.internal:3000/');
      await group.getByRole('button', { name: 'Saving…' }).waitFor();
      expect(await group.getByRole('list').count()).toBe(0);
      expect(await field.inputValue()).toBe('HTTP://Dev-Box.internal:3000/');
      release();
    } finally {
      profiles.setAppOrigins = real;
    }
    await eventually(async () => expect(await listed()).toEqual([expect.stringContaining('http://dev-box.internal:3000')]));
    expect(await field.inputValue()).toBe('');
    expect(stored()).toEqual(['http://dev-box.internal:3000']);

    await addWithEnter('http://preview.acme.test:80');
    await eventually(async () => expect(stored()).toEqual(['http://dev-box.internal:3000', 'http://preview.acme.test']));
    await eventually(async () => expect(await listed()).toHaveLength(2));

    await addWithEnter('http://DEV-BOX.internal:3000');
    await eventually(async () => expect(await description()).toMatch(/Already listed as http:\/\/dev-box\.internal:3000\./));
    expect(await listed()).toHaveLength(2);
    expect(stored()).toHaveLength(2);
  });

  it('removes an address from the keyboard and gives the field the focus', async () => {
    await field.fill('');
    const remove = group.getByRole('button', { name: 'Remove http://dev-box.internal:3000' });
    await remove.focus();
    await harness.page.keyboard.press('Enter');
    await eventually(async () => expect(stored()).toEqual(['http://preview.acme.test']));
    await eventually(async () => expect(await listed()).toEqual([expect.stringContaining('http://preview.acme.test')]));
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    // Every change went through the one channel, with the whole list as typed.
    const calls = harness.ipcLog.filter((record) => record.channel === 'profiles:setAppOrigins').map((record) => (record.input as { appOrigins: string[] }).appOrigins);
    expect(calls.at(-1)).toEqual(['http://preview.acme.test']);
    expect(await seriousViolations(harness.page)).toEqual([]);
  });
});

/** A development instance connected by its key (the sandbox's sk_test_ key), on Settings. */
async function connectDevInstance(orgPolicy?: OrgPolicyState) {
  const sandbox = await startSandbox({ users: 20 });
  const harness = await startHarness({ sandbox, withoutBuiltInSandbox: true, ...(orgPolicy ? { orgPolicy } : {}) });
  const ui = new ConsolePage(harness.page);
  await ui.heading('Welcome to Understudy').waitFor();
  await ui.connect('Acme dev', sandbox.secretKey);
  await ui.chooseOperator('morgan', /^Morgan Reyes/);
  await ui.heading('Users').waitFor();
  await ui.press('Control+4');
  await ui.heading('Settings').waitFor();
  const { page } = harness;
  const instance = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Acme dev' }) });
  const group = instance.getByRole('group', { name: 'App addresses' });
  const field = group.getByRole('textbox', { name: 'App address' });
  const profileId = harness.services.profiles.list().find((profile) => profile.name === 'Acme dev')!.id;
  return { sandbox, harness, group, field, profileId };
}

/** A control's accessible description: hint and error, as a screen reader reads them with it. */
function describedBy(control: Locator): Promise<string> {
  return control.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

async function enter(field: Locator, text: string): Promise<void> {
  await field.fill(text);
  await field.press('Enter');
}

describe('app addresses the organisation allows', () => {
  const SOURCE = '/etc/understudy/policy.json';
  let sandbox: Sandbox;
  let harness: Harness;
  let group: Locator;
  let field: Locator;
  let profileId: string;

  beforeAll(async () => {
    ({ sandbox, harness, group, field, profileId } = await connectDevInstance({ state: 'set', source: SOURCE, policy: { appOrigins: ['http://preview.acme.test'] } }));
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  it('says which ones next to the field, refuses any other in place, and lists an allowed one', async () => {
    expect(await describedBy(field)).toMatch(/Set by your organisation\. Only these can be listed: http:\/\/preview\.acme\.test\./);
    await enter(field, 'http://dev-box.internal:3000');
    await eventually(async () =>
      expect(await describedBy(field)).toMatch(/Set by your organisation: http:\/\/dev-box\.internal:3000 cannot be listed \(it allows only http:\/\/preview\.acme\.test\)\./),
    );
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(harness.services.profiles.get(profileId)!.appOrigins).toEqual([]);
    expect(await seriousViolations(harness.page)).toEqual([]);

    await enter(field, 'http://Preview.acme.test/');
    await eventually(async () => expect(harness.services.profiles.get(profileId)!.appOrigins).toEqual(['http://preview.acme.test']));
    await group.getByRole('list', { name: 'App addresses of Acme dev' }).getByText('http://preview.acme.test').waitFor();
  });
});
