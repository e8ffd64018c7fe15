import { describe, expect, it } from 'vitest';
import type { NavigationPolicy } from '../../src/main/impersonation/window-host.ts';
import {
  downloadDecision,
  impersonationWebPreferences,
  isNavigationAllowed,
  permissionDecision,
  readOnlyRequestDecision,
  windowOpenDecision,
} from '../../src/main/impersonation/window-policy.ts';

const clerk: NavigationPolicy = { allowedOrigins: [], frontendApiOrigin: 'https://clerk.acme.com' };
const demo: NavigationPolicy = {
  allowedOrigins: ['http://127.0.0.1:4100', 'http://127.0.0.1:4200/'],
  frontendApiOrigin: 'http://127.0.0.1:4100',
};

describe('impersonationWebPreferences', () => {
  const prefs = impersonationWebPreferences('understudy-impersonation-x');

  it('gives the page no preload at all', () => {
    expect('preload' in prefs).toBe(false);
  });

  it('is sandboxed, isolated and without Node anywhere', () => {
    expect(prefs).toMatchObject({
      partition: 'understudy-impersonation-x',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
    });
  });
});

describe('isNavigationAllowed', () => {
  it('allows any https URL', () => {
    for (const url of ['https://app.acme.com/dashboard', 'https://clerk.acme.com/v1/tickets/accept?ticket=x', 'https://accounts.google.com/o/oauth2', 'https://10.0.0.1:8443/']) {
      expect(isNavigationAllowed(url, clerk), url).toBe(true);
    }
  });

  it('allows http only on the exact listed origins', () => {
    expect(isNavigationAllowed('http://127.0.0.1:4100/v1/tickets/accept', demo)).toBe(true);
    expect(isNavigationAllowed('http://127.0.0.1:4200/app', demo)).toBe(true);
    expect(isNavigationAllowed('http://127.0.0.1:4300/', demo)).toBe(false);
    expect(isNavigationAllowed('http://localhost:4100/', demo)).toBe(false);
    expect(isNavigationAllowed('http://app.acme.com/', clerk)).toBe(false);
    expect(isNavigationAllowed('http://127.0.0.1:4100/', clerk)).toBe(false);
  });

  it('refuses scripts, data, files and browser-internal pages', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      'chrome-extension://abc/page.html',
      'view-source:https://app.acme.com/',
      'ftp://files.acme.com/',
      'ws://127.0.0.1:4100/',
      'understudy://console/index.html',
      'about:config',
      'not a url',
      '',
    ]) {
      expect(isNavigationAllowed(url, demo), url).toBe(false);
    }
  });

  it('refuses credentials in the URL, the classic look-alike trick', () => {
    expect(isNavigationAllowed('https://app.acme.com@evil.test/', clerk)).toBe(false);
    expect(isNavigationAllowed('https://user:pass@app.acme.com/', clerk)).toBe(false);
    expect(isNavigationAllowed('http://127.0.0.1:4100@evil.test/', demo)).toBe(false);
    expect(isNavigationAllowed('http://x@127.0.0.1:4100/', demo)).toBe(false);
  });

  it('allows blob: URLs only of origins that are allowed themselves', () => {
    expect(isNavigationAllowed('blob:https://app.acme.com/0b5c7f3e-1111-2222-3333-444455556666', clerk)).toBe(true);
    expect(isNavigationAllowed('blob:http://127.0.0.1:4200/0b5c7f3e', demo)).toBe(true);
    expect(isNavigationAllowed('blob:http://evil.test/0b5c7f3e', demo)).toBe(false);
    expect(isNavigationAllowed('blob:null/0b5c7f3e', demo)).toBe(false);
    expect(isNavigationAllowed('blob:file:///x', demo)).toBe(false);
  });

  it('allows the empty placeholders pop-ups and srcdoc frames start with', () => {
    expect(isNavigationAllowed('about:blank', clerk)).toBe(true);
    expect(isNavigationAllowed('about:srcdoc', clerk)).toBe(true);
  });
});

