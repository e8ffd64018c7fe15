// Clerk refusing a ticket in the real built app (out/main/index.js) on the Electron emulation: the
// window reads Clerk's JSON error through webContents.debugger, so the operator reads Clerk's reason
// in plain words and the history records the right end, not "status 400".
// The refusal is a real one from the app's built-in sandbox: the sign-in link is held before the
// window loads it, used elsewhere (another browser profile signs in with it), then let through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import type { UnderstudyApi } from '../../src/shared/api.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp } from '../support/emulated-app.ts';

declare global {
  interface Window {
    understudy: UnderstudyApi;
  }
}

const [ADA] = SANDBOX_FIXTURES.plain;
// The whole app, a sign-in elsewhere and Clerk's refusal on a shared 2-core machine.
vi.setConfig({ testTimeout: 180_000 });

let userData: string;
let app: EmulatedApp;
let ui: ConsolePage;

beforeAll(async () => {
  userData = mkdtempSync(join(tmpdir(), 'understudy-ticket-refusal-'));
  app = await launchEmulatedApp({ userData });
  ui = new ConsolePage(await app.consolePage());
  await ui.enterSandbox();
}, 120_000);

afterEach((context) => {
  // A failure shows what the app said last: its log lines are the evidence.
  if (context.task.result?.state === 'fail') console.error(app.output.slice(-30).join('\n'));
});

afterAll(async () => {
  await app?.kill();
  rmSync(userData, { recursive: true, force: true });
});

describe('Clerk refusing the sign-in link in the window (issue 11)', () => {
  it('ends the impersonation at once with Clerk’s reason in plain words when the link was already used', async () => {
    const hold = await app.control<number>('holdLoads', { pathname: '/v1/tickets/accept' });
    await ui.openUser('ada', /^Ada Lovelace/);
    await ui.startImpersonation('SUP-11 used link');
    await ui.heading('Active impersonations').waitFor();

    let ticketUrl = '';
    await eventually(async () => {
      [ticketUrl = ''] = await app.control<string[]>('heldLoads', { id: hold });
      expect(ticketUrl).toContain('/v1/tickets/accept?ticket=');
    }, 20_000);
    // Someone else opens the link first: another browser profile signs in with it, using it up.
    const elsewhere = await app.browser.newContext();
    try {
      const page = await elsewhere.newPage();
      await page.goto(ticketUrl);
      await expect.poll(() => page.getByTestId('subject-id').innerText({ timeout: 1000 }).catch(() => null), { timeout: 30_000 }).toBe(ADA);
    } finally {
      await elsewhere.close();
    }
    await app.control('releaseHold', { id: hold });

    // Clerk answers the window 400 actor_token_already_used_code: the console says so in plain words.
    const row = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await row.innerText()).toContain('This sign-in link was already used; each link works once.'), 30_000);
    expect(await row.innerText()).not.toContain('status 400');

    // The history records the end once Clerk confirmed it (the used link's session is looked up and revoked).
    await eventually(async () => {
      const history = (await ui.page.evaluate(() => window.understudy.ledger.query({ filter: {} }))) as {
        value: { subject: { id: string }; status: string; endedBy: { reason: string } | null; error: string | null }[];
      };
      const ada = history.value.find((entry) => entry.subject.id === ADA);
      expect(ada?.endedBy?.reason).toBe('ticket-error');
      expect(ada?.error).toContain('This sign-in link was already used; each link works once.');
      expect(ada?.error).toContain('Clerk: “This actor token has already been used. Each token can only be used once.”');
    }, 30_000);
  });
});
