// `npm run dev` serves the console from Vite's dev server, which injects styles inline. With the
// dev-only policy the console is styled; the strict policy (built output) would leave it bare.
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, type PluginOption, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerCsp } from '../../src/main/console/dev-server-csp.ts';
import { launchChromium } from '../support/chromium.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

async function serve(policy: ((html: string) => string) | null): Promise<ViteDevServer> {
  const plugins: PluginOption[] = [react()];
  if (policy) plugins.push({ name: 'understudy-dev-csp', apply: 'serve', transformIndexHtml: policy });
  const server = await createServer({ configFile: false, root: resolve('src/renderer'), plugins, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, hmr: false } });
  await server.listen();
  return server;
}

async function pageStyle(server: ViteDevServer) {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/.test(message.text())) violations.push(message.text());
  });
  await page.goto(server.resolvedUrls!.local[0]!);
  // app.css sets box-sizing on every element: computed once the dev server's <style> applied.
  await page.waitForFunction(() => document.querySelectorAll('style').length > 0);
  const boxSizing = await page.evaluate(() => getComputedStyle(document.body).boxSizing);
  await page.close();
  return { boxSizing, violations };
}

describe('npm run dev', () => {
  it('shows the console styled under the dev-only policy', async () => {
    const server = await serve(devServerCsp);
    try {
      const { boxSizing, violations } = await pageStyle(server);
      expect(boxSizing).toBe('border-box');
      expect(violations.filter((text) => /style/.test(text))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('would be unstyled under the strict policy', async () => {
    const server = await serve(null);
    try {
      const { boxSizing } = await pageStyle(server);
      expect(boxSizing).toBe('content-box');
    } finally {
      await server.close();
    }
  });
});
