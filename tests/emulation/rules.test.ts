// Each Electron rule the emulation enforces (dev/electron-emulation/README.md), tested on the
// emulation itself: every test here fails if the emulation stops enforcing its rule.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app, BaseWindow, BrowserWindow, ipcMain, protocol, screen, session, WebContentsView } from '../../dev/electron-emulation/electron.ts';
import { pageOf } from '../../dev/electron-emulation/inspect.ts';
import { closeBrowser, setExitHandler } from '../../dev/electron-emulation/runtime.ts';

const exits: number[] = [];
setExitHandler((code) => void exits.push(code));
// Like any app that outlives its windows: without a listener, closing the last window quits.
const stayAlive = () => undefined;
app.on('window-all-closed', stayAlive);

// Before ready, as a main script's first lines are.
const beforeReady = {
  sessionError: (() => {
    try {
      session.fromPartition('too-early');
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  })(),
  windowError: (() => {
    try {
      new BrowserWindow();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  })(),
  screenError: (() => {
    try {
      screen.getPrimaryDisplay();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  })(),
  handleError: (() => {
    try {
      protocol.handle('too-early', () => new Response(''));
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  })(),
};
protocol.registerSchemesAsPrivileged([{ scheme: 'emutest', privileges: { standard: true, secure: true } }]);
app.enableSandbox();

const REFUSAL_BODY = JSON.stringify({ errors: [{ code: 'actor_token_already_used_code', message: 'actor token has already been used' }] });
let server: Server;
let origin: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    if (request.url === '/redirect') return void response.writeHead(302, { location: '/landing' }).end();
    if (request.url === '/refused') return void response.writeHead(400, { 'content-type': 'application/json' }).end(REFUSAL_BODY);
    if (request.url === '/frame') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<p>inner</p>');
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<title>t ${request.url}</title><a id="away" href="/other">away</a><iframe src="/frame"></iframe>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  await app.whenReady();
  protocol.handle('emutest', (request) => new Response(`<title>scheme</title><p>${new URL(request.url).pathname}</p>`, { headers: { 'content-type': 'text/html' } }));
});

afterAll(async () => {
  await closeBrowser();
  server.close();
});

function preloadFile(source: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'emu-preload-')), 'preload.cjs');
  writeFileSync(path, source);
  return path;
}

