// The Electron WindowHost: one BaseWindow per impersonation holding two views, Understudy's own
// banner on top and the customer page below, on the impersonation's hardened in-memory partition.
// Thin wiring only: every decision comes from ../impersonation/window-policy.ts.
import {
  BaseWindow,
  screen,
  session,
  WebContentsView,
  type Cookie,
  type Session,
  type WebContents,
} from 'electron';
import type { Logger } from '../log.ts';
import type {
  BannerContent,
  Bounds,
  CookieChange,
  ImpersonationWindow,
  PartitionCookie,
  WindowEvents,
  WindowHost,
  WindowSpec,
} from '../impersonation/window-host.ts';
import { impersonationWebPreferences, permissionDecision, windowOpenDecision } from '../impersonation/window-policy.ts';
import { BANNER_HEIGHT, BANNER_URL, NEXT_END_SCRIPT, renderScript } from './banner/banner-page.ts';
import { HARDENED_WEB_PREFERENCES } from '../web-preferences.ts';
import { guardContents, hardenedPartition } from './partition-hardening.ts';
import { newPartitionName } from '../impersonation/partition.ts';

export interface ElectronWindowHostOptions {
  log: Logger;
  /** False on Wayland, where the desktop places windows (see lifecycle/display.ts). */
  positionsHonoured?: boolean;
  /** Keep one hardened, never-used window ready for the next start (default on). */
  prewarm?: boolean;
}

/** The banners' own session: in memory, no permission, no network (the page is a data: URL). */
let bannerSession: Session | null = null;
function bannerPartition(): Session {
  if (bannerSession) return bannerSession;
  const ses = session.fromPartition('understudy-banner', { cache: false });
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:') }));
  ses.on('will-download', (event) => event.preventDefault());
  bannerSession = ses;
  return ses;
}

function toPartitionCookie(cookie: Cookie): PartitionCookie {
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain ?? '',
    path: cookie.path ?? '/',
    secure: cookie.secure ?? false,
    httpOnly: cookie.httpOnly ?? false,
  };
}

const PLACEHOLDER_BANNER: BannerContent = { headline: 'Understudy', detail: '', timeLeft: null, status: '', production: false, error: null, canEnd: false };

/**
 * A hardened partition and window made before anyone asked, so that a start does not wait for
 * Electron to create them. Nothing loads in it until it is handed out (its partition refuses every
 * request until then, the banner excepted, which has a session of its own), and it is handed out once:
 * never reused, whatever happens to its impersonation.
 */
interface Prepared {
  partition: string;
  ses: Session;
  watchTicketRefusals: (contents: WebContents) => boolean;
  /** Set once, when handed out: the rules and callbacks of its impersonation. */
  slot: { binding: Binding | null };
  banners: BannerSet;
  page: WebContentsView;
  window: BaseWindow;
  bannerLoaded: Promise<void>;
}

interface Binding {
  spec: WindowSpec;
  events: WindowEvents;
  closed: boolean;
}

