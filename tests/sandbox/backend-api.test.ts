// Fidelity of the Backend API: every @clerk/backend call Understudy makes, run for real against the
// sandbox, must give proper SDK objects and errors; and every response the sandbox sent is then
// checked against Clerk's OpenAPI schema.
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clerkFor, CookieJar, signInWithTicket, ticketUrl, validateRecordedResponses, visit } from './helpers.ts';
import { validateResponse } from './openapi.ts';

let sandbox: Sandbox;
let clerk: ReturnType<typeof clerkFor>;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 500, seed: 7, recordBodies: true });
  clerk = clerkFor(sandbox);
});

afterAll(async () => {
  try {
    // Everything the SDK received, validated against the spec for its operation and status.
    expect(validateRecordedResponses(sandbox)).toBeGreaterThan(40);
  } finally {
    await sandbox.close();
  }
});

/** The ClerkAPIResponseError a call rejects with. */
async function apiError(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (reason: unknown) => reason,
  );
  if (!isClerkAPIResponseError(error)) throw error;
  return error;
}

function raw(path: string, init: RequestInit = {}, key: string | null = sandbox.secretKey) {
  return fetch(`${sandbox.apiUrl}/v1${path}`, {
    ...init,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
}

describe('users', () => {
  it('lists users as SDK objects, newest first, fixtures on top, with totalCount from /users/count', async () => {
    const before = sandbox.requests.length;
    const page = await clerk.users.getUserList({ limit: 9 });
    expect(page.totalCount).toBe(500);
    expect(page.data.map((user) => user.id)).toEqual([
      SANDBOX_FIXTURES.operator, SANDBOX_FIXTURES.admin, SANDBOX_FIXTURES.banned, SANDBOX_FIXTURES.locked,
      ...SANDBOX_FIXTURES.plain, SANDBOX_FIXTURES.phoneOnly, SANDBOX_FIXTURES.hostile,
    ]);
    const ada = page.data[4];
    expect(ada?.fullName).toBe('Ada Lovelace');
    expect(ada?.primaryEmailAddress?.emailAddress).toBe('ada@analytical.example');
    expect(ada?.primaryPhoneNumber?.phoneNumber).toBe('+15555550101');
    expect(ada?.emailAddresses.map((email) => email.linkedTo)).toEqual([[], [], []]);
    const created = page.data.map((user) => user.createdAt);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    // The SDK asks /users and /users/count, once each.
    expect(sandbox.requests.slice(before).map((record) => record.route).sort()).toEqual(['GET /users', 'GET /users/count']);
  });

  it('searches with query: partial, case-insensitive, across names, emails, usernames, phones and ids', async () => {
    const ids = async (query: string) => (await clerk.users.getUserList({ query, limit: 100 })).data.map((user) => user.id);
    const ada = SANDBOX_FIXTURES.plain[0];
    expect(await ids('LOVELACE')).toEqual([ada]);
    expect(await ids('countess@example')).toEqual([ada]);
    expect(await ids('5555550101')).toEqual([ada]);
    expect(await ids('sbxPlainAda')).toEqual([ada]);
    expect(await ids('grace hopper')).toEqual([SANDBOX_FIXTURES.admin]);
    expect(await ids('quiet_quo')).toEqual([SANDBOX_FIXTURES.phoneOnly]);
    expect(await ids('no-such-person-anywhere')).toEqual([]);
    const broad = await clerk.users.getUserList({ query: 'example.com', limit: 500 });
    expect(broad.totalCount).toBe(broad.data.length);
    expect(broad.data.length).toBeGreaterThan(10);
    for (const user of broad.data) {
      expect(user.emailAddresses.some((email) => email.emailAddress.includes('example.com'))).toBe(true);
    }
  });

  it('filters by emailAddress, userId, username and banned, and counts the same way', async () => {
    const byEmail = await clerk.users.getUserList({ emailAddress: ['GRACE.HOPPER@acme.example', 'alan.turing@bletchley.example', 'nobody@example.com'] });
    expect(byEmail.data.map((user) => user.id).sort()).toEqual([SANDBOX_FIXTURES.admin, SANDBOX_FIXTURES.plain[1]].sort());
    expect(byEmail.totalCount).toBe(2);
    const byId = await clerk.users.getUserList({ userId: [SANDBOX_FIXTURES.banned, SANDBOX_FIXTURES.locked, 'user_missing'] });
    expect(byId.data.map((user) => user.id)).toEqual([SANDBOX_FIXTURES.banned, SANDBOX_FIXTURES.locked]);
    const byUsername = await clerk.users.getUserList({ username: ['ada', 'kjohnson'] });
    expect(byUsername.data.map((user) => user.username)).toEqual(['ada', 'kjohnson']);
    expect(await clerk.users.getCount({ userId: [SANDBOX_FIXTURES.admin] })).toBe(1);

    const bannedIds = sandbox.state.users.filter((user) => user.banned).map((user) => user.id);
    expect(bannedIds.length).toBeGreaterThan(2);
    const banned = (await (await raw('/users?banned=true&limit=500')).json()) as { id: string; banned: boolean }[];
    expect(banned.map((user) => user.id)).toEqual(bannedIds);
    const notBanned = (await (await raw('/users/count?banned=false')).json()) as { total_count: number };
    expect(notBanned.total_count).toBe(500 - bannedIds.length);
    const excluded = (await (await raw(`/users/count?user_id=-${SANDBOX_FIXTURES.admin}`)).json()) as { total_count: number };
    expect(excluded.total_count).toBe(499);
  });

  it('paginates with limit and offset without gaps or overlap', async () => {
    const first = await clerk.users.getUserList({ query: 'a', limit: 7, offset: 0 });
    const second = await clerk.users.getUserList({ query: 'a', limit: 7, offset: 7 });
    const both = await clerk.users.getUserList({ query: 'a', limit: 14 });
    expect([...first.data, ...second.data].map((user) => user.id)).toEqual(both.data.map((user) => user.id));
    expect(new Set(both.data.map((user) => user.id)).size).toBe(14);
    expect(first.totalCount).toBe(both.totalCount);
    const past = await clerk.users.getUserList({ limit: 10, offset: 495 });
    expect(past.data).toHaveLength(5);
    const defaults = (await (await raw('/users')).json()) as unknown[];
    expect(defaults).toHaveLength(10);
  });

  it('orders by the spec fields in both directions, nulls last', async () => {
    type Field = 'first_name' | 'last_name' | 'username' | 'email_address' | 'last_sign_in_at' | 'created_at' | 'last_active_at';
    const read: Record<Field, (user: Awaited<ReturnType<typeof clerk.users.getUser>>) => string | number | null> = {
      first_name: (user) => user.firstName?.toLowerCase() ?? null,
      last_name: (user) => user.lastName?.toLowerCase() ?? null,
      username: (user) => user.username?.toLowerCase() ?? null,
      email_address: (user) => user.primaryEmailAddress?.emailAddress.toLowerCase() ?? null,
      last_sign_in_at: (user) => user.lastSignInAt,
      last_active_at: (user) => user.lastActiveAt,
      created_at: (user) => user.createdAt,
    };
    for (const field of Object.keys(read) as Field[]) {
      for (const sign of ['+', '-'] as const) {
        const { data } = await clerk.users.getUserList({ orderBy: `${sign}${field}`, limit: 500 });
        const values = data.map(read[field]);
        const present = values.filter((value) => value !== null) as (string | number)[];
        const sorted = [...present].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (sign === '-') sorted.reverse();
        expect(present, `${sign}${field}`).toEqual(sorted);
        expect(values.slice(present.length).every((value) => value === null), `${sign}${field} nulls last`).toBe(true);
      }
    }
  });

  it('rejects a bad limit, offset or order_by with a 422 Clerk error', async () => {
    const tooMany = await apiError(clerk.users.getUserList({ limit: 501 }));
    expect(tooMany.status).toBe(422);
    expect(tooMany.errors[0]?.code).toBe('form_param_value_invalid');
    expect(tooMany.errors[0]?.meta?.paramName).toBe('limit');
    const badOrder = await apiError(clerk.users.getUserList({ orderBy: '-shoe_size' as never }));
    expect(badOrder.status).toBe(422);
    for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'banned=maybe']) {
      const response = await raw(`/users?${query}`);
      expect(response.status, query).toBe(422);
      validateResponse('GET', '/users', 422, await response.json());
    }
  });

  it('gets one user with the fields the console shows', async () => {
    const admin = await clerk.users.getUser(SANDBOX_FIXTURES.admin);
    expect(admin.publicMetadata).toEqual({ role: 'admin', plan: 'enterprise' });
    expect(admin.emailAddresses.map((email) => email.emailAddress)).toEqual(['grace.hopper@acme.example', 'grace@hopper.example']);
    expect(admin.imageUrl).toBe(`${sandbox.appUrl}/avatars/${SANDBOX_FIXTURES.admin}.svg`);
    expect(admin.lastSignInAt).toBeTypeOf('number');
    const banned = await clerk.users.getUser(SANDBOX_FIXTURES.banned);
    expect([banned.banned, banned.locked]).toEqual([true, false]);
    const locked = await clerk.users.getUser(SANDBOX_FIXTURES.locked);
    expect(locked.locked).toBe(true);
    expect(locked.raw?.lockout_expires_in_seconds).toBe(1800);
    const phoneOnly = await clerk.users.getUser(SANDBOX_FIXTURES.phoneOnly);
    expect([phoneOnly.fullName, phoneOnly.primaryEmailAddress]).toEqual([null, null]);
    const hostile = await clerk.users.getUser(SANDBOX_FIXTURES.hostile);
    expect(hostile.firstName).toBe('<img src=x onerror="alert(1)">');

    const avatar = await fetch(admin.imageUrl);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toContain('>GH</text>');
    const hostileAvatar = await (await fetch(hostile.imageUrl)).text();
    expect(hostileAvatar).not.toContain('<img');
  });

  it('answers an unknown user with 404 and a Clerk error body', async () => {
    const error = await apiError(clerk.users.getUser('user_doesnotexist'));
    expect(error.status).toBe(404);
    expect(error.errors[0]?.code).toBe('resource_not_found');
    expect(error.clerkTraceId).toMatch(/^[\w-]{10,}$/);
  });
});

