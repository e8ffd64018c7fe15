// `webContents`: one Playwright page. Navigation events, the window-open handler, the preload and
// IPC, executeJavaScript and the load calls follow docs/api/web-contents.md.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { app } from './app.ts';
import { Debugger } from './debugger.ts';
import { awaitHolds, registerPage } from './inspect.ts';
import { ipcMain } from './ipc-main.ts';
import { IPC_BINDING, preloadInitScript } from './preload-runtime.ts';
import { schemesListening, toLoopbackUrl, toSchemeUrl } from './protocol.ts';
import { newEvent, notice, untilExit } from './runtime.ts';
import type { Session } from './session.ts';
import { session as sessions } from './session.ts';
import { adoptPopupWindow } from './windows.ts';

export interface WebPreferences {
  preload?: string;
  session?: Session;
  partition?: string;
  contextIsolation?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  sandbox?: boolean;
  devTools?: boolean;
  [key: string]: unknown;
}

export interface FrameInfo {
  url: string;
  origin: string;
  name: string;
  parent: FrameInfo | null;
  top: FrameInfo;
  isDestroyed(): boolean;
}

/** A WebFrameMain-shaped view of a Playwright frame, URLs in the app's scheme form. */
export function frameInfo(frame: Frame): FrameInfo {
  const parentFrame = frame.parentFrame();
  const url = toSchemeUrl(frame.url());
  let origin = 'null';
  try {
    origin = new URL(url).origin;
  } catch {
    // about:blank and friends
  }
  const info: FrameInfo = {
    url,
    origin,
    name: frame.name(),
    parent: parentFrame ? frameInfo(parentFrame) : null,
    get top(): FrameInfo {
      return info.parent ? info.parent.top : info;
    },
    isDestroyed: () => frame.isDetached(),
  };
  return info;
}

let nextId = 1;
const byPage = new WeakMap<Page, WebContents>();
const byId = new Map<number, WebContents>();
/** Decisions on pop-ups, once per page: the request interception and the `popup` event may both ask. */
const popupDecisions = new WeakMap<Page, Promise<WebContents | null>>();

type OpenHandler = (details: { url: string; frameName: string; features: string; disposition: string; referrer: { url: string; policy: string }; postBody?: unknown }) =>
  | { action: 'deny' }
  | { action: 'allow'; overrideBrowserWindowOptions?: Record<string, unknown>; outlivesOpener?: boolean; createWindow?: (options: Record<string, unknown>) => WebContents };
type OpenResponse = ReturnType<OpenHandler>;

/**
 * One window.open (or target=_blank link) of a page, as its DevTools reported it (Page.windowOpen):
 * Electron asks the opener's handler once, with this URL, before the pop-up loads anything.
 * `taken` once a pop-up page was matched to it; `requested` once its first request was seen.
 */
interface OpenRequest {
  opener: WebContents;
  url: string;
  frameName: string;
  features: string;
  at: number;
  response?: OpenResponse;
  taken?: boolean;
  requested?: boolean;
}
const openRequests: OpenRequest[] = [];
const openWaiters: (() => void)[] = [];

function noteOpenRequest(request: OpenRequest): void {
  // A request still here after a minute belongs to a pop-up that never came or was refused.
  const stale = Date.now() - 60_000;
  for (let index = openRequests.length - 1; index >= 0; index--) if (openRequests[index]!.at < stale) openRequests.splice(index, 1);
  openRequests.push(request);
  openWaiters.splice(0).forEach((wake) => wake());
}

function settle(request: OpenRequest): void {
  const blank = request.url === '' || request.url === 'about:blank';
  const index = openRequests.indexOf(request);
  if (index !== -1 && request.taken && (request.requested || blank)) openRequests.splice(index, 1);
}

async function firstOpenRequest(matches: (request: OpenRequest) => boolean): Promise<OpenRequest | null> {
  // DevTools may report the window.open just after the pop-up or its request (seconds later on a
  // loaded machine); only a navigation no window.open asked for waits the whole time.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = openRequests.find(matches);
    if (found || Date.now() >= deadline) return found ?? null;
    await new Promise<void>((wake) => {
      openWaiters.push(wake);
      setTimeout(wake, 100).unref();
    });
  }
}

