// The impersonation round trip in real Chromium: each browser context stands for one isolated
// window partition, as in the console.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_BROWSER_KEY, SANDBOX_FIXTURES, sessionCookieSuffix, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
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
    await expect(page.getByTestId('subject-id').textContent()).resolves.toBe(SANDBOX_FIXTURES.plain[0]);
    // Accept → the Account Portal's sign-in page (its script consumes the ticket) → the app (on a
    // development instance, loaded again once its script has the session's token).
    expect([...new Set(visited)]).toEqual([`${sandbox.accountsUrl}/sign-in`, `${sandbox.appUrl}/`]);
    expect(new URL(page.url()).search).toBe(''); // neither the ticket nor the dev browser lingers in the address bar
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
    // The app's page reloads itself once its script holds the session's token (a page rendered
    // without it): leave only the page rendered signed in, or that reload wins over the next goto
    // and the test waits on the home page for a form that is not there.
    const signedIn = page.locator('body[data-session-id^="sess_"]');
    await signedIn.waitFor();
    await page.goto(`${sandbox.appUrl}/account`);
    await signedIn.waitFor();
    await page.getByTestId('display-name').fill('Alan M. Turing');
    await page.getByTestId('account-submit').click();
    await expect(page.getByTestId('form-saved').textContent()).resolves.toContain('Alan M. Turing');
    expect(sandbox.state.formSubmissions.at(-1)).toMatchObject({ userId: SANDBOX_FIXTURES.plain[1], fields: { display_name: 'Alan M. Turing' }, actor });
    await context.close();
  });
});

