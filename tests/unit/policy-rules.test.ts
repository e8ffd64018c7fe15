import { describe, expect, it } from 'vitest';
import type { ClerkUser } from '../../src/main/clerk/gateway.ts';
import { actorClaims, checkStart, defaultPolicy, protectionOf, ticketReference, type StartRequest } from '../../src/main/policy/policy.ts';
import type { Policy, Profile } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';

const user = (over: Partial<ClerkUser> = {}): ClerkUser => ({
  id: 'user_customer',
  name: 'Jane Customer',
  username: null,
  primaryEmail: 'jane@example.com',
  imageUrl: null,
  banned: false,
  locked: false,
  role: null,
  lastSignInAt: null,
  createdAt: 1,
  emails: ['jane@example.com'],
  phoneNumbers: [],
  lastActiveAt: null,
  publicMetadata: {},
  ...over,
});

const profile = (over: Partial<Profile> = {}, policy: Partial<Policy> = {}): Profile => {
  const production = over.production ?? false;
  return {
    id: 'prof_1',
    name: over.production ? 'Acme Live' : 'Acme Dev',
    kind: 'clerk',
    production,
    keyHint: 'sk_test_…abcd',
    operator: { userId: 'user_operator', name: 'Olga Operator' },
    appOrigins: [],
    ...over,
    policy: { ...defaultPolicy(production), ...policy },
  };
};

const request = (over: Partial<StartRequest> = {}): StartRequest => ({
  profileId: 'prof_1',
  userId: 'user_customer',
  reason: 'SUP-1 cannot see invoices',
  tokenTtlSeconds: 300,
  sessionMaxSeconds: 900,
  readOnly: false,
  ...over,
});

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('defaultPolicy', () => {
  it('requires a reason everywhere, and is stricter on production instances', () => {
    expect(defaultPolicy(false)).toEqual({
      requireReason: true,
      maxTokenTtlSeconds: 3600,
      maxSessionSeconds: 1800,
      protectedRoles: ['admin'],
      protectBanned: true,
      protectedUserIds: [],
      confirmProduction: false,
    });
    expect(defaultPolicy(true)).toEqual({
      requireReason: true,
      maxTokenTtlSeconds: 600,
      maxSessionSeconds: 1800,
      protectedRoles: ['admin'],
      protectBanned: true,
      protectedUserIds: [],
      confirmProduction: true,
    });
  });

  it('returns a fresh object each time (profiles edit their own copy)', () => {
    const a = defaultPolicy(false);
    a.protectedRoles.push('owner');
    expect(defaultPolicy(false).protectedRoles).toEqual(['admin']);
  });
});

describe('protectionOf', () => {
  const policy = defaultPolicy(false);

  it('leaves an ordinary user unprotected', () => {
    expect(protectionOf(user(), policy, 'user_operator')).toEqual({ protected: false });
    expect(protectionOf(user({ role: 'member' }), policy)).toEqual({ protected: false });
  });

  it('protects admins (any case) and other listed roles, and only those', () => {
    expect(protectionOf(user({ role: 'admin' }), policy)).toEqual({ protected: true, reason: 'Admins are protected on this instance' });
    expect(protectionOf(user({ role: 'Admin' }), policy)).toEqual({ protected: true, reason: 'Admins are protected on this instance' });
    const owners = { ...policy, protectedRoles: ['owner'] };
    expect(protectionOf(user({ role: 'owner' }), owners)).toEqual({ protected: true, reason: 'Users with the role “owner” are protected on this instance' });
    expect(protectionOf(user({ role: 'admin' }), owners)).toEqual({ protected: false });
  });

  it('protects banned users unless the policy allows them', () => {
    expect(protectionOf(user({ banned: true }), policy)).toEqual({ protected: true, reason: 'Banned users cannot be impersonated' });
    expect(protectionOf(user({ banned: true }), { ...policy, protectBanned: false })).toEqual({ protected: false });
  });

  it('protects users on the protected list', () => {
    const listed = { ...policy, protectedUserIds: ['user_customer'] };
    expect(protectionOf(user(), listed)).toEqual({ protected: true, reason: 'On the protected list' });
    expect(protectionOf(user({ id: 'user_other' }), listed)).toEqual({ protected: false });
  });

  it('refuses impersonating yourself', () => {
    expect(protectionOf(user({ id: 'user_operator' }), policy, 'user_operator')).toEqual({ protected: true, reason: 'You cannot impersonate yourself' });
    expect(protectionOf(user({ id: 'user_operator' }), policy, null)).toEqual({ protected: false });
  });
});