/**
 * A pop-up's first request. Playwright reports a pop-up page only once that navigation committed,
 * so its request comes without a page: the window.open that asked for this URL says whose it is,
 * and its opener's handler decides (null: no window.open asked for it).
 */
export async function decideFirstRequest(url: string): Promise<OpenResponse | null> {
  const request = await firstOpenRequest((candidate) => !candidate.requested && !candidate.opener.isDestroyed() && sameUrl(toLoopbackUrl(candidate.url), url));
  if (!request) return null;
  request.requested = true;
  request.response ??= request.opener.askOpenHandler(request);
  settle(request);
  return request.response;
}

export function contentsForPage(page: Page): WebContents | null {
  return byPage.get(page) ?? null;
}

/** The web contents of a page opened by a page, once its opener's handler allowed it (null: refused, closed). */
export function popupContents(page: Page): Promise<WebContents | null> {
  let decision = popupDecisions.get(page);
  if (!decision) {
    decision = (async () => {
      const openerPage = await page.opener().catch(() => null);
      const opener = openerPage ? contentsForPage(openerPage) : null;
      if (!opener || opener.isDestroyed()) {
        await page.close().catch(() => undefined);
        return null;
      }
      return opener.adoptPopup(page);
    })();
    popupDecisions.set(page, decision);
  }
  return decision;
}

export class WebContents extends EventEmitter {
  readonly id: number;
  readonly session: Session;
  readonly preferences: WebPreferences;
  /** The BrowserWindow or BaseWindow this contents is shown in, set by windows.ts. */
  owner: { onContentsGone(contents: WebContents): void } | null = null;
  #page: Promise<Page>;
  #pageValue: Page | null = null;
  #destroyed = false;
  #url = '';
  #title = '';
  #programmatic: string[] = [];
  #openHandler: OpenHandler | null = null;
  #queue: { channel: string; args: unknown[] }[] = [];
  #waiter: ((messages: { channel: string; args: unknown[] }[]) => void) | null = null;
  #loading = false;
  #closedByApp = false;
  #crashed = false;
  #debugger: Debugger | null = null;

