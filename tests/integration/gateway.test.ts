// The real @clerk/backend SDK through our gateway against the sandbox: mapping, paging, tokens,
// sessions, JWT verification, error kinds under injected faults, and the retry rules (reads retried
// with Retry-After honoured; a mint never retried).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import { SessionTokenTimingError, type ClerkGateway, type GatewayOptions, type LateMintAnswer } from '../../src/main/clerk/gateway.ts';
import { AppError } from '../../src/shared/errors.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CookieJar, signInWithTicket as followTicket } from '../sandbox/helpers.ts';

let sandbox: Sandbox;
const USERS = 60;

beforeAll(async () => {
  sandbox = await startSandbox({ users: USERS, seed: 7 });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.faults.clear());

interface Probe {
  gateway: ClerkGateway;
  /** Each backoff wait, with how many API requests the sandbox had received when it began. */
  waits: { ms: number; requestsSoFar: number }[];
}

function gateway(options: Partial<GatewayOptions> = {}): Probe {
  const waits: Probe['waits'] = [];
  const gateway = createClerkBackendGateway({
    secretKey: sandbox.secretKey,
    apiUrl: sandbox.apiUrl,
    sleep: async (ms) => void waits.push({ ms, requestsSoFar: sandbox.requests.length }),
    random: () => 0.5,
    ...options,
  });
  return { gateway, waits };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a failure');
}

/** Requests to `route` received since `from` (an index into sandbox.requests). */
const requestsTo = (route: string, from: number) => sandbox.requests.slice(from).filter((record) => record.route === route);

/** Follows an actor token's ticket URL as a browser running the sign-in page's script does; returns the __session JWT. */
async function signInWithTicket(url: string, on: Sandbox = sandbox): Promise<string> {
  const jar = new CookieJar();
  const landed = await followTicket(url, jar, on);
  const jwt = jar.cookies.get('__session');
  if (!jwt) throw new Error(`ticket flow stopped with status ${landed.status}`);
  return jwt;
}

describe('reads', () => {
  it('finds users and maps them to ClerkUser', async () => {
    const { gateway: clerk } = gateway();
    const page = await clerk.searchUsers({ query: 'lovelace', limit: 10, offset: 0 });
    expect(page.totalCount).toBe(1);
    expect(page.users).toEqual([
      {
        id: SANDBOX_FIXTURES.plain[0],
        name: 'Ada Lovelace',
        username: 'ada',
        primaryEmail: 'ada@analytical.example',
        imageUrl: expect.stringMatching(/^http/),
        banned: false,
        locked: false,
        role: 'member',
        lastSignInAt: expect.any(Number),
        createdAt: expect.any(Number),
        emails: ['ada@analytical.example', 'ada.lovelace@example.com', 'countess@example.org'],
        phoneNumbers: ['+15555550101'],
        lastActiveAt: expect.any(Number),
        publicMetadata: { role: 'member', plan: 'pro' },
      },
    ]);
  });

  it('pages through everyone, most recent sign-in first, with the total count', async () => {
    const { gateway: clerk } = gateway();
    const first = await clerk.searchUsers({ query: '', limit: 25, offset: 0 });
    const second = await clerk.searchUsers({ query: '  ', limit: 25, offset: 25 });
    const last = await clerk.searchUsers({ query: '', limit: 25, offset: 50 });
    expect([first.totalCount, second.totalCount, last.totalCount]).toEqual([USERS, USERS, USERS]);
    expect([first.users.length, second.users.length, last.users.length]).toEqual([25, 25, 10]);
    const ids = [...first.users, ...second.users, ...last.users].map((user) => user.id);
    expect(new Set(ids).size).toBe(USERS);
    const signIns = first.users.map((user) => user.lastSignInAt ?? -Infinity);
    expect(signIns).toEqual([...signIns].sort((a, b) => b - a));
    expect(await clerk.countUsers()).toBe(USERS);
    expect(await clerk.countUsers('hopper')).toBe(1);
  });

  it('gets one user, naming people without a name by username or email', async () => {
    const { gateway: clerk } = gateway();
    expect(await clerk.getUser(SANDBOX_FIXTURES.admin)).toMatchObject({ name: 'Grace Hopper', role: 'admin', emails: ['grace.hopper@acme.example', 'grace@hopper.example'] });
    expect(await clerk.getUser(SANDBOX_FIXTURES.banned)).toMatchObject({ banned: true });
    expect(await clerk.getUser(SANDBOX_FIXTURES.locked)).toMatchObject({ locked: true });
    expect(await clerk.getUser(SANDBOX_FIXTURES.phoneOnly)).toMatchObject({ name: 'quiet_quokka', primaryEmail: null, phoneNumbers: ['+15555550199'], role: null });
  });
});

describe('actor tokens, sessions and verification', () => {
  it('mints a token whose sign-in is verified with the actor claim, then ends the session', async () => {
    const { gateway: clerk } = gateway();
    const subject = SANDBOX_FIXTURES.plain[2];
    const token = await clerk.createActorToken({
      userId: subject,
      actor: { sub: SANDBOX_FIXTURES.operator, ticket: 'SUP-1234' },
      expiresInSeconds: 600,
      sessionMaxDurationInSeconds: 900,
    });
    expect(token).toEqual({ id: expect.stringMatching(/^act_/), status: 'pending', userId: subject, url: expect.stringContaining(sandbox.frontendApiUrl), createdAt: expect.any(Number) });

    const jwt = await signInWithTicket(token.url);
    const verified = await clerk.verifySessionToken(jwt);
    expect(verified).toEqual({
      sub: subject,
      sid: expect.stringMatching(/^sess_/),
      act: { sub: SANDBOX_FIXTURES.operator, ticket: 'SUP-1234' },
      iss: sandbox.frontendApiUrl,
      exp: expect.any(Number),
    });

    const sessions = await clerk.listSessions({ userId: subject });
    const impersonated = sessions.find((session) => session.id === verified.sid);
    expect(impersonated).toMatchObject({ userId: subject, status: 'active', actor: { sub: SANDBOX_FIXTURES.operator, ticket: 'SUP-1234' } });
    expect(impersonated!.expireAt - impersonated!.createdAt).toBeLessThanOrEqual(900_000);
    expect(await clerk.listSessions({ userId: subject, status: 'active' })).toContainEqual(expect.objectContaining({ id: verified.sid }));

    expect((await clerk.getSession(verified.sid)).status).toBe('active');
    expect((await clerk.revokeSession(verified.sid)).status).toBe('revoked');
    // Revoking again is harmless: that is what makes retrying a revoke safe.
    expect((await clerk.revokeSession(verified.sid)).status).toBe('revoked');
    expect((await clerk.getSession(verified.sid)).status).toBe('revoked');
    // The token was used: it can no longer be revoked.
    expect((await failure(clerk.revokeActorToken(token.id))).kind).toBe('conflict');
  });

  it('tolerates up to a minute of clock skew between this machine and Clerk, but not more', async () => {
    for (const [skewMs, ok] of [[45_000, true], [-45_000, true], [150_000, false]] as const) {
      const skewed = await startSandbox({ users: 10, clockSkewMs: skewMs });
      try {
        const clerk = createClerkBackendGateway({ secretKey: skewed.secretKey, apiUrl: skewed.apiUrl, sleep: async () => undefined });
        const token = await clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[0], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 600, sessionMaxDurationInSeconds: 600 });
        const verifying = clerk.verifySessionToken(await signInWithTicket(token.url, skewed));
        if (ok) await expect(verifying).resolves.toMatchObject({ sub: SANDBOX_FIXTURES.plain[0] });
        else await expect(verifying).rejects.toBeInstanceOf(SessionTokenTimingError);
      } finally {
        await skewed.close();
      }
    }
  });

  it('revokes an unused token', async () => {
    const { gateway: clerk } = gateway();
    const token = await clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
    expect(await clerk.revokeActorToken(token.id)).toEqual({ id: token.id, status: 'revoked' });
    expect(sandbox.state.actorTokens().find((t) => t.id === token.id)?.status).toBe('revoked');
  });

  it('refuses session tokens that are not genuine', async () => {
    const { gateway: clerk } = gateway();
    expect((await failure(clerk.verifySessionToken('not-a-jwt'))).kind).toBe('validation');
    const token = await clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
    const jwt = await signInWithTicket(token.url);
    const [header, payload] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: SANDBOX_FIXTURES.admin })).toString('base64url')}.${jwt.split('.')[2]}`;
    expect(await failure(clerk.verifySessionToken(forged))).toMatchObject({ kind: 'validation', message: expect.stringMatching(/could not be verified/) });
    // The JWKS is fetched with the secret key: a rejected key is reported as such.
    const wrongKey = gateway({ secretKey: 'sk_test_' + 'J'.repeat(40) });
    expect((await failure(wrongKey.gateway.verifySessionToken(jwt))).kind).toBe('invalid-key');
  });
});

describe('error mapping', () => {
  it('maps 401, 404 and 422 to their kinds without retrying', async () => {
    const wrongKey = gateway({ secretKey: 'sk_test_' + 'W'.repeat(40) });
    const from = sandbox.requests.length;
    expect(await failure(wrongKey.gateway.countUsers())).toMatchObject({ kind: 'invalid-key' });
    const { gateway: clerk, waits } = gateway();
    expect(await failure(clerk.getUser('user_2doesNotExist000000000000'))).toMatchObject({ kind: 'not-found' });
    expect(await failure(clerk.searchUsers({ query: '', limit: 501, offset: 0 }))).toMatchObject({ kind: 'validation', message: expect.stringMatching(/^Clerk refused to search users: limit/) });
    expect(await failure(clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[0], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: -5, sessionMaxDurationInSeconds: 60 }))).toMatchObject({
      kind: 'validation',
    });
    expect(sandbox.requests.length - from).toBeLessThanOrEqual(5);
    expect(waits).toEqual([]);
  });

  it('maps the impersonation quota (402, 422 used up) to quota', async () => {
    const { gateway: clerk } = gateway();
    const mint = () => clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[0], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 402, times: 1 });
    expect(await failure(mint())).toMatchObject({ kind: 'quota', message: expect.stringMatching(/not on this instance's Clerk plan/) });
    // A free plan's monthly quota, as the sandbox refuses it (Clerk's 422 impersonation_limit_exceeded).
    const limited = await startSandbox({ users: 10, quota: 2 });
    try {
      const onLimited = createClerkBackendGateway({ secretKey: limited.secretKey, apiUrl: limited.apiUrl, sleep: async () => undefined });
      const mintThere = () => onLimited.createActorToken({ userId: SANDBOX_FIXTURES.plain[0], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
      await mintThere();
      await mintThere();
      expect(await failure(mintThere())).toMatchObject({ kind: 'quota', message: expect.stringMatching(/2 of 2 impersonations used this billing period/) });
    } finally {
      await limited.close();
    }
  });

  it('reports 5xx and dropped connections as network trouble once retries are spent', async () => {
    const { gateway: clerk, waits } = gateway();
    sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'status', status: 503 });
    let from = sandbox.requests.length;
    expect(await failure(clerk.getUser(SANDBOX_FIXTURES.admin))).toMatchObject({ kind: 'network', message: expect.stringMatching(/status 503/) });
    expect(requestsTo('GET /users/{user_id}', from)).toHaveLength(4);
    expect(waits.map((wait) => wait.ms)).toEqual([225, 450, 900]);

    sandbox.faults.clear();
    sandbox.faults.inject({ route: 'GET /users/count', kind: 'drop' });
    from = sandbox.requests.length;
    expect(await failure(clerk.countUsers())).toMatchObject({ kind: 'network', message: expect.stringMatching(/unreachable/) });
    expect(requestsTo('GET /users/count', from)).toHaveLength(4);
  });

  it('treats a request that outlives its timeout as failed', async () => {
    const { gateway: clerk, waits } = gateway({ requestTimeoutMs: 150 });
    sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'latency', ms: 400, times: 1 });
    const started = performance.now();
    // The first attempt times out, the retry answers.
    expect((await clerk.getUser(SANDBOX_FIXTURES.admin)).id).toBe(SANDBOX_FIXTURES.admin);
    expect(performance.now() - started).toBeLessThan(400);
    expect(waits).toHaveLength(1);
  });

  it('never puts the secret key in an error', async () => {
    const errors: AppError[] = [];
    const { gateway: clerk } = gateway();
    errors.push(await failure(gateway({ secretKey: 'sk_test_' + 'Z'.repeat(40) }).gateway.getUser(SANDBOX_FIXTURES.admin)));
    sandbox.faults.inject({ route: '*', kind: 'status', status: 500 });
    errors.push(await failure(clerk.countUsers()));
    errors.push(await failure(clerk.createActorToken({ userId: SANDBOX_FIXTURES.admin, actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 })));
    const text = JSON.stringify(errors.map((error) => ({ ...error.toData(), stack: error.stack, cause: String(error.cause) })));
    expect(text).not.toContain(sandbox.secretKey);
    expect(text).not.toContain('Z'.repeat(40));
    expect(text).not.toContain(Buffer.from(sandbox.secretKey).toString('base64'));
  });
});

describe('retries', () => {
  it('reports how a mint it stopped waiting for ended: created, refused or lost', async () => {
    const slow = gateway({ requestTimeoutMs: 100 });
    const route = 'POST /actor_tokens';
    const mintLate = async (...faults: Parameters<typeof sandbox.faults.inject>[0][]) => {
      sandbox.faults.inject({ route, kind: 'latency', ms: 400, times: 1 });
      for (const fault of faults) sandbox.faults.inject(fault);
      const answer = new Promise<LateMintAnswer>((resolve) => {
        void failure(
          slow.gateway.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 }, resolve),
        ).then((error) => expect(error.kind).toBe('ambiguous'));
      });
      return answer;
    };
    const created = await mintLate();
    expect(created.outcome).toBe('minted');
    const tokenId = (created as Extract<LateMintAnswer, { outcome: 'minted' }>).tokenId;
    expect(sandbox.state.actorTokens().map((token) => token.id)).toContain(tokenId);

    expect(await mintLate({ route, kind: 'status', status: 422, times: 1 })).toMatchObject({ outcome: 'refused', message: expect.stringMatching(/Clerk refused/) });
    expect(await mintLate({ route, kind: 'drop', times: 1 })).toEqual({ outcome: 'lost' });
  });

  it('waits at least Retry-After between attempts, one request per wait', async () => {
    const { gateway: clerk, waits } = gateway();
    sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'status', status: 429, retryAfterSeconds: 2, times: 2 });
    const from = sandbox.requests.length;
    expect((await clerk.getUser(SANDBOX_FIXTURES.admin)).id).toBe(SANDBOX_FIXTURES.admin);
    const requests = requestsTo('GET /users/{user_id}', from);
    expect(requests.map((record) => record.status)).toEqual([429, 429, 200]);
    expect(waits.map((wait) => wait.ms)).toEqual([2000, 2000]);
    // Each wait began after exactly one more request: no burst.
    expect(waits.map((wait) => wait.requestsSoFar - from)).toEqual([1, 2]);
  });

  it('gives up with rate-limited and its Retry-After when Clerk keeps refusing', async () => {
    const { gateway: clerk, waits } = gateway();
    sandbox.faults.inject({ route: 'GET /sessions', kind: 'status', status: 429, retryAfterSeconds: 3 });
    const from = sandbox.requests.length;
    expect((await failure(clerk.listSessions({ userId: SANDBOX_FIXTURES.admin }))).toData()).toEqual({
      kind: 'rate-limited',
      message: 'Clerk is limiting requests for this instance. Try again in 3 s.',
      retryAfterSeconds: 3,
    });
    expect(requestsTo('GET /sessions', from)).toHaveLength(4);
    expect(waits.map((wait) => wait.ms)).toEqual([3000, 3000, 3000]);
  });

  it('does not wait for a Retry-After longer than the whole budget', async () => {
    const { gateway: clerk, waits } = gateway();
    sandbox.faults.inject({ route: 'GET /users/count', kind: 'status', status: 429, retryAfterSeconds: 60 });
    const from = sandbox.requests.length;
    expect(await failure(clerk.countUsers())).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(requestsTo('GET /users/count', from)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never retries a mint: 5xx and dropped connections are ambiguous', async () => {
    const { gateway: clerk, waits } = gateway();
    const mint = () => clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
    const route = 'POST /actor_tokens';

    sandbox.faults.inject({ route, kind: 'status', status: 502, times: 1 });
    let from = sandbox.requests.length;
    expect(await failure(mint())).toMatchObject({ kind: 'ambiguous', message: expect.stringMatching(/status 502.*not retried/) });
    expect(requestsTo(route, from)).toHaveLength(1);

    // Dropped after Clerk did the work: the token exists, and the client cannot know it.
    const tokensBefore = sandbox.state.actorTokens().length;
    sandbox.faults.inject({ route, kind: 'drop', afterHandling: true, times: 1 });
    from = sandbox.requests.length;
    expect(await failure(mint())).toMatchObject({ kind: 'ambiguous', message: expect.stringMatching(/failed or was dropped/) });
    expect(requestsTo(route, from)).toHaveLength(1);
    expect(sandbox.state.actorTokens().length).toBe(tokensBefore + 1);

    sandbox.faults.inject({ route, kind: 'drop', times: 1 });
    from = sandbox.requests.length;
    expect((await failure(mint())).kind).toBe('ambiguous');
    expect(requestsTo(route, from)).toHaveLength(1);

    const slow = gateway({ requestTimeoutMs: 100 });
    sandbox.faults.inject({ route, kind: 'latency', ms: 300, times: 1 });
    from = sandbox.requests.length;
    expect(await failure(slow.gateway.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 }))).toMatchObject({
      kind: 'ambiguous',
      message: expect.stringMatching(/did not answer in time/),
    });
    expect(requestsTo(route, from)).toHaveLength(1);

    // A clean refusal is not ambiguous: 429 means Clerk did nothing.
    sandbox.faults.inject({ route, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    from = sandbox.requests.length;
    expect(await failure(mint())).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 1 });
    expect(requestsTo(route, from)).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(slow.waits).toEqual([]);
  });

  it('retries a token revoke only when Clerk refused it with 429', async () => {
    const { gateway: clerk, waits } = gateway();
    const route = 'POST /actor_tokens/{actor_token_id}/revoke';
    const token = await clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });

    sandbox.faults.inject({ route, kind: 'status', status: 500, times: 1 });
    let from = sandbox.requests.length;
    expect((await failure(clerk.revokeActorToken(token.id))).kind).toBe('network');
    expect(requestsTo(route, from)).toHaveLength(1);

    sandbox.faults.inject({ route, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    from = sandbox.requests.length;
    expect(await clerk.revokeActorToken(token.id)).toEqual({ id: token.id, status: 'revoked' });
    expect(requestsTo(route, from).map((record) => record.status)).toEqual([429, 200]);
    expect(waits.map((wait) => wait.ms)).toEqual([1000]);
  });

  it('retries a session revoke after a dropped answer, since revoking twice is harmless', async () => {
    const { gateway: clerk } = gateway();
    const token = await clerk.createActorToken({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator }, expiresInSeconds: 60, sessionMaxDurationInSeconds: 60 });
    const { sid } = await clerk.verifySessionToken(await signInWithTicket(token.url));
    const route = 'POST /sessions/{session_id}/revoke';
    sandbox.faults.inject({ route, kind: 'drop', afterHandling: true, times: 1 });
    const from = sandbox.requests.length;
    expect((await clerk.revokeSession(sid)).status).toBe('revoked');
    expect(requestsTo(route, from)).toHaveLength(2);
  });
});