describe('app and protocol: what may only happen before or after ready', () => {
  it('refuses sessions, windows, screen and protocol handlers before ready', () => {
    expect(beforeReady.sessionError).toMatch(/when app is ready/);
    expect(beforeReady.windowError).toMatch(/before app is ready/);
    expect(beforeReady.screenError).toMatch(/can't be used before the app 'ready' event/);
    expect(screen.getPrimaryDisplay().workArea.width).toBeGreaterThan(0);
    expect(beforeReady.handleError).toMatch(/after app is ready/);
  });

  it('refuses registerSchemesAsPrivileged and enableSandbox after ready', () => {
    expect(() => protocol.registerSchemesAsPrivileged([{ scheme: 'late', privileges: { standard: true } }])).toThrow(/before app is ready/);
    expect(() => app.enableSandbox()).toThrow(/before app is ready/);
  });

  it('serves a handled scheme under its own URLs: getURL() and navigation details show the scheme, never the loopback', async () => {
    const window = new BrowserWindow({ show: false });
    const seen: string[] = [];
    window.webContents.on('did-navigate', (_event: unknown, url: string) => seen.push(url));
    await window.loadURL('emutest://host/page');
    expect(window.webContents.getURL()).toBe('emutest://host/page');
    expect(seen).toEqual(['emutest://host/page']);
    expect(await window.webContents.executeJavaScript('document.querySelector("p").textContent')).toBe('/page');
    window.destroy();
  });
});

describe('session', () => {
  it('applies partition options at first use only: a later call returns the same session with the first options', () => {
    const first = session.fromPartition('rules-options', { cache: false });
    const second = session.fromPartition('rules-options', { cache: true });
    expect(second).toBe(first);
    expect(second.options.cache).toBe(false);
  });

  it('keeps one onBeforeRequest listener per session: a second replaces the first, null removes it', async () => {
    const ses = session.fromPartition('rules-webrequest');
    const first: string[] = [];
    const second: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      first.push(details.url);
      callback({});
    });
    ses.webRequest.onBeforeRequest((details, callback) => {
      second.push(details.url);
      callback({ cancel: details.url.endsWith('/blocked') });
    });
    const window = new BrowserWindow({ show: false, webPreferences: { session: ses } });
    await window.loadURL(`${origin}/allowed`);
    await expect(window.loadURL(`${origin}/blocked`)).rejects.toMatchObject({ code: 'ERR_BLOCKED_BY_CLIENT' });
    expect(first).toEqual([]);
    expect(second).toContain(`${origin}/allowed`);
    expect(hits).not.toContain('GET /blocked');
    ses.webRequest.onBeforeRequest(null);
    window.destroy();
    const unguarded = new BrowserWindow({ show: false, webPreferences: { session: ses } });
    await unguarded.loadURL(`${origin}/blocked`);
    expect(hits).toContain('GET /blocked');
    unguarded.destroy();
  });

  it('keeps partitions apart: a cookie set in one is not in another, nor in the default session', async () => {
    const a = session.fromPartition('rules-a');
    const b = session.fromPartition('rules-b');
    await a.cookies.set({ url: origin, name: 'only-a', value: '1' });
    expect((await a.cookies.get({})).map((cookie) => cookie.name)).toEqual(['only-a']);
    expect(await b.cookies.get({})).toEqual([]);
    expect(await session.defaultSession.cookies.get({})).toEqual([]);
    await a.clearStorageData();
    expect(await a.cookies.get({})).toEqual([]);
  });
});

describe('windows and views', () => {
  it('BaseWindow does not close its views\' web contents; BrowserWindow closes its own', async () => {
    const base = new BaseWindow({ show: false });
    const view = new WebContentsView({ webPreferences: { partition: 'rules-views' } });
    base.contentView.addChildView(view);
    await view.webContents.loadURL(`${origin}/view`);
    const browserWindow = new BrowserWindow({ show: false });
    await browserWindow.loadURL(`${origin}/own`);

    base.close();
    browserWindow.close();
    await expect.poll(() => browserWindow.webContents.isDestroyed(), { timeout: 5000 }).toBe(true);
    expect(base.isDestroyed()).toBe(true);
    expect(view.webContents.isDestroyed()).toBe(false);
    expect((await pageOf(view.webContents)).isClosed()).toBe(false);
    view.webContents.close();
    await expect.poll(() => view.webContents.isDestroyed(), { timeout: 5000 }).toBe(true);
  });

  it('emits ready-to-show once, after the first load', async () => {
    const window = new BrowserWindow({ show: false });
    let shown = 0;
    window.on('ready-to-show', () => shown++);
    await window.loadURL(`${origin}/first`);
    await window.loadURL(`${origin}/second`);
    expect(shown).toBe(1);
    window.destroy();
  });
});

