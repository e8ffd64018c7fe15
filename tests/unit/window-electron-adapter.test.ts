// The Electron window host cannot run here (no Electron binary), so its wiring is checked against a
// recording stand-in of the few Electron APIs it uses: everything hardened before the first load,
// no preload, the impersonation's own session, every rule applied, the banner's End reaching main.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BannerContent, PageProblem, WindowEvents, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { newPartitionName } from '../../src/main/impersonation/partition.ts';

const fake = vi.hoisted(() => {
  const calls: string[] = [];
  const sessions = new Map<string, unknown>();
  return {
    calls,
    sessions,
    views: [] as unknown[],
    windows: [] as unknown[],
    failTicketLoad: false,
    /** Another debugger already holds the page (Electron's attach then throws). */
    debuggerTaken: false,
    /** Response bodies the pages' debuggers can read, by DevTools request id. */
    bodies: new Map<string, string>(),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { calls, sessions, views, windows } = fake;
  const state = fake;

  class FakeCookies extends Emitter {
    jar = [{ name: '__client', value: 'c', domain: '127.0.0.1', path: '/', secure: false, httpOnly: true }];
    async get() {
      return this.jar;
    }
  }
  class FakeSession extends Emitter {
    readonly name: string;
    readonly cookies = new FakeCookies();
    permissionRequest: ((...args: unknown[]) => void) | null = null;
    permissionCheck: ((...args: unknown[]) => boolean) | null = null;
    deviceCheck: ((...args: unknown[]) => boolean) | null = null;
    beforeRequest: ((details: { url: string; method: string; resourceType: string }, callback: (r: { cancel: boolean }) => void) => void) | null = null;
    cleared: string[] = [];
    completed: ((details: { url: string; statusCode: number }) => void) | null = null;
    readonly webRequest = {
      onBeforeRequest: (listener: FakeSession['beforeRequest']) => {
        calls.push(`webRequest ${this.name}`);
        this.beforeRequest = listener;
      },
      onCompleted: (listener: FakeSession['completed']) => {
        this.completed = listener;
      },
    };
    constructor(name: string) {
      super();
      this.name = name;
    }
    setPermissionRequestHandler(handler: FakeSession['permissionRequest']) {
      calls.push(`permissionRequest ${this.name}`);
      this.permissionRequest = handler;
    }
    setPermissionCheckHandler(handler: FakeSession['permissionCheck']) {
      calls.push(`permissionCheck ${this.name}`);
      this.permissionCheck = handler;
    }
    setDevicePermissionHandler(handler: FakeSession['deviceCheck']) {
      calls.push(`deviceCheck ${this.name}`);
      this.deviceCheck = handler;
    }
    setBluetoothPairingHandler() {}
    setSpellCheckerEnabled() {}
    override on(event: string, listener: (...args: unknown[]) => void) {
      calls.push(`session.on ${event} ${this.name}`);
      return super.on(event, listener);
    }
    async clearData() {
      this.cleared.push('clearData');
    }
    async clearStorageData() {
      this.cleared.push('clearStorageData');
    }
    async clearCache() {
      this.cleared.push('clearCache');
    }
    async clearAuthCache() {
      this.cleared.push('clearAuthCache');
    }
  }
  // docs/api/debugger.md, with the errors of shell/browser/api/electron_api_debugger.cc.
  class FakeDebugger extends Emitter {
    attached = false;
    commands: { method: string; params: unknown }[] = [];
    attach() {
      if (this.attached || state.debuggerTaken) throw new TypeError('Debugger is already attached to the target');
      this.attached = true;
    }
    isAttached() {
      return this.attached;
    }
    detach() {
      if (!this.attached) return;
      this.attached = false;
      this.emit('detach', {}, 'target closed');
    }
    async sendCommand(method: string, params?: { requestId?: string }) {
      if (!this.attached) throw new Error('No target available');
      this.commands.push({ method, params });
      if (method !== 'Network.getResponseBody') return {};
      const body = state.bodies.get(params?.requestId ?? '');
      if (body === undefined) throw new Error('No resource with given identifier found');
      return { body, base64Encoded: false };
    }
  }
  class FakeWebContents extends Emitter {
    readonly debugger = new FakeDebugger();
    destroyed = false;
    url = '';
    scripts: string[] = [];
    openHandler: ((details: { url: string }) => unknown) | null = null;
    endClick: (() => void) | null = null;
    async loadURL(url: string) {
      calls.push(`loadURL ${url.startsWith('data:') ? 'banner' : url}`);
      this.url = url;
      if (state.failTicketLoad && !url.startsWith('data:')) {
        // Electron's own error text names the URL, ticket included.
        throw Object.assign(new Error(`ERR_NAME_NOT_RESOLVED (-105) loading '${url}'`), { code: 'ERR_NAME_NOT_RESOLVED' });
      }
      setImmediate(() => this.emit('did-finish-load'));
    }
    async executeJavaScript(code: string) {
      this.scripts.push(code);
      if (code === 'window.understudyBanner.nextEnd()') return new Promise((resolve) => (this.endClick = () => resolve(true)));
      return true;
    }
    setWindowOpenHandler(handler: FakeWebContents['openHandler']) {
      this.openHandler = handler;
    }
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      this.destroyed = true;
    }
  }
  class WebContentsView {
    readonly webContents: FakeWebContents;
    readonly webPreferences: Record<string, unknown>;
    bounds: unknown = null;
    constructor(options: { webPreferences: Record<string, unknown>; webContents?: FakeWebContents }) {
      // Electron adopts a given web contents (a pop-up's, created by Electron for window.open).
      this.webContents = options.webContents ?? new FakeWebContents();
      this.webPreferences = options.webPreferences;
      views.push(this);
    }
    setBounds(bounds: unknown) {
      this.bounds = bounds;
    }
  }
  class BaseWindow extends Emitter {
    readonly options: Record<string, unknown>;
    destroyed = false;
    shown = 0;
    bounds: unknown = null;
    readonly contentView = { addChildView: () => undefined };
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
    }
    getContentBounds() {
      return { x: 0, y: 0, width: 1280, height: 860 };
    }
    close() {
      this.destroy();
    }
    destroy() {
      if (this.destroyed) return;
      this.destroyed = true;
      this.emit('closed');
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {
      this.shown += 1;
    }
    focus() {}
    setBounds(bounds: unknown) {
      this.bounds = bounds;
    }
    setSize(width: number, height: number) {
      this.bounds = { width, height };
    }
    title = '';
    setTitle(title: string) {
      this.title = title;
    }
  }
  const session = {
    fromPartition(name: string, options: unknown) {
      calls.push(`fromPartition ${name} ${JSON.stringify(options)}`);
      if (!sessions.has(name)) sessions.set(name, new FakeSession(name));
      return sessions.get(name);
    },
  };
  const screen = { getPrimaryDisplay: () => ({ workArea: { x: 0, y: 25, width: 1920, height: 1055 } }) };
  return { default: { BaseWindow, WebContentsView, session, screen }, BaseWindow, WebContentsView, session, screen };
});