  constructor(preferences: WebPreferences = {}, adopt?: { page: Page; session: Session }) {
    super();
    if (!app.isReady()) throw new Error('Cannot create web contents before app is ready');
    if (preferences.nodeIntegration) throw new Error('Emulation: nodeIntegration is not emulated (the app never enables it)');
    this.id = nextId++;
    this.preferences = preferences;
    this.session = adopt?.session ?? preferences.session ?? (preferences.partition ? sessions.fromPartition(preferences.partition) : sessions.defaultSession);
    byId.set(this.id, this);
    this.#page = adopt ? this.#setup(adopt.page, true) : this.session.context().then((context) => context.newPage()).then((page) => this.#setup(page, false));
    this.#page.catch(() => undefined);
    registerPage(this, () => this.#page);
    app.emit('web-contents-created', newEvent(), this);
  }

  async #setup(page: Page, adopted: boolean): Promise<Page> {
    byPage.set(page, this);
    this.#pageValue = page;
    if (this.#destroyed) {
      await page.close().catch(() => undefined);
      return page;
    }
    const cdp = await page.context().newCDPSession(page);
    if (!this.session.options.cache) await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // Electron's window-open handler gets the URL window.open asked for, before anything loads.
    // Playwright reports a pop-up page only later: the opener's own DevTools event (Page.windowOpen)
    // says what it asked for, in order.
    cdp.on('Page.windowOpen', (event: { url: string; windowName: string; windowFeatures: string[] }) => {
      const request: OpenRequest = { opener: this, url: event.url, frameName: event.windowName, features: event.windowFeatures.join(','), at: Date.now() };
      // Electron asks the handler as window.open runs, in call order: so does this, at the event.
      if (!this.#destroyed) request.response = this.askOpenHandler(request);
      noteOpenRequest(request);
    });
    await cdp.send('Page.enable');
    if (!adopted) await this.#installPreload(page);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) {
        this.#url = toSchemeUrl(frame.url());
        // Messages for the old document are not delivered to it: the new one polls afresh.
        this.#waiter = null;
        this.emit('did-navigate', newEvent(), this.#url, 200, 'OK');
      } else {
        this.emit('did-frame-navigate', newEvent(), toSchemeUrl(frame.url()), 200, 'OK', false);
      }
    });
    page.on('load', () => {
      this.#loading = false;
      this.emit('did-finish-load', newEvent());
      void page.title().then((title) => {
        if (title === this.#title) return;
        this.#title = title;
        this.emit('page-title-updated', newEvent(), title, true);
      }, () => undefined);
    });
    page.on('crash', () => {
      this.#crashed = true;
      this.emit('render-process-gone', newEvent(), { reason: 'crashed', exitCode: 139 });
    });
    page.on('popup', (popup) => void popupContents(popup));
    // A crashed page replaced by reload() closes without the web contents going away.
    page.on('close', () => {
      if (page === this.#pageValue) this.#gone();
    });
    // An adopted pop-up may have committed its first navigation while the listeners above were
    // being installed: getURL() reports where it is, as Electron's would.
    if (adopted && !this.#url && page.url() !== 'about:blank') this.#url = toSchemeUrl(page.url());
    return page;
  }

  async #installPreload(page: Page): Promise<void> {
    const path = this.preferences.preload;
    let source: string | null = null;
    if (path) {
      // docs/api/structures/web-preferences.md: "preload string - … The path must be absolute."
      if (!isAbsolute(path)) notice(`Unable to load preload script: ${path} (not an absolute path)`);
      else source = readFileSync(path, 'utf8');
    }
    const contextIsolation = this.preferences.contextIsolation !== false;
    const subFrames = this.preferences.nodeIntegrationInSubFrames === true;
    await page.exposeBinding(IPC_BINDING, async (origin, op: string, channel?: string, args?: unknown[]) => {
      const frame = origin.frame;
      // The bridge exists only where a preload runs; a call from anywhere else is refused.
      if (source === null || (!subFrames && frame.parentFrame() !== null)) throw new Error('No IPC from this frame');
      if (op === 'poll') return this.#poll();
      const event = this.#ipcEvent(frame);
      if (op === 'invoke') return ipcMain.invoke(String(channel), event, args ?? []);
      if (op === 'send') {
        ipcMain.emit(String(channel), event, ...(args ?? []));
        return undefined;
      }
      throw new Error(`Unknown IPC operation ${op}`);
    });
    await page.addInitScript({ content: preloadInitScript(source, { contextIsolation, subFrames }) });
  }

  /** docs/api/structures/ipc-main-invoke-event.md: senderFrame is null once the frame is gone. */
  #ipcEvent(frame: Frame) {
    const info = frame.isDetached() ? null : frameInfo(frame);
    return { sender: this, senderFrame: info, frameId: 0, processId: 0, returnValue: undefined, reply: () => undefined };
  }

  #poll(): Promise<{ channel: string; args: unknown[] }[]> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.splice(0));
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  #gone(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    byId.delete(this.id);
    this.#debugger?.targetClosed();
    this.emit('destroyed', newEvent());
    // Only a page closed from outside (the person, a crash) takes its window with it.
    if (!this.#closedByApp) this.owner?.onContentsGone(this);
  }

  /**
   * Called for every navigation request of this page, before the session's webRequest listener.
   * docs/api/web-contents.md: will-navigate / will-frame-navigate are "not emitted when the
   * navigation is started programmatically with APIs like webContents.loadURL"; will-redirect is
   * emitted for every server redirect. Returns false when a listener prevented it.
   */
  navigationRequested(request: { url: string; isMainFrame: boolean; isRedirect: boolean; frame: Frame | null }): boolean {
    const details = { url: request.url, isMainFrame: request.isMainFrame, isSameDocument: false, frame: request.frame ? frameInfo(request.frame) : null, initiator: null };
    if (request.isRedirect) {
      const event = newEvent(details);
      this.emit('will-redirect', event, request.url, false, request.isMainFrame, 0, 0);
      return !event.defaultPrevented;
    }
    if (request.isMainFrame) {
      const index = this.#programmatic.findIndex((url) => sameUrl(url, toLoopbackUrl(request.url)));
      if (index !== -1) {
        this.#programmatic.splice(index, 1);
        return true;
      }
    }
    const frameEvent = newEvent(details);
    this.emit('will-frame-navigate', frameEvent);
    if (frameEvent.defaultPrevented) return false;
    if (!request.isMainFrame) return true;
    const event = newEvent(details);
    this.emit('will-navigate', event, request.url, false, true, 0, 0);
    return !event.defaultPrevented;
  }

