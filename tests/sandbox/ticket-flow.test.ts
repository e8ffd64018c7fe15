// The impersonation round trip without a browser: a cookie jar follows the actor token's URL hop by
// hop. The sandbox clock is injected so expiry is tested by moving time, not by waiting.
import { verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_BROWSER_KEY, SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clerkFor, CookieJar, errorCode, hasTestId, refreshSessionToken, signInWithTicket, testIdText, ticketUrl, validateRecordedResponses, visit } from './helpers.ts';
import { checkResponse } from './openapi.ts';

let sandbox: Sandbox;
let clerk: ReturnType<typeof clerkFor>;
let offset = 0;
const now = () => Date.now() + offset;
const advance = (ms: number) => {
  offset += ms;
};

beforeAll(async () => {
  sandbox = await startSandbox({ users: 100, now, recordBodies: true });
  clerk = clerkFor(sandbox);
});
afterAll(async () => {
  try {
    expect(validateRecordedResponses(sandbox)).toBeGreaterThan(20);
  } finally {
    await sandbox.close();
  }
});
// Clerk allows 5 sign-ins per 10 s per IP, and every sign-in here comes from 127.0.0.1: each one
// moves the sandbox clock on by 2.5 s (the clock only ever moves forward).
function signIn(url: string, jar: CookieJar) {
  advance(2_500);
  return signInWithTicket(url, jar, sandbox);
}

const ada = SANDBOX_FIXTURES.plain[0];
const actor = { sub: SANDBOX_FIXTURES.operator, reason: 'Ticket 1234' };

function mint(userId: string = ada, extra: { expiresInSeconds?: number; sessionMaxDurationInSeconds?: number } = {}) {
  return clerk.actorTokens.create({ userId, actor, ...extra });
}

const sessionsOf = (userId: string) => sandbox.state.sessions().filter((session) => session.userId === userId);

function decodeJwt(token: string) {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
}