describe('windowOpenDecision', () => {
  it('keeps allowed pop-ups in the same partition', () => {
    expect(windowOpenDecision('https://accounts.google.com/o/oauth2', clerk)).toEqual({ action: 'allow-same-partition' });
  });

  it('refuses blank and script-only pop-ups, which have no address the banner could name', () => {
    for (const url of ['about:blank', '', 'about:srcdoc', 'about:blank#x']) expect(windowOpenDecision(url, clerk)).toEqual({ action: 'deny' });
  });

  it('refuses everything else', () => {
    expect(windowOpenDecision('http://evil.test/', clerk)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('file:///etc/passwd', clerk)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('javascript:alert(1)', clerk)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('https://a@b.test/', clerk)).toEqual({ action: 'deny' });
  });
});

describe('permissionDecision', () => {
  it('refuses every permission, including ones Electron may add later', () => {
    for (const permission of [
      'media',
      'camera',
      'microphone',
      'display-capture',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'bluetooth',
      'clipboard-read',
      'clipboard-sanitized-write',
      'fullscreen',
      'pointerLock',
      'keyboardLock',
      'openExternal',
      'idle-detection',
      'storage-access',
      'top-level-storage-access',
      'window-management',
      'persistent-storage',
      'some-future-permission',
    ]) {
      expect(permissionDecision(permission, { requestingUrl: 'https://app.acme.com/' }), permission).toBe(false);
    }
  });
});

describe('downloadDecision', () => {
  it('cancels every download', () => {
    expect(downloadDecision()).toBe('cancel');
  });
});

describe('development instances', () => {
  const dev: NavigationPolicy = { allowedOrigins: [], frontendApiOrigin: 'https://happy-cat-1.clerk.accounts.dev', allowLoopbackHttp: true };
  it('allow the app on loopback http origins, any port, and nothing else over http', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1:5173/dashboard', 'http://[::1]:8080/']) expect(isNavigationAllowed(url, dev), url).toBe(true);
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1:5173/']) expect(isNavigationAllowed(url, clerk), url).toBe(false);
    for (const url of ['http://localhost.evil.test/', 'http://127.0.0.2/', 'http://user:pw@localhost:3000/', 'http://10.0.0.1/']) expect(isNavigationAllowed(url, dev), url).toBe(false);
  });
});

describe('readOnlyRequestDecision', () => {
  it('lets reads through', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(readOnlyRequestDecision(method, 'https://app.acme.com/api/orders', clerk), method).toBe('allow');
    }
  });

  it('blocks writes to the app', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post', 'PROPFIND']) {
      expect(readOnlyRequestDecision(method, 'https://app.acme.com/api/orders', clerk), method).toBe('block');
    }
  });

  it("lets Clerk's Frontend API take writes, so the session can refresh", () => {
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/tokens', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'http://127.0.0.1:4100/v1/client/sessions/sess_1/tokens', demo)).toBe('allow');
  });

  it('blocks the Frontend API writes that change the account, allowing only sign-in and session keep-alive', () => {
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sign_ins', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/touch', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/tokens/supabase', clerk)).toBe('allow');
    // A development instance's page creates its dev browser first.
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/dev_browser', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/dev_browser/set_first_party_cookie', clerk)).toBe('block');
    expect(readOnlyRequestDecision('DELETE', 'https://clerk.acme.com/v1/me', clerk)).toBe('block');
    expect(readOnlyRequestDecision('PATCH', 'https://clerk.acme.com/v1/me', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/me/email_addresses', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/end', clerk)).toBe('block');
    expect(readOnlyRequestDecision('DELETE', 'https://clerk.acme.com/v1/client/sessions/sess_1/tokens', clerk)).toBe('block');
  });

  it("reads clerk-js's `_method` override: a keep-alive path sent as POST with _method=DELETE or PATCH is a write, and blocked", () => {
    // clerk-js adds its version to every Frontend API call: a keep-alive POST stays one.
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/tokens?__clerk_api_version=2025-11-10&_clerk_js_version=5.100.0', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/touch?_method=POST', clerk)).toBe('allow');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/tokens?_method=DELETE', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sign_ins?_method=PATCH', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/client/sessions/sess_1/touch?_method=post&_method=DELETE', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com/v1/me?_method=DELETE', clerk)).toBe('block');
  });

  it('does not confuse a look-alike with the Frontend API', () => {
    expect(readOnlyRequestDecision('POST', 'https://clerk.acme.com.evil.test/v1/client', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'http://clerk.acme.com/v1/client', clerk)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'http://127.0.0.1:4200/api', demo)).toBe('block');
    expect(readOnlyRequestDecision('POST', 'garbage', demo)).toBe('block');
  });
});
