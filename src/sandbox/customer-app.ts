// The built-in "customer app": the site an impersonator lands on. Like an app using Clerk, its
// server knows only the `__session` cookie (a ~60 s JWT its page's script keeps fresh from the
// Frontend API); it never signs anyone in by itself. With `--sign-in app` its own `/sign-in` runs
// the ticket sign-in in the page; with `ignores-ticket` it is a custom page that never does.
// Extra pages let tests probe storage isolation and form posts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CSS, APP_JS, SIGN_IN_JS, STORAGE_PROBE_JS } from './app-assets.ts';
import { avatarSvg } from './avatar.ts';
import { html, page, PAGE_HEADERS, type SafeHtml } from './html.ts';
import { parseCookies, readBody, redirect, sendJson, sendText, serializeCookie } from './http.ts';
import type { Claims } from './jwt.ts';
import { verifySessionToken, type TokenIssuer } from './session-tokens.ts';
import type { SandboxSession, SessionStore } from './sessions.ts';
import type { UserIndex } from './user-index.ts';
import { avatarUrl, displayName, type SandboxUser } from './users.ts';

export const SESSION_COOKIE = '__session';

/** Who completes the ticket: the Account Portal (default), the app's own `/sign-in`, or nobody. */
export type SignInMode = 'portal' | 'app' | 'ignores-ticket';

export interface FormSubmission {
  time: number;
  path: string;
  fields: Record<string, string>;
  userId: string;
  sessionId: string;
  actor: Record<string, unknown> | null;
}

export interface AppContext {
  now: () => number;
  users: UserIndex;
  sessions: SessionStore;
  issuer: TokenIssuer;
  submissions: FormSubmission[];
  signIn: SignInMode;
  /** 8 characters of the publishable key's SHA-1, base64url: `__session_<suffix>` (clerk-js keys.ts). */
  cookieSuffix: string;
  instance: InstanceType;
}

export type InstanceType = 'development' | 'production';

/**
 * What the page's clerk-js-like script needs: the Frontend API, the cookie suffix, and the instance
 * type (clerk-js reads it from the publishable key's `pk_test_`/`pk_live_` prefix; development runs
 * the dev browser).
 */
function clerkAttributes(issuer: TokenIssuer, cookieSuffix: string, instance: InstanceType): Record<string, string> {
  return { 'data-fapi': issuer.frontendApiUrl(), 'data-suffix': cookieSuffix, 'data-instance': instance };
}

/** CSP of pages whose script talks to the Frontend API (clerk-js needs `connect-src` to reach it). */
export function clerkPageHeaders(frontendApiUrl: string): Record<string, string> {
  return { ...PAGE_HEADERS, 'Content-Security-Policy': (PAGE_HEADERS['Content-Security-Policy'] as string).replace("connect-src 'self'", `connect-src 'self' ${frontendApiUrl}`) };
}

const SIGN_IN_CARD = html`<section class="card" data-testid="sign-in">
<h1>Sign in</h1><p data-testid="sign-in-status" data-state="loading">Loading…</p></section>`;

/** The sign-in page that consumes `__clerk_ticket` in the browser: the portal's, or the app's own. */
export function sendSignInPage(response: ServerResponse, issuer: TokenIssuer, cookieSuffix: string, instance: InstanceType, after: string, chrome: SafeHtml = html``): void {
  const text = page({
    title: 'Sign in',
    body: html`${chrome}<main>${SIGN_IN_CARD}<noscript><p data-testid="needs-javascript">Signing in needs JavaScript.</p></noscript></main>`,
    scripts: ['/sign-in.js'],
    bodyAttributes: { ...clerkAttributes(issuer, cookieSuffix, instance), 'data-after': after },
  });
  sendText(response, 200, 'text/html; charset=utf-8', text, clerkPageHeaders(issuer.frontendApiUrl()));
}

export function sendSignInScript(response: ServerResponse): void {
  sendText(response, 200, 'text/javascript; charset=utf-8', SIGN_IN_JS);
}

type AuthState =
  | { signedIn: true; claims: Claims; session: SandboxSession; user: SandboxUser }
  | { signedIn: false; reason: string; clearSession: boolean };

