// The test adapter of WindowHost: each impersonation partition is its own fresh, in-memory
// Playwright browser context in real Chromium. The same pure rules as the Electron adapter are
// applied where Playwright can: navigation and read-only writes through route(), pop-ups by
// windowOpenDecision, no permission granted, downloads refused. The banner is simulated: updates
// are recorded, and the End button is `pressEnd()`.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type {
  BannerContent,
  Bounds,
  CookieChange,
  ImpersonationWindow,
  PartitionCookie,
  WindowEvents,
  WindowHost,
  WindowSpec,
} from '../../src/main/impersonation/window-host.ts';
import {
  clerkErrorOf,
  isNavigationAllowed,
  isTicketRefusal,
  originForBanner,
  readOnlyRequestDecision,
  windowOpenDecision,
} from '../../src/main/impersonation/window-policy.ts';

const BANNER_HEIGHT = 52;
const COOKIE_POLL_MS = 100;
/** Runs in the page (a string: this file is type-checked without the DOM library). */
const CLEAR_PAGE_STORAGE = `(async () => {
  localStorage.clear();
  sessionStorage.clear();
  for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name);
  if (self.caches) for (const key of await caches.keys()) await caches.delete(key);
})()`;

export interface BlockedRequest {
  method: string;
  url: string;
  why: 'navigation' | 'read-only';
}

export class PlaywrightImpersonationWindow implements ImpersonationWindow {
  readonly impersonationId: string;
  readonly spec: WindowSpec;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every banner drawn, oldest first. */
  readonly bannerUpdates: BannerContent[] = [];
  readonly blocked: BlockedRequest[] = [];
  readonly popups: { url: string; action: 'deny' | 'allow-same-partition' }[] = [];
  bounds: Bounds;
  focusCount = 0;
  clearedCount = 0;

  private readonly events: WindowEvents;
  private readonly cookieListeners = new Set<(change: CookieChange) => void>();
  private known = new Map<string, PartitionCookie>();
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  private closedByHost = false;

  constructor(spec: WindowSpec, events: WindowEvents, context: BrowserContext, page: Page, bounds: Bounds) {
    this.impersonationId = spec.impersonationId;
    this.spec = spec;
    this.events = events;
    this.context = context;
    this.page = page;
    this.bounds = bounds;
    this.bannerUpdates.push(spec.banner);
    page.on('close', () => this.markClosed());
  }

  /** The banner as last drawn. */
  get banner(): BannerContent {
    return this.bannerUpdates[this.bannerUpdates.length - 1] ?? this.spec.banner;
  }

  /** The operator presses End in the banner. */
  pressEnd(): void {
    this.events.onEndRequested();
  }

  /** The operator closes the window with the window manager's close button. */
  async userClose(): Promise<void> {
    await this.page.close();
  }

  /** True when `close()` (the host) closed it, false when the user did or it is still open. */
  wasClosedByHost(): boolean {
    return this.closedByHost;
  }

  async cookies(): Promise<PartitionCookie[]> {
    const cookies = await this.context.cookies();
    return cookies.map((cookie) => ({
      name: cookie.name,
      value: cookie.value,
      domain: cookie.domain,
      path: cookie.path,
      secure: cookie.secure,
      httpOnly: cookie.httpOnly,
    }));
  }

  onCookieChanged(listener: (change: CookieChange) => void): () => void {
    this.cookieListeners.add(listener);
    this.poller ??= setInterval(() => void this.pollCookies(), COOKIE_POLL_MS);
    void this.pollCookies();
    return () => {
      this.cookieListeners.delete(listener);
      if (this.cookieListeners.size === 0) this.stopPolling();
    };
  }

  updateBanner(content: BannerContent): void {
    if (!this.closed) this.bannerUpdates.push(content);
  }

  focus(): void {
    this.focusCount += 1;
    if (!this.closed) void this.page.bringToFront().catch(() => undefined);
  }

  setBounds(bounds: Bounds): void {
    this.bounds = bounds;
    const viewport = { width: Math.max(200, bounds.width), height: Math.max(200, bounds.height - BANNER_HEIGHT) };
    if (!this.closed) void this.page.setViewportSize(viewport).catch(() => undefined);
  }