describe('pop-ups', () => {
  it('asks the window-open handler once per window.open, with the URL asked for, before the pop-up requests anything', async () => {
    const opener = new BrowserWindow({ show: false });
    await opener.loadURL(`${origin}/opener`);
    const asked: string[] = [];
    opener.webContents.setWindowOpenHandler(({ url }: { url: string }) => {
      asked.push(url);
      return url.endsWith('/popup-allowed') ? { action: 'allow' } : { action: 'deny' };
    });
    const created: { url: string; window: BrowserWindow }[] = [];
    opener.webContents.on('did-create-window', (window: BrowserWindow, details: { url: string }) => created.push({ url: details.url, window }));
    const page = await pageOf(opener.webContents);
    await page.evaluate(() => {
      for (const path of ['about:blank', '/popup-refused', '/popup-allowed']) {
        const button = document.createElement('button');
        button.id = `open${path.replace(/\W/g, '')}`;
        button.addEventListener('click', () => void window.open(path, '_blank'));
        document.body.append(button);
      }
    });
    for (const id of ['openaboutblank', 'openpopuprefused', 'openpopupallowed']) await page.click(`#${id}`);
    await expect.poll(() => created.map((entry) => entry.url), { timeout: 10_000 }).toEqual([`${origin}/popup-allowed`]);
    await expect.poll(() => created[0]!.window.webContents.getURL()).toBe(`${origin}/popup-allowed`);
    expect(asked).toEqual(['about:blank', `${origin}/popup-refused`, `${origin}/popup-allowed`]);
    // A refused pop-up loads nothing; the allowed one loaded once.
    expect(hits).not.toContain('GET /popup-refused');
    expect(hits.filter((hit) => hit === 'GET /popup-allowed')).toHaveLength(1);
    created[0]!.window.destroy();
    opener.destroy();
  });
});

describe('navigation events', () => {
  it('will-navigate carries event.url, is not emitted for loadURL, and preventDefault cancels the navigation', async () => {
    const window = new BrowserWindow({ show: false });
    const events: string[] = [];
    window.webContents.on('will-navigate', (event: { url: string; preventDefault(): void }, url: string) => {
      events.push(`${event.url}|${url}`);
      event.preventDefault();
    });
    await window.loadURL(`${origin}/start`);
    expect(events).toEqual([]);
    const page = await pageOf(window.webContents);
    await page.click('#away');
    await new Promise((done) => setTimeout(done, 300));
    expect(events).toEqual([`${origin}/other|${origin}/other`]);
    expect(window.webContents.getURL()).toBe(`${origin}/start`);
    expect(hits).not.toContain('GET /other');
    window.destroy();
  });

  it('will-frame-navigate reports subframes; will-redirect reports server redirects, also of loadURL, and can cancel them', async () => {
    const window = new BrowserWindow({ show: false });
    const frames: { url: string; isMainFrame: boolean }[] = [];
    window.webContents.on('will-frame-navigate', (event: { url: string; isMainFrame: boolean }) => frames.push({ url: event.url, isMainFrame: event.isMainFrame }));
    await window.loadURL(`${origin}/with-frame`);
    expect(frames).toContainEqual({ url: `${origin}/frame`, isMainFrame: false });

    const redirects: string[] = [];
    window.webContents.on('will-redirect', (event: { url: string; preventDefault(): void }) => {
      redirects.push(event.url);
      event.preventDefault();
    });
    await expect(window.loadURL(`${origin}/redirect`)).rejects.toThrow();
    expect(redirects).toEqual([`${origin}/landing`]);
    expect(hits).not.toContain('GET /landing');
    window.destroy();
  });
});

