// The schema validator itself must be able to fail, or the fidelity tests prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { checkResponse, validateComponent, validateResponse } from './openapi.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
});
afterAll(() => sandbox.close());

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('OpenAPI response validation', () => {
  it('accepts the sandbox user and rejects the mistakes that break @clerk/backend', () => {
    const user = sandbox.state.userJson(SANDBOX_FIXTURES.plain[0]) as Record<string, unknown>;
    validateResponse('GET', '/users/{user_id}', 200, user);
    validateResponse('GET', '/users', 200, [user, user]);

    const noLinkedTo = clone(user) as { email_addresses: Record<string, unknown>[] };
    delete noLinkedTo.email_addresses[0]!.linked_to;
    expect(checkResponse('GET', '/users/{user_id}', 200, noLinkedTo).errors).toContain("must have required property 'linked_to'");
    expect(checkResponse('GET', '/users/{user_id}', 200, { ...user, object: 'person' }).valid).toBe(false);
    expect(checkResponse('GET', '/users/{user_id}', 200, { ...user, surprise: 1 }).valid).toBe(false);
    expect(checkResponse('GET', '/users/{user_id}', 200, { ...user, last_sign_in_at: '2026-01-01' }).valid).toBe(false);
    expect(checkResponse('GET', '/users', 200, { data: [user] }).valid).toBe(false);
  });

  it('honours OpenAPI 3.0 nullable, including on referenced schemas', () => {
    const user = sandbox.state.userJson(SANDBOX_FIXTURES.admin) as Record<string, unknown>;
    validateResponse('GET', '/users/{user_id}', 200, { ...user, first_name: null, scim: null, last_sign_in_at: null });
    expect(checkResponse('GET', '/users/{user_id}', 200, { ...user, banned: null }).valid).toBe(false);
    const session = sandbox.state.sessions()[0];
    const json = sandbox.state.sessionJson(session!.id) as Record<string, unknown>;
    validateResponse('GET', '/sessions/{session_id}', 200, { ...json, latest_activity: null, actor: null });
    expect(checkResponse('GET', '/sessions/{session_id}', 200, { ...json, status: 'sleeping' }).valid).toBe(false);
  });

  it('checks the paginated session envelope and error bodies', () => {
    const session = sandbox.state.sessionJson(sandbox.state.sessions()[0]!.id);
    validateResponse('GET', '/sessions', 200, { data: [session], total_count: 1 }, { paginated: true });
    expect(checkResponse('GET', '/sessions', 200, { data: [session] }, { paginated: true }).valid).toBe(false);
    expect(checkResponse('GET', '/sessions', 200, [session]).valid).toBe(true);
    const error = { errors: [{ message: 'not found', long_message: 'User not found', code: 'resource_not_found' }], clerk_trace_id: 'abc' };
    expect(checkResponse('GET', '/users/{user_id}', 404, error)).toEqual({ valid: true, documented: true, errors: '' });
    expect(checkResponse('GET', '/users/{user_id}', 404, { errors: [{ message: 'x' }] }).valid).toBe(false);
    // Statuses the spec does not list for an operation fall back to the ClerkErrors envelope.
    expect(checkResponse('GET', '/users/count', 401, error).documented).toBe(false);
    expect(() => validateResponse('GET', '/users/count', 201, {})).toThrow(/does not document status 201/);
    expect(() => validateComponent('ClerkErrors', { errors: 'nope' })).toThrow();
  });

  it('validates Frontend API answers against the Frontend API spec', () => {
    const refusal = { errors: [{ message: 'Browser unauthenticated', long_message: 'Unable to authenticate this browser.', code: 'dev_browser_unauthenticated' }], clerk_trace_id: 'abc' };
    expect(checkResponse('GET', '/v1/client', 401, refusal, { spec: 'fapi' }).valid).toBe(true);
    expect(checkResponse('GET', '/v1/client', 401, { errors: [{ message: 'x', code: 'y' }] }, { spec: 'fapi' }).valid).toBe(false);
    // Frontend API paths are not Backend API ones.
    expect(() => checkResponse('GET', '/v1/client', 401, refusal)).toThrow(/has no operation/);
  });
});
