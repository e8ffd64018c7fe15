import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONSOLE_CSP,
  CONSOLE_ORIGIN,
  consoleHeaders,
  consolePermissionDecision,
  consoleWebPreferences,
  isConsoleNavigationAllowed,
  resolveConsoleAsset,
} from '../../src/main/console/console-policy.ts';
import { redact } from '../../src/main/redact.ts';

const root = resolve('/srv/renderer');

describe('console assets', () => {
  it('maps paths inside the renderer folder', () => {
    expect(resolveConsoleAsset('/', root)).toBe(join(root, 'index.html'));
    expect(resolveConsoleAsset('/assets/index-abc.js', root)).toBe(join(root, 'assets/index-abc.js'));
  });

  it.each(['/../secret', '/assets/../../etc/passwd', '/%2e%2e/secret', '/a%00.js', '/..%5csecret', '/%E0%A4%A'])(
    'refuses %s',
    (path) => expect(resolveConsoleAsset(path, root)).toBeNull(),
  );

  it('sends the strict CSP and no-sniff with every asset', () => {
    const headers = consoleHeaders('/x/index.html');
    expect(headers['Content-Security-Policy']).toBe(CONSOLE_CSP);
    expect(headers['Content-Type']).toMatch(/^text\/html/);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
  });
});

describe('console window', () => {
  it('is sandboxed and isolated with the preload as its only bridge', () => {
    const prefs = consoleWebPreferences('/app/out/preload/index.cjs', false);
    expect(consoleWebPreferences('/p.cjs', true).devTools).toBe(true);
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('navigates only within its own origin', () => {
    expect(isConsoleNavigationAllowed(`${CONSOLE_ORIGIN}/index.html#/history`, CONSOLE_ORIGIN)).toBe(true);
    for (const url of ['https://clerk.com', 'file:///etc/passwd', 'javascript:alert(1)', 'understudy://console.evil/', 'understudy://x@console/']) {
      expect(isConsoleNavigationAllowed(url, CONSOLE_ORIGIN)).toBe(false);
    }
  });

  it('denies every permission', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      expect(consolePermissionDecision(permission)).toBe(false);
    }
  });
});

describe('log redaction', () => {
  it('masks keys, JWTs and ticket parameters', () => {
    const line = redact(
      'key sk_live_abcDEF123456 jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2ln url https://x/v1/tickets/accept?ticket=abc.def&x=1',
    );
    expect(line).not.toMatch(/abcDEF123456|eyJzdWIi|ticket=abc/);
    expect(line.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
