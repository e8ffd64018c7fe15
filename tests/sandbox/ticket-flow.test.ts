// The impersonation round trip without a browser: a cookie jar follows the actor token's URL hop by
// hop. The sandbox clock is injected so expiry is tested by moving time, not by waiting.
import { verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clerkFor, CookieJar, errorCode, hasTestId, refreshSessionToken, signInWithTicket, testIdText, ticketUrl, validateRecordedResponses, visit } from './helpers.ts';

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

    expect(page.hops.map((hop) => [new URL(hop.url).origin, new URL(hop.url).pathname, hop.status])).toEqual([
      [sandbox.frontendApiUrl, '/v1/tickets/accept', 303],
      [sandbox.accountsUrl, '/sign-in', 200],
      [sandbox.appUrl, '/', 200],
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
    expect(jar.cookies.has('__client')).toBe(true);
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
  it('refreshes the ~60 s session JWT only through the Frontend API with the __client cookie; the server never re-mints it', async () => {
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
    // Without the client cookie the Frontend API gives nothing.
    const noClient = new CookieJar();
    expect((await refreshSessionToken(sandbox, noClient)).status).toBe(401);
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
