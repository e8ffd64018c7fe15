// The impersonation form and policy editor rules, and how main's errors are worded.
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/shared/domain.ts';
import { describeError, formatWait } from '../../src/renderer/src/data/error-text.ts';
import {
  fieldsToPolicy,
  impersonateDefaults,
  minutesToSeconds,
  needsProductionConfirmation,
  policyToFields,
  toMinutesText,
  validateImpersonation,
} from '../../src/renderer/src/data/forms.ts';

const policy: Policy = {
  requireReason: true,
  maxTokenTtlSeconds: 600,
  maxSessionSeconds: 1800,
  protectedRoles: ['admin'],
  protectBanned: true,
  protectedUserIds: [],
  confirmProduction: true,
};
const production = { name: 'Acme prod', production: true, policy };
const development = { name: 'Acme dev', production: false, policy: { ...policy, requireReason: false } };

describe('impersonation form', () => {
  it('defaults to the policy caps', () => {
    expect(impersonateDefaults(policy)).toEqual({ reason: '', ttlMinutes: '10', sessionMinutes: '30', readOnly: false, confirmation: '' });
  });

  it('requires a reason where the policy says so', () => {
    const result = validateImpersonation({ ...impersonateDefaults(policy), confirmation: 'Acme prod' }, production);
    expect(result).toEqual({ ok: false, errors: { reason: expect.stringContaining('requires') } });
    expect(validateImpersonation(impersonateDefaults(development.policy), development).ok).toBe(true);
  });

  it('keeps durations within the caps and sends seconds', () => {
    const fields = { ...impersonateDefaults(policy), reason: ' SUP-9 ', ttlMinutes: '11', sessionMinutes: 'abc', confirmation: 'Acme prod' };
    const result = validateImpersonation(fields, production);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.ttl).toBe('At most 10 minutes on this instance.');
      expect(result.errors.session).toBe('Enter the session length in minutes.');
    }
    const ok = validateImpersonation({ ...fields, ttlMinutes: '5', sessionMinutes: '2.5', readOnly: true }, production);
    expect(ok).toEqual({ ok: true, body: { reason: 'SUP-9', tokenTtlSeconds: 300, sessionMaxSeconds: 150, readOnly: true, confirmation: 'Acme prod' } });
  });

  it('asks for the exact instance name on production only', () => {
    const fields = { ...impersonateDefaults(policy), reason: 'x' };
    expect(validateImpersonation({ ...fields, confirmation: 'acme prod' }, production)).toEqual({ ok: false, errors: { confirmation: 'Type Acme prod exactly to confirm.' } });
    expect(needsProductionConfirmation(production)).toBe(true);
    expect(needsProductionConfirmation({ production: true, policy: { ...policy, confirmProduction: false } })).toBe(false);
    const dev = validateImpersonation(fields, development);
    expect(dev.ok).toBe(true);
    if (dev.ok) expect(dev.body).not.toHaveProperty('confirmation');
  });

  it('converts minutes and seconds', () => {
    expect(minutesToSeconds('10')).toBe(600);
    expect(minutesToSeconds('1,5')).toBe(90);
    expect(minutesToSeconds('0')).toBeNull();
    expect(minutesToSeconds('-1')).toBeNull();
    expect(minutesToSeconds('')).toBeNull();
    expect(toMinutesText(90)).toBe('1.5');
    expect(toMinutesText(3600)).toBe('60');
  });
});

describe('policy editor', () => {
  it('round-trips a policy', () => {
    const full = { ...policy, protectedRoles: ['admin', 'owner'], protectedUserIds: ['user_1', 'user_2'] };
    expect(fieldsToPolicy(policyToFields(full))).toEqual({ ok: true, policy: full });
  });

  it('splits and de-duplicates lists', () => {
    const fields = { ...policyToFields(policy), protectedRoles: 'admin, owner,,admin\nbilling', protectedUserIds: 'user_a\n user_b, user_a' };
    const result = fieldsToPolicy(fields);
    expect(result.ok && result.policy.protectedRoles).toEqual(['admin', 'owner', 'billing']);
    expect(result.ok && result.policy.protectedUserIds).toEqual(['user_a', 'user_b']);
  });

  it('rejects bad durations and ids with plain words', () => {
    const result = fieldsToPolicy({ ...policyToFields(policy), maxTokenTtlMinutes: '0', maxSessionMinutes: '50000', protectedUserIds: 'user_ok\nbob@acme.test' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.maxTokenTtlMinutes).toContain('above zero');
      expect(result.errors.maxSessionMinutes).toContain('30 days');
      expect(result.errors.protectedUserIds).toContain('bob@acme.test');
    }
  });
});

describe('error wording', () => {
  it('gives every kind a title and a next step', () => {
    const kinds = ['invalid-input', 'forbidden-sender', 'invalid-key', 'not-found', 'validation', 'quota', 'rate-limited', 'network', 'ambiguous', 'keychain-unavailable', 'keychain-denied', 'policy', 'conflict', 'internal'] as const;
    for (const kind of kinds) {
      const text = describeError({ kind, message: 'x' });
      expect(text.title.length).toBeGreaterThan(5);
      expect(text.next.length).toBeGreaterThan(10);
    }
  });

  it('says when to retry after rate limiting', () => {
    expect(describeError({ kind: 'rate-limited', message: 'Too many requests', retryAfterSeconds: 30 }).next).toBe('Try again in 30 seconds.');
    expect(describeError({ kind: 'rate-limited', message: 'Too many requests', retryAfterSeconds: 1 }).next).toBe('Try again in 1 second.');
    expect(formatWait(150)).toBe('3 minutes');
  });

  it('says a rate limit’s wait once: main’s message repeating it is not shown', () => {
    const text = describeError({ kind: 'rate-limited', message: 'Clerk is limiting requests for this instance. Try again in 20 s.', retryAfterSeconds: 20 });
    expect(text.detail).toBeNull();
    expect(`${text.title} ${text.next}`.match(/20/g)).toHaveLength(1);
  });

  it('titles a Clerk 5xx as Clerk’s server problem and an unreachable Clerk as the connection', () => {
    const server = describeError({ kind: 'network', message: 'Clerk had a server problem (status 503) while trying to search users. Try again in a moment.' });
    expect(server.title).toBe('Clerk had a server problem');
    expect(server.next).not.toMatch(/VPN|internet/);
    const unreachable = describeError({ kind: 'network', message: 'Clerk is unreachable (the connection failed or was dropped) while trying to search users.' });
    expect(unreachable.title).toBe('Could not reach Clerk');
    expect(unreachable.next).toMatch(/VPN/);
  });

  it('explains an ambiguous mint as recorded unknown', () => {
    const text = describeError({ kind: 'ambiguous', message: 'Clerk did not answer in time.' });
    expect(text.title).toBe('The token may exist');
    expect(text.next).toContain('recorded in the history as unknown');
    expect(text.detail).toBe('Clerk did not answer in time.');
  });

  it('maps field issues and drops a message equal to the title', () => {
    const text = describeError({ kind: 'invalid-input', message: 'Some details need fixing', issues: [{ path: 'name', message: 'Too long' }, { path: 'name', message: 'second' }] });
    expect(text.fields).toEqual({ name: 'Too long' });
    expect(text.detail).toBeNull();
  });
});
