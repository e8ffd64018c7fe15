// The Frontend API (FAPI) as a browser meets it during an impersonation:
// - `GET /v1/tickets/accept?ticket=…`: signs out whoever is signed in on this client, then redirects
//   to the instance's sign-in page with `__clerk_ticket` (Account Portal by default). It does NOT
//   sign anyone in: only a page that runs the ticket sign-in (as `<SignIn/>` does) creates a session.
//   (clerk/javascript packages/ui/src/components/SignIn/SignInStart.tsx reads `__clerk_ticket` and
//   calls `signIn.create({ strategy: 'ticket', ticket })`, then `setActive`.)
// - `POST /v1/client/sign_ins` (strategy=ticket), `POST /v1/client/sessions/{id}/touch`,
//   `POST /v1/client/sessions/{id}/tokens`, `GET /v1/client`: what clerk-js calls, form-encoded
//   with credentials; `__client` is an httpOnly cookie on this host (production instances).
// - development instances: no `__client`; the client is the dev browser named by the
//   `__clerk_db_jwt` query parameter (dev-browser.ts), created by `POST /v1/dev_browser`. Any other
//   call without a valid one is refused 401 `dev_browser_unauthenticated` (clerk-docs
//   data/api_errors.json DevBrowserUnauthenticated; clerk-js resources/Base.ts resets its dev browser on it).
// - errors as Clerk's JSON envelope with its catalogue's codes (clerk-docs data/api_errors.json).
// - sign-in attempts limited to 5 per 10 s per client IP (Clerk system limits), 429 + Retry-After.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActorTokenStore } from './actor-tokens.ts';
import { DEV_BROWSER_KEY, type DevBrowserStore } from './dev-browser.ts';
import { errors, type ApiError } from './errors.ts';
import { parseCookies, readBody, redirect, sendJson, serializeCookie } from './http.ts';
import type { Jwk } from './jwt.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { mintSessionToken, type TokenIssuer } from './session-tokens.ts';
import type { SandboxClient, SandboxSession, SessionStore } from './sessions.ts';
import type { UserIndex } from './user-index.ts';

export const CLIENT_COOKIE = '__client';
const CLIENT_COOKIE_MAX_AGE = 365 * 86_400;
/** Clerk's Frontend API sign-in limit: 5 attempts per 10 seconds per IP (system limits docs). */
export const SIGN_IN_LIMIT = { attempts: 5, windowMs: 10_000 };

export interface FrontendApiContext {
  tokens: ActorTokenStore;
  sessions: SessionStore;
  users: UserIndex;
  issuer: TokenIssuer;
  jwks: () => Jwk[];
  /** Where accept sends the browser: the portal's or the app's sign-in page. */
  signInUrl: () => string;
  /** Origins whose scripts may call the FAPI with credentials (the portal and the app). */
  browserOrigins: () => string[];
  /** Sessions start `pending` (a session task outstanding) instead of `active`. */
  sessionTasks: boolean;
  /** Development instances: clients are dev browsers (`__clerk_db_jwt`); null in production (`__client`). */
  devBrowsers: DevBrowserStore | null;
}

const LIVE = new Set(['active', 'pending']);

