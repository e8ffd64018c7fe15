// `session`: a partition is a Playwright browser context (fresh, in memory). webRequest, cookies
// and the clear* calls act on that context; navigation events are raised from the same request
// interception, in Electron's order (will-navigate/will-redirect on the web contents first, then
// the session's onBeforeRequest), see docs/api/web-request.md and docs/api/web-contents.md.
import { EventEmitter } from 'node:events';
import type { BrowserContext, Cookie as PlaywrightCookie, Page, Request, Route } from 'playwright-core';
import { app } from './app.ts';
import { toSchemeUrl } from './protocol.ts';
import { currentBrowser, untilExit } from './runtime.ts';
import { contentsForPage, decideFirstRequest, popupContents, type WebContents } from './web-contents.ts';

export interface ElectronCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  session: boolean;
  expirationDate?: number;
  sameSite: 'unspecified' | 'no_restriction' | 'lax' | 'strict';
}

function toElectronCookie(cookie: PlaywrightCookie): ElectronCookie {
  const sameSite = cookie.sameSite === 'None' ? 'no_restriction' : cookie.sameSite === 'Strict' ? 'strict' : 'lax';
  const result: ElectronCookie = {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    hostOnly: !cookie.domain.startsWith('.'),
    path: cookie.path,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    session: cookie.expires === -1,
    sameSite,
  };
  if (cookie.expires !== -1) result.expirationDate = cookie.expires;
  return result;
}

const COOKIE_POLL_MS = 50;

type CookieListener = (event: unknown, cookie: ElectronCookie, cause: string, removed: boolean) => void;

/** docs/api/cookies.md. 'changed' is polled: Chromium's DevTools protocol has no cookie event. */
class Cookies extends EventEmitter {
  readonly #session: Session;
  #known = new Map<string, ElectronCookie>();
  #timer: NodeJS.Timeout | null = null;
  #polling = false;

  constructor(session: Session) {
    super();
    this.#session = session;
    this.on('newListener', (name) => {
      if (name === 'changed' && !this.#timer) {
        void this.#seed();
        this.#timer = setInterval(() => void this.#poll(), COOKIE_POLL_MS);
        this.#timer.unref();
      }
    });
    this.on('removeListener', () => {
      if (this.listenerCount('changed') === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    });
  }

  get(filter: { url?: string; name?: string; domain?: string; path?: string; secure?: boolean; session?: boolean } = {}): Promise<ElectronCookie[]> {
    return untilExit(() => this.#get(filter));
  }

  async #get(filter: { url?: string; name?: string; domain?: string; path?: string; secure?: boolean; session?: boolean }): Promise<ElectronCookie[]> {
    const context = await this.#session.context();
    const all = (await context.cookies(filter.url ? [filter.url] : [])).map(toElectronCookie);
    return all.filter(
      (cookie) =>
        (filter.name === undefined || cookie.name === filter.name) &&
        (filter.domain === undefined || cookie.domain.replace(/^\./, '').endsWith(filter.domain.replace(/^\./, ''))) &&
        (filter.path === undefined || cookie.path === filter.path) &&
        (filter.secure === undefined || cookie.secure === filter.secure) &&
        (filter.session === undefined || cookie.session === filter.session),
    );
  }

  async set(details: { url: string; name?: string; value?: string; domain?: string; path?: string; secure?: boolean; httpOnly?: boolean; expirationDate?: number }): Promise<void> {
    const context = await this.#session.context();
    await context.addCookies([
      {
        name: details.name ?? '',
        value: details.value ?? '',
        ...(details.domain ? { domain: details.domain, path: details.path ?? '/' } : { url: details.url }),
        secure: details.secure ?? false,
        httpOnly: details.httpOnly ?? false,
        expires: details.expirationDate ?? -1,
      },
    ]);
    await this.#poll();
  }

  async remove(url: string, name: string): Promise<void> {
    const context = await this.#session.context();
    await context.clearCookies({ name, domain: new URL(url).hostname });
    await this.#poll();
  }

  async flushStore(): Promise<void> {}

  #key(cookie: ElectronCookie): string {
    return `${cookie.name}|${cookie.domain}|${cookie.path}`;
  }

