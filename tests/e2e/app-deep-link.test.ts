// Helpdesk links (understudy://impersonate?…) in the real built app on the Electron emulation, as
// Linux and Windows deliver them: a second start of the app with the link in argv, which the
// emulation's single-instance rule hands to the running first instance as `second-instance`; and a
// first start with the link in argv. The console opens the impersonate dialog filled in, says which
// instance, starts nothing until the agent chooses Start, and explains a link it cannot open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp } from '../support/emulated-app.ts';

const [ADA] = SANDBOX_FIXTURES.plain;
const SANDBOX = 'Sandbox (demo instance)';
const link = (params: string) => `understudy://impersonate?${params}`;
const running: EmulatedApp[] = [];
const dirs: string[] = [];
vi.setConfig({ testTimeout: 180_000 });

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') for (const app of running) console.error(app.output.slice(-30).join('\n'));
  for (const app of running.splice(0)) await app.kill();
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-deeplink-'));
  dirs.push(dir);
  return dir;
}

/** A second start of the app with these arguments: it must hand them over and exit at once. */
async function secondStart(userData: string, args: string[]): Promise<void> {
  const outcome = await launchEmulatedApp({ userData, args }).then(
    (started) => {
      running.push(started);
      return null;
    },
    (error: Error) => error,
  );
  expect(outcome?.message).toMatch(/exited \(0\) before it was ready/);
}

/** The app on the sandbox with Morgan Reyes as the operator, as an agent has it running. */
async function runningOnSandbox(userData: string): Promise<{ app: EmulatedApp; ui: ConsolePage }> {
  const app = await launchEmulatedApp({ userData });
  running.push(app);
  const ui = new ConsolePage(await app.consolePage());
  await ui.heading('Welcome to Understudy').waitFor();
  await ui.enterSandbox();
  return { app, ui };
}

const starts = (app: EmulatedApp) => app.ipcLog.filter((record) => record.channel === 'impersonation:start');

describe('deep links from helpdesk tools', () => {
  it('a second start with a link opens the filled-in dialog in the running console; only Start starts it', async () => {
    const userData = tempDir();
    const { app, ui } = await runningOnSandbox(userData);
    const windowsBefore = (await app.windows()).length;

    await secondStart(userData, [link(`instance=${encodeURIComponent(SANDBOX)}&user=${ADA}&ticket=SUP-4242`)]);

    // The first instance got it (single-instance rule: `second-instance` with the argv) and opened no second console.
    const dialog = ui.impersonateDialog;
    await dialog.waitFor();
    expect((await app.windows()).length).toBe(windowsBefore);
    const note = dialog.getByRole('note', { name: 'Opened from a helpdesk link' });
    expect(await note.innerText()).toMatch(new RegExp(`Opened from a helpdesk link for ticket SUP-4242, for the instance ${SANDBOX.replace(/[()]/g, '\\$&')}\\.`));
    expect(await dialog.getByRole('heading').first().innerText()).toMatch(/Impersonate Ada Lovelace/);
    const reason = dialog.getByLabel(/Reason or ticket/);
    expect(await reason.inputValue()).toBe('SUP-4242 ');

    // Enter in a field does not start it (the agent may have been typing elsewhere when the link came).
    await reason.fill('SUP-4242 customer cannot see invoices');
    await reason.press('Enter');
    await dialog.getByRole('button', { name: 'Start impersonation' }).waitFor();
    expect(starts(app)).toEqual([]);

    // The agent's confirmation: the Start button, once.
    await dialog.getByRole('button', { name: 'Start impersonation' }).click();
    await ui.heading('Active impersonations').waitFor();
    await eventually(() => expect(starts(app)).toHaveLength(1));
    expect(starts(app)[0]!.input).toMatchObject({ profileId: 'sandbox', userId: ADA, reason: 'SUP-4242 customer cannot see invoices' });
  });

  it('explains a malformed link and an unknown user, and starts nothing', async () => {
    const userData = tempDir();
    const { app, ui } = await runningOnSandbox(userData);

    await secondStart(userData, [link(`instance=${encodeURIComponent(SANDBOX)}&user=${ADA}&start=now`)]);
    await ui.page.getByRole('alert').filter({ hasText: 'This link cannot be opened: it has an unknown parameter “start”.' }).waitFor();
    await secondStart(userData, [link(`instance=${encodeURIComponent(SANDBOX)}&user=user_nobodyHere1`)]);
    await ui.page.getByRole('alert').filter({ hasText: `The link names the user user_nobodyHere1, who does not exist in “${SANDBOX}”.` }).waitFor();
    await secondStart(userData, [link(`instance=Elsewhere&user=${ADA}`)]);
    await ui.page.getByRole('alert').filter({ hasText: 'The link names the instance “Elsewhere”, which is not set up in Understudy.' }).waitFor();

    expect(await ui.impersonateDialog.count()).toBe(0);
    expect(starts(app)).toEqual([]);
  });

  it('a first start by a link opens the dialog once the console is up, and says why it cannot start yet', async () => {
    const app = await launchEmulatedApp({ userData: tempDir(), args: [link(`instance=${encodeURIComponent(SANDBOX)}&user=${ADA}&ticket=SUP-1`)] });
    running.push(app);
    const ui = new ConsolePage(await app.consolePage());
    const dialog = ui.impersonateDialog;
    await dialog.waitFor();
    // Nobody has said who they are in the sandbox yet: said, and Start is not offered.
    expect(await dialog.getByRole('note', { name: 'Opened from a helpdesk link' }).innerText()).toMatch(`Say who you are in ${SANDBOX} first.`);
    expect(await dialog.getByRole('button', { name: 'Start impersonation' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await ui.heading('Welcome to Understudy').waitFor();
    expect(starts(app)).toEqual([]);
    expect(app.ipcLog.filter((record) => record.channel === 'deepLink:take').map((record) => record.output)).toContainEqual({ ok: true, value: expect.objectContaining({ userId: ADA, reason: 'SUP-1' }) });
  });
});
