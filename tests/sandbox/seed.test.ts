// Seed data: reproducible from the seed, realistic, with the documented fixtures; and user search
// that stays fast at 100,000 users.
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_PROFILES, SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { generateSeed } from '../../src/sandbox/seed.ts';
import { createUserIndex } from '../../src/sandbox/user-index.ts';

const anchor = Date.UTC(2026, 4, 12);

describe('seed data', () => {
  it('is the same for the same seed and clock, and different for another seed', () => {
    const first = generateSeed({ count: 300, seed: 42, anchor });
    const second = generateSeed({ count: 300, seed: 42, anchor });
    const other = generateSeed({ count: 300, seed: 43, anchor });
    expect(second).toEqual(first);
    expect(other.users.slice(FIXTURE_PROFILES.length).map((user) => user.id)).not.toEqual(first.users.slice(FIXTURE_PROFILES.length).map((user) => user.id));
    // Fixtures keep their ids whatever the seed.
    expect(other.users.slice(0, FIXTURE_PROFILES.length).map((user) => user.id)).toEqual(first.users.slice(0, FIXTURE_PROFILES.length).map((user) => user.id));
  });

  it('has the documented fixtures', () => {
    const { users } = generateSeed({ count: 50, seed: 1, anchor });
    const byId = new Map(users.map((user) => [user.id, user]));
    const fixtureIds = [SANDBOX_FIXTURES.operator, SANDBOX_FIXTURES.admin, SANDBOX_FIXTURES.banned, SANDBOX_FIXTURES.locked, ...SANDBOX_FIXTURES.plain, SANDBOX_FIXTURES.phoneOnly, SANDBOX_FIXTURES.hostile];
    expect(users.slice(0, fixtureIds.length).map((user) => user.id)).toEqual(fixtureIds);
    expect(byId.get(SANDBOX_FIXTURES.admin)?.publicMetadata.role).toBe('admin');
    expect(byId.get(SANDBOX_FIXTURES.operator)?.publicMetadata.role).toBe('support');
    expect(byId.get(SANDBOX_FIXTURES.banned)?.banned).toBe(true);
    expect(byId.get(SANDBOX_FIXTURES.locked)?.locked).toBe(true);
    for (const id of SANDBOX_FIXTURES.plain) expect([byId.get(id)?.banned, byId.get(id)?.locked]).toEqual([false, false]);
    expect(byId.get(SANDBOX_FIXTURES.plain[0])?.emails).toHaveLength(3);
    expect(byId.get(SANDBOX_FIXTURES.phoneOnly)?.emails).toHaveLength(0);
  });

  it('looks like a real user base', () => {
    const { users, sessions } = generateSeed({ count: 2000, seed: 1, anchor });
    const generated = users.slice(FIXTURE_PROFILES.length);
    const share = (test: (user: (typeof users)[number]) => boolean) => generated.filter(test).length / generated.length;
    expect(users).toHaveLength(2000);
    expect(new Set(users.map((user) => user.id)).size).toBe(2000);
    expect(users.every((user) => /^user_2\w{26}$/.test(user.id))).toBe(true);
    const emails = users.flatMap((user) => user.emails.map((email) => email.address));
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.every((email) => /^[a-z0-9._+-]+@[a-z0-9.-]+$/.test(email) && /(\.example|example\.(com|org|net))$/.test(email))).toBe(true);
    expect(generated.every((user) => user.emails.length >= 1 && user.emails.length <= 3 && user.emails[0]?.verified)).toBe(true);
    expect(share((user) => user.emails.length > 1)).toBeGreaterThan(0.15);
    expect(share((user) => user.publicMetadata.role === 'admin')).toBeGreaterThan(0.01);
    expect(share((user) => user.banned)).toBeGreaterThan(0.005);
    expect(share((user) => user.locked)).toBeGreaterThan(0.003);
    expect(share((user) => user.lastSignInAt === null)).toBeGreaterThan(0.05);
    expect(share((user) => user.username !== null)).toBeGreaterThan(0.5);
    expect(share((user) => user.phones.length > 0)).toBeGreaterThan(0.2);
    expect(generated.every((user) => user.firstName && user.lastName && user.createdAt < anchor)).toBe(true);
    expect(generated.every((user) => user.lastSignInAt === null || (user.lastSignInAt >= user.createdAt && user.lastSignInAt <= anchor))).toBe(true);
    // Newest first, strictly: the default order needs no sorting.
    expect(users.every((user, index) => index === 0 || user.createdAt < (users[index - 1]?.createdAt ?? Infinity))).toBe(true);
    expect(sessions.length).toBeGreaterThan(10);
  });
});

describe('search', () => {
  const queries = ['ada', 'lovelace', 'grace hopper', 'maria', 'nguyen', 'hooli.example', 'smith', 'kim', 'sbxplain', '555', 'zzzz-none', 'a'];

  it('finds exactly the users a brute-force scan finds, in the default order', () => {
    const { users } = generateSeed({ count: 5_000, seed: 3, anchor });
    const index = createUserIndex(users);
    for (const query of queries) {
      const terms = query.split(' ');
      const expected = users.filter((user) =>
        terms.every((term) =>
          [user.id, user.username, user.firstName, user.lastName, ...user.emails.map((email) => email.address), ...user.phones.map((phone) => phone.number)].some((field) =>
            field?.toLowerCase().includes(term),
          ),
        ),
      );
      expect(index.count({ query }), query).toBe(expected.length);
      const page = index.page({ filter: { query: query.toUpperCase() }, order: { field: 'created_at', descending: true }, limit: 25, offset: 5 });
      expect(page.map((user) => user.id), query).toEqual(expected.slice(5, 30).map((user) => user.id));
    }
  });

  /** Server-side time (request log) and round trip of GET /users?query=… for distinct queries. */
  async function measure(sandbox: Sandbox) {
    const headers = { authorization: `Bearer ${sandbox.secretKey}` };
    const server: number[] = [];
    const roundTrip: number[] = [];
    for (const query of queries) {
      for (const variant of [query, query.toUpperCase(), ` ${query}`]) {
        const started = performance.now();
        const response = await fetch(`${sandbox.apiUrl}/v1/users?query=${encodeURIComponent(variant)}&limit=10`, { headers });
        expect(response.status).toBe(200);
        await response.json();
        roundTrip.push(performance.now() - started);
        server.push(sandbox.requests.at(-1)?.durationMs ?? Infinity);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
    return { server: median(server), roundTrip: median(roundTrip) };
  }

  const sandboxes: Sandbox[] = [];
  afterAll(() => Promise.all(sandboxes.map((sandbox) => sandbox.close())));

  it('stays fast over HTTP at 1,000 and 100,000 users', async () => {
    const timings: Record<string, { server: number; roundTrip: number }> = {};
    for (const users of [1_000, 100_000]) {
      const sandbox = await startSandbox({ users });
      sandboxes.push(sandbox);
      const count = (await (await fetch(`${sandbox.apiUrl}/v1/users/count`, { headers: { authorization: `Bearer ${sandbox.secretKey}` } })).json()) as { total_count: number };
      expect(count.total_count).toBe(users);
      timings[users] = await measure(sandbox);
    }
    const line = (users: number) => `${users} users: median ${timings[users]!.server.toFixed(2)} ms in the server, ${timings[users]!.roundTrip.toFixed(2)} ms round trip`;
    console.log(`GET /v1/users?query=… (limit 10, distinct queries) — ${line(1_000)}; ${line(100_000)}`);
    expect(timings[100_000]!.server).toBeLessThan(50); // generous: a few ms on a quiet machine
  }, 60_000);
});
