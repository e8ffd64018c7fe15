// The banner page in real Chromium: its CSP lets its own script and style run and nothing else,
// content is drawn as text, and the End button reaches main through `nextEnd()`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { BANNER_CSP, BANNER_URL, NEXT_END_SCRIPT, renderScript } from '../../src/main/electron/banner/banner-page.ts';
import { bannerText } from '../../src/main/impersonation/banner-text.ts';

let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

const content = bannerText(
  {
    subject: { id: 'user_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    operator: { userId: 'user_op', name: 'Grace Hopper' },
    instance: { name: 'Acme prod', production: true },
    readOnly: false,
    phase: 'signed-in',
    sessionExpiresAt: 10 * 60_000,
    lastActivityAt: 0,
    error: null,
  },
  0,
);

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(BANNER_URL);
});

afterAll(async () => {
  await browser?.close();
});

describe('banner page', () => {
  it('runs its own script under its CSP (the hashes match)', async () => {
    expect(await page.evaluate('typeof window.understudyBanner')).toBe('object');
    expect(cspViolations).toEqual([]);
  });

  it('draws what main renders', async () => {
    await page.evaluate(renderScript(content));
    expect(await page.textContent('#headline')).toBe('Impersonating Ada Lovelace (ada@example.com)');
    expect(await page.textContent('#detail')).toContain('PRODUCTION instance Acme prod');
    expect(await page.textContent('#time')).toBe('10:00');
    expect(await page.getAttribute('body', 'class')).toContain('production');
    expect(await page.isEnabled('#end')).toBe(true);
    // Styles applied means the style hash matched too.
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(107, 15, 18)');
  });

  it('draws names as text, never as markup', async () => {
    await page.evaluate(renderScript({ ...content, headline: '<img src=x onerror="window.pwned=1">' }));
    expect(await page.textContent('#headline')).toBe('<img src=x onerror="window.pwned=1">');
    expect(await page.$('#headline img')).toBeNull();
    expect(await page.evaluate('window.pwned')).toBeUndefined();
  });

  it('refuses injected inline script and any network access', async () => {
    cspViolations.length = 0;
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.pwned=1"><script>window.pwned=2</script>')`);
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const { port } = server.address() as AddressInfo;
    const fetched = await page.evaluate((url) => fetch(url).then(() => 'fetched', () => 'refused'), `http://127.0.0.1:${port}/`);
    await new Promise<void>((done) => server.close(() => done()));
    expect(fetched).toBe('refused');
    expect(hits).toEqual([]);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(cspViolations.length).toBeGreaterThan(0);
    expect(BANNER_CSP).toContain("default-src 'none'");
    expect(BANNER_CSP).not.toContain('unsafe-inline');
  });

  it('resolves nextEnd() when End is pressed, whether main asked before or after the click', async () => {
    await page.evaluate(renderScript(content));
    const waiting = page.evaluate(NEXT_END_SCRIPT);
    await page.click('#end');
    expect(await waiting).toBe(true);
    expect(await page.isEnabled('#end')).toBe(false);

    await page.evaluate(renderScript(content));
    await page.click('#end');
    expect(await page.evaluate(NEXT_END_SCRIPT)).toBe(true);
  });

  it('offers no End button once the impersonation is over', async () => {
    await page.evaluate(renderScript({ ...content, canEnd: false, timeLeft: null, status: 'Ended' }));
    expect(await page.isEnabled('#end')).toBe(false);
    expect(await page.textContent('#time')).toBe('');
    expect(await page.textContent('#status')).toBe('Ended');
  });
});