export function createElectronWindowHost(options: ElectronWindowHostOptions): WindowHost {
  const { log } = options;
  const positionsHonoured = options.positionsHonoured ?? true;
  const prewarm = options.prewarm ?? true;

  function prepare(): Prepared {
    const partition = newPartitionName();
    const slot: Prepared['slot'] = { binding: null };
    // Hardened before any view exists on it, so before the first request.
    const { session: ses, watchTicketRefusals } = hardenedPartition(partition, () => {
      const binding = slot.binding;
      if (!binding) return null;
      return { navigation: binding.spec.navigation, readOnly: binding.spec.readOnly, onPageProblem: (problem) => binding.events.onPageProblem?.(problem) };
    });
    const { partition: _named, ...pagePreferences } = impersonationWebPreferences(partition);
    // The spare's banner loads and arms its End button at once; End stays disabled (placeholder
    // content) and unanswered until the window is handed out.
    const banners = new BannerSet(
      () => !(slot.binding?.closed ?? false),
      () => slot.binding?.events.onEndRequested(),
    );
    const banner = banners.add(PLACEHOLDER_BANNER);
    const page = new WebContentsView({ webPreferences: { ...pagePreferences, session: ses } });
    const { window, bannerLoaded } = framedWindow('Understudy', page, banner, { width: 1280, height: 860 });
    // A spare never handed out must not leave an unhandled rejection behind if its banner fails.
    bannerLoaded.catch(() => undefined);
    return { partition, ses, watchTicketRefusals, slot, banners, page, window, bannerLoaded };
  }

  let spare: Prepared | null = null;
  const replenish = () => {
    if (!prewarm || spare) return;
    try {
      spare = prepare();
    } catch (error) {
      log.warn('Preparing a window for the next impersonation failed; the next one is made on demand', error);
    }
  };
  /** The spare if it is intact, else a new one; a new spare is made in the background. */
  const takePrepared = (): Prepared => {
    const taken = spare && !spare.window.isDestroyed() ? spare : prepare();
    spare = null;
    setTimeout(replenish, 0);
    return taken;
  };
  replenish();

  return {
    workArea: () => screen.getPrimaryDisplay().workArea,
    positionsHonoured: () => positionsHonoured,

    async open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow> {
      const prepared = takePrepared();
      const binding: Binding = { spec, events, closed: false };
      prepared.slot.binding = binding;
      const { ses, page, window, banners } = prepared;
      const { partition: _named, ...pagePreferences } = impersonationWebPreferences(prepared.partition);
      window.setTitle(spec.title);
      banners.draw(spec.banner);
      const navigationOf = () => (binding.closed ? null : spec.navigation);

      // Pop-ups the policy allows (an identity provider's sign-in) open in the same partition, framed
      // by the same banner, and close with the impersonation. Electron creates the pop-up's web
      // contents itself (so `window.opener` works) and hands it to `createWindow`, which must adopt
      // it (docs/api/structures/window-open-handler-response.md).
      const popups = new Set<BaseWindow>();
      const guardPage = (contents: WebContents) => {
        if (!prepared.watchTicketRefusals(contents)) log.warn('Clerk’s reasons for refusing a sign-in link cannot be read in this window; a refusal will show its status only');
        guardContents(contents, navigationOf, (url) => {
          if (binding.closed || windowOpenDecision(url, spec.navigation).action !== 'allow-same-partition') return { action: 'deny' };
          return {
            action: 'allow',
            overrideBrowserWindowOptions: { title: spec.title, webPreferences: { ...pagePreferences, session: ses } },
            createWindow: (options) => {
              const view = new WebContentsView({ webContents: (options as { webContents?: WebContents }).webContents, webPreferences: options.webPreferences });
              const popup = framedWindow(spec.title, view, banners.add(banners.latest), { width: options.width ?? 800, height: options.height ?? 640 }).window;
              popups.add(popup);
              popup.on('closed', () => popups.delete(popup));
              guardPage(view.webContents);
              popup.show();
              return view.webContents;
            },
          };
        });
      };
      guardPage(page.webContents);

      const cookieListeners = new Set<(change: CookieChange) => void>();
      const onCookie = (_event: unknown, cookie: Cookie, _cause: string, removed: boolean) => {
        const change = { cookie: toPartitionCookie(cookie), removed };
        cookieListeners.forEach((listener) => listener(change));
      };
      ses.cookies.on('changed', onCookie);

      const onClosed = () => {
        binding.closed = true;
        ses.cookies.off('changed', onCookie);
        cookieListeners.clear();
        for (const popup of popups) if (!popup.isDestroyed()) popup.destroy();
        events.onClosed();
      };
      if (window.isDestroyed()) throw new Error('The prepared impersonation window was closed before use');
      window.on('closed', onClosed);
      // A crashed page is a window the operator can no longer see into: treat it as closed.
      page.webContents.on('render-process-gone', () => {
        if (!window.isDestroyed()) window.close();
      });

      try {
        await prepared.bannerLoaded;
      } catch (error) {
        // No banner, no impersonation: the page must never show without it.
        window.destroy();
        throw error;
      }
      window.show();
      // Not awaited: the ticket redirects through Clerk and the app, which can take a while.
      page.webContents.loadURL(spec.ticketUrl).catch((error: unknown) => {
        // The error text may contain the ticket URL: log its code only.
        const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : 'unknown';
        log.warn('The impersonation page did not finish loading', { code });
      });

      return {
        impersonationId: spec.impersonationId,
        partition: prepared.partition,
        cookies: async () => (await ses.cookies.get({})).map(toPartitionCookie),
        onCookieChanged(listener) {
          cookieListeners.add(listener);
          return () => cookieListeners.delete(listener);
        },
        updateBanner(content) {
          banners.draw(content);
        },
        focus() {
          if (binding.closed) return;
          if (window.isMinimized()) window.restore();
          window.show();
          window.focus();
        },
        setBounds(bounds: Bounds) {
          if (binding.closed) return;
          // Wayland ignores positions: set the size only rather than pretend to place the window.
          if (positionsHonoured) window.setBounds(bounds);
          else window.setSize(bounds.width, bounds.height);
        },
        async clearData() {
          await ses.clearData();
          await ses.clearStorageData();
          await ses.clearCache();
          await ses.clearAuthCache();
        },
        async close() {
          if (binding.closed || window.isDestroyed()) return;
          const gone = new Promise<void>((done) => window.once('closed', () => done()));
          window.close();
          await gone;
        },
        isClosed: () => binding.closed,
      };
    },
  };
}