describe('checkStart', () => {
  it('passes a request within the rules and names the operator as actor', () => {
    expect(checkStart(request(), profile(), user())).toEqual({
      actor: { userId: 'user_operator', name: 'Olga Operator' },
      tokenTtlSeconds: 300,
      sessionMaxSeconds: 900,
    });
  });

  it('requires an operator to be chosen', () => {
    const error = refusal(() => checkStart(request(), profile({ operator: null }), user()));
    expect(error.kind).toBe('policy');
    expect(error.message).toMatch(/No operator is set for “Acme Dev”/);
  });

  it('refuses protected users with the reason', () => {
    const error = refusal(() => checkStart(request(), profile(), user({ role: 'admin' })));
    expect(error.kind).toBe('policy');
    expect(error.message).toBe('Jane Customer cannot be impersonated: Admins are protected on this instance.');
    expect(refusal(() => checkStart(request({ userId: 'user_operator' }), profile(), user({ id: 'user_operator' }))).message).toMatch(/yourself/);
  });

  it('requires a reason only where the policy says so', () => {
    expect(checkStart(request({ reason: '' }), profile({}, { requireReason: false }), user()).tokenTtlSeconds).toBe(300);
    const error = refusal(() => checkStart(request({ reason: '   ' }), profile(), user()));
    expect(error.kind).toBe('policy');
    expect(error.message).toBe('A reason or ticket reference is required on this instance.');
  });

  it('caps the token lifetime and the session length, inclusive', () => {
    const capped = profile({}, { maxTokenTtlSeconds: 600, maxSessionSeconds: 1800 });
    expect(checkStart(request({ tokenTtlSeconds: 600, sessionMaxSeconds: 1800 }), capped, user())).toMatchObject({ tokenTtlSeconds: 600, sessionMaxSeconds: 1800 });
    const ttl = refusal(() => checkStart(request({ tokenTtlSeconds: 601 }), capped, user()));
    expect(ttl.kind).toBe('policy');
    expect(ttl.message).toMatch(/at most 10 minutes/);
    const session = refusal(() => checkStart(request({ sessionMaxSeconds: 3600 * 2 }), capped, user()));
    expect(session.kind).toBe('policy');
    expect(session.message).toBe('The session would last up to 2 hours; this instance allows at most 30 minutes.');
  });

  it('asks production instances for their name, exactly', () => {
    const live = profile({ production: true });
    const ok = request({ reason: 'SUP-9', confirmation: 'Acme Live' });
    expect(checkStart(ok, live, user()).actor.userId).toBe('user_operator');
    expect(checkStart({ ...ok, confirmation: '  Acme Live ' }, live, user()).tokenTtlSeconds).toBe(300);

    const missing = refusal(() => checkStart({ ...ok, confirmation: undefined }, live, user()));
    expect(missing.kind).toBe('policy');
    expect(missing.message).toMatch(/production instance: type its name/);
    const wrong = refusal(() => checkStart({ ...ok, confirmation: 'acme live' }, live, user()));
    expect(wrong.kind).toBe('policy');
    expect(wrong.message).toMatch(/does not match the production instance “Acme Live”/);

    // Without the confirmation rule, or on development, nothing is asked.
    expect(checkStart({ ...ok, confirmation: undefined }, profile({ production: true }, { confirmProduction: false }), user())).toBeTruthy();
    expect(checkStart(request(), profile({}, { confirmProduction: true }), user())).toBeTruthy();
  });

  it('applies the production defaults (reason, 10 minute cap)', () => {
    const live = profile({ production: true });
    expect(refusal(() => checkStart(request({ reason: '', confirmation: 'Acme Live' }), live, user())).message).toMatch(/reason/);
    expect(refusal(() => checkStart(request({ tokenTtlSeconds: 3600, confirmation: 'Acme Live' }), live, user())).message).toMatch(/1 hour/);
  });

  it('refuses a request checked against the wrong user or profile', () => {
    expect(refusal(() => checkStart(request({ userId: 'user_other' }), profile(), user())).kind).toBe('internal');
    expect(refusal(() => checkStart(request({ profileId: 'prof_2' }), profile(), user())).kind).toBe('internal');
  });
});

describe('actorClaims', () => {
  const entryId = '3f2a9c1e-77aa-4b0e-9d1c-5e6f7a8b9c0d';

  it('carries a ticket reference found in the reason, uppercased', () => {
    expect(actorClaims('user_operator', 'SUP-1234: customer cannot see invoices', entryId)).toEqual({ sub: 'user_operator', ticket: 'SUP-1234' });
    expect(actorClaims('user_operator', 'see abc-12.', entryId).ticket).toBe('ABC-12');
    expect(actorClaims('user_operator', 'Zendesk #4821, billing', entryId).ticket).toBe('#4821');
  });

  it('falls back to a local reference and never copies the reason', () => {
    const claims = actorClaims('user_operator', 'Jane Doe (jane@example.com) asked for help', entryId);
    expect(claims).toEqual({ sub: 'user_operator', ticket: 'ref-3f2a9c1e' });
    expect(JSON.stringify(claims)).not.toMatch(/jane/i);
  });

  it('does not take references out of emails, host names or URL paths', () => {
    for (const reason of ['mail bob-12@example.com', 'from app.acme-12.com', 'https://site.example/users/john-1990', 'C#1']) {
      expect(ticketReference(reason), reason).toBeNull();
    }
  });

  it('keeps references short', () => {
    const ticket = actorClaims('user_operator', `#${'9'.repeat(15)} and more`, entryId).ticket;
    expect(ticket.length).toBeLessThanOrEqual(32);
    expect(ticketReference('ABCDEFGHIJKLMNO-123456789012345')!.length).toBeLessThanOrEqual(32);
  });
});
