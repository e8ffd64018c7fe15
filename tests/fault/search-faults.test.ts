// Searching users while Clerk misbehaves, through the real dispatch, services, gateway and SDK
// against the sandbox's fault injection: 429 storms (Retry-After honoured, attempts bounded),
// server errors, dropped connections and slow answers. Waits run on a virtual clock shared with
// the sandbox where possible; one test measures real wall-clock gaps with Retry-After: 1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserPage } from '../../src/shared/domain.ts';
import { startSandbox, type RequestRecord, type Sandbox } from '../../src/sandbox/index.ts';
import { InertWindowHost, startRig, type Rig } from './rig.ts';

const SEARCH = { profileId: 'sandbox', query: '', limit: 10, offset: 0 };

/** The sandbox's clock, moved forward by the gateway's waits instead of real time passing. */
let clock = Date.now();
let virtual: Sandbox;
let real: Sandbox;
let fast: Rig;
let wallClock: Rig;

beforeAll(async () => {
  [virtual, real] = await Promise.all([startSandbox({ users: 40, now: () => clock }), startSandbox({ users: 40 })]);
  fast = await startRig({
    sandbox: virtual,
    windowHost: new InertWindowHost(),
    gateway: { random: () => 0.5, sleep: async (ms) => void (clock += ms) },
  });
  wallClock = await startRig({ sandbox: real, windowHost: new InertWindowHost(), gateway: { random: () => 0.5 } });
});
afterAll(async () => {
  await Promise.all([fast?.close(), wallClock?.close()]);
  await Promise.all([virtual?.close(), real?.close()]);
});
afterEach(() => {
  virtual.faults.clear();
  real.faults.clear();
  fast.sleeps.length = 0;
});

const usersRequests = (sandbox: Sandbox, from: number): RequestRecord[] => sandbox.requests.slice(from).filter((record) => record.route === 'GET /users');

describe('search under a 429 storm', () => {
  it('waits Retry-After (wall clock) before each retry, and answers once Clerk lets it', async () => {
    const from = real.requests.length;
    real.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
    const page = await wallClock.ok<UserPage>('users:search', SEARCH);
    expect(page.users).toHaveLength(10);
    const attempts = usersRequests(real, from);
    expect(attempts.map((record) => record.status)).toEqual([429, 429, 200]);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.time - attempts[i - 1]!.time).toBeGreaterThanOrEqual(1000);
  });

  it('does not burst: callers hit together all wait out Retry-After before any retry', async () => {
    const from = real.requests.length;
    real.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 1, times: 5 });
    const pages = await Promise.all(Array.from({ length: 5 }, (_, index) => wallClock.ok<UserPage>('users:search', { ...SEARCH, offset: index })));
    expect(pages.every((page) => page.users.length === 10)).toBe(true);
    const attempts = usersRequests(real, from);
    expect(attempts).toHaveLength(10);
    const refused = attempts.filter((record) => record.status === 429);
    const retries = attempts.filter((record) => record.status === 200);
    expect(refused).toHaveLength(5);
    expect(Math.min(...retries.map((record) => record.time))).toBeGreaterThanOrEqual(Math.min(...refused.map((record) => record.time)) + 1000);
  });

  it('honours Retry-After on the sandbox clock and gives up after a bounded number of attempts', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 7 });
    const error = await fast.error('users:search', SEARCH);
    // Two waits of 7 s fit the 15 s budget, a third would not: three attempts, then the operator is told.
    expect(error).toEqual({ kind: 'rate-limited', message: 'Clerk is limiting requests for this instance. Try again in 7 s.', retryAfterSeconds: 7 });
    const attempts = usersRequests(virtual, from);
    expect(attempts).toHaveLength(3);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.time - attempts[i - 1]!.time).toBeGreaterThanOrEqual(7000);
    expect(fast.sleeps).toEqual([7000, 7000]);
  });

  it('answers at once when Retry-After is beyond what an operator should wait', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: 'GET /users', kind: 'status', status: 429, retryAfterSeconds: 60 });
    expect(await fast.error('users:search', SEARCH)).toEqual({
      kind: 'rate-limited', message: 'Clerk is limiting requests for this instance. Try again in 60 s.', retryAfterSeconds: 60,
    });
    expect(usersRequests(virtual, from)).toHaveLength(1);
    expect(fast.sleeps).toEqual([]);
  });

  it('rides out Clerk’s real rate limit (100 requests per 10 s): every search answers, no retry comes early', async () => {
    const limited = await startSandbox({ users: 40, now: () => clock, rateLimit: true });
    const rig = await startRig({ sandbox: limited, windowHost: new InertWindowHost(), gateway: { random: () => 0.5, sleep: async (ms) => void (clock += ms) } });
    try {
      // 70 searches = 140 requests (each asks for the page and the count) plus the operator lookup.
      for (let i = 0; i < 70; i++) expect((await rig.ok<UserPage>('users:search', { ...SEARCH, offset: i })).offset).toBe(i);
      const records = limited.requests.filter((record) => record.route === 'GET /users' || record.route === 'GET /users/count');
      const refused = records.filter((record) => record.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      // No burst: only the requests already in flight when the limit hit are refused, then the client waits.
      expect(refused.length).toBeLessThanOrEqual(4);
      const accepted = limited.requests.filter((record) => record.status === 200).map((record) => record.time);
      for (const record of refused) {
        // The Retry-After Clerk sent: until the oldest accepted request leaves the 10 s window.
        const oldest = Math.min(...accepted.filter((time) => time > record.time - 10_000 && time <= record.time));
        const retryAfter = Math.max(1, Math.ceil((oldest + 10_000 - record.time) / 1000));
        const next = records.find((later) => later.route === record.route && later.time > record.time && later.status === 200);
        expect(next!.time - record.time).toBeGreaterThanOrEqual(retryAfter * 1000);
      }
      // And no window ever held more than Clerk allows: at most 100 accepted in any 10 s.
      for (const time of accepted) expect(accepted.filter((other) => other >= time && other < time + 10_000).length).toBeLessThanOrEqual(100);
    } finally {
      await rig.close();
      await limited.close();
    }
  });
});

