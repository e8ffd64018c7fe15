// The port through which the orchestrator opens and drives impersonation windows. The Electron
// adapter (src/main/electron/window-host.ts) and the test adapter (Playwright browser contexts)
// implement it; neither makes a decision of its own: the rules live in window-policy.ts.

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the customer page may go. Anything https, plus the exact origins listed here. */
export interface NavigationPolicy {
  /** Non-https origins that are allowed too: the sandbox's loopback http origins in demo mode, a development profile's app origins. */
  allowedOrigins: readonly string[];
  /**
   * Development instances (`sk_test_`): the app usually runs on `http://localhost:3000`, so http on
   * the loopback hosts (`localhost`, `127.0.0.1`, `[::1]`), any port, is allowed too.
   */
  allowLoopbackHttp?: boolean;
  /** Clerk's Frontend API origin (the ticket URL's origin): read-only mode still lets it take writes. */
  frontendApiOrigin: string;
}

/** What the banner says: computed by `bannerText`, drawn as is by the adapter. */
export interface BannerContent {
  /** e.g. `Impersonating Ada Lovelace (ada@example.com)` */
  headline: string;
  /** e.g. `as agent@acme (user_op) · instance Acme prod · read-only` */
  detail: string;
  /** `mm:ss` left in the session, or null before sign-in / after the end. */
  timeLeft: string | null;
  /** What the window is doing, in a word or two: `Signing in…`, `Signed in`, `Ended`. */
  status: string;
  production: boolean;
  /** Set when something went wrong; the banner shows it in place of the status. */
  error: string | null;
  /** Whether the End button is offered (not once the impersonation is over). */
  canEnd: boolean;
}

export interface WindowSpec {
  impersonationId: string;
  /**
   * A fresh in-memory partition name from `newPartitionName()`. A host may use another fresh one of
   * its own making instead (the Electron host keeps one hardened, never-used window ready).
   */
  partition: string;
  /** Single-use sign-in URL. Never logged, never stored, loaded once. */
  ticketUrl: string;
  navigation: NavigationPolicy;
  /** Best-effort: writes (non-GET/HEAD/OPTIONS) to anything but the Frontend API are blocked. */
  readOnly: boolean;
  /** Window title, e.g. `Impersonating Ada Lovelace — Acme prod`. */
  title: string;
  banner: BannerContent;
}

/** Something the page met that the operator must hear about (adapters report; the orchestrator decides). */
export type PageProblem =
  /** A main-frame navigation was refused by the navigation policy (shown in the banner, with its origin). */
  | { kind: 'navigation-blocked'; origin: string }
  /**
   * Clerk refused the ticket on its way in (`/v1/tickets/accept` or the sign-in that consumes it):
   * `code` and `message` from Clerk's JSON error when the adapter can read the body, else null.
   */
  | { kind: 'ticket-error'; status: number; code: string | null; message: string | null };

export interface WindowEvents {
  /** The banner's End button was pressed. */
  onEndRequested(): void;
  /** Optional: see PageProblem. */
  onPageProblem?(problem: PageProblem): void;
  /** The window is gone, for any reason (the user closed it, its page crashed, or `close()`). Fires once. */
  onClosed(): void;
}

/** A cookie of the window's partition, as much of it as the orchestrator needs. */
export interface PartitionCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
}

export interface CookieChange {
  cookie: PartitionCookie;
  /** True when the cookie was deleted (or overwritten: a new value then arrives as a separate change). */
  removed: boolean;
}

export interface ImpersonationWindow {
  readonly impersonationId: string;
  /** The partition its pages use, when the host chose it (a pre-warmed one) instead of `spec.partition`. */
  readonly partition?: string;
  /** Every cookie of the window's partition. */
  cookies(): Promise<PartitionCookie[]>;
  /** Called on every cookie change in the partition; returns the unsubscribe function. */
  onCookieChanged(listener: (change: CookieChange) => void): () => void;
  updateBanner(content: BannerContent): void;
  focus(): void;
  setBounds(bounds: Bounds): void;
  /** Wipes everything the partition holds: cookies, local/session storage, IndexedDB, caches, service workers. */
  clearData(): Promise<void>;
  /** Closes the window (idempotent); `onClosed` fires if it had not yet. */
  close(): Promise<void>;
  isClosed(): boolean;
}

export interface WindowHost {
  /**
   * Opens a window on `spec.partition`, hardened (permissions, downloads, navigation, pop-ups,
   * read-only) BEFORE it loads the ticket URL. Resolves once the load has started.
   */
  open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow>;
  /** The usable screen area for `arrange()`. */
  workArea(): Bounds;
  /**
   * False where the desktop places windows itself and ignores positions (Wayland): `setBounds`
   * then only sets sizes. Absent means positions are honoured.
   */
  positionsHonoured?(): boolean;
}
