// The built-in "customer app": the site an impersonator lands on. It completes ticket sign-ins the
// way an app's Clerk SDK does, keeps `__session` fresh from `__client`, and shows who is signed in
// and who is impersonating, read only from a verified session JWT. Extra pages let tests probe
// storage isolation and form posts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActorTokenStore, TicketProblem } from './actor-tokens.ts';
import { APP_CSS, APP_JS, STORAGE_PROBE_JS } from './app-assets.ts';
import { avatarSvg } from './avatar.ts';
import { html, page, PAGE_HEADERS, type SafeHtml } from './html.ts';
import { parseCookies, readBody, redirect, sendJson, sendText, serializeCookie } from './http.ts';
import type { Claims } from './jwt.ts';
import { mintSessionToken, verifySessionToken, type TokenIssuer } from './session-tokens.ts';
import type { SandboxSession, SessionStore } from './sessions.ts';
import type { UserIndex } from './user-index.ts';
import { avatarUrl, displayName, type SandboxUser } from './users.ts';

export const SESSION_COOKIE = '__session';
export const CLIENT_COOKIE = '__client';
const CLIENT_COOKIE_MAX_AGE = 365 * 86_400;

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
  tokens: ActorTokenStore;
  issuer: TokenIssuer;
  submissions: FormSubmission[];
}

export type TicketFailure = TicketProblem | 'banned';

const TICKET_MESSAGES: Record<TicketFailure, { status: number; title: string; detail: string }> = {
  invalid: { status: 400, title: 'Invalid sign-in link', detail: 'This sign-in link is malformed or was not issued by this instance.' },
  unknown: { status: 404, title: 'Unknown sign-in link', detail: 'No actor token matches this sign-in link.' },
  used: { status: 400, title: 'Sign-in link already used', detail: 'This sign-in link has already been used. Each link works only once: create a new actor token.' },
  revoked: { status: 400, title: 'Sign-in link revoked', detail: 'This sign-in link was revoked and can no longer be used.' },
  expired: { status: 400, title: 'Sign-in link expired', detail: 'This sign-in link has expired: create a new actor token.' },
  banned: { status: 403, title: 'Account banned', detail: 'This user is banned and cannot be signed in to.' },
};

/** The HTML error page shared by the Frontend API and the app for unusable tickets. */
export function ticketErrorPage(response: ServerResponse, problem: TicketFailure): void {
  const message = TICKET_MESSAGES[problem];
  const body = html`<main><section class="card error" data-testid="ticket-error" data-problem="${problem}" role="alert">
<h1>${message.title}</h1>
<p>${message.detail}</p>
<p>No session was created.</p>
</section></main>`;
  sendText(response, message.status, 'text/html; charset=utf-8', page({ title: message.title, body }), PAGE_HEADERS);
}

type AuthState =
  | { signedIn: true; claims: Claims; session: SandboxSession; user: SandboxUser; freshToken: string | null }
  | { signedIn: false; reason: string; clearSession: boolean };

/**
 * Who is signed in: a valid `__session` JWT whose session is still active, or else a fresh token
 * minted from the `__client` cookie's last session while that session is active.
 */
function authenticate(request: IncomingMessage, context: AppContext): AuthState {
  const cookies = parseCookies(request.headers.cookie);
  const sessionToken = cookies.get(SESSION_COOKIE);
  const clientSecret = cookies.get(CLIENT_COOKIE);
  let claims = sessionToken ? verifySessionToken(sessionToken, context.issuer) : null;
  let session: SandboxSession | undefined;
  let freshToken: string | null = null;
  if (claims) {
    session = context.sessions.get(claims.sid as string);
  } else if (clientSecret) {
    const client = context.sessions.clientBySecret(clientSecret);
    session = client?.lastActiveSessionId ? context.sessions.get(client.lastActiveSessionId) : undefined;
    if (session?.status === 'active') {
      freshToken = mintSessionToken(session, context.issuer);
      claims = verifySessionToken(freshToken, context.issuer);
      context.sessions.touch(session);
    }
  }
  if (!session) return { signedIn: false, reason: 'no-session', clearSession: !!sessionToken };
  if (session.status !== 'active' || !claims) return { signedIn: false, reason: session.status, clearSession: true };
  const user = context.users.get(claims.sub as string);
  if (!user) return { signedIn: false, reason: 'no-user', clearSession: true };
  return { signedIn: true, claims, session, user, freshToken };
}