const { createElectronWindowHost } = await import('../../src/main/electron/window-host.ts');

interface Session {
  name: string;
  cookies: EventEmitter & { jar: unknown[] };
  permissionRequest: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
  permissionCheck: (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
  deviceCheck: (details: unknown) => boolean;
  beforeRequest: (details: { url: string; method: string; resourceType: string }, callback: (r: { cancel: boolean }) => void) => void;
  completed: (details: { url: string; statusCode: number }) => void;
  cleared: string[];
  emit(event: string, ...args: unknown[]): boolean;
}
interface Contents extends EventEmitter {
  debugger: EventEmitter & { attached: boolean; commands: { method: string; params: unknown }[]; detach(): void };
  destroyed: boolean;
  scripts: string[];
  openHandler: (details: { url: string }) => { action: string; overrideBrowserWindowOptions?: { webPreferences: Record<string, unknown> } };
  endClick: (() => void) | null;
}
interface View {
  webContents: Contents;
  webPreferences: Record<string, unknown>;
}
interface Window extends EventEmitter {
  destroyed: boolean;
  bounds: unknown;
  close(): void;
}

const banner: BannerContent = { headline: 'Impersonating Ada', detail: 'as Grace', timeLeft: null, status: 'Signing in…', production: false, error: null, canEnd: true };
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function spec(overrides: Partial<WindowSpec> = {}): WindowSpec {
  return {
    impersonationId: 'imp-1',
    partition: newPartitionName(),
    ticketUrl: 'https://clerk.acme.test/v1/tickets/accept?ticket=secret',
    navigation: { allowedOrigins: [], frontendApiOrigin: 'https://clerk.acme.test' },
    readOnly: true,
    title: 'Impersonating Ada — Acme',
    banner,
    ...overrides,
  };
}

let events: WindowEvents & { ended: number; closed: number; problems: PageProblem[] };

beforeEach(() => {
  fake.calls.length = 0;
  fake.views.length = 0;
  fake.windows.length = 0;
  events = {
    ended: 0,
    closed: 0,
    problems: [],
    onPageProblem(problem) {
      this.problems.push(problem);
    },
    onEndRequested() {
      this.ended += 1;
    },
    onClosed() {
      this.closed += 1;
    },
  };
});

async function open(overrides: Partial<WindowSpec> = {}) {
  const s = spec(overrides);
  // No spare window here: each test sees exactly the views of one open().
  const window = await createElectronWindowHost({ log, prewarm: false }).open(s, events);
  const [bannerView, pageView] = fake.views as [View, View];
  const session = [...fake.sessions.values()].filter((candidate) => (candidate as Session).name !== 'understudy-banner').at(-1) as Session;
  s.partition = session.name;
  return { s, window, bannerView, pageView, session, base: fake.windows[0] as Window };
}

describe('Electron window host', () => {
  it('hardens the fresh in-memory session before anything loads, and loads the banner before the ticket', async () => {
    const { s } = await open();
    const calls = fake.calls.filter((call) => !call.includes('understudy-banner'));
    expect(calls[0]).toBe(`fromPartition ${s.partition} {"cache":false}`);
    const firstLoad = calls.findIndex((call) => call.startsWith('loadURL'));
    for (const step of ['permissionRequest', 'permissionCheck', 'deviceCheck', 'webRequest', 'session.on will-download']) {
      const index = calls.findIndex((call) => call.startsWith(step));
      expect(index, step).toBeGreaterThan(0);
      expect(index, step).toBeLessThan(firstLoad);
    }
    expect(calls.filter((call) => call.startsWith('loadURL'))).toEqual(['loadURL banner', `loadURL ${s.ticketUrl}`]);
  });

  it('gives the customer page no preload, its own session, and the hardened preferences', async () => {
    const { pageView, bannerView, session } = await open();
    expect('preload' in pageView.webPreferences).toBe(false);
    expect('preload' in bannerView.webPreferences).toBe(false);
    expect(pageView.webPreferences['session']).toBe(session);
    expect(pageView.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, devTools: false });
    expect(bannerView.webPreferences['session']).not.toBe(session);
  });

  it('refuses every permission and device', async () => {
    const { session } = await open();
    const granted: boolean[] = [];
    session.permissionRequest(null, 'media', (value) => granted.push(value), {});
    session.permissionRequest(null, 'notifications', (value) => granted.push(value), {});
    expect(granted).toEqual([false, false]);
    expect(session.permissionCheck(null, 'clipboard-read', 'https://app', {})).toBe(false);
    expect(session.deviceCheck({})).toBe(false);
  });

  it('cancels downloads', async () => {
    const { session } = await open();
    const event = { preventDefault: vi.fn() };
    const item = { cancel: vi.fn() };
    session.emit('will-download', event, item);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(item.cancel).toHaveBeenCalled();
  });

  it('blocks disallowed frame navigations and, in read-only mode, writes to the app', async () => {
    const { session } = await open();
    const decide = (url: string, method: string, resourceType: string) => {
      let cancel: boolean | undefined;
      session.beforeRequest({ url, method, resourceType }, (response) => (cancel = response.cancel));
      return cancel;
    };
    expect(decide('https://app.acme.test/', 'GET', 'mainFrame')).toBe(false);
    expect(decide('http://evil.test/', 'GET', 'mainFrame')).toBe(true);
    expect(decide('http://evil.test/frame', 'GET', 'subFrame')).toBe(true);
    expect(decide('https://app.acme.test/api/orders', 'POST', 'xhr')).toBe(true);
    expect(decide('https://clerk.acme.test/v1/client/sessions/s/tokens', 'POST', 'xhr')).toBe(false);
    expect(decide('https://app.acme.test/api/orders', 'GET', 'xhr')).toBe(false);
    // The refused main-frame navigation is reported for the banner (the sub-frame one is not).
    expect(events.problems).toEqual([{ kind: 'navigation-blocked', origin: 'http://evil.test' }]);
  });

  describe('Clerk refusing the ticket', () => {
    const accept = 'https://clerk.acme.test/v1/tickets/accept?ticket=t';
    const used = JSON.stringify({ errors: [{ code: 'actor_token_already_used_code', message: 'actor token has already been used', long_message: 'This actor token has already been used. Each token can only be used once.' }] });
    const flush = async () => {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    /** What the page's DevTools reports for one response: received, then finished with its size. */
    const respond = (contents: Contents, requestId: string, url: string, status: number, body?: string, size = body?.length ?? 0) => {
      if (body !== undefined) fake.bodies.set(requestId, body);
      contents.debugger.emit('message', {}, 'Network.responseReceived', { requestId, response: { url, status } }, '');
      contents.debugger.emit('message', {}, 'Network.loadingFinished', { requestId, encodedDataLength: size }, '');
    };
    const bodiesRead = (contents: Contents) => contents.debugger.commands.filter((command) => command.method === 'Network.getResponseBody');

    beforeEach(() => fake.bodies.clear());

    it('reports it once with Clerk’s code and message, read from the page’s debugger, whichever comes first', async () => {
      const { pageView, session } = await open();
      // The debugger was attached and the network watched before the ticket loaded, its buffers kept small.
      expect(pageView.webContents.debugger.attached).toBe(true);
      expect(pageView.webContents.debugger.commands[0]).toEqual({ method: 'Network.enable', params: { maxResourceBufferSize: 16384, maxTotalBufferSize: 262144 } });
      respond(pageView.webContents, 'r1', accept, 400, used);
      await flush();
      session.completed({ url: accept, statusCode: 400 });
      // The other order: webRequest first, the body after.
      session.completed({ url: 'https://clerk.acme.test/v1/client/sign_ins', statusCode: 429 });
      respond(pageView.webContents, 'r2', 'https://clerk.acme.test/v1/client/sign_ins', 429, JSON.stringify({ errors: [{ code: 'too_many_requests', message: 'Too many requests' }] }));
      await flush();
      expect(events.problems).toEqual([
        { kind: 'ticket-error', status: 400, code: 'actor_token_already_used_code', message: 'This actor token has already been used. Each token can only be used once.' },
        { kind: 'ticket-error', status: 429, code: 'too_many_requests', message: 'Too many requests' },
      ]);
    });

    it('reads only refusals of the ticket paths on the Frontend API', async () => {
      const { pageView } = await open();
      respond(pageView.webContents, 'a', 'https://clerk.acme.test/v1/tickets/accept?ticket=t', 303, '');
      respond(pageView.webContents, 'b', 'https://clerk.acme.test/v1/client/sessions/s/tokens', 401, used);
      respond(pageView.webContents, 'c', 'https://app.acme.test/v1/tickets/accept', 400, used);
      respond(pageView.webContents, 'd', 'https://app.acme.test/orders', 500, used);
      await flush();
      expect(bodiesRead(pageView.webContents)).toEqual([]);
      expect(events.problems).toEqual([]);
    });

    it('falls back to the status alone, once, when the body is unreadable, too large or not Clerk’s', async () => {
      const { pageView, session } = await open();
      const report = async (requestId: string, body: string | undefined, size?: number) => {
        const url = `${accept}&case=${requestId}`;
        respond(pageView.webContents, requestId, url, 400, body, size);
        await flush();
        session.completed({ url, statusCode: 400 });
        await flush();
      };
      await report('gone', undefined, 120);
      await report('huge', used, 1_000_000);
      await report('html', '<h1>Bad request</h1>');
      await report('other', JSON.stringify({ error: 'nope' }));
      expect(bodiesRead(pageView.webContents).map((command) => (command.params as { requestId: string }).requestId)).toEqual(['gone', 'html', 'other']);
      expect(events.problems).toEqual(Array(4).fill({ kind: 'ticket-error', status: 400, code: null, message: null }));
    });

    it('never waits forever for a body: the status alone after the wait, and a late body adds nothing', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const { pageView, session } = await open();
        session.completed({ url: accept, statusCode: 400 });
        await flush();
        expect(events.problems).toEqual([]);
        await vi.advanceTimersByTimeAsync(3000);
        expect(events.problems).toEqual([{ kind: 'ticket-error', status: 400, code: null, message: null }]);
        respond(pageView.webContents, 'late', accept, 400, used);
        await flush();
        expect(events.problems).toHaveLength(1);
        // The late body is not paired with the next refusal of the same link: that one gets its own.
        const revoked = JSON.stringify({ errors: [{ code: 'actor_token_revoked_code', message: 'revoked', long_message: 'This actor token has been revoked.' }] });
        session.completed({ url: accept, statusCode: 400 });
        respond(pageView.webContents, 'next', accept, 400, revoked);
        await flush();
        expect(events.problems[1]).toEqual({ kind: 'ticket-error', status: 400, code: 'actor_token_revoked_code', message: 'This actor token has been revoked.' });
      } finally {
        vi.useRealTimers();
      }
    });

    it('takes no body a service worker or a cache of the page answered with: only the network’s is Clerk’s', async () => {
      const { pageView, session } = await open();
      const forged = JSON.stringify({ errors: [{ code: 'ticket_expired_code', message: 'forged by the page' }] });
      for (const [requestId, origin] of [['sw', 'fromServiceWorker'], ['disk', 'fromDiskCache'], ['prefetch', 'fromPrefetchCache']] as const) {
        fake.bodies.set(requestId, forged);
        pageView.webContents.debugger.emit('message', {}, 'Network.responseReceived', { requestId, response: { url: accept, status: 400, [origin]: true } }, '');
        pageView.webContents.debugger.emit('message', {}, 'Network.loadingFinished', { requestId, encodedDataLength: forged.length }, '');
      }
      await flush();
      expect(bodiesRead(pageView.webContents)).toEqual([]);
      // Clerk's own refusal, from the network, is still read.
      respond(pageView.webContents, 'net', accept, 400, used);
      await flush();
      session.completed({ url: accept, statusCode: 400 });
      await flush();
      expect(events.problems).toEqual([{ kind: 'ticket-error', status: 400, code: 'actor_token_already_used_code', message: 'This actor token has already been used. Each token can only be used once.' }]);
    });

    it('keeps at most a few unmatched bodies: a page refusing itself in a loop cannot grow main’s memory', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const { pageView, session } = await open();
        for (let i = 0; i < 40; i++) respond(pageView.webContents, `x${i}`, `${accept}&n=${i}`, 400, used);
        await flush();
        // The first 16 are kept for a webRequest report; the rest were dropped, so theirs is status-only.
        session.completed({ url: `${accept}&n=0`, statusCode: 400 });
        session.completed({ url: `${accept}&n=39`, statusCode: 400 });
        await flush();
        expect(events.problems).toEqual([{ kind: 'ticket-error', status: 400, code: 'actor_token_already_used_code', message: expect.any(String) }]);
        await vi.advanceTimersByTimeAsync(3000);
        expect(events.problems[1]).toEqual({ kind: 'ticket-error', status: 400, code: null, message: null });
      } finally {
        vi.useRealTimers();
      }
    });