  /** docs/api/web-contents.md#contentsdebugger: one Debugger per web contents (debugger.ts). */
  get debugger(): Debugger {
    this.#debugger ??= new Debugger(() => this.#page, () => this.#destroyed);
    return this.#debugger;
  }

  /** docs/api/web-contents.md#contentssetwindowopenhandlerhandler: asked once per window.open. */
  askOpenHandler(request: { url: string; frameName: string; features: string }): OpenResponse {
    if (!this.#openHandler) return { action: 'allow', overrideBrowserWindowOptions: {} };
    return this.#openHandler({ url: toSchemeUrl(request.url || 'about:blank'), frameName: request.frameName, features: request.features, disposition: 'new-window', referrer: { url: this.#url, policy: 'strict-origin-when-cross-origin' } });
  }

  /**
   * A pop-up page of this page, matched to the oldest window.open not yet matched (Chromium opens
   * them in order); decided by the answer its first request got, or asked now (one that loads
   * nothing: about:blank, a script-written page).
   */
  async adoptPopup(page: Page): Promise<WebContents | null> {
    // Playwright reports a pop-up once its first navigation committed, so one that loaded something
    // is matched by its URL (or, if a redirect took it elsewhere, the oldest that requested); one
    // that loads nothing takes the oldest window.open that requested nothing.
    const loaded = page.url() !== 'about:blank' && page.url() !== '';
    const mine = (candidate: OpenRequest) => candidate.opener === this && !candidate.taken && candidate.requested === loaded;
    const request =
      (loaded ? openRequests.find((candidate) => mine(candidate) && sameUrl(toLoopbackUrl(candidate.url), page.url())) : undefined) ?? (await firstOpenRequest(mine));
    const url = toSchemeUrl(request?.url || page.url());
    let response: OpenResponse;
    if (request) {
      request.taken = true;
      response = request.response ??= this.askOpenHandler(request);
      settle(request);
    } else {
      response = this.askOpenHandler({ url, frameName: '', features: '' });
    }
    if (!response || response.action !== 'allow') {
      await page.close().catch(() => undefined);
      return null;
    }
    const options = response.overrideBrowserWindowOptions ?? {};
    const preferences = (options['webPreferences'] ?? {}) as WebPreferences;
    const wanted = preferences.session ?? (preferences.partition ? sessions.fromPartition(preferences.partition) : this.session);
    if (wanted !== this.session) {
      notice('A pop-up can only open in its opener\'s partition here (a Chromium page cannot change browser context): refused');
      await page.close().catch(() => undefined);
      return null;
    }
    const child = new WebContents({ ...this.preferences, ...preferences, preload: undefined }, { page, session: this.session });
    // docs/api/structures/window-open-handler-response.md: `createWindow` is called instead of
    // `new BrowserWindow` and `did-create-window` is not emitted; the window it builds must use the
    // web contents passed in `options` (Electron throws "Invalid webContents" otherwise;
    // lib/browser/guest-window-manager.ts).
    if (response.createWindow) {
      const made = response.createWindow({ ...options, webContents: child });
      if (made !== child) {
        await page.close().catch(() => undefined);
        throw new Error('Invalid webContents. Created window should be connected to webContents passed with options object.');
      }
      return child;
    }
    const window = adoptPopupWindow(child, options);
    this.emit('did-create-window', window, { url, frameName: '', options, disposition: 'new-window', referrer: { url: this.#url, policy: 'strict-origin-when-cross-origin' } });
    return child;
  }

  setWindowOpenHandler(handler: OpenHandler): void {
    this.#openHandler = handler;
  }

  loadURL(url: string): Promise<void> {
    return untilExit(() => this.#loadURL(url));
  }

  async #loadURL(url: string): Promise<void> {
    const page = await this.#page;
    // A test's hold (inspect.ts) delays the load before anything is requested.
    await awaitHolds(url);
    if (this.#destroyed) throw Object.assign(new Error(`ERR_ABORTED (-3) loading '${url}'`), { code: 'ERR_ABORTED', errno: -3, url });
    await schemesListening();
    // Electron's debugger attaches and takes commands synchronously: what was sent before this load applies to it.
    await this.#debugger?.settled();
    const target = toLoopbackUrl(url);
    this.#programmatic.push(target);
    this.#loading = true;
    try {
      await page.goto(target, { waitUntil: 'load', timeout: 0 });
    } catch (error) {
      this.#loading = false;
      throw loadError(error, url);
    }
  }

  async loadFile(): Promise<void> {
    throw new Error('Emulation: loadFile is not emulated (the app serves its console from its own scheme)');
  }

  reload(): void {
    void this.#page.then(async (page) => {
      if (!this.#crashed) {
        this.#programmatic.push(page.url());
        return page.reload({ timeout: 0 });
      }
      // Electron brings a crashed web contents back with a new renderer on reload()
      // (docs/api/web-contents.md#event-render-process-gone, #contentsreload). Playwright cannot
      // reload a crashed page, so the same URL opens in a new page of the same partition, with the
      // preload installed again, and the crashed one is closed.
      this.#crashed = false;
      const url = page.url();
      const next = this.session.context().then((context) => context.newPage()).then((fresh) => this.#setup(fresh, false));
      this.#page = next;
      const fresh = await next;
      this.#programmatic.push(url);
      await page.close().catch(() => undefined);
      await fresh.goto(url, { waitUntil: 'load', timeout: 0 });
    }).catch(() => undefined);
  }

  executeJavaScript(code: string): Promise<unknown> {
    return untilExit(async () => (await this.#page).evaluate(code));
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.#destroyed) return;
    this.#queue.push({ channel, args: structuredClone(args) });
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = null;
      waiter(this.#queue.splice(0));
    }
  }

  getURL(): string {
    return this.#url;
  }
  getTitle(): string {
    return this.#title;
  }
  isLoading(): boolean {
    return this.#loading;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  isCrashed(): boolean {
    return false;
  }
  focus(): void {
    void this.#page.then((page) => page.bringToFront()).catch(() => undefined);
  }
  setAudioMuted(): void {}
  openDevTools(): void {}
  closeDevTools(): void {}

  /** docs/api/web-contents.md#contentscloseopts: closes the page; 'destroyed' follows. */
  close(): void {
    if (this.#destroyed) return;
    this.#closedByApp = true;
    const page = this.#pageValue;
    if (page) void page.close().catch(() => undefined);
    else {
      this.#gone();
      void this.#page.then((late) => late.close()).catch(() => undefined);
    }
  }

  /** Used by windows.ts for BrowserWindow bounds: the page's viewport. */
  resize(width: number, height: number): void {
    void this.#page.then((page) => page.setViewportSize({ width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) })).catch(() => undefined);
  }
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** Electron rejects loadURL with the net error of the failed load: `ERR_…` code and errno. */
function loadError(error: unknown, url: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = /net::(ERR_[A-Z_]+)/.exec(message)?.[1] ?? (/interrupted by another navigation|frame was detached|Target .*closed/i.test(message) ? 'ERR_ABORTED' : 'ERR_FAILED');
  const errno: Record<string, number> = { ERR_ABORTED: -3, ERR_FAILED: -2, ERR_BLOCKED_BY_CLIENT: -20, ERR_CONNECTION_REFUSED: -102, ERR_NAME_NOT_RESOLVED: -105 };
  return Object.assign(new Error(`${code} (${errno[code] ?? -2}) loading '${url}'`), { code, errno: errno[code] ?? -2, url });
}

export const webContents = {
  fromId: (id: number) => byId.get(id),
  getAllWebContents: () => [...byId.values()],
  getFocusedWebContents: () => null,
};