describe('accepting an actor token', () => {
  it('signs the subject in on the app, via the Frontend API and the Account Portal sign-in page, showing subject and actor', async () => {
    const token = await mint();
    const jar = new CookieJar();
    const page = await signIn(ticketUrl(token), jar);

    // A development instance: the app is on localhost and is handed the dev browser in its URL
    // (its script then fetches the session's token with it and loads the page again).
    expect(new URL(sandbox.appUrl).hostname).toBe('localhost');
    const devBrowser = jar.cookies.get(DEV_BROWSER_KEY);
    expect(devBrowser).toMatch(/^dvb_/);
    expect(page.hops.map((hop) => [new URL(hop.url).origin, new URL(hop.url).pathname, new URL(hop.url).searchParams.get(DEV_BROWSER_KEY), hop.status])).toEqual([
      [sandbox.frontendApiUrl, '/v1/tickets/accept', null, 303],
      [sandbox.accountsUrl, '/sign-in', null, 200],
      [sandbox.appUrl, '/', devBrowser, 200],
      [sandbox.appUrl, '/', null, 200],
    ]);
    expect(testIdText(page.html, 'subject-id')).toBe(ada);
    expect(testIdText(page.html, 'subject-name')).toBe('Ada Lovelace');
    expect(testIdText(page.html, 'actor-sub')).toBe(SANDBOX_FIXTURES.operator);
    expect(JSON.parse(testIdText(page.html, 'actor-claims') ?? '{}')).toEqual(actor);

    const session = sessionsOf(ada).find((candidate) => candidate.actorTokenId === token.id);
    expect(session?.actor).toEqual(actor);
    expect(session && session.expireAt - session.createdAt).toBe(1800_000);
    expect(testIdText(page.html, 'session-id')).toBe(session?.id);
    expect(sandbox.state.actorTokens().find((candidate) => candidate.id === token.id)?.status).toBe('accepted');
    expect((await clerk.sessions.getSession(session!.id)).actor).toEqual(actor);
    // Development: the client is the dev browser; the Frontend API sets no `__client`.
    expect(jar.cookies.has('__client')).toBe(false);
  });

  it('issues an RS256 session JWT that @clerk/backend verifyToken accepts through the JWKS', async () => {
    const token = await mint();
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const jwt = jar.cookies.get('__session') as string;
    const { header, payload } = decodeJwt(jwt);
    const jwks = (await (await fetch(`${sandbox.apiUrl}/v1/jwks`, { headers: { authorization: `Bearer ${sandbox.secretKey}` } })).json()) as { keys: { kid: string }[] };
    expect(header).toEqual({ alg: 'RS256', kid: jwks.keys[0]?.kid, typ: 'JWT' });

    const claims = await verifyToken(jwt, { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, authorizedParties: [sandbox.appUrl] });
    expect(claims.sub).toBe(ada);
    expect(claims.act).toEqual(actor);
    expect(claims.iss).toBe(sandbox.frontendApiUrl);
    expect(claims.azp).toBe(sandbox.appUrl);
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.nbf).toBeLessThanOrEqual(claims.iat);
    expect(sessionsOf(ada).some((session) => session.id === claims.sid && session.status === 'active')).toBe(true);

    const [head, body] = jwt.split('.') as [string, string, string];
    const forged = `${head}.${body}.${Buffer.from('not a signature').toString('base64url')}`;
    await expect(verifyToken(forged, { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl })).rejects.toThrow();
  });

  it('works once: a second visit shows an error page and creates no session', async () => {
    const token = await mint();
    await signIn(ticketUrl(token), new CookieJar());
    const count = sessionsOf(ada).length;
    const again = await signIn(ticketUrl(token), new CookieJar());
    expect(again.status).toBe(400);
    expect(again.hops).toHaveLength(1);
    expect(errorCode(again.html)).toBe('actor_token_already_used_code');
    expect(again.html).toContain('This actor token has already been used. Each token can only be used once.');
    expect(sessionsOf(ada)).toHaveLength(count);
    // Going straight to the sign-in step does not help either.
    const direct = await signIn(`${sandbox.accountsUrl}/sign-in?__clerk_ticket=${token.token}`, new CookieJar());
    expect([direct.status, errorCode(direct.html)]).toEqual([400, 'actor_token_already_used_code']);
    expect(sessionsOf(ada)).toHaveLength(count);
  });

  it('refuses a revoked token and an expired one, creating no session', async () => {
    const count = sessionsOf(ada).length;
    const revoked = await mint();
    await clerk.actorTokens.revoke(revoked.id);
    const revokedPage = await signIn(ticketUrl(revoked), new CookieJar());
    expect([revokedPage.status, errorCode(revokedPage.html)]).toEqual([400, 'actor_token_revoked_code']);

    const expiring = await mint(ada, { expiresInSeconds: 60 });
    advance(61_000);
    const expiredPage = await signIn(ticketUrl(expiring), new CookieJar());
    expect([expiredPage.status, errorCode(expiredPage.html)]).toEqual([400, 'ticket_expired_code']);
    expect(sessionsOf(ada)).toHaveLength(count);
    expect(sandbox.state.actorTokens().find((token) => token.id === expiring.id)?.status).toBe('pending');
  });

  it('refuses forged, unknown and banned-user tickets', async () => {
    const token = await mint();
    const [head, body, signature] = (token.token as string).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 9999 })).toString('base64url')}.${signature}`;
    const forged = await visit(`${sandbox.frontendApiUrl}/v1/tickets/accept?ticket=${tampered}`, new CookieJar());
    expect([forged.status, errorCode(forged.html)]).toEqual([400, 'ticket_invalid_code']);
    const garbage = await visit(`${sandbox.frontendApiUrl}/v1/tickets/accept?ticket=abc`, new CookieJar());
    expect(garbage.status).toBe(400);
    const missing = await visit(`${sandbox.frontendApiUrl}/v1/tickets/accept`, new CookieJar());
    expect(missing.status).toBe(400);

    const banned = await mint(SANDBOX_FIXTURES.banned);
    const refused = await signIn(ticketUrl(banned), new CookieJar());
    expect([refused.status, errorCode(refused.html)]).toEqual([403, 'user_banned']);
    expect(sessionsOf(SANDBOX_FIXTURES.banned)).toHaveLength(0);
    // The genuine ticket still works after all that.
    expect(testIdText((await signIn(ticketUrl(token), new CookieJar())).html, 'subject-id')).toBe(ada);
  });

  it('keeps tickets out of the page request log', async () => {
    const token = await mint();
    await signIn(ticketUrl(token), new CookieJar());
    const logged = JSON.stringify(sandbox.pageRequests);
    expect(sandbox.pageRequests.some((record) => record.path === '/v1/tickets/accept')).toBe(true);
    expect(logged).not.toContain(token.token as string);
  });
});

describe('the signed-in app page', () => {
  it('refreshes the ~60 s session JWT only through the Frontend API with the dev browser; the server never re-mints it', async () => {
    const token = await mint();
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const first = jar.cookies.get('__session') as string;
    advance(61_000);
    // Without a script refreshing it, the expired token signs the page out.
    const stale = await visit(`${sandbox.appUrl}/`, jar);
    expect(hasTestId(stale.html, 'signed-out')).toBe(true);
    expect((await refreshSessionToken(sandbox, jar)).status).toBe(200);
    const page = await visit(`${sandbox.appUrl}/`, jar);
    expect(testIdText(page.html, 'subject-id')).toBe(ada);
    const second = jar.cookies.get('__session') as string;
    expect((decodeJwt(second).payload.exp as number) - (decodeJwt(first).payload.exp as number)).toBeGreaterThanOrEqual(61);
    // Without the dev browser the Frontend API gives nothing.
    const noClient = new CookieJar();
    const refused = await refreshSessionToken(sandbox, noClient);
    expect([refused.status, errorCode(refused.text)]).toEqual([401, 'dev_browser_unauthenticated']);
  });

  it('ends an impersonated session after the inactivity limit without a token refresh', async () => {
    const token = await mint(ada, { sessionMaxDurationInSeconds: 3600 });
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const sessionId = sandbox.state.actorTokens().find((candidate) => candidate.id === token.id)?.sessionId as string;
    for (let minute = 0; minute < 3; minute++) {
      advance(540_000); // 9 minutes: a refresh in between keeps it alive
      expect((await refreshSessionToken(sandbox, jar)).status).toBe(200);
    }
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('active');
    advance(601_000);
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('expired');
    const refused = await refreshSessionToken(sandbox, jar);
    expect(refused.status).toBe(401);
  });

  it('ends the impersonation after session_max_duration_in_seconds: the session expires and the page signs out', async () => {
    const token = await mint(ada, { sessionMaxDurationInSeconds: 300 });
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const sessionId = sandbox.state.actorTokens().find((candidate) => candidate.id === token.id)?.sessionId as string;
    // The clock is real time plus an offset: leave margin for a slow, shared machine.
    advance(290_000);
    expect((await refreshSessionToken(sandbox, jar)).status).toBe(200); // the page's script keeps the token fresh
    expect(testIdText((await visit(`${sandbox.appUrl}/`, jar)).html, 'subject-id')).toBe(ada);
    advance(11_000);
    const page = await visit(`${sandbox.appUrl}/`, jar);
    // The last token could not outlive the session (its exp is capped at the session's end).
    expect(hasTestId(page.html, 'signed-out')).toBe(true);
    expect(hasTestId(page.html, 'subject-id')).toBe(false);
    expect(jar.cookies.has('__session')).toBe(false);
    // The API agrees (status filters included), at the sandbox's clock.
    expect(sandbox.state.session(sessionId)?.status).toBe('expired');
  });

  it('signs out as soon as the session is revoked through the Backend API', async () => {
    const token = await mint();
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const sid = decodeJwt(jar.cookies.get('__session') as string).payload.sid as string;
    await clerk.sessions.revokeSession(sid);
    // The cached JWT is still within its minute, but the page checks the session itself.
    const page = await visit(`${sandbox.appUrl}/`, jar);
    expect(page.html).toContain('data-testid="signed-out" data-reason="revoked"');
    expect(page.html).toContain('Signed out');
    const api = (await (await fetch(`${sandbox.appUrl}/api/session`, { headers: { cookie: jar.header() } })).json()) as { signedIn: boolean };
    expect(api.signedIn).toBe(false);
  });

  it('ends the previous session on the same browser when a new ticket is accepted, and on sign-out', async () => {
    const jar = new CookieJar();
    const first = await mint();
    await signIn(ticketUrl(first), jar);
    const second = await mint(SANDBOX_FIXTURES.plain[1]);
    const page = await signIn(ticketUrl(second), jar);
    expect(testIdText(page.html, 'subject-id')).toBe(SANDBOX_FIXTURES.plain[1]);
    const firstSession = sandbox.state.actorTokens().find((token) => token.id === first.id)?.sessionId as string;
    expect(sandbox.state.session(firstSession)?.status).toBe('ended');

    const out = await visit(`${sandbox.appUrl}/sign-out`, jar, 'POST', '');
    expect(out.html).toContain('data-testid="signed-out"');
    const secondSession = sandbox.state.actorTokens().find((token) => token.id === second.id)?.sessionId as string;
    expect((await clerk.sessions.getSession(secondSession)).status).toBe('ended');
  });

  it('escapes names and actor claims from the API', async () => {
    const hostileActor = { sub: SANDBOX_FIXTURES.operator, note: '</pre><script>alert(2)</script>' };
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.hostile, actor: hostileActor });
    const page = await signIn(ticketUrl(token), new CookieJar());
    expect(testIdText(page.html, 'subject-name')).toBe(`<img src=x onerror="alert(1)"> O'Brien & "Sons" </script>`);
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).not.toContain('<script>alert');
    expect(page.html.match(/<script/g)).toHaveLength(1); // only the app's own /app.js
    expect(JSON.parse(testIdText(page.html, 'actor-claims') ?? '{}')).toEqual(hostileActor);
  });

  it('accepts a form post from a signed-in session and records it', async () => {
    const token = await mint();
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const saved = await visit(`${sandbox.appUrl}/account`, jar, 'POST', 'display_name=Ada+%3Cb%3E');
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Saved display name: <strong>Ada &lt;b&gt;</strong>');
    const submission = sandbox.state.formSubmissions.at(-1);
    expect([submission?.userId, submission?.fields.display_name, submission?.actor]).toEqual([ada, 'Ada <b>', actor]);
    const anonymous = await visit(`${sandbox.appUrl}/account`, new CookieJar(), 'POST', 'display_name=x');
    expect(anonymous.status).toBe(401);
  });
});