  async clearData(): Promise<void> {
    this.clearedCount += 1;
    await this.context.clearCookies().catch(() => undefined);
    for (const page of this.context.pages()) {
      await page.evaluate(CLEAR_PAGE_STORAGE).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (!this.closed) this.closedByHost = true;
    this.stopPolling();
    // Closing the context discards the whole in-memory partition, pop-ups included.
    await this.context.close().catch(() => undefined);
    this.markClosed();
  }

  isClosed(): boolean {
    return this.closed;
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPolling();
    this.events.onClosed();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  /** Playwright has no cookie event: diff the jar, reporting changes like Electron's `changed` (removed, then inserted). */
  private async pollCookies(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const current = new Map((await this.cookies()).map((cookie) => [`${cookie.name}|${cookie.domain}|${cookie.path}`, cookie]));
      const changes: CookieChange[] = [];
      for (const [key, cookie] of this.known) {
        const now = current.get(key);
        if (!now || now.value !== cookie.value) changes.push({ cookie, removed: true });
      }
      for (const [key, cookie] of current) {
        if (this.known.get(key)?.value !== cookie.value) changes.push({ cookie, removed: false });
      }
      this.known = current;
      for (const change of changes) for (const listener of this.cookieListeners) listener(change);
    } catch {
      // The context closed under us.
    } finally {
      this.polling = false;
    }
  }
}

export interface PlaywrightWindowHostOptions {
  workArea?: Bounds;
}

export class PlaywrightWindowHost implements WindowHost {
  private readonly browser: Browser;
  private readonly area: Bounds;
  private readonly opened = new Map<string, PlaywrightImpersonationWindow>();
  /** When set, each window waits for it before loading its ticket URL (open() still returns at once). */
  beforeTicket: ((spec: WindowSpec) => Promise<void>) | null = null;

  constructor(browser: Browser, options: PlaywrightWindowHostOptions = {}) {
    this.browser = browser;
    this.area = options.workArea ?? { x: 0, y: 0, width: 1920, height: 1080 };
  }

  workArea(): Bounds {
    return this.area;
  }

  /** The window of an impersonation (the last one opened for that id). */
  window(impersonationId: string): PlaywrightImpersonationWindow {
    const window = this.opened.get(impersonationId);
    if (!window) throw new Error(`No window was opened for ${impersonationId}`);
    return window;
  }

  all(): PlaywrightImpersonationWindow[] {
    return [...this.opened.values()];
  }

  async open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow> {
    const bounds = { x: this.area.x, y: this.area.y, width: 1280, height: 860 };
    // A fresh context is a fresh in-memory partition: no cookie, storage or cache from anywhere else.
    const context = await this.browser.newContext({
      viewport: { width: bounds.width, height: bounds.height - BANNER_HEIGHT },
      acceptDownloads: false,
      permissions: [],
    });
    const page = await context.newPage();
    const window = new PlaywrightImpersonationWindow(spec, events, context, page, bounds);
    // Hardened before the first load: nothing has been requested in this context yet.
    await context.route('**/*', async (route) => {
      const request = route.request();
      const url = request.url();
      if (request.isNavigationRequest() && !isNavigationAllowed(url, spec.navigation)) {
        window.blocked.push({ method: request.method(), url, why: 'navigation' });
        if (request.frame() === page.mainFrame()) events.onPageProblem?.({ kind: 'navigation-blocked', origin: originForBanner(url) });
        return route.abort('blockedbyclient');
      }
      if (spec.readOnly && readOnlyRequestDecision(request.method(), url, spec.navigation) === 'block') {
        window.blocked.push({ method: request.method(), url, why: 'read-only' });
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    context.on('response', (response) => {
      if (!isTicketRefusal(response.url(), response.status(), spec.navigation)) return;
      void response.json().then(clerkErrorOf, () => ({ code: null, message: null })).then((error) => {
        if (!window.isClosed()) events.onPageProblem?.({ kind: 'ticket-error', status: response.status(), ...error });
      });
    });
    context.on('page', (popup) => {
      if (popup === page) return;
      const decision = windowOpenDecision(popup.url(), spec.navigation);
      window.popups.push({ url: popup.url(), action: decision.action });
      if (decision.action === 'deny') void popup.close().catch(() => undefined);
    });
    this.opened.set(spec.impersonationId, window);
    const hold = this.beforeTicket?.(spec) ?? Promise.resolve();
    void hold.then(() => (window.isClosed() ? undefined : page.goto(spec.ticketUrl))).catch(() => undefined);
    return window;
  }
}