/**
 * One window of an impersonation: Understudy's banner on top, the customer page below, each its own
 * view. A BaseWindow does not destroy its views' web contents when it closes
 * (docs/api/base-window.md): closing them here is what ends their renderers.
 */
function framedWindow(title: string, page: WebContentsView, banner: WebContentsView & { loaded: Promise<void> }, size: { width: number; height: number }) {
  const window = new BaseWindow({ ...size, minWidth: 480, minHeight: 320, title, show: false });
  window.contentView.addChildView(page);
  window.contentView.addChildView(banner);
  const layout = () => {
    const { width, height } = window.getContentBounds();
    banner.setBounds({ x: 0, y: 0, width, height: BANNER_HEIGHT });
    page.setBounds({ x: 0, y: BANNER_HEIGHT, width, height: Math.max(0, height - BANNER_HEIGHT) });
  };
  layout();
  window.on('resize', layout);
  window.on('closed', () => {
    if (!page.webContents.isDestroyed()) page.webContents.close();
    if (!banner.webContents.isDestroyed()) banner.webContents.close();
  });
  return { window, bannerLoaded: banner.loaded };
}

/**
 * The banners of one impersonation (its window and each pop-up). Every load of a banner view —
 * the first, or a reload for any reason, a crash included — draws the latest content and arms its
 * End button again; an End press from a page that has since reloaded is ignored.
 */
class BannerSet {
  latest: BannerContent;
  readonly #views = new Map<WebContentsView, { ready: boolean; generation: number }>();
  readonly #open: () => boolean;
  readonly #onEnd: () => void;

  constructor(open: () => boolean, onEnd: () => void) {
    this.#open = open;
    this.#onEnd = onEnd;
    this.latest = null as unknown as BannerContent;
  }

  add(content: BannerContent): WebContentsView & { loaded: Promise<void> } {
    this.latest = content;
    const view = new WebContentsView({ webPreferences: { ...HARDENED_WEB_PREFERENCES, session: bannerPartition(), devTools: false } });
    const state = { ready: false, generation: 0 };
    this.#views.set(view, state);
    const contents = view.webContents;
    // The banner never navigates and never opens anything.
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('did-start-loading', () => {
      state.ready = false;
    });
    contents.on('did-finish-load', () => {
      state.ready = true;
      state.generation += 1;
      this.#drawOne(view);
      this.#awaitEnd(view, state.generation);
    });
    // A banner whose renderer died would leave the page unlabelled: bring it back.
    contents.on('render-process-gone', () => {
      if (this.#open() && !contents.isDestroyed()) contents.reload();
    });
    contents.on('destroyed', () => this.#views.delete(view));
    return Object.assign(view, { loaded: contents.loadURL(BANNER_URL) });
  }

  draw(content: BannerContent): void {
    this.latest = content;
    for (const view of this.#views.keys()) this.#drawOne(view);
  }

  #drawOne(view: WebContentsView): void {
    const state = this.#views.get(view);
    if (!this.#open() || !state?.ready || view.webContents.isDestroyed()) return;
    void view.webContents.executeJavaScript(renderScript(this.latest)).catch(() => undefined);
  }

  #awaitEnd(view: WebContentsView, generation: number): void {
    const state = this.#views.get(view);
    if (!this.#open() || !state || view.webContents.isDestroyed()) return;
    view.webContents.executeJavaScript(NEXT_END_SCRIPT).then(
      () => {
        if (!this.#open() || state.generation !== generation) return;
        this.#onEnd();
        this.#awaitEnd(view, generation);
      },
      () => undefined,
    );
  }
}
