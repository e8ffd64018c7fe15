import { ClerkAPIResponseError } from '@clerk/backend/errors';
import { describe, expect, it } from 'vitest';
import { RequestTimeoutError, toAppError, toRevokeTokenError, toWriteError } from '../../src/main/clerk/errors.ts';

function apiError(status: number | undefined, errors: { code: string; message: string; long_message?: string }[], retryAfter?: number) {
  const error = new ClerkAPIResponseError('', { data: errors, status: status as number, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  return error;
}

describe('toAppError', () => {
  it('maps each Clerk status to the kind the console acts on', () => {
    expect(toAppError(apiError(401, [{ code: 'clerk_key_invalid', message: 'invalid' }]), 'search users').kind).toBe('invalid-key');
    expect(toAppError(apiError(404, [{ code: 'resource_not_found', message: 'not found', long_message: 'User not found' }]), 'load the user')).toMatchObject({
      kind: 'not-found',
      message: 'User not found',
    });
    expect(toAppError(apiError(422, [{ code: 'form_param_value_invalid', message: 'is invalid', long_message: 'limit must be at most 500' }]), 'search users')).toMatchObject({
      kind: 'validation',
      message: 'Clerk refused to search users: limit must be at most 500',
    });
    expect(toAppError(apiError(400, [{ code: 'malformed_request', message: 'bad' }]), 'x').kind).toBe('validation');
    expect(toAppError(apiError(402, [{ code: 'unsupported_subscription_plan_features', message: 'Unsupported plan features' }]), 'x')).toMatchObject({ kind: 'quota', message: expect.stringMatching(/not on this instance's Clerk plan \(Clerk: Unsupported plan features\)/) });
    expect(toAppError(apiError(422, [{ code: 'impersonation_quota_exceeded', message: 'quota exceeded' }]), 'x')).toMatchObject({
      kind: 'quota',
      message: expect.stringMatching(/quota .* used up/),
    });
    expect(toAppError(apiError(400, [{ code: 'actor_token_cannot_be_revoked', message: 'cannot revoke' }]), 'x').kind).toBe('conflict');
    expect(toAppError(apiError(400, [{ code: 'actor_token_cannot_be_revoked_code', message: 'cannot revoke' }]), 'x').kind).toBe('conflict');
  });

  it('shows used and limit of the impersonation quota from Clerk\'s 422 (its long message; the SDK drops meta)', () => {
    const body = [{ code: 'impersonation_limit_exceeded', message: 'Impersonation limit exceeded', long_message: 'Your application has reached the impersonation limit for your plan (5/5). The limit will reset at the beginning of the next billing period.' }];
    expect(toAppError(apiError(422, body), 'x')).toMatchObject({ kind: 'quota', message: expect.stringMatching(/5 of 5 impersonations used/) });
  });

  it('says what Clerk forbade on a 403, in Clerk\'s words', () => {
    expect(toAppError(apiError(403, [{ code: 'user_banned', message: 'User banned', long_message: 'You have been banned.' }]), 'create the token').message).toBe('Clerk forbids this (create the token): You have been banned.');
  });
});

describe('toRevokeTokenError', () => {
  it('reads any 400 from revoking a token as "maybe used", whatever its code', () => {
    for (const code of ['actor_token_cannot_be_revoked_code', 'actor_token_cannot_be_revoked', 'some_future_code']) {
      expect(toRevokeTokenError(apiError(400, [{ code, message: 'cannot revoke' }]), 'revoke').kind, code).toBe('conflict');
    }
    expect(toRevokeTokenError(apiError(404, [{ code: 'resource_not_found', message: 'not found' }]), 'revoke').kind).toBe('not-found');
  });
});

describe('toAppError, other statuses', () => {
  it('carries Retry-After on 429', () => {
    const error = toAppError(apiError(429, [{ code: 'too_many_requests', message: 'slow down' }], 7), 'search users');
    expect(error.toData()).toEqual({ kind: 'rate-limited', message: 'Clerk is limiting requests for this instance. Try again in 7 s.', retryAfterSeconds: 7 });
    expect(toAppError(apiError(429, [{ code: 'too_many_requests', message: 'x' }]), 'x').retryAfterSeconds).toBeUndefined();
  });

  it('treats 5xx, dropped connections and timeouts as network trouble', () => {
    expect(toAppError(apiError(503, [{ code: 'internal_clerk_error', message: 'oops' }]), 'x')).toMatchObject({ kind: 'network', message: expect.stringMatching(/status 503/) });
    expect(toAppError(apiError(undefined, [{ code: 'unexpected_error', message: 'fetch failed' }]), 'x')).toMatchObject({ kind: 'network', message: expect.stringMatching(/unreachable/) });
    expect(toAppError(new RequestTimeoutError(15_000), 'x')).toMatchObject({ kind: 'network', message: expect.stringMatching(/15 s/) });
    expect(toAppError(new TypeError('boom'), 'x').kind).toBe('internal');
  });

  it('masks keys and tokens even if Clerk echoed one', () => {
    const key = 'sk_live_' + 'K'.repeat(40);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';
    const error = toAppError(apiError(422, [{ code: 'x', message: 'bad', long_message: `key ${key} token ${jwt}` }]), 'x');
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(jwt);
  });
});

describe('toWriteError', () => {
  it('reports a mint that may have happened as ambiguous', () => {
    expect(toWriteError(apiError(500, [{ code: 'internal_clerk_error', message: 'oops' }]), 'create the impersonation token')).toMatchObject({
      kind: 'ambiguous',
      message: expect.stringMatching(/server error \(status 500\).*not retried/),
    });
    expect(toWriteError(apiError(undefined, [{ code: 'unexpected_error', message: 'other side closed' }]), 'mint').message).toMatch(/failed or was dropped/);
    expect(toWriteError(new RequestTimeoutError(1000), 'mint').message).toMatch(/did not answer in time/);
  });

  it('keeps clean refusals as they are', () => {
    expect(toWriteError(apiError(422, [{ code: 'form_param_value_invalid', message: 'bad' }]), 'mint').kind).toBe('validation');
    expect(toWriteError(apiError(429, [{ code: 'too_many_requests', message: 'x' }], 2), 'mint').kind).toBe('rate-limited');
    expect(toWriteError(apiError(401, [{ code: 'clerk_key_invalid', message: 'x' }]), 'mint').kind).toBe('invalid-key');
  });
});
