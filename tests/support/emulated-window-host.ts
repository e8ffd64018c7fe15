// The app's real WindowHost (src/main/electron/window-host.ts: BaseWindow, banner view, hardened
// partition) running on the Electron emulation in this process, with what a test needs to look
// in: the Chromium pages of each impersonation window, the banner's End button pressed for real,
// and a hold on the ticket load. Nothing of the window logic is re-implemented here.
// Test files using it run in the `e2e` vitest project, where `electron` is the emulation.
import { app, BaseWindow, session, webContents as allContents } from 'electron';
import type { BrowserContext, Page } from 'playwright-core';
import { holdRequests, pageOf } from '../../dev/electron-emulation/inspect.ts';
import { setExitHandler } from '../../dev/electron-emulation/runtime.ts';
import { createElectronWindowHost } from '../../src/main/electron/window-host.ts';
import type { Bounds, ImpersonationWindow, PartitionCookie, WindowEvents, WindowHost, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { createLogger, type Logger } from '../../src/main/log.ts';

type Contents = ReturnType<typeof allContents.getAllWebContents>[number];

/** In a test process the emulated app never ends the process, and closing windows never quits it. */
let prepared = false;
export async function emulationReady(): Promise<void> {
  if (!prepared) {
    prepared = true;
    setExitHandler(() => undefined);
    app.on('window-all-closed', () => undefined);
  }
  await app.whenReady();
}

export class EmulatedImpersonationWindow {
  readonly spec: WindowSpec;
  readonly inner: ImpersonationWindow;
  readonly window: BaseWindow;
  /** The customer page (the view under the banner). */
  readonly page: Page;
  /** How often the app asked to wipe the partition (clearData). */
  clearedCount = 0;
  #closedByHost = false;
  /** Understudy's banner view. */
  readonly banner: Page;
  readonly #pageContents: Contents;

  constructor(spec: WindowSpec, inner: ImpersonationWindow, window: BaseWindow, page: Page, banner: Page, pageContents: Contents) {
    this.spec = spec;
    this.inner = inner;
    this.window = window;
    this.page = page;
    this.banner = banner;
    this.#pageContents = pageContents;
  }

  /** The partition's browser context (the emulation's Session is one). */
  get context(): BrowserContext {
    return this.page.context();
  }

  /** What the app's clearData() runs through (a test may wrap it to look right after the wipe). */
  async clearData(): Promise<void> {
    this.clearedCount += 1;
    await this.inner.clearData();
  }

  /** What the app's close() runs through; a test calling it closes the window as the host would. */
  async close(): Promise<void> {
    if (!this.inner.isClosed()) this.#closedByHost = true;
    await this.inner.close();
  }

  /** True when the app closed it (end, quit), false when the operator did or it is still open. */
  wasClosedByHost(): boolean {
    return this.#closedByHost;
  }

  get impersonationId(): string {
    return this.spec.impersonationId;
  }

  /** The operator presses End in the banner (the real button of the real banner page). */
  async pressEnd(): Promise<void> {
    await this.banner.getByRole('button', { name: 'End impersonation' }).click();
  }

  /** The banner as drawn: headline, detail, status and time left. */
  async bannerText(): Promise<{ headline: string; detail: string; status: string; time: string; production: boolean; canEnd: boolean }> {
    return this.banner.evaluate(() => ({
      headline: document.getElementById('headline')!.textContent ?? '',
      detail: document.getElementById('detail')!.textContent ?? '',
      status: document.getElementById('status')!.textContent ?? '',
      time: document.getElementById('time')!.textContent ?? '',
      production: document.body.classList.contains('production'),
      canEnd: !(document.getElementById('end') as HTMLButtonElement).disabled,
    }));
  }

  /** The operator closes the window with the window manager's close button. */
  userClose(): void {
    this.window.close();
  }

  isClosed(): boolean {
    return this.inner.isClosed();
  }

  /** Every cookie of the impersonation's partition (Electron's session.cookies.get). */
  cookies(): Promise<PartitionCookie[]> {
    return this.inner.cookies();
  }

  /** True while the customer page's web contents is alive (a BaseWindow does not close it by itself). */
  pageAlive(): boolean {
    return !this.#pageContents.isDestroyed();
  }

  get bounds(): Bounds {
    return this.window.getBounds();
  }
}

export class EmulatedWindowHost implements WindowHost {
  readonly #inner: WindowHost;
  readonly #opened = new Map<string, EmulatedImpersonationWindow>();
  /** When set, each window's ticket URL is held until it resolves (open() still returns at once). */
  beforeTicket: ((spec: WindowSpec) => Promise<void>) | null = null;

  constructor(log: Logger = createLogger(() => undefined)) {
    this.#inner = createElectronWindowHost({ log });
  }

  workArea(): Bounds {
    return this.#inner.workArea();
  }

  async open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow> {
    await emulationReady();
    // The hold is in place before the app's window host starts the ticket load.
    const release = this.beforeTicket ? holdRequests((url) => url === spec.ticketUrl) : null;
    const inner = await this.#inner.open(spec, events);
    // The app's host may hand out a pre-warmed partition of its own instead of spec.partition.
    const partition = inner.partition ?? spec.partition;
    const pageContents = allContents.getAllWebContents().find((contents) => (contents.session as unknown as { partition: string }).partition === partition && !contents.getURL().startsWith('data:'));
    const window = BaseWindow.getAllWindows().find((candidate) => pageContents && (candidate as unknown as { contents(): Contents[] }).contents().includes(pageContents));
    const bannerContents = window && (window as unknown as { contents(): Contents[] }).contents().find((contents) => contents !== pageContents);
    if (!pageContents || !window || !bannerContents) throw new Error('The window host opened no BaseWindow with a banner and a page');
    const opened = new EmulatedImpersonationWindow({ ...spec, partition }, inner, window as BaseWindow, await pageOf(pageContents), await pageOf(bannerContents), pageContents);
    this.#opened.set(spec.impersonationId, opened);
    if (release) void (this.beforeTicket?.(spec) ?? Promise.resolve()).finally(release);
    // The app's window, with its wipes and closes counted on the way through.
    return {
      ...inner,
      impersonationId: inner.impersonationId,
      cookies: () => inner.cookies(),
      onCookieChanged: (listener) => inner.onCookieChanged(listener),
      updateBanner: (content) => inner.updateBanner(content),
      focus: () => inner.focus(),
      setBounds: (bounds) => inner.setBounds(bounds),
      isClosed: () => inner.isClosed(),
      clearData: () => opened.clearData(),
      close: () => opened.close(),
    };
  }

  /** The window of an impersonation (the last one opened for that id). */
  window(impersonationId: string): EmulatedImpersonationWindow {
    const window = this.#opened.get(impersonationId);
    if (!window) throw new Error(`No window was opened for ${impersonationId}`);
    return window;
  }

  /** Every window opened, closed ones included. */
  all(): EmulatedImpersonationWindow[] {
    return [...this.#opened.values()];
  }

  /** The partition's session, for looking into it after its window closed (the wipe). */
  static partition(name: string) {
    return session.fromPartition(name);
  }
}