describe('actor tokens', () => {
  it('creates a pending token with defaults, copying every actor claim as sent', async () => {
    const actor = { sub: SANDBOX_FIXTURES.operator, reason: 'Ticket 4711', ticketId: 'T-4711' };
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[1], actor });
    expect(token.id).toMatch(/^act_2\w{26}$/);
    expect([token.status, token.userId]).toEqual(['pending', SANDBOX_FIXTURES.plain[1]]);
    // Keys inside `actor` pass through untouched (no snake_casing).
    expect(token.actor).toEqual(actor);
    expect(token.url).toBe(`${sandbox.frontendApiUrl}/v1/tickets/accept?ticket=${token.token}`);
    const stored = sandbox.state.actorTokens().find((candidate) => candidate.id === token.id);
    expect(stored && [stored.expiresAt - stored.createdAt, stored.sessionMaxDurationInSeconds]).toEqual([3_600_000, 1800]);

    const custom = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[1], actor, expiresInSeconds: 120, sessionMaxDurationInSeconds: 600 });
    const customStored = sandbox.state.actorTokens().find((candidate) => candidate.id === custom.id);
    expect(customStored && [customStored.expiresAt - customStored.createdAt, customStored.sessionMaxDurationInSeconds]).toEqual([120_000, 600]);
    expect(new Set([token.token, custom.token]).size).toBe(2);
  });

  it('refuses an unknown user (404) and malformed bodies (422 / 400)', async () => {
    const unknown = await apiError(clerk.actorTokens.create({ userId: 'user_nobody', actor: { sub: SANDBOX_FIXTURES.operator } }));
    expect([unknown.status, unknown.errors[0]?.code]).toEqual([404, 'resource_not_found']);
    const cases: [unknown, number, string][] = [
      [{ actor: { sub: 'x' } }, 422, 'form_param_missing'],
      [{ user_id: SANDBOX_FIXTURES.admin }, 422, 'form_param_missing'],
      [{ user_id: SANDBOX_FIXTURES.admin, actor: { role: 'support' } }, 422, 'form_param_value_invalid'],
      [{ user_id: SANDBOX_FIXTURES.admin, actor: 'support' }, 422, 'form_param_value_invalid'],
      [{ user_id: SANDBOX_FIXTURES.admin, actor: { sub: 'x' }, expires_in_seconds: -5 }, 422, 'form_param_value_invalid'],
      [{ user_id: SANDBOX_FIXTURES.admin, actor: { sub: 'x' }, session_max_duration_in_seconds: 1.5 }, 422, 'form_param_value_invalid'],
      [{ user_id: SANDBOX_FIXTURES.admin, actor: { sub: 'x' }, userId: 'camel' }, 422, 'form_param_unknown'],
    ];
    for (const [body, status, code] of cases) {
      const response = await raw('/actor_tokens', { method: 'POST', body: JSON.stringify(body) });
      const json = (await response.json()) as { errors: { code: string }[] };
      expect([response.status, json.errors[0]?.code], JSON.stringify(body)).toEqual([status, code]);
      validateResponse('POST', '/actor_tokens', status, json);
    }
    const notJson = await raw('/actor_tokens', { method: 'POST', body: '{"user_id":' });
    expect(notJson.status).toBe(400);
    expect(sandbox.state.actorTokens().some((token) => token.userId === SANDBOX_FIXTURES.admin)).toBe(false);
  });

  it('revokes only pending tokens: 400 afterwards, 404 when unknown', async () => {
    const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[2], actor: { sub: SANDBOX_FIXTURES.operator } });
    const revoked = await clerk.actorTokens.revoke(token.id);
    expect([revoked.id, revoked.status]).toEqual([token.id, 'revoked']);
    const again = await apiError(clerk.actorTokens.revoke(token.id));
    expect(again.status).toBe(400);
    expect(again.errors[0]?.message).toBe('cannot revoke');
    // Clerk's catalogue (clerk-docs data/api_errors.json, ActorTokenCannotBeRevoked).
    expect(again.errors[0]?.code).toBe('actor_token_cannot_be_revoked_code');
    expect(again.errors[0]?.longMessage).toBe('Actor token cannot be revoked because its status is revoked. Only pending tokens can be revoked.');
    const missing = await apiError(clerk.actorTokens.revoke('act_missing'));
    expect(missing.status).toBe(404);

    const accepted = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[2], actor: { sub: SANDBOX_FIXTURES.operator } });
    await signInWithTicket(ticketUrl(accepted), new CookieJar(), sandbox);
    expect((await apiError(clerk.actorTokens.revoke(accepted.id))).status).toBe(400);
  });
});