    it('reports by status at once when the page has no debugger of its own', async () => {
      fake.debuggerTaken = true;
      log.warn.mockClear();
      try {
        const { session } = await open();
        expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('a refusal will show its status only'));
        session.completed({ url: accept, statusCode: 400 });
        await flush();
        expect(events.problems).toEqual([{ kind: 'ticket-error', status: 400, code: null, message: null }]);
      } finally {
        fake.debuggerTaken = false;
      }
    });

    it('reports by status at once when the page closed before its body was read', async () => {
      const { pageView, session } = await open();
      // The response was seen but the page closed before its body was read.
      pageView.webContents.debugger.emit('message', {}, 'Network.responseReceived', { requestId: 'r', response: { url: accept, status: 400 } }, '');
      pageView.webContents.debugger.detach();
      session.completed({ url: accept, statusCode: 400 });
      await flush();
      expect(events.problems).toEqual([{ kind: 'ticket-error', status: 400, code: null, message: null }]);
    });
  });

  it('guards navigation events and keeps allowed pop-ups in the same session', async () => {
    const { pageView, session } = await open({ readOnly: false });
    const navigate = (event: string, url: string) => {
      const preventDefault = vi.fn();
      pageView.webContents.emit(event, { url, preventDefault });
      return preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-frame-navigate', 'https://a@evil.test/')).toBe(true);
    expect(navigate('will-navigate', 'https://app.acme.test/settings')).toBe(false);

    expect(pageView.webContents.openHandler({ url: 'http://evil.test/' })).toEqual({ action: 'deny' });
    const allowed = pageView.webContents.openHandler({ url: 'https://accounts.google.com/' });
    expect(allowed.action).toBe('allow');
    expect(allowed.overrideBrowserWindowOptions!.webPreferences['session']).toBe(session);
    expect('preload' in allowed.overrideBrowserWindowOptions!.webPreferences).toBe(false);
  });

  it('reports cookie changes and reads the jar of its partition only', async () => {
    const { window, session } = await open();
    const seen: unknown[] = [];
    window.onCookieChanged((change) => seen.push(change));
    const cookie = { name: '__session', value: 'jwt', domain: 'app', path: '/', secure: true, httpOnly: false };
    session.cookies.emit('changed', {}, cookie, 'inserted', false);
    expect(seen).toEqual([{ cookie, removed: false }]);
    expect((await window.cookies()).map((c) => c.name)).toEqual(['__client']);
  });

  it('draws the banner and turns its End button into onEndRequested', async () => {
    const { window, bannerView } = await open();
    await new Promise((resolve) => setImmediate(resolve));
    window.updateBanner({ ...banner, status: 'Signed in', timeLeft: '14:59' });
    expect(bannerView.webContents.scripts.some((script) => script.includes('"timeLeft":"14:59"'))).toBe(true);
    bannerView.webContents.endClick!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.ended).toBe(1);
    // And it listens again for the next press.
    expect(bannerView.webContents.scripts.filter((script) => script === 'window.understudyBanner.nextEnd()')).toHaveLength(2);
  });

  it('redraws the banner and re-arms End after its view reloads, ignoring a press from before', async () => {
    const { window, bannerView } = await open();
    await new Promise((resolve) => setImmediate(resolve));
    window.updateBanner({ ...banner, status: 'Signed in', timeLeft: '09:00' });
    const staleEnd = bannerView.webContents.endClick!;
    bannerView.webContents.scripts.length = 0;
    // A reload, whatever triggered it: the page starts loading, then finishes with empty elements.
    bannerView.webContents.emit('did-start-loading');
    bannerView.webContents.emit('did-finish-load');
    expect(bannerView.webContents.scripts.some((script) => script.includes('"timeLeft":"09:00"'))).toBe(true);
    staleEnd();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.ended).toBe(0);
    bannerView.webContents.endClick!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.ended).toBe(1);
  });

  it('refuses blank pop-ups and frames an allowed one with its own banner', async () => {
    const { pageView, session } = await open({ readOnly: false });
    expect(pageView.webContents.openHandler({ url: 'about:blank' })).toEqual({ action: 'deny' });
    const response = pageView.webContents.openHandler({ url: 'https://accounts.google.com/o/oauth2' }) as unknown as {
      action: string;
      createWindow(options: Record<string, unknown>): Contents;
    };
    expect(response.action).toBe('allow');
    const before = fake.views.length;
    const guest = new (pageView.webContents.constructor as new () => Contents)();
    const contents = response.createWindow({ width: 500, height: 600, webContents: guest, webPreferences: { session } });
    const added = fake.views.slice(before) as View[];
    // The pop-up's own page (the web contents Electron made, adopted) and a banner view of its own.
    expect(contents).toBe(guest);
    expect(added.map((view) => view.webContents)).toContain(guest);
    const popupBanner = added.find((view) => view.webContents !== guest)!;
    expect(popupBanner.webPreferences['session']).not.toBe(session);
    expect('preload' in popupBanner.webPreferences).toBe(false);
    expect(fake.windows).toHaveLength(2);
    // It ends with the impersonation.
    (fake.windows[0] as Window).close();
    expect((fake.windows[1] as Window).destroyed).toBe(true);
  });

  it('wipes the partition, and on close destroys both views and reports it once', async () => {
    const { window, session, pageView, bannerView } = await open();
    await window.clearData();
    expect(session.cleared).toEqual(['clearData', 'clearStorageData', 'clearCache', 'clearAuthCache']);
    await window.close();
    await window.close();
    expect(window.isClosed()).toBe(true);
    expect(pageView.webContents.destroyed).toBe(true);
    expect(bannerView.webContents.destroyed).toBe(true);
    expect(events.closed).toBe(1);
  });

  it('treats a user closing the window like any close', async () => {
    const { base } = await open();
    base.close();
    expect(events.closed).toBe(1);
  });

  it('never logs the ticket URL when the page fails to load', async () => {
    fake.failTicketLoad = true;
    try {
      log.warn.mockClear();
      await open();
      await new Promise((resolve) => setImmediate(resolve));
      expect(log.warn).toHaveBeenCalledWith('The impersonation page did not finish loading', { code: 'ERR_NAME_NOT_RESOLVED' });
      expect(JSON.stringify(log.warn.mock.calls)).not.toContain('secret');
    } finally {
      fake.failTicketLoad = false;
    }
  });

  it('keeps a hardened spare window that refuses every request until handed out, and never hands one out twice', async () => {
    const host = createElectronWindowHost({ log });
    // Made at once, before anyone asked: a window, its views and a hardened in-memory session.
    expect(fake.windows).toHaveLength(1);
    const spareSession = [...fake.sessions.values()].filter((candidate) => (candidate as Session).name !== 'understudy-banner').at(-1) as Session;
    let cancel: boolean | undefined;
    spareSession.beforeRequest({ url: 'https://app.acme.test/', method: 'GET', resourceType: 'mainFrame' }, (response) => (cancel = response.cancel));
    expect(cancel).toBe(true);
    expect(fake.calls.filter((call) => call.startsWith('loadURL') && call !== 'loadURL banner')).toEqual([]);

    const first = spec({ partition: 'persist:shared' });
    await host.open(first, events);
    // The spare was used (no new window for this open), with the caller's rules from now on …
    expect((fake.windows[0] as Window & { title: string }).title).toBe(first.title);
    spareSession.beforeRequest({ url: 'https://app.acme.test/', method: 'GET', resourceType: 'mainFrame' }, (response) => (cancel = response.cancel));
    expect(cancel).toBe(false);
    // … never the partition a caller names, and a new spare follows in the background.
    expect(spareSession.name).toMatch(/^understudy-impersonation-/);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.windows).toHaveLength(2);
    await host.open(spec({ impersonationId: 'imp-2' }), events);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Three partitions made (two handed out, one spare), each once.
    const partitions = fake.calls.filter((call) => call.startsWith('fromPartition understudy-impersonation-')).map((call) => call.split(' ')[1]);
    expect(partitions).toHaveLength(3);
    expect(new Set(partitions).size).toBe(3);
  });

  it('reports the primary display work area for arrange()', () => {
    expect(createElectronWindowHost({ log }).workArea()).toEqual({ x: 0, y: 25, width: 1920, height: 1055 });
  });
});