describe('the ticket flow as Clerk runs it', () => {
  it('production: sets __session and __session_<suffix> from script on the page host and __client httpOnly from the Frontend API', async () => {
    const production = await startSandbox({ users: 20, instance: 'production' });
    try {
      const token = await clerkFor(production).actorTokens.create({ userId: SANDBOX_FIXTURES.plain[2], actor });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(ticketUrl(token));
      await page.waitForURL(`${production.appUrl}/`);
      await page.getByTestId('subject-id').waitFor();
      const cookies = await context.cookies();
      const byName = new Map(cookies.map((cookie) => [cookie.name, cookie]));
      const suffix = sessionCookieSuffix(production.publishableKey);
      expect(suffix).toMatch(/^[A-Za-z0-9_-]{8}$/);
      expect(byName.get('__session')?.httpOnly).toBe(false);
      // Both names are written one after the other on each refresh: wait for a snapshot with the pair.
      await expect
        .poll(async () => {
          const now = new Map((await context.cookies()).map((cookie) => [cookie.name, cookie.value]));
          return now.get('__session') !== undefined && now.get('__session') === now.get(`__session_${suffix}`);
        })
        .toBe(true);
      expect(byName.get('__client')?.httpOnly).toBe(true);
      expect(cookies.filter((cookie) => cookie.name.startsWith(DEV_BROWSER_KEY))).toEqual([]);
      // The token came from the Frontend API's tokens endpoint, asked for by the page's script.
      expect(production.pageRequests.some((record) => record.server === 'frontend-api' && /\/v1\/client\/sessions\/[^/]+\/tokens$/.test(record.path) && record.status === 200)).toBe(true);
      await context.close();
    } finally {
      await production.close();
    }
  });

  it('development: the dev browser goes from the portal to the localhost app in the URL, is kept in cookies on each host and sent on every Frontend API call; no __client', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[2], actor });
    const context = await browser.newContext();
    const page = await context.newPage();
    const appLandings: string[] = [];
    page.on('request', (request) => { if (request.isNavigationRequest() && request.url().startsWith(`${sandbox.appUrl}/`)) appLandings.push(request.url()); });
    const fapiCalls: string[] = [];
    page.on('request', (request) => { if (request.url().startsWith(`${sandbox.frontendApiUrl}/v1/`)) fapiCalls.push(request.url()); });
    await page.goto(ticketUrl(token));
    await page.waitForURL(`${sandbox.appUrl}/`);
    await page.getByTestId('subject-id').waitFor();
    expect(new URL(sandbox.appUrl).hostname).toBe('localhost');

    const cookies = await context.cookies();
    const suffix = sessionCookieSuffix(sandbox.publishableKey);
    const on = (host: string, name: string) => cookies.find((cookie) => cookie.domain === host && cookie.name === name);
    const devBrowser = on('localhost', DEV_BROWSER_KEY)?.value;
    expect(devBrowser).toMatch(/^dvb_/);
    // The same dev browser on the portal's host (created there) and the app's (taken from the URL).
    for (const host of ['127.0.0.1', 'localhost']) {
      expect(on(host, DEV_BROWSER_KEY)?.value, host).toBe(devBrowser);
      expect(on(host, `${DEV_BROWSER_KEY}_${suffix}`)?.value, host).toBe(devBrowser);
      expect(on(host, DEV_BROWSER_KEY)?.httpOnly, host).toBe(false);
    }
    expect(cookies.some((cookie) => cookie.name === '__client')).toBe(false);
    // The app's own `__session` is on its own host, from its own script, which writes both names one
    // after the other on each refresh: a snapshot may fall between the two writes, so wait for a pair.
    await expect
      .poll(async () => {
        const now = await context.cookies();
        const value = (name: string) => now.find((cookie) => cookie.domain === 'localhost' && cookie.name === name)?.value;
        return value('__session') !== undefined && value('__session') === value(`__session_${suffix}`);
      })
      .toBe(true);
    expect(on('localhost', '__session')?.value).not.toBe(on('127.0.0.1', '__session')?.value);

    // The portal handed the dev browser over in the app's URL; the app's script removed it from there.
    expect(new URL(appLandings[0] as string).searchParams.get(DEV_BROWSER_KEY)).toBe(devBrowser);
    expect(await page.evaluate(() => location.href)).toBe(`${sandbox.appUrl}/`);
    // Every Frontend API call but the one creating it carried it.
    expect(fapiCalls.some((url) => new URL(url).pathname === '/v1/dev_browser')).toBe(true);
    const authed = fapiCalls.filter((url) => new URL(url).pathname.startsWith('/v1/client'));
    expect(authed.length).toBeGreaterThanOrEqual(4);
    for (const url of authed) expect(new URL(url).searchParams.get(DEV_BROWSER_KEY), url).toBe(devBrowser);
    await context.close();
  });

  it('development: a Frontend API call without the dev browser is refused as Clerk refuses it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The app's page (its CSP lets it reach the Frontend API), asking without the dev browser its own script keeps.
    await page.goto(`${sandbox.appUrl}/`);
    const answer = await page.evaluate(async (fapi) => {
      const response = await fetch(`${fapi}/v1/client`, { credentials: 'include' });
      return { status: response.status, body: (await response.json()) as { errors: { code: string }[] } };
    }, sandbox.frontendApiUrl);
    expect([answer.status, answer.body.errors[0]?.code]).toEqual([401, 'dev_browser_unauthenticated']);
    await context.close();
  });

  it('development: a page whose dev browser Clerk does not know drops it', async () => {
    const context = await browser.newContext();
    const suffix = sessionCookieSuffix(sandbox.publishableKey);
    const stale = 'dvb_2FromAnotherInstance';
    await context.addCookies([DEV_BROWSER_KEY, `${DEV_BROWSER_KEY}_${suffix}`].map((name) => ({ name, value: stale, domain: 'localhost', path: '/' })));
    const page = await context.newPage();
    await page.goto(`${sandbox.appUrl}/`);
    await expect.poll(async () => (await context.cookies()).filter((cookie) => cookie.name.startsWith(DEV_BROWSER_KEY)).map((cookie) => cookie.value), { timeout: 10_000 }).toEqual([]);
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