describe('sessions', () => {
  it('lists sessions paginated, with the actor on impersonated ones, and revokes them', async () => {
    const userId = SANDBOX_FIXTURES.plain[0];
    const before = await clerk.sessions.getSessionList({ userId, status: 'active' });
    expect(before.totalCount).toBe(1);
    expect(before.data[0]?.actor).toBeNull();

    const actor = { sub: SANDBOX_FIXTURES.operator, reason: 'Billing question' };
    const token = await clerk.actorTokens.create({ userId, actor });
    const signedIn = await signInWithTicket(ticketUrl(token), new CookieJar(), sandbox);
    expect(signedIn.status).toBe(200);

    const active = await clerk.sessions.getSessionList({ userId, status: 'active' });
    expect(active.totalCount).toBe(2);
    const impersonated = active.data.find((session) => session.actor !== null);
    expect(impersonated?.actor).toEqual(actor);
    expect(impersonated?.id).toMatch(/^sess_2\w{26}$/);
    expect(impersonated?.clientId).toMatch(/^client_2\w{26}$/);
    expect(impersonated!.expireAt - impersonated!.createdAt).toBe(1800 * 1000);
    expect(active.data[0]?.id).toBe(impersonated?.id); // newest first

    const fetched = await clerk.sessions.getSession(impersonated!.id);
    expect([fetched.userId, fetched.status, fetched.latestActivity?.isMobile]).toEqual([userId, 'active', false]);
    const revoked = await clerk.sessions.revokeSession(impersonated!.id);
    expect(revoked.status).toBe('revoked');
    expect((await clerk.sessions.getSessionList({ userId, status: 'active' })).totalCount).toBe(1);
    expect((await clerk.sessions.getSessionList({ userId, status: 'revoked' })).data.map((session) => session.id)).toEqual([impersonated!.id]);
    // Idempotent: revoking again returns the session unchanged.
    expect((await clerk.sessions.revokeSession(impersonated!.id)).status).toBe('revoked');

    const missing = await apiError(clerk.sessions.getSession('sess_missing'));
    expect([missing.status, missing.errors[0]?.code]).toEqual([404, 'resource_not_found']);
    expect((await apiError(clerk.sessions.revokeSession('sess_missing'))).status).toBe(404);
  });

  it('serves a bare array without paginated, honours limit, offset and client_id, and rejects a bad status', async () => {
    const userId = SANDBOX_FIXTURES.admin;
    for (let index = 0; index < 3; index++) {
      const token = await clerk.actorTokens.create({ userId, actor: { sub: SANDBOX_FIXTURES.operator } });
      await signInWithTicket(ticketUrl(token), new CookieJar(), sandbox);
    }
    const all = (await (await raw(`/sessions?user_id=${userId}`)).json()) as { id: string; client_id: string }[];
    expect(Array.isArray(all)).toBe(true);
    expect(all).toHaveLength(4);
    const page = (await (await raw(`/sessions?user_id=${userId}&paginated=true&limit=2&offset=1`)).json()) as { data: { id: string }[]; total_count: number };
    expect(page.total_count).toBe(4);
    expect(page.data.map((session) => session.id)).toEqual(all.slice(1, 3).map((session) => session.id));
    const byClient = (await (await raw(`/sessions?client_id=${all[0]?.client_id}`)).json()) as { id: string }[];
    expect(byClient.map((session) => session.id)).toEqual([all[0]?.id]);
    expect((await raw('/sessions?user_id=x&status=sleeping')).status).toBe(422);
    // A session can be `pending`, but the list's status filter does not offer it (GetSessionList enum).
    expect((await raw('/sessions?user_id=x&status=pending')).status).toBe(422);
    expect((await raw('/sessions?user_id=x&status=active')).status).toBe(200);
  });
});