  async #seed(): Promise<void> {
    try {
      this.#known = new Map((await this.get()).map((cookie) => [this.#key(cookie), cookie]));
    } catch {
      // context gone
    }
  }

  /** Reports changes like Chromium's cookie monster: an overwrite is the old one removed, then the new one inserted. */
  async #poll(): Promise<void> {
    if (this.#polling || this.#session.closed || this.listenerCount('changed') === 0) return;
    this.#polling = true;
    try {
      const current = new Map((await this.get()).map((cookie) => [this.#key(cookie), cookie]));
      const events: [ElectronCookie, string, boolean][] = [];
      for (const [key, cookie] of this.#known) {
        const now = current.get(key);
        if (!now) events.push([cookie, 'explicit', true]);
        else if (now.value !== cookie.value) events.push([cookie, 'overwrite', true]);
      }
      for (const [key, cookie] of current) {
        if (this.#known.get(key)?.value !== cookie.value) events.push([cookie, 'explicit', false]);
      }
      this.#known = current;
      for (const [cookie, cause, removed] of events) this.emit('changed', {}, cookie, cause, removed);
    } catch {
      // the context closed under us
    } finally {
      this.#polling = false;
    }
  }
}

export interface BeforeRequestDetails {
  id: number;
  url: string;
  method: string;
  webContentsId?: number;
  webContents?: unknown;
  frame?: unknown;
  resourceType: string;
  referrer: string;
  timestamp: number;
}

type BeforeRequestListener = (details: BeforeRequestDetails, callback: (response: { cancel?: boolean; redirectURL?: string }) => void) => void;

/**
 * docs/api/web-request.md: "Only the last attached listener will be used" — one listener per event
 * per session; a second call replaces the first, `null` removes it.
 */
/** docs/api/web-request.md: `onCompleted` details (the fields the app reads). */
export interface CompletedDetails {
  id: number;
  url: string;
  method: string;
  resourceType: string;
  statusCode: number;
  timestamp: number;
}
type CompletedListener = (details: CompletedDetails) => void;

class WebRequest {
  readonly listeners = new Map<string, { filter: { urls: string[] } | null; listener: BeforeRequestListener }>();
  readonly completed: { filter: { urls: string[] } | null; listener: CompletedListener } | null = null;

  /** One listener per event per session: a second call replaces the first, null removes it (docs/api/web-request.md). */
  onBeforeRequest(filterOrListener: { urls: string[] } | BeforeRequestListener | null, maybeListener?: BeforeRequestListener | null): void {
    const [filter, listener] = typeof filterOrListener === 'function' || filterOrListener === null ? [null, filterOrListener] : [filterOrListener, maybeListener ?? null];
    if (!listener) this.listeners.delete('onBeforeRequest');
    else this.listeners.set('onBeforeRequest', { filter, listener });
  }

  /** The same one-listener rule; fired when a request's response has been received in full. */
  onCompleted(filterOrListener: { urls: string[] } | CompletedListener | null, maybeListener?: CompletedListener | null): void {
    const [filter, listener] = typeof filterOrListener === 'function' || filterOrListener === null ? [null, filterOrListener] : [filterOrListener, maybeListener ?? null];
    (this as { completed: WebRequest['completed'] }).completed = listener ? { filter, listener } : null;
  }
}

let requestIds = 0;

function resourceTypeOf(request: Request, isMainFrame: boolean): string {
  const type = request.resourceType();
  if (type === 'document') return isMainFrame ? 'mainFrame' : 'subFrame';
  if (type === 'fetch' || type === 'xhr') return 'xhr';
  if (['stylesheet', 'script', 'image', 'font', 'media'].includes(type)) return type;
  if (type === 'websocket') return 'webSocket';
  return 'other';
}

function matchesFilter(url: string, filter: { urls: string[] } | null): boolean {
  if (!filter || filter.urls.length === 0) return true;
  return filter.urls.some((pattern) => {
    if (pattern === '<all_urls>' || pattern === '*://*/*') return true;
    const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return regex.test(url);
  });
}

export class Session extends EventEmitter {
  readonly partition: string;
  readonly options: { cache: boolean };
  readonly webRequest = new WebRequest();
  readonly cookies: Cookies;
  readonly handlers = new Map<string, unknown>();
  spellCheckerEnabled = true;
  closed = false;
  /** Origins this session has requested from: what clearStorageData() must reach. */
  readonly origins = new Set<string>();
  #context: Promise<BrowserContext> | null = null;

  constructor(partition: string, options: { cache: boolean }) {
    super();
    this.partition = partition;
    this.options = options;
    this.cookies = new Cookies(this);
  }

  /**
   * `ses.fetch` (docs/api/session.md#sesfetchinput-init): a request of this session over Chromium's
   * network stack. Here the same path as `net.fetch` (the proxy the emulation's Chromium uses).
   */
  async fetch(input: string | URL | globalThis.Request, init?: RequestInit): Promise<Response> {
    const { net } = await import('./misc.ts');
    return net.fetch(input, init);
  }

  /** The partition's browser context, created on first use, interception installed before any page exists. */
  context(): Promise<BrowserContext> {
    this.#context ??= (async () => {
      const browser = await currentBrowser();
      const context = await browser.newContext({ acceptDownloads: false, permissions: [], viewport: null });
      await context.route('**/*', (route, request) => this.#onRequest(route, request));
      context.on('requestfinished', (request) => void this.#onCompleted(request));
      return context;
    })();
    return this.#context;
  }

  async #onCompleted(request: Request): Promise<void> {
    const entry = this.webRequest.completed;
    const url = toSchemeUrl(request.url());
    if (!entry || !matchesFilter(url, entry.filter)) return;
    const response = await request.response().catch(() => null);
    if (!response) return;
    let isMainFrame = true;
    try {
      isMainFrame = request.frame().parentFrame() === null;
    } catch {
      // no frame (a service worker's request)
    }
    entry.listener({ id: ++requestIds, url, method: request.method(), resourceType: resourceTypeOf(request, isMainFrame), statusCode: response.status(), timestamp: Date.now() });
  }

  async #onRequest(route: Route, request: Request): Promise<void> {
    const url = toSchemeUrl(request.url());
    try {
      this.origins.add(new URL(request.url()).origin);
    } catch {
      // not a URL with an origin
    }
    let page: Page | null = null;
    let isMainFrame = true;
    let frame: ReturnType<Request['frame']> | null = null;
    try {
      frame = request.frame();
      page = frame.page();
      isMainFrame = frame.parentFrame() === null;
    } catch {
      // Service worker requests have no frame; nor has a pop-up's first navigation: Playwright
      // reports a pop-up page only once that navigation committed. The window.open that asked for
      // this URL is decided by its opener's handler now, as Electron decides before loading; the
      // page is adopted when it appears (web-contents.ts). Its redirect hops are not seen as
      // will-redirect: no web contents exists yet to raise them on (a gap listed in the README).
      if (request.isNavigationRequest()) {
        const decision = await decideFirstRequest(url);
        if (decision?.action !== 'allow') return route.abort('aborted').catch(() => undefined);
      }
    }
    const contents = page ? contentsForPage(page) : null;
    let navigating: WebContents | null = null;
    if (request.isNavigationRequest() && page) {
      navigating = contents ?? (await popupContents(page));
      if (!navigating) return route.abort('aborted').catch(() => undefined);
      // A hop of a redirect already reported (see below) is the same navigation, not a new one.
      const hop = this.#redirectHops.get(page);
      const continuing = hop?.delete(request.url()) ?? false;
      if (!continuing && !navigating.navigationRequested({ url, isMainFrame, isRedirect: false, frame })) return route.abort('aborted').catch(() => undefined);
    }
    const entry = this.webRequest.listeners.get('onBeforeRequest');
    if (entry && matchesFilter(url, entry.filter)) {
      const current = page ? contentsForPage(page) : null;
      const details: BeforeRequestDetails = {
        id: ++requestIds,
        url,
        method: request.method(),
        resourceType: resourceTypeOf(request, isMainFrame),
        referrer: request.headers()['referer'] ?? '',
        timestamp: Date.now(),
        ...(current ? { webContentsId: current.id, webContents: current } : {}),
      };
      const response = await new Promise<{ cancel?: boolean; redirectURL?: string }>((resolve) => entry.listener(details, resolve));
      if (response.cancel) return route.abort('blockedbyclient').catch(() => undefined);
      if (response.redirectURL) return route.fulfill({ status: 307, headers: { location: response.redirectURL } }).catch(() => undefined);
    }
    // The app's own scheme servers (*.localhost) answer directly: their handler is the app's.
    // Form posts go as Chromium sends them (with its cookies); fetching them on its behalf to see a
    // redirect would also send them twice or without fresh cookies. Their redirect hops are not seen
    // as will-redirect here (a gap listed in the README).
    if (navigating && page && request.method() === 'GET' && !new URL(request.url()).hostname.endsWith('.localhost')) return this.#navigate(route, request, navigating, page, isMainFrame, frame);
    return route.continue().catch(() => undefined);
  }

  /** Redirect hops Chromium will request next, per page (see #navigate). */
  readonly #redirectHops = new WeakMap<Page, Set<string>>();

  /**
   * Playwright's interception does not see the hops of a server redirect, where Electron raises
   * will-redirect and runs onBeforeRequest again. So a navigation's document is fetched here on
   * Chromium's behalf (the context's cookies, the same proxy) without following redirects: a 3xx is
   * reported as will-redirect (cancellable) and handed to Chromium, whose next request for the
   * Location comes back through this interception, onBeforeRequest included.
   */
  async #navigate(route: Route, request: Request, contents: WebContents, page: Page, isMainFrame: boolean, frame: ReturnType<Request['frame']> | null): Promise<void> {
    let response: Awaited<ReturnType<Route['fetch']>>;
    try {
      // The Cookie header Chromium's network stack put on this navigation, as is: it includes what a
      // page's script just set with document.cookie, which a cookie-store read made now may not show
      // yet (those writes reach the store asynchronously). Playwright adds no cookies of its own then.
      response = await route.fetch({ maxRedirects: 0, timeout: 0 });
    } catch {
      return route.abort('failed').catch(() => undefined);
    }
    const location = response.headers()['location'];
    const redirect = response.status() >= 300 && response.status() < 400 && location;
    // Not a redirect: Chromium makes the request itself, with the Cookie header its network stack
    // computes (it includes cookies a page's script just set, which Playwright's fetch on its behalf
    // was seen to miss). Only GETs come here, so nothing is sent twice that should not be.
    if (!redirect) return route.continue().catch(() => undefined);
    if (redirect) {
      const next = new URL(location, request.url()).href;
      if (!contents.navigationRequested({ url: toSchemeUrl(next), isMainFrame, isRedirect: true, frame })) return route.abort('aborted').catch(() => undefined);
      const hops = this.#redirectHops.get(page) ?? new Set<string>();
      hops.add(next);
      this.#redirectHops.set(page, hops);
    }
    return route.fulfill({ response }).catch(() => undefined);
  }

  setPermissionRequestHandler(handler: unknown): void {
    this.handlers.set('permissionRequest', handler);
  }
  setPermissionCheckHandler(handler: unknown): void {
    this.handlers.set('permissionCheck', handler);
  }
  setDevicePermissionHandler(handler: unknown): void {
    this.handlers.set('devicePermission', handler);
  }
  setBluetoothPairingHandler(handler: unknown): void {
    this.handlers.set('bluetoothPairing', handler);
  }
  setDisplayMediaRequestHandler(handler: unknown): void {
    this.handlers.set('displayMedia', handler);
  }
  setSpellCheckerEnabled(enabled: boolean): void {
    this.spellCheckerEnabled = enabled;
  }
  isPersistent(): boolean {
    return false;
  }
  getStoragePath(): string | null {
    return null;
  }

  /** A CDP session on some page of this context (a blank one is opened when none is). */
  async #withCdp<T>(run: (send: (method: string, params?: Record<string, unknown>) => Promise<unknown>) => Promise<T>): Promise<T> {
    const context = await this.context();
    let page = context.pages()[0];
    const temporary = !page;
    page ??= await context.newPage();
    const cdp = await context.newCDPSession(page);
    try {
      return await run((method, params) => cdp.send(method as 'Storage.clearDataForOrigin', params as never));
    } finally {
      await cdp.detach().catch(() => undefined);
      if (temporary) await page.close().catch(() => undefined);
    }
  }

  /** docs/api/session.md#sesclearstoragedataoptions: cookies and every storage of every origin. */
  clearStorageData(): Promise<void> {
    return untilExit(() => this.#clearStorageData());
  }

  async #clearStorageData(): Promise<void> {
    if (this.closed) return;
    const context = await this.context();
    await context.clearCookies();
    await this.#withCdp(async (send) => {
      for (const origin of this.origins) {
        if (origin === 'null') continue;
        await send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' }).catch(() => undefined);
      }
    });
  }

  /** docs/api/session.md#sescleardataoptions: all data, cache included. */
  clearData(): Promise<void> {
    return untilExit(async () => {
      await this.#clearStorageData();
      await this.#withCdp(async (send) => void (await send('Network.clearBrowserCache')));
    });
  }

  clearCache(): Promise<void> {
    return untilExit(async () => {
      if (!this.closed) await this.#withCdp(async (send) => void (await send('Network.clearBrowserCache')));
    });
  }

  /** HTTP auth credentials: the emulation's contexts never keep any (no auth prompt is answered). */
  async clearAuthCache(): Promise<void> {}

  async clearHostResolverCache(): Promise<void> {}
}

let defaultSession: Session | null = null;
const partitions = new Map<string, Session>();

function requireReady(): void {
  // shell/browser/api/electron_api_session.cc: sessions exist only once the browser process is up.
  if (!app.isReady()) throw new Error('Session can only be received when app is ready');
}

export const session = {
  get defaultSession(): Session {
    requireReady();
    defaultSession ??= new Session('', { cache: true });
    return defaultSession;
  },

  /**
   * docs/api/session.md#sessionfrompartitionpartition-options: "If there is already a Session with
   * the same partition, it will be returned; otherwise a new Session instance will be created with
   * options." Options apply at first use only.
   */
  fromPartition(partition: string, options: { cache?: boolean } = {}): Session {
    requireReady();
    if (partition === '') return session.defaultSession;
    if (partition.startsWith('persist:')) throw new Error('Emulation: persistent partitions are not emulated (the app uses in-memory ones only)');
    let existing = partitions.get(partition);
    if (!existing) {
      existing = new Session(partition, { cache: options.cache ?? true });
      partitions.set(partition, existing);
    }
    return existing;
  },
};

export function allSessions(): Session[] {
  return [...(defaultSession ? [defaultSession] : []), ...partitions.values()];
}
