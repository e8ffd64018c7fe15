// The impersonation round trip in real Chromium: each browser context stands for one isolated
// window partition, as in the console.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, sessionCookieSuffix, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
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
    const visited: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) visited.push(new URL(frame.url()).origin + new URL(frame.url()).pathname); });
    await page.goto(ticketUrl(token));
    await page.waitForURL(`${sandbox.appUrl}/`);
    // Accept → the Account Portal's sign-in page (its script consumes the ticket) → the app.
    expect(visited).toEqual([`${sandbox.accountsUrl}/sign-in`, `${sandbox.appUrl}/`]);
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
    expect(((await response?.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('actor_token_already_used_code');
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
    await page.waitForURL(`${sandbox.appUrl}/`);
    await page.goto(`${sandbox.appUrl}/account`);
    await page.getByTestId('display-name').fill('Alan M. Turing');
    await page.getByTestId('account-submit').click();
    await expect(page.getByTestId('form-saved').textContent()).resolves.toContain('Alan M. Turing');
    expect(sandbox.state.formSubmissions.at(-1)).toMatchObject({ userId: SANDBOX_FIXTURES.plain[1], fields: { display_name: 'Alan M. Turing' }, actor });
    await context.close();
  });
});

describe('the ticket flow as Clerk runs it', () => {
  it('sets __session and __session_<suffix> from script on the page host and __client httpOnly from the Frontend API', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[2], actor });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(ticketUrl(token));
    await page.waitForURL(`${sandbox.appUrl}/`);
    await page.getByTestId('subject-id').waitFor();
    const cookies = await context.cookies();
    const byName = new Map(cookies.map((cookie) => [cookie.name, cookie]));
    const suffix = sessionCookieSuffix(sandbox.publishableKey);
    expect(suffix).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(byName.get('__session')?.httpOnly).toBe(false);
    expect(byName.get(`__session_${suffix}`)?.value).toBe(byName.get('__session')?.value);
    expect(byName.get('__client')?.httpOnly).toBe(true);
    // The token came from the Frontend API's tokens endpoint, asked for by the page's script.
    expect(sandbox.pageRequests.some((record) => record.server === 'frontend-api' && /\/v1\/client\/sessions\/[^/]+\/tokens$/.test(record.path) && record.status === 200)).toBe(true);
    await context.close();
  });

  it('creates no session in a browser without JavaScript: the ticket stays unused', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(ticketUrl(token));
    expect(new URL(page.url()).origin).toBe(sandbox.accountsUrl);
    await page.goto(`${sandbox.appUrl}/`);
    await expect(page.getByTestId('signed-out').getAttribute('data-reason')).resolves.toBe('no-session');
    expect(sandbox.state.actorTokens().find((candidate) => candidate.id === token.id)?.status).toBe('pending');
    expect(sandbox.state.sessions().filter((session) => session.actorTokenId === token.id)).toHaveLength(0);
    await context.close();
  });

  it('shows the ticket error of the Frontend API in the sign-in page when the ticket was revoked meanwhile', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[1], actor });
    const context = await browser.newContext();
    const page = await context.newPage();
    // The sign-in page is reached, then the ticket is revoked before its script runs the sign-in.
    await page.route('**/sign-in.js', async (route) => {
      await clerk.actorTokens.revoke(token.id);
      await route.continue();
    });
    await page.goto(ticketUrl(token));
    const status = page.getByTestId('sign-in-status');
    await page.locator('[data-testid="sign-in-status"][data-state="error"]').waitFor();
    await expect(status.getAttribute('data-code')).resolves.toBe('actor_token_revoked_code');
    expect(sandbox.state.sessions().filter((session) => session.actorTokenId === token.id)).toHaveLength(0);
    await context.close();
  });
});

describe('sign-in modes', () => {
  it('--sign-in app: the app’s own /sign-in consumes the ticket', async () => {
    const own = await startSandbox({ users: 20, signIn: 'app' });
    try {
      const token = await clerkFor(own).actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(ticketUrl(token));
      await page.waitForURL(`${own.appUrl}/`);
      await expect(page.getByTestId('subject-id').textContent()).resolves.toBe(SANDBOX_FIXTURES.plain[0]);
      expect(own.pageRequests.some((record) => record.server === 'accounts')).toBe(false);
      await context.close();
    } finally {
      await own.close();
    }
  });

  it('--sign-in ignores-ticket: a custom sign-in page never consumes it, so no session ever appears', async () => {
    const custom = await startSandbox({ users: 20, signIn: 'ignores-ticket' });
    try {
      const token = await clerkFor(custom).actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(ticketUrl(token));
      expect(new URL(page.url()).origin + new URL(page.url()).pathname).toBe(`${custom.appUrl}/sign-in`);
      await expect(page.getByTestId('sign-in-status').getAttribute('data-state')).resolves.toBe('custom');
      await page.waitForTimeout(500);
      expect(custom.state.actorTokens()[0]?.status).toBe('pending');
      expect(custom.state.sessions().filter((session) => session.actor)).toHaveLength(0);
      await context.close();
    } finally {
      await custom.close();
    }
  });
});
