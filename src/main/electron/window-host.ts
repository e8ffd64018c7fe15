// The Electron WindowHost: one BaseWindow per impersonation holding two views, Understudy's own
// banner on top and the customer page below, on the impersonation's hardened in-memory partition.
// Thin wiring only: every decision comes from ../impersonation/window-policy.ts.
import {
  BaseWindow,
  screen,
  session,
  WebContentsView,
  type BrowserWindow,
  type BrowserWindowConstructorOptions,
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

export interface ElectronWindowHostOptions {
  log: Logger;
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

export function createElectronWindowHost(options: ElectronWindowHostOptions): WindowHost {
  const { log } = options;
  return {
    workArea: () => screen.getPrimaryDisplay().workArea,

    async open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow> {
      // Hardened before any view exists on it, so before the first request.
      const ses = hardenedPartition(spec.partition, { navigation: spec.navigation, readOnly: spec.readOnly, onPageProblem: (problem) => events.onPageProblem?.(problem) });
      const { partition: _named, ...pagePreferences } = impersonationWebPreferences(spec.partition);

      const window = new BaseWindow({ width: 1280, height: 860, minWidth: 480, minHeight: 320, title: spec.title, show: false });
      const banner = new WebContentsView({
        webPreferences: { ...HARDENED_WEB_PREFERENCES, session: bannerPartition(), devTools: false },
      });
      const page = new WebContentsView({ webPreferences: { ...pagePreferences, session: ses } });
      window.contentView.addChildView(page);
      window.contentView.addChildView(banner);

      const layout = () => {
        const { width, height } = window.getContentBounds();
        banner.setBounds({ x: 0, y: 0, width, height: BANNER_HEIGHT });
        page.setBounds({ x: 0, y: BANNER_HEIGHT, width, height: Math.max(0, height - BANNER_HEIGHT) });
      };
      layout();
      window.on('resize', layout);

      // The banner never navigates and never opens anything.
      banner.webContents.on('will-navigate', (event) => event.preventDefault());
      banner.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

      const children = new Set<BrowserWindow>();
      const popupOptions = (): BrowserWindowConstructorOptions => ({
        parent: window,
        title: spec.title,
        webPreferences: { ...pagePreferences, session: ses },
      });
      const guardPage = (contents: WebContents) => {
        guardContents(contents, spec.navigation, (url) =>
          windowOpenDecision(url, spec.navigation).action === 'allow-same-partition'
            ? { action: 'allow', overrideBrowserWindowOptions: popupOptions() }
            : { action: 'deny' },
        );
        contents.on('did-create-window', (child) => {
          children.add(child);
          child.on('closed', () => children.delete(child));
          child.on('page-title-updated', (event) => event.preventDefault());
          guardPage(child.webContents);
        });
      };
      guardPage(page.webContents);

      let closed = false;
      let bannerReady = false;
      let latestBanner: BannerContent = spec.banner;
      const draw = () => {
        if (!closed && bannerReady) void banner.webContents.executeJavaScript(renderScript(latestBanner)).catch(() => undefined);
      };
      const awaitEnd = () => {
        if (closed) return;
        banner.webContents.executeJavaScript(NEXT_END_SCRIPT).then(
          () => {
            if (closed) return;
            events.onEndRequested();
            awaitEnd();
          },
          () => undefined,
        );
      };
      banner.webContents.once('did-finish-load', () => {
        bannerReady = true;
        draw();
        awaitEnd();
      });

      const cookieListeners = new Set<(change: CookieChange) => void>();
      const onCookie = (_event: unknown, cookie: Cookie, _cause: string, removed: boolean) => {
        const change = { cookie: toPartitionCookie(cookie), removed };
        cookieListeners.forEach((listener) => listener(change));
      };
      ses.cookies.on('changed', onCookie);

      window.on('closed', () => {
        closed = true;
        ses.cookies.off('changed', onCookie);
        cookieListeners.clear();
        for (const child of children) if (!child.isDestroyed()) child.destroy();
        // A BaseWindow does not destroy its views' web contents: without this they would live on.
        if (!page.webContents.isDestroyed()) page.webContents.close();
        if (!banner.webContents.isDestroyed()) banner.webContents.close();
        events.onClosed();
      });
      // A crashed page is a window the operator can no longer see into: treat it as closed.
      page.webContents.on('render-process-gone', () => {
        if (!window.isDestroyed()) window.close();
      });

      try {
        await banner.webContents.loadURL(BANNER_URL);
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
        cookies: async () => (await ses.cookies.get({})).map(toPartitionCookie),
        onCookieChanged(listener) {
          cookieListeners.add(listener);
          return () => cookieListeners.delete(listener);
        },
        updateBanner(content) {
          latestBanner = content;
          draw();
        },
        focus() {
          if (closed) return;
          if (window.isMinimized()) window.restore();
          window.show();
          window.focus();
        },
        setBounds(bounds: Bounds) {
          if (!closed) window.setBounds(bounds);
        },
        async clearData() {
          await ses.clearData();
          await ses.clearStorageData();
          await ses.clearCache();
          await ses.clearAuthCache();
        },
        async close() {
          if (closed || window.isDestroyed()) return;
          const gone = new Promise<void>((done) => window.once('closed', () => done()));
          window.close();
          await gone;
        },
        isClosed: () => closed,
      };
    },
  };
}