describe('search when Clerk fails', () => {
  it('retries server errors with backoff and answers when Clerk recovers', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: 'GET /users', kind: 'status', status: 503, times: 2 });
    expect((await fast.ok<UserPage>('users:search', SEARCH)).users).toHaveLength(10);
    expect(usersRequests(virtual, from).map((record) => record.status)).toEqual([503, 503, 200]);
    // Exponential backoff with jitter (random fixed at 0.5): 300 ms and 600 ms bases.
    expect(fast.sleeps).toEqual([225, 450]);
  });

  it('says Clerk has a server problem after four attempts, and suggests trying again', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: 'GET /users', kind: 'status', status: 500 });
    expect(await fast.error('users:search', SEARCH)).toEqual({
      kind: 'network', message: 'Clerk had a server problem (status 500) while trying to search users. Try again in a moment.',
    });
    expect(usersRequests(virtual, from)).toHaveLength(4);
  });

  it('retries a dropped connection and answers', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: 'GET /users', kind: 'drop', times: 1 });
    expect((await fast.ok<UserPage>('users:search', SEARCH)).users).toHaveLength(10);
    expect(usersRequests(virtual, from)).toHaveLength(2);
  });

  it('says Clerk is unreachable when every connection drops, and suggests checking the network', async () => {
    const from = virtual.requests.length;
    virtual.faults.inject({ route: '*', kind: 'drop' });
    expect(await fast.error('users:search', SEARCH)).toEqual({
      kind: 'network', message: 'Clerk is unreachable (the connection failed or was dropped) while trying to search users. Check the network and try again.',
    });
    expect(usersRequests(virtual, from)).toHaveLength(4);
  });

  it('gives up on an answer that never comes, and retries', async () => {
    const slow = await startRig({ sandbox: virtual, windowHost: new InertWindowHost(), gateway: { random: () => 0.5, sleep: async () => undefined, requestTimeoutMs: 1000 } });
    try {
      const from = virtual.requests.length;
      virtual.faults.inject({ route: 'GET /users', kind: 'latency', ms: 1500, times: 1 });
      expect((await slow.ok<UserPage>('users:search', SEARCH)).users).toHaveLength(10);
      expect(usersRequests(virtual, from)).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('keeps working once Clerk is back', async () => {
    expect((await fast.ok<UserPage>('users:search', { ...SEARCH, query: 'ada' })).users.map((user) => user.name)).toContain('Ada Lovelace');
  });
});
