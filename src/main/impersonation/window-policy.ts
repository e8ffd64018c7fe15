// Every rule an impersonation window follows, as pure functions: the customer page is untrusted
// web content, so everything is denied unless a rule here allows it. The Electron adapter and the
// test adapter only apply these decisions.
import { HARDENED_WEB_PREFERENCES } from '../web-preferences.ts';
import type { NavigationPolicy } from './window-host.ts';

/**
 * webPreferences of the customer page. There is deliberately no `preload` key: the page gets no
 * bridge of any kind into Understudy. The partition is the fresh in-memory one of this impersonation.
 */
export function impersonationWebPreferences(partition: string) {
  return {
    ...HARDENED_WEB_PREFERENCES,
    partition,
    // The impersonated session should live in this window only; DevTools would put its cookies and
    // tokens one click away from being copied out. Ending revokes them anyway, this narrows the window.
    devTools: false,
  } as const;
}

/** Same-document placeholders a page may create (blank pop-ups, `srcdoc` frames): no content of their own. */
const PLACEHOLDERS = new Set(['about:blank', 'about:srcdoc']);

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

/** `URL.hostname` spellings of the loopback interface (IPv6 keeps its brackets). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a `URL.hostname` is one of the loopback spellings development instances allow over http. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

function isAllowedHttpUrl(parsed: URL, policy: NavigationPolicy): boolean {
  // `https://app.example.com@evil.test/` reads like the app but goes to evil.test: never.
  if (parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.hostname === '') return false;
  if (parsed.protocol === 'https:') return true;
  if (parsed.protocol !== 'http:') return false;
  if (policy.allowLoopbackHttp && isLoopbackHost(parsed.hostname)) return true;
  return policy.allowedOrigins.some((allowed) => originOf(allowed) === parsed.origin);
}

/**
 * Where a frame of the customer page may navigate: any https URL (the customer app, Clerk, an
 * identity provider), plus the exact origins the policy lists (the sandbox's loopback http origins,
 * a development profile's app origins) and, for development instances, loopback http on any port.
 * Refused: javascript:, data:, file:, chrome:, devtools:, any other scheme, blob: URLs of an origin
 * that would itself be refused, and URLs carrying credentials (`user:pass@host`).
 */
export function isNavigationAllowed(url: string, policy: NavigationPolicy): boolean {
  if (PLACEHOLDERS.has(url)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'blob:') {
    try {
      return isAllowedHttpUrl(new URL(parsed.pathname), policy);
    } catch {
      return false;
    }
  }
  return isAllowedHttpUrl(parsed, policy);
}

/**
 * Pop-ups (`window.open`, `target=_blank`) open only where navigation is allowed, and then in the
 * SAME partition, as a child of the impersonation window (an identity provider's pop-up must see
 * the same cookies). Never in the console's session, never in the operator's own browser.
 */
export function windowOpenDecision(url: string, policy: NavigationPolicy): { action: 'deny' } | { action: 'allow-same-partition' } {
  // A blank pop-up has no address of its own: its opener's script writes into it, and the window
  // would show content of no origin the banner could name. Pop-ups open only onto a real address.
  if (url === '' || PLACEHOLDERS.has(url) || url.startsWith('about:')) return { action: 'deny' };
  return isNavigationAllowed(url, policy) ? { action: 'allow-same-partition' } : { action: 'deny' };
}

/**
 * Permissions are all refused, known or not. Why for the ones that might look harmless:
 * - media, camera, microphone, display-capture, geolocation, notifications, midi, hid, serial, usb,
 *   bluetooth, idle-detection: the page would reach the operator's devices, desktop or whereabouts,
 *   not the customer's;
 * - clipboard-read / clipboard-sanitized-write: the page could read the operator's clipboard or
 *   plant text in it (copying with the keyboard still works; it needs no permission);
 * - fullscreen, pointerLock, keyboardLock: the page could cover or outlast the banner that says
 *   whose session this is; the banner must always stay visible;
 * - openExternal, storage-access, persistent-storage, window-management: nothing leaves the partition.
 */
export function permissionDecision(_permission: string, _details?: unknown): false {
  return false;
}