describe('webContents.debugger', () => {
  it('attaches once, emits protocol events as message, reads a response body, and detach ends it', async () => {
    const window = new BrowserWindow({ show: false });
    const debug = window.webContents.debugger;
    expect(window.webContents.debugger).toBe(debug);
    await expect(debug.sendCommand('Network.enable')).rejects.toThrow(/^No target available$/);
    expect(() => debug.attach('2.0')).toThrow('Requested protocol version is not supported');
    expect(debug.isAttached()).toBe(false);
    debug.attach('1.3');
    expect(debug.isAttached()).toBe(true);
    expect(() => debug.attach()).toThrow('Debugger is already attached to the target');
    await expect(debug.sendCommand('Network.enable', {}, '')).rejects.toThrow('Empty session id is not allowed');

    const messages: { method: string; params: Record<string, unknown>; sessionId: string }[] = [];
    debug.on('message', (_event: unknown, method: string, params: Record<string, unknown>, sessionId: string) => messages.push({ method, params, sessionId }));
    // Not awaited, as Electron's attach and commands take effect at once: the load that follows is seen.
    void debug.sendCommand('Network.enable');
    await window.loadURL(`${origin}/refused`);
    const received = messages.find((message) => message.method === 'Network.responseReceived' && (message.params['response'] as { url: string }).url === `${origin}/refused`);
    expect(received?.sessionId).toBe('');
    expect((received!.params['response'] as { status: number }).status).toBe(400);
    const requestId = received!.params['requestId'] as string;
    const finished = () => messages.some((message) => message.method === 'Network.loadingFinished' && message.params['requestId'] === requestId);
    for (let waited = 0; !finished() && waited < 100; waited++) await new Promise((done) => setTimeout(done, 50));
    const { body, base64Encoded } = (await debug.sendCommand('Network.getResponseBody', { requestId })) as { body: string; base64Encoded: boolean };
    expect(base64Encoded).toBe(false);
    expect(body).toBe(REFUSAL_BODY);
    // A protocol error rejects with the protocol's own message.
    await expect(debug.sendCommand('Network.getResponseBody', { requestId: 'no-such-request' })).rejects.toThrow(/^No resource with given identifier found$/);

    const detached: string[] = [];
    debug.on('detach', (_event: unknown, reason: string) => detached.push(reason));
    debug.detach();
    debug.detach();
    expect(detached).toEqual(['target closed']);
    expect(debug.isAttached()).toBe(false);
    await expect(debug.sendCommand('Network.enable')).rejects.toThrow(/^No target available$/);
    // Attached again, it detaches when its web contents closes.
    debug.attach();
    await debug.sendCommand('Runtime.evaluate', { expression: '1' });
    window.destroy();
    await new Promise((done) => setTimeout(done, 100));
    expect(detached).toEqual(['target closed', 'target closed']);
    expect(debug.isAttached()).toBe(false);
  });
});