export function createFrontendApi(context: FrontendApiContext) {
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (ip: string): RateLimiter => {
    let limiter = limiters.get(ip);
    if (!limiter) limiters.set(ip, (limiter = createRateLimiter(SIGN_IN_LIMIT.attempts, SIGN_IN_LIMIT.windowMs, context.issuer.now)));
    return limiter;
  };

  /** Production: the `__client` cookie. Development: the dev browser of the query, never a cookie. */
  const clientOf = (request: IncomingMessage, url: URL): SandboxClient | undefined => {
    if (context.devBrowsers) {
      const devBrowser = url.searchParams.get(DEV_BROWSER_KEY);
      return devBrowser ? context.devBrowsers.clientOf(devBrowser) : undefined;
    }
    const secret = parseCookies(request.headers.cookie).get(CLIENT_COOKIE);
    return secret ? context.sessions.clientBySecret(secret) : undefined;
  };

  const sessionOfClient = (client: SandboxClient | undefined, id: string): SandboxSession | undefined => {
    if (!client || !client.sessionIds.includes(id)) return undefined;
    return context.sessions.get(id);
  };

  return async function frontendApi(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const route = `${request.method} ${url.pathname}`;
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && context.browserOrigins().includes(origin) ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : {};
    const fail = (error: ApiError): void => sendJson(response, error.status, error.body, { ...cors, ...error.headers });

    if (route === 'OPTIONS ' + url.pathname && cors['Access-Control-Allow-Origin']) {
      response.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'content-type' }).end();
      return;
    }
    if (context.devBrowsers) {
      if (route === 'POST /v1/dev_browser') return sendJson(response, 200, { id: context.devBrowsers.create() }, cors);
      // A ticket URL is opened as it was minted, without a dev browser: accept needs none (the spec's
      // acceptTicket has no security requirement). Everything else needs a valid one.
      const devBrowser = url.searchParams.get(DEV_BROWSER_KEY);
      const needed = route !== 'GET /v1/tickets/accept' || devBrowser !== null;
      if (needed && !(devBrowser && context.devBrowsers.clientOf(devBrowser))) return fail(errors.devBrowserUnauthenticated());
    }
    if (route === 'GET /v1/tickets/accept') {
      const ticket = url.searchParams.get('ticket');
      if (!ticket) return fail(errors.ticket('invalid'));
      const checked = context.tokens.check(ticket);
      if (!checked.ok) return fail(errors.ticket(checked.problem));
      // Whoever was signed in on this browser is signed out first.
      const client = clientOf(request, url);
      if (client) for (const id of client.sessionIds) context.sessions.finish(id, 'ended');
      const target = new URL(context.signInUrl());
      target.searchParams.set('__clerk_ticket', ticket);
      return redirect(response, target.href);
    }
    if (route === 'GET /v1/jwks' || route === 'GET /.well-known/jwks.json') {
      return sendJson(response, 200, { keys: context.jwks() });
    }
    if (route === 'GET /v1/client') {
      const client = clientOf(request, url);
      const live = (client?.sessionIds ?? []).map((id) => context.sessions.get(id)).filter((s): s is SandboxSession => !!s && LIVE.has(s.status));
      const last = client?.lastActiveSessionId && live.some((s) => s.id === client.lastActiveSessionId) ? client.lastActiveSessionId : null;
      return sendJson(response, 200, { response: client ? { object: 'client', id: client.id, sessions: live.map(sessionObject), last_active_session_id: last } : null }, cors);
    }
    if (route === 'POST /v1/client/sign_ins') {
      const fields = new URLSearchParams(await readBody(request, 100_000));
      const wait = limiterFor(request.socket.remoteAddress ?? 'unknown').hit();
      if (wait > 0) return fail(errors.tooManyRequests(wait));
      const ticket = fields.get('ticket');
      if (fields.get('strategy') !== 'ticket' || !ticket) return fail(errors.paramInvalid('strategy', 'must be ticket in this sandbox'));
      const checked = context.tokens.check(ticket);
      if (!checked.ok) return fail(errors.ticket(checked.problem));
      const user = context.users.get(checked.token.userId);
      if (!user) return fail(errors.ticket('subject-gone'));
      if (user.banned) return fail(errors.ticket('banned'));
      const accepted = context.tokens.accept(ticket);
      if (!accepted.ok) return fail(errors.ticket(accepted.problem));
      const existing = clientOf(request, url);
      const client = existing ?? context.sessions.createClient();
      // A new client's `__client` cookie, in production only (development has the dev browser's client).
      const setClient: Record<string, string> = existing || context.devBrowsers ? {} : { 'Set-Cookie': serializeCookie(CLIENT_COOKIE, client.secret, { httpOnly: true, maxAge: CLIENT_COOKIE_MAX_AGE }) };
      for (const id of client.sessionIds) context.sessions.finish(id, 'ended');
      const session = context.sessions.create({
        userId: accepted.token.userId,
        client,
        actor: accepted.token.actor,
        actorTokenId: accepted.token.id,
        maxDurationMs: accepted.token.sessionMaxDurationInSeconds * 1000,
        status: context.sessionTasks ? 'pending' : 'active',
      });
      accepted.token.sessionId = session.id;
      return sendJson(
        response,
        200,
        { response: { object: 'sign_in_attempt', status: 'complete', created_session_id: session.id } },
        { ...cors, ...setClient },
      );
    }
    const sessionRoute = /^POST \/v1\/client\/sessions\/([^/]+)\/(touch|tokens)$/.exec(route);
    if (sessionRoute) {
      await readBody(request, 100_000);
      const session = sessionOfClient(clientOf(request, url), decodeURIComponent(sessionRoute[1] as string));
      if (!session) return fail(errors.sessionNotFound());
      if (!LIVE.has(session.status)) return fail(errors.signedOut());
      context.sessions.touch(session);
      if (sessionRoute[2] === 'touch') return sendJson(response, 200, { response: sessionObject(session) }, cors);
      return sendJson(response, 200, { object: 'token', jwt: mintSessionToken(session, context.issuer, origin ?? context.issuer.appUrl()) }, cors);
    }
    fail(errors.notFound('Resource'));
  };
}

function sessionObject(session: SandboxSession) {
  return { object: 'session', id: session.id, status: session.status, user_id: session.userId, actor: session.actor, expire_at: session.expireAt, last_active_at: session.lastActiveAt };
}
