// The impersonation round trip in real Chromium: each browser context stands for one isolated
// window partition, as in the console.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clerkFor, ticketUrl } from './helpers.ts';

let sandbox: Sandbox;
let browser: Browser;
let clerk: ReturnType<typeof clerkFor>;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([
    startSandbox({ users: 50 }),
    launchChromium(),
  ]);
  clerk = clerkFor(sandbox);
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const actor = { sub: SANDBOX_FIXTURES.operator, reason: 'Browser test' };

describe('in Chromium', () => {
  it('follows the actor token URL to a signed-in page, once, and signs out when the session is revoked', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(ticketUrl(token));
    expect(new URL(page.url()).origin).toBe(sandbox.appUrl);
    expect(new URL(page.url()).search).toBe(''); // the ticket does not linger in the address bar
    await expect(page.getByTestId('subject-id').textContent()).resolves.toBe(SANDBOX_FIXTURES.plain[0]);
    await expect(page.getByTestId('subject-name').textContent()).resolves.toBe('Ada Lovelace');
    await expect(page.getByTestId('actor-sub').textContent()).resolves.toBe(SANDBOX_FIXTURES.operator);
    const avatarLoaded = await page.locator('.who img').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth);
    expect(avatarLoaded).toBe(128);
    const sessionId = await page.getByTestId('session-id').textContent();

    const other = await browser.newContext();
    const second = await other.newPage();
    const response = await second.goto(ticketUrl(token));
    expect(response?.status()).toBe(400);
    await expect(second.getByTestId('ticket-error').getAttribute('data-problem')).resolves.toBe('used');
    expect(await second.getByTestId('subject-id').count()).toBe(0);
    expect(sandbox.state.sessions().filter((session) => session.actorTokenId === token.id)).toHaveLength(1);

    await clerk.sessions.revokeSession(sessionId as string);
    await page.reload();
    await expect(page.getByTestId('signed-out').getAttribute('data-reason')).resolves.toBe('revoked');
    expect(await page.getByTestId('subject-id').count()).toBe(0);
    await Promise.all([context.close(), other.close()]);
  });

  it('keeps localStorage, IndexedDB and cookies per browser context (the storage probe)', async () => {
    const first = await browser.newContext();
    const second = await browser.newContext();
    const writer = await first.newPage();
    await writer.goto(`${sandbox.appUrl}/storage-probe?write=alpha-42`);
    await writer.getByTestId('probe-status').and(writer.locator('[data-state="ready"]')).waitFor();
    for (const id of ['probe-local', 'probe-idb', 'probe-cookie']) await expect(writer.getByTestId(id).textContent()).resolves.toBe('alpha-42');

    const sameContext = await first.newPage();
    await sameContext.goto(`${sandbox.appUrl}/storage-probe`);
    await sameContext.getByTestId('probe-status').and(sameContext.locator('[data-state="ready"]')).waitFor();
    await expect(sameContext.getByTestId('probe-idb').textContent()).resolves.toBe('alpha-42');

    const reader = await second.newPage();
    await reader.goto(`${sandbox.appUrl}/storage-probe`);
    await reader.getByTestId('probe-status').and(reader.locator('[data-state="ready"]')).waitFor();
    for (const id of ['probe-local', 'probe-idb', 'probe-cookie']) {
      await expect(reader.getByTestId(id).getAttribute('data-present')).resolves.toBe('false');
    }
    await Promise.all([first.close(), second.close()]);
  });

  it('submits the account form as the impersonated user', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[1], actor });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(ticketUrl(token));
    await page.goto(`${sandbox.appUrl}/account`);
    await page.getByTestId('display-name').fill('Alan M. Turing');
    await page.getByTestId('account-submit').click();
    await expect(page.getByTestId('form-saved').textContent()).resolves.toContain('Alan M. Turing');
    expect(sandbox.state.formSubmissions.at(-1)).toMatchObject({ userId: SANDBOX_FIXTURES.plain[1], fields: { display_name: 'Alan M. Turing' }, actor });
    await context.close();
  });
});