describe('the wire', () => {
  it('answers with exactly application/json and accepts bracketed array parameters', async () => {
    for (const path of ['/users?limit=1', '/users/user_missing', '/jwks']) {
      expect((await raw(path)).headers.get('content-type')).toBe('application/json');
    }
    const bracketed = (await (await raw('/users?email_address[]=ada@analytical.example&email_address[]=mallory@globex.example')).json()) as { id: string }[];
    expect(bracketed.map((user) => user.id)).toEqual([SANDBOX_FIXTURES.banned, SANDBOX_FIXTURES.plain[0]]);
    const unknownRoute = await raw('/organizations');
    expect(unknownRoute.status).toBe(404);
  });

  it('requires the secret key: 401 with the Clerk error body otherwise', async () => {
    const wrongKey = await apiError(clerkFor(sandbox, 'sk_test_not-the-right-key').users.getUserList());
    expect([wrongKey.status, wrongKey.errors[0]?.code]).toEqual([401, 'clerk_key_invalid']);
    for (const key of [null, 'Basic abc']) {
      const response = await fetch(`${sandbox.apiUrl}/v1/users`, { headers: key ? { authorization: key } : {} });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { code: string }[] };
      expect(body.errors[0]?.code).toBe('authorization_header_format_invalid');
      validateResponse('GET', '/users', 401, body);
    }
    const jwks = await raw('/jwks', {}, `${sandbox.secretKey}x`);
    expect(jwks.status).toBe(401);
    expect(((await jwks.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('clerk_key_invalid');
  });
});