function authCookies(state: AuthState): string[] {
  if (state.signedIn) return state.freshToken ? [serializeCookie(SESSION_COOKIE, state.freshToken)] : [];
  return state.clearSession ? [serializeCookie(SESSION_COOKIE, '', { maxAge: 0 })] : [];
}

function sendPage(response: ServerResponse, status: number, title: string, body: SafeHtml, cookies: string[], extra: Partial<Parameters<typeof page>[0]> = {}): void {
  const text = page({ title, body, ...extra });
  response.setHeader('Set-Cookie', cookies);
  sendText(response, status, 'text/html; charset=utf-8', text, PAGE_HEADERS);
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

/** Completes a ticket sign-in: consumes the ticket, ends the client's previous session, sets cookies. */
function completeSignIn(request: IncomingMessage, response: ServerResponse, context: AppContext, ticket: string): void {
  const checked = context.tokens.check(ticket);
  if (!checked.ok) return ticketErrorPage(response, checked.problem);
  const user = context.users.get(checked.token.userId);
  if (!user || user.banned) return ticketErrorPage(response, 'banned');
  const accepted = context.tokens.accept(ticket);
  if (!accepted.ok) return ticketErrorPage(response, accepted.problem);
  const token = accepted.token;

  const cookies = parseCookies(request.headers.cookie);
  const existing = cookies.get(CLIENT_COOKIE);
  const client = (existing && context.sessions.clientBySecret(existing)) || context.sessions.createClient();
  for (const sessionId of client.sessionIds) context.sessions.finish(sessionId, 'ended');
  const session = context.sessions.create({
    userId: token.userId,
    client,
    actor: token.actor,
    actorTokenId: token.id,
    maxDurationMs: token.sessionMaxDurationInSeconds * 1000,
  });
  token.sessionId = session.id;
  redirect(response, '/', {
    'Set-Cookie': [
      serializeCookie(CLIENT_COOKIE, client.secret, { httpOnly: true, maxAge: CLIENT_COOKIE_MAX_AGE }),
      serializeCookie(SESSION_COOKIE, mintSessionToken(session, context.issuer)),
    ],
  });
}

async function formFields(request: IncomingMessage): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readBody(request, 100_000)));
}

export function createCustomerApp(context: AppContext) {
  return async function customerApp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const route = `${request.method} ${url.pathname}`;
    const appUrl = context.issuer.appUrl();

    if (route === 'GET /sign-in') {
      const ticket = url.searchParams.get('__clerk_ticket');
      if (ticket) return completeSignIn(request, response, context, ticket);
      const state = authenticate(request, context);
      return sendPage(response, 200, 'Sign in', html`${header}<main><section class="card" data-testid="sign-in">
<h1>Sign in</h1><p>This demo app signs people in only through impersonation links.</p></section></main>`, authCookies(state));
    }
    if (route === 'GET /') {
      const state = authenticate(request, context);
      const attributes: Record<string, string> = { 'data-session-id': state.signedIn ? state.session.id : '' };
      return sendPage(response, 200, state.signedIn ? `Acme Notes – ${displayName(state.user)}` : 'Acme Notes – signed out', homeBody(state, appUrl), authCookies(state), {
        scripts: ['/app.js'],
        bodyAttributes: attributes,
      });
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
      return sendPage(response, state.signedIn ? 200 : 401, 'Account settings', accountBody(state, saved), authCookies(state));
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