/** Who is signed in: a valid `__session` JWT whose session is still live. Nothing else counts. */
function authenticate(request: IncomingMessage, context: AppContext): AuthState {
  const sessionToken = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
  const claims = sessionToken ? verifySessionToken(sessionToken, context.issuer) : null;
  const session = claims ? context.sessions.get(claims.sid as string) : undefined;
  if (!session || !claims) return { signedIn: false, reason: 'no-session', clearSession: !!sessionToken };
  if (session.status !== 'active' && session.status !== 'pending') return { signedIn: false, reason: session.status, clearSession: true };
  const user = context.users.get(claims.sub as string);
  if (!user) return { signedIn: false, reason: 'no-user', clearSession: true };
  return { signedIn: true, claims, session, user };
}

function authCookies(state: AuthState): string[] {
  if (state.signedIn) return [];
  return state.clearSession ? [serializeCookie(SESSION_COOKIE, '', { maxAge: 0 })] : [];
}

function sendPage(response: ServerResponse, status: number, title: string, body: SafeHtml, cookies: string[], extra: Partial<Parameters<typeof page>[0]> = {}, frontendApiUrl?: string): void {
  const text = page({ title, body, ...extra });
  response.setHeader('Set-Cookie', cookies);
  sendText(response, status, 'text/html; charset=utf-8', text, frontendApiUrl ? clerkPageHeaders(frontendApiUrl) : PAGE_HEADERS);
}

const header = html`<header><strong>Acme Notes</strong><nav><a href="/">Home</a><a href="/account">Account</a><a href="/storage-probe">Storage probe</a></nav></header>`;

const SIGNED_OUT_TEXT: Record<string, string> = {
  'no-session': 'Nobody is signed in on this browser.',
  revoked: 'Your session was revoked.',
  expired: 'Your session expired.',
  ended: 'You signed out.',
};

function signedOutSection(reason: string): SafeHtml {
  return html`<section class="card" data-testid="signed-out" data-reason="${reason}">
<h1>Signed out</h1>
<p>${SIGNED_OUT_TEXT[reason] ?? `The session is ${reason}.`}</p>
</section>`;
}