describe('a development instance: the dev browser instead of __client', () => {
  const fapi = (path: string, devBrowser?: string) => {
    const url = new URL(`${sandbox.frontendApiUrl}${path}`);
    if (devBrowser !== undefined) url.searchParams.set(DEV_BROWSER_KEY, devBrowser);
    return url.href;
  };
  const createDevBrowser = async () => {
    const response = await fetch(fapi('/v1/dev_browser'), { method: 'POST' });
    expect(response.status).toBe(200);
    return ((await response.json()) as { id: string }).id;
  };

  it('refuses every Frontend API call without a valid __clerk_db_jwt: 401 dev_browser_unauthenticated, Clerk\'s envelope', async () => {
    const token = await mint();
    const unknownBrowser = 'dvb_2NotOneThisSandboxMade00000000';
    const calls: [string, string, string | undefined][] = [
      ['GET', '/v1/client', undefined],
      ['GET', '/v1/client', unknownBrowser],
      ['POST', '/v1/client/sign_ins', undefined],
      ['POST', '/v1/client/sign_ins', ''],
      ['POST', '/v1/client/sessions/sess_x/tokens', undefined],
      ['GET', '/.well-known/jwks.json', undefined],
    ];
    for (const [method, path, devBrowser] of calls) {
      const body = method === 'POST' ? new URLSearchParams({ strategy: 'ticket', ticket: token.token as string }) : undefined;
      const response = await fetch(fapi(path, devBrowser), { method, body });
      const json = (await response.json()) as { errors: { code: string; long_message: string }[] };
      expect([path, devBrowser, response.status, json.errors[0]?.code]).toEqual([path, devBrowser, 401, 'dev_browser_unauthenticated']);
      expect(json.errors[0]?.long_message).toBe('Unable to authenticate this browser for your development instance. Check your Clerk cookies and try again. If the issue persists reach out to support@clerk.com.');
      expect(checkResponse(method, path === '/v1/client/sessions/sess_x/tokens' ? '/v1/client/sessions/{session_id}/tokens' : path, 401, json, { spec: 'fapi' }).valid).toBe(true);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    // The refused sign-in did not use the ticket.
    expect(sandbox.state.actorTokens().find((candidate) => candidate.id === token.id)?.status).toBe('pending');
  });

  it('creates a dev browser per POST /v1/dev_browser, each its own client, and never sets __client', async () => {
    const [first, second] = [await createDevBrowser(), await createDevBrowser()];
    expect(first).not.toBe(second);
    const clientOf = async (devBrowser: string) => {
      const response = await fetch(fapi('/v1/client', devBrowser));
      expect(response.headers.getSetCookie()).toEqual([]);
      return ((await response.json()) as { response: { object: string; id: string } }).response;
    };
    const [a, b] = [await clientOf(first), await clientOf(second)];
    expect(a.object).toBe('client');
    expect(a.id).not.toBe(b.id);
    expect((await clientOf(first)).id).toBe(a.id);

    // A signed-in dev browser: the sign-in answer sets no cookie, and the session is reachable
    // only with that dev browser, never with a cookie.
    advance(2_500);
    const token = await mint();
    const signedIn = await fetch(fapi('/v1/client/sign_ins', first), { method: 'POST', body: new URLSearchParams({ strategy: 'ticket', ticket: token.token as string }) });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.getSetCookie()).toEqual([]);
    const sessionId = ((await signedIn.json()) as { response: { created_session_id: string } }).response.created_session_id;
    expect((await fetch(fapi(`/v1/client/sessions/${sessionId}/tokens`, first), { method: 'POST' })).status).toBe(200);
    const otherBrowser = await fetch(fapi(`/v1/client/sessions/${sessionId}/tokens`, second), { method: 'POST' });
    expect([otherBrowser.status, errorCode(await otherBrowser.text())]).toEqual([404, 'resource_not_found']);
  });

  it('accepts a ticket URL opened without a dev browser; with one, signs that client out first; refuses an unknown one', async () => {
    const jar = new CookieJar();
    const first = await mint();
    await signIn(ticketUrl(first), jar);
    const firstSession = sandbox.state.actorTokens().find((token) => token.id === first.id)?.sessionId as string;
    const second = await mint();
    const withBrowser = new URL(ticketUrl(second));
    withBrowser.searchParams.set(DEV_BROWSER_KEY, jar.cookies.get(DEV_BROWSER_KEY) as string);
    expect((await fetch(withBrowser, { redirect: 'manual' })).status).toBe(303);
    expect(sandbox.state.session(firstSession)?.status).toBe('ended');
    withBrowser.searchParams.set(DEV_BROWSER_KEY, 'dvb_2Unknown');
    const unknown = await fetch(withBrowser, { redirect: 'manual' });
    expect([unknown.status, errorCode(await unknown.text())]).toEqual([401, 'dev_browser_unauthenticated']);
    expect((await fetch(ticketUrl(second), { redirect: 'manual' })).status).toBe(303);
  });

  it('keeps dev browsers out of the page request log, while showing every Frontend API call carried one', async () => {
    const token = await mint();
    const jar = new CookieJar();
    await signIn(ticketUrl(token), jar);
    const devBrowser = jar.cookies.get(DEV_BROWSER_KEY) as string;
    expect(JSON.stringify(sandbox.pageRequests)).not.toContain(devBrowser);
    const calls = sandbox.pageRequests.filter((record) => record.server === 'frontend-api' && record.path.startsWith('/v1/client'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((record) => record.status === 200).every((record) => record.query[DEV_BROWSER_KEY] === '[redacted]')).toBe(true);
  });
});

describe('a production instance: __client on the Frontend API, no dev browser', () => {
  it('signs in with the httpOnly __client cookie, the app on 127.0.0.1, and refuses nothing for lack of a dev browser', async () => {
    const production = await startSandbox({ users: 20, instance: 'production' });
    try {
      expect(new URL(production.appUrl).hostname).toBe('127.0.0.1');
      const token = await clerkFor(production).actorTokens.create({ userId: ada, actor });
      const jar = new CookieJar();
      const page = await signInWithTicket(ticketUrl(token), jar, production);
      expect(page.hops.map((hop) => [new URL(hop.url).origin, new URL(hop.url).pathname, hop.status])).toEqual([
        [production.frontendApiUrl, '/v1/tickets/accept', 303],
        [production.accountsUrl, '/sign-in', 200],
        [production.appUrl, '/', 200],
      ]);
      expect(testIdText(page.html, 'subject-id')).toBe(ada);
      expect(jar.cookies.has('__client')).toBe(true);
      expect(jar.cookies.has(DEV_BROWSER_KEY)).toBe(false);
      expect((await refreshSessionToken(production, jar)).status).toBe(200);
      // The dev browser means nothing here: without `__client` there is no client.
      const anonymous = (await (await fetch(`${production.frontendApiUrl}/v1/client?${DEV_BROWSER_KEY}=dvb_2x`)).json()) as { response: unknown };
      expect(anonymous.response).toBeNull();
    } finally {
      await production.close();
    }
  });
});
