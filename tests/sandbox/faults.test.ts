// Fault injection and the request log, seen through @clerk/backend the way Understudy will see
// them: ClerkAPIResponseError with status and retryAfter, or a network failure.
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clerkFor, validateRecordedResponses } from './helpers.ts';
import { validateComponent } from './openapi.ts';
import { parseFault } from '../../src/sandbox/faults.ts';

let sandbox: Sandbox;
let clerk: ReturnType<typeof clerkFor>;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 50, recordBodies: true });
  clerk = clerkFor(sandbox);
});
afterAll(async () => {
  try {
    // Injected errors too must use the ClerkErrors envelope (drops have no body and are skipped).
    expect(validateRecordedResponses(sandbox)).toBeGreaterThan(10);
  } finally {
    await sandbox.close();
  }
});
afterEach(() => sandbox.faults.clear());

async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (reason: unknown) => reason,
  );
  if (!isClerkAPIResponseError(error)) throw error;
  return error;
}

describe('fault injection', () => {
  it('answers 429 with Retry-After, surfaced as ClerkAPIResponseError.retryAfter', async () => {
    sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 });
    const error = await failure(clerk.users.getUser(SANDBOX_FIXTURES.admin));
    expect([error.status, error.retryAfter, error.errors[0]?.code]).toEqual([429, 7, 'too_many_requests']);
    expect(error.clerkTraceId).toBeTruthy();
    validateComponent('ClerkErrors', sandbox.requests.at(-1)?.responseBody);
    // times: 1 — the next call goes through.
    expect((await clerk.users.getUser(SANDBOX_FIXTURES.admin)).id).toBe(SANDBOX_FIXTURES.admin);
  });

  it('answers 5xx for the next N requests on one route only', async () => {
    const handle = sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 503, times: 2 });
    const actor = { sub: SANDBOX_FIXTURES.operator };
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failure(clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor }));
      expect([error.status, error.errors[0]?.code]).toEqual([503, 'internal_clerk_error']);
    }
    expect([handle.hits, handle.remaining]).toEqual([2, 0]);
    // The failed calls created nothing; other routes were never affected.
    expect(sandbox.state.actorTokens()).toHaveLength(0);
    expect((await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor })).status).toBe('pending');
  });

  it('drops the connection: the SDK reports a network failure without a status', async () => {
    sandbox.faults.inject({ route: 'GET /sessions', kind: 'drop', times: 1 });
    const error = await failure(clerk.sessions.getSessionList({ userId: SANDBOX_FIXTURES.admin }));
    expect(error.status).toBeUndefined();
    expect(error.errors[0]?.code).toBe('unexpected_error');
    expect(sandbox.requests.at(-1)).toMatchObject({ route: 'GET /sessions', status: 0, fault: 'drop' });
  });

  it('can drop after doing the work: the token exists although the caller saw a failure', async () => {
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    const before = sandbox.state.actorTokens().length;
    const error = await failure(clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[1], actor: { sub: SANDBOX_FIXTURES.operator } }));
    expect(error.status).toBeUndefined();
    expect(sandbox.state.actorTokens()).toHaveLength(before + 1);
  });

  it('adds latency, and applies "*" faults to every route', async () => {
    sandbox.faults.inject({ route: 'GET /users/count', kind: 'latency', ms: 300, times: 1 });
    let started = performance.now();
    await clerk.users.getCount();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    await clerk.users.getCount();
    expect(performance.now() - started).toBeLessThan(250);

    sandbox.faults.inject({ route: '*', kind: 'status', status: 500 });
    expect((await failure(clerk.sessions.getSession('sess_anything'))).status).toBe(500);
    expect((await failure(clerk.users.getUser(SANDBOX_FIXTURES.admin))).status).toBe(500);
    expect(sandbox.faults.active).toHaveLength(1);
    sandbox.faults.clear();
    expect(sandbox.faults.active).toHaveLength(0);
    expect((await clerk.users.getUser(SANDBOX_FIXTURES.admin)).id).toBe(SANDBOX_FIXTURES.admin);
  });

  it('rejects faults for routes it does not serve, and lets one fault be removed', () => {
    expect(() => sandbox.faults.inject({ route: 'GET /v1/users', kind: 'drop' })).toThrow(/Unknown sandbox route/);
    const handle = sandbox.faults.inject({ route: 'GET /jwks', kind: 'drop' });
    expect(handle.remaining).toBe(Infinity);
    handle.remove();
    expect([handle.remaining, sandbox.faults.active.length]).toEqual([0, 0]);
  });
});

describe('request log', () => {
  it('records method, path, route, query, time and status of every Backend API request', async () => {
    const start = sandbox.requests.length;
    await clerk.users.getUserList({ query: 'ada', limit: 5, orderBy: '+first_name' });
    await failure(clerk.users.getUser('user_missing'));
    const records = sandbox.requests.slice(start);
    expect(records.map((record) => [record.method, record.route, record.status])).toEqual(
      expect.arrayContaining([
        ['GET', 'GET /users', 200],
        ['GET', 'GET /users/count', 200],
        ['GET', 'GET /users/{user_id}', 404],
      ]),
    );
    expect(records).toHaveLength(3);
    const list = records.find((record) => record.route === 'GET /users');
    expect(list?.query).toEqual({ query: 'ada', limit: '5', order_by: '+first_name' });
    expect(list?.path).toBe('/v1/users');
    expect(Math.abs((list?.time ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(JSON.stringify(records)).not.toContain(sandbox.secretKey);
  });
});

describe('rate limit (opt-in)', () => {
  it('answers 429 with Retry-After past 100 requests per 10 s on a development instance, except /jwks', async () => {
    let time = Date.now();
    const limited = await startSandbox({ users: 20, rateLimit: true, now: () => time });
    try {
      const limitedClerk = clerkFor(limited);
      for (let index = 0; index < 100; index++) await limitedClerk.users.getCount();
      const error = await failure(limitedClerk.users.getCount());
      expect(error.status).toBe(429);
      expect(error.retryAfter).toBeGreaterThanOrEqual(1);
      expect((await fetch(`${limited.apiUrl}/v1/jwks`, { headers: { authorization: `Bearer ${limited.secretKey}` } })).status).toBe(200);
      time += 10_001;
      expect(await limitedClerk.users.getCount()).toBe(20);
    } finally {
      await limited.close();
    }
  });
});

describe('--fault ROUTE=KIND[:ARG]', () => {
  it('parses the command line form into the fault injection spec, and refuses anything else', () => {
    expect(parseFault('POST /actor_tokens=status:503')).toEqual({ route: 'POST /actor_tokens', kind: 'status', status: 503 });
    expect(parseFault('*=latency:200')).toEqual({ route: '*', kind: 'latency', ms: 200 });
    expect(parseFault('GET /users=drop')).toEqual({ route: 'GET /users', kind: 'drop', afterHandling: false });
    expect(parseFault('POST /actor_tokens=drop:after')).toEqual({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true });
    for (const bad of ['GET /users', 'GET /users=status', 'GET /users=status:x', 'GET /users=explode', '=drop']) expect(() => parseFault(bad)).toThrow();
  });
});