function homeBody(state: AuthState, appUrl: string): SafeHtml {
  if (!state.signedIn) return html`${header}<main>${signedOutSection(state.reason)}</main>`;
  const { claims, user } = state;
  const actor = claims.act && typeof claims.act === 'object' ? (claims.act as Record<string, unknown>) : null;
  const expires = new Date((claims.exp as number) * 1000).toISOString();
  return html`${header}<main>
<section class="card" data-testid="signed-in">
<div class="who"><img src="${avatarUrl(appUrl, user.id)}" alt="">
<div><h1 data-testid="subject-name">${displayName(user)}</h1><div data-testid="subject-email">${user.emails[0]?.address ?? ''}</div></div></div>
<dl>
<dt>User ID</dt><dd data-testid="subject-id">${claims.sub}</dd>
<dt>Session</dt><dd data-testid="session-id">${claims.sid}</dd>
<dt>Token expires</dt><dd data-testid="token-exp">${expires}</dd>
</dl>
<form method="post" action="/sign-out"><button type="submit" data-testid="sign-out">Sign out</button></form>
</section>
${actor
  ? html`<section class="card impersonation" data-testid="impersonation" role="status">
<h2>Impersonated session</h2>
<p>Signed in by <strong data-testid="actor-sub">${actor.sub}</strong> on behalf of this user.</p>
<pre data-testid="actor-claims">${JSON.stringify(actor, null, 2)}</pre>
</section>`
  : html`<section class="card" data-testid="not-impersonated"><p>This is the user's own session.</p></section>`}
</main>`;
}

function accountBody(state: AuthState, saved: Record<string, string> | null): SafeHtml {
  if (!state.signedIn) return html`${header}<main>${signedOutSection(state.reason)}</main>`;
  return html`${header}<main><section class="card">
<h1>Account settings</h1>
${saved ? html`<p data-testid="form-saved" role="status">Saved display name: <strong>${saved.display_name ?? ''}</strong></p>` : ''}
<form method="post" action="/account" data-testid="account-form">
<label>Display name <input name="display_name" value="${displayName(state.user)}" data-testid="display-name"></label>
<button type="submit" data-testid="account-submit">Save</button>
</form>
</section></main>`;
}

const probeBody = html`${header}<main><section class="card" data-testid="storage-probe">
<h1>Storage probe</h1>
<p>Reads (and with <code>?write=value</code> writes) one value in each kind of browser storage.</p>
<dl>
<dt>localStorage</dt><dd data-testid="probe-local"></dd>
<dt>IndexedDB</dt><dd data-testid="probe-idb"></dd>
<dt>Cookie</dt><dd data-testid="probe-cookie"></dd>
</dl>
<p data-testid="probe-status" data-state="loading">loading</p>
</section></main>`;

async function formFields(request: IncomingMessage): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readBody(request, 100_000)));
}

export function createCustomerApp(context: AppContext) {
  return async function customerApp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const route = `${request.method} ${url.pathname}`;
    const appUrl = context.issuer.appUrl();
    const fapi = context.issuer.frontendApiUrl();
    const clerkScript = (state: AuthState) => ({
      scripts: ['/app.js'],
      bodyAttributes: { 'data-session-id': state.signedIn ? state.session.id : '', ...clerkAttributes(context.issuer, context.cookieSuffix, context.instance) },
    });

    if (route === 'GET /sign-in') {
      if (context.signIn === 'app') return sendSignInPage(response, context.issuer, context.cookieSuffix, context.instance, `${appUrl}/`, header);
      // A custom sign-in page that knows nothing of `__clerk_ticket` (or, in portal mode, the app's
      // unused own page): the ticket sits in the address bar and nobody is signed in.
      return sendPage(response, 200, 'Sign in', html`${header}<main><section class="card" data-testid="sign-in">
<h1>Sign in</h1><p data-testid="sign-in-status" data-state="custom">Enter your email address to sign in.</p>
<form><label>Email <input name="email" type="email"></label><button type="button">Continue</button></form></section></main>`, []);
    }
    if (route === 'GET /sign-in.js' && context.signIn === 'app') return sendSignInScript(response);
    if (route === 'GET /') {
      const state = authenticate(request, context);
      return sendPage(response, 200, state.signedIn ? `Acme Notes – ${displayName(state.user)}` : 'Acme Notes – signed out', homeBody(state, appUrl), authCookies(state), clerkScript(state), fapi);
    }
    if (route === 'GET /api/session') {
      const state = authenticate(request, context);
      response.setHeader('Set-Cookie', authCookies(state));
      return sendJson(response, 200, state.signedIn
        ? { signedIn: true, sessionId: state.session.id, userId: state.user.id, actor: state.claims.act ?? null }
        : { signedIn: false, sessionId: null, reason: state.reason });
    }
    if (route === 'POST /sign-out') {
      const state = authenticate(request, context);
      if (state.signedIn) context.sessions.finish(state.session.id, 'ended');
      return redirect(response, '/', { 'Set-Cookie': serializeCookie(SESSION_COOKIE, '', { maxAge: 0 }) });
    }
    if (route === 'GET /account' || route === 'POST /account') {
      const state = authenticate(request, context);
      let saved: Record<string, string> | null = null;
      if (route === 'POST /account' && state.signedIn) {
        saved = await formFields(request);
        context.submissions.push({ time: context.now(), path: url.pathname, fields: saved, userId: state.user.id, sessionId: state.session.id, actor: state.session.actor });
      }
      return sendPage(response, state.signedIn ? 200 : 401, 'Account settings', accountBody(state, saved), authCookies(state), clerkScript(state), fapi);
    }
    if (route === 'GET /storage-probe') return sendPage(response, 200, 'Storage probe', probeBody, [], { scripts: ['/storage-probe.js'] });
    if (route === 'GET /app.css') return sendText(response, 200, 'text/css; charset=utf-8', APP_CSS);
    if (route === 'GET /app.js') return sendText(response, 200, 'text/javascript; charset=utf-8', APP_JS);
    if (route === 'GET /storage-probe.js') return sendText(response, 200, 'text/javascript; charset=utf-8', STORAGE_PROBE_JS);
    const avatar = /^\/avatars\/([^/]+)\.svg$/.exec(url.pathname);
    if (request.method === 'GET' && avatar) {
      let user: SandboxUser | undefined;
      try {
        user = context.users.get(decodeURIComponent(avatar[1] as string));
      } catch {
        user = undefined; // malformed escape: not found
      }
      if (user) {
        return sendText(response, 200, 'image/svg+xml', avatarSvg(user), {
          'Cache-Control': 'public, max-age=3600',
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
          'X-Content-Type-Options': 'nosniff',
        });
      }
    }
    if (route === 'GET /favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    sendPage(response, 404, 'Not found', html`${header}<main><section class="card" data-testid="not-found"><h1>Not found</h1></section></main>`, []);
  };
}