/** Nothing from an impersonated session is saved onto the operator's machine. */
export function downloadDecision(): 'cancel' {
  return 'cancel';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The Frontend API writes an impersonated session needs, and nothing else. Read against clerk-js
 * (clerk/javascript `packages/clerk-js/src/core/`):
 * - `auth/devBrowser.ts`: a development instance's page first creates its dev browser, `POST /v1/dev_browser`;
 * - `resources/SignIn.ts` `create`: the ticket sign-in, `POST /v1/client/sign_ins` (strategy `ticket`);
 * - `resources/Session.ts` `_touchPost`: `POST /v1/client/sessions/{id}/touch` (setActive and focus);
 *   `getToken`: `POST /v1/client/sessions/{id}/tokens[/{template}]`, the ~60 s refresh.
 * Everything else there (`DELETE /v1/me`, `PATCH /v1/me`, `/v1/me/*`, sign-outs, `end`/`remove` of
 * sessions, organization changes, `PUT`/`DELETE /v1/client`…) changes the customer's account and is blocked.
 */
const FAPI_KEEP_ALIVE: readonly RegExp[] = [
  /^\/v1\/dev_browser$/,
  /^\/v1\/client\/sign_ins$/,
  /^\/v1\/client\/sessions\/[^/]+\/touch$/,
  /^\/v1\/client\/sessions\/[^/]+\/tokens(\/[^/]+)?$/,
];

/**
 * The method the Frontend API acts on. clerk-js sends every PUT, PATCH and DELETE as a POST with the
 * real method in `_method` (`fapiClient.ts` buildQueryString, "a known Safari bug regarding CORS"),
 * so `POST …/tokens?_method=DELETE` is a DELETE, not a keep-alive POST.
 */
function frontendApiMethod(verb: string, url: URL): string {
  const override = url.searchParams.getAll('_method');
  if (override.length === 0) return verb;
  // Several, or one that is not plain: nothing a keep-alive call would send.
  return override.length === 1 ? override[0]!.toUpperCase() : 'INVALID';
}

/**
 * Read-only mode, best effort: requests that could change data (any method but GET, HEAD and
 * OPTIONS) are blocked, except the few POSTs to Clerk's Frontend API that sign the ticket in and
 * keep the session fresh. An app that changes data on a GET, or over a WebSocket, is not stopped by this.
 */
export function readOnlyRequestDecision(method: string, url: string, policy: NavigationPolicy): 'allow' | 'block' {
  const verb = method.toUpperCase();
  if (SAFE_METHODS.has(verb)) return 'allow';
  const origin = originOf(url);
  if (origin === null || origin !== originOf(policy.frontendApiOrigin) || verb !== 'POST') return 'block';
  const parsed = new URL(url);
  if (frontendApiMethod(verb, parsed) !== 'POST') return 'block';
  return FAPI_KEEP_ALIVE.some((allowed) => allowed.test(parsed.pathname)) ? 'allow' : 'block';
}

/** The Frontend API paths a ticket goes through: accept, then the sign-in that consumes it (clerk-js). */
const TICKET_PATHS = new Set(['/v1/tickets/accept', '/v1/client/sign_ins']);

/** Whether a response is Clerk refusing this impersonation's ticket (adapters report it as `ticket-error`). */
export function isTicketRefusal(url: string, status: number, policy: NavigationPolicy): boolean {
  if (status < 400) return false;
  try {
    const parsed = new URL(url);
    return parsed.origin === originOf(policy.frontendApiOrigin) && TICKET_PATHS.has(parsed.pathname);
  } catch {
    return false;
  }
}

/** The first error of Clerk's envelope `{ errors: [{ code, message, long_message }] }`, if the body is one. */
export function clerkErrorOf(body: unknown): { code: string | null; message: string | null } {
  const first = body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors) ? ((body as { errors: unknown[] }).errors[0] as Record<string, unknown> | undefined) : undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 300) : null);
  return { code: text(first?.['code']), message: text(first?.['long_message']) ?? text(first?.['message']) };
}

/** What the banner names for a refused navigation: the origin, or the scheme for non-web URLs. */
export function originForBanner(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol} URL`;
  } catch {
    return 'an invalid address';
  }
}