describe('preload, contextBridge and ipcMain', () => {
  const channel = 'rules:echo';
  const senders: { url: string | undefined; parent: unknown; senderId: number }[] = [];

  beforeAll(() => {
    ipcMain.handle(channel, (raw: unknown, input: unknown) => {
      const event = raw as { senderFrame: { url: string; parent: unknown } | null; sender: { id: number } };
      senders.push({ url: event.senderFrame?.url, parent: event.senderFrame?.parent, senderId: event.sender.id });
      return { echoed: input };
    });
  });

  it('refuses a second handler for a channel', () => {
    expect(() => ipcMain.handle(channel, () => null)).toThrow(/second handler/);
  });

  it('runs the preload before the page with a sandboxed require; the page gets a read-only copy, never ipcRenderer or the transport', async () => {
    const preload = preloadFile(`
      const { contextBridge, ipcRenderer } = require('electron');
      let fsError = null;
      try { require('fs'); } catch (error) { fsError = error.message; }
      contextBridge.exposeInMainWorld('bridge', { echo: (value) => ipcRenderer.invoke(${JSON.stringify(channel)}, value), fsError, ranBeforePage: document.scripts.length === 0 });
      let second = null;
      try { contextBridge.exposeInMainWorld('bridge', {}); } catch (error) { second = error.message; }
      contextBridge.exposeInMainWorld('secondError', second);
    `);
    const window = new BrowserWindow({ show: false, webPreferences: { preload, sandbox: true, contextIsolation: true } });
    await window.loadURL('emutest://host/bridge');
    const page = await pageOf(window.webContents);
    const seen = await page.evaluate(async () => {
      const bridge = (window as unknown as { bridge: { echo(value: unknown): Promise<unknown>; fsError: string; ranBeforePage: boolean } }).bridge;
      const answer = await bridge.echo({ a: 1 });
      let replaced = true;
      try {
        (window as unknown as { bridge: unknown }).bridge = null;
      } catch {
        // strict-mode assignment to a read-only property
      }
      replaced = (window as unknown as { bridge: unknown }).bridge === null;
      return {
        answer,
        fsError: bridge.fsError,
        ranBeforePage: bridge.ranBeforePage,
        replaced,
        secondError: (window as unknown as { secondError: string }).secondError,
        globals: Object.keys(window).filter((key) => /ipc|electron/i.test(key)),
      };
    });
    expect(seen).toEqual({
      answer: { echoed: { a: 1 } },
      fsError: 'module not found: fs',
      ranBeforePage: true,
      replaced: false,
      secondError: 'Cannot bind an API on top of an existing property on the window object',
      globals: [],
    });
    expect(senders.at(-1)).toEqual({ url: 'emutest://host/bridge', parent: null, senderId: window.webContents.id });
    window.destroy();
  });

  it('gives subframes no preload without nodeIntegrationInSubFrames; with it, senderFrame is the subframe and has a parent', async () => {
    const preload = preloadFile(`
      const { contextBridge, ipcRenderer } = require('electron');
      contextBridge.exposeInMainWorld('bridge', { echo: (value) => ipcRenderer.invoke(${JSON.stringify(channel)}, value) });
    `);
    for (const subFrames of [false, true]) {
      const window = new BrowserWindow({ show: false, webPreferences: { preload, nodeIntegrationInSubFrames: subFrames } });
      await window.loadURL(`${origin}/framed`);
      const page = await pageOf(window.webContents);
      const frame = page.frames().find((candidate) => candidate.url().endsWith('/frame'))!;
      const inFrame = await frame.evaluate(() => typeof (window as unknown as { bridge?: unknown }).bridge);
      expect(inFrame).toBe(subFrames ? 'object' : 'undefined');
      if (subFrames) {
        await frame.evaluate(() => (window as unknown as { bridge: { echo(value: unknown): Promise<unknown> } }).bridge.echo('from the frame'));
        expect(senders.at(-1)!.url).toBe(`${origin}/frame`);
        expect(senders.at(-1)!.parent).toMatchObject({ url: `${origin}/framed` });
      }
      window.destroy();
    }
  });

  it('delivers webContents.send to ipcRenderer listeners in order', async () => {
    const preload = preloadFile(`
      const { contextBridge, ipcRenderer } = require('electron');
      const got = [];
      ipcRenderer.on('rules:push', (_event, payload) => got.push(payload));
      contextBridge.exposeInMainWorld('received', () => got.slice());
    `);
    const window = new BrowserWindow({ show: false, webPreferences: { preload } });
    await window.loadURL(`${origin}/push`);
    window.webContents.send('rules:push', 1);
    window.webContents.send('rules:push', { two: 2 });
    const page = await pageOf(window.webContents);
    await expect.poll(() => page.evaluate(() => (window as unknown as { received(): unknown[] }).received())).toEqual([1, { two: 2 }]);
    window.destroy();
  });
});

describe('quitting', () => {
  it('before-quit can cancel; window-all-closed with a listener does not quit; without one it quits, emitting will-quit', async () => {
    let cancel = true;
    const order: string[] = [];
    app.on('before-quit', (event: { preventDefault(): void }) => {
      order.push('before-quit');
      if (cancel) event.preventDefault();
    });
    app.on('will-quit', () => order.push('will-quit'));
    for (const each of BaseWindow.getAllWindows()) each.destroy();
    const window = new BrowserWindow({ show: false });
    app.quit();
    expect(window.isDestroyed()).toBe(false);
    expect(order).toEqual(['before-quit']);

    const keepAlive = () => order.push('window-all-closed');
    app.on('window-all-closed', keepAlive);
    window.close();
    expect(order).toEqual(['before-quit', 'window-all-closed']);
    expect(exits).toEqual([]);

    app.off('window-all-closed', keepAlive);
    app.off('window-all-closed', stayAlive);
    cancel = false;
    const last = new BrowserWindow({ show: false });
    last.close();
    // Electron's own default handler (lib/browser/init.ts) quits when nobody listens.
    await expect.poll(() => exits, { timeout: 10_000 }).toEqual([0]);
    expect(order.slice(2)).toEqual(['before-quit', 'will-quit']);
  });
});
