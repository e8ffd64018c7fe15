// The IT-managed policy: where it is found on each OS, validation, how it tightens local settings,
// and what it refuses.
import { describe, expect, it } from 'vitest';
import {
  allowedAppOrigins,
  appOriginsOutsideOrg,
  effectivePolicy,
  LINUX_POLICY_FILE,
  lockedKeys,
  looserThanOrg,
  MAC_POLICY_FILE,
  orgRefusal,
  readOrgPolicy,
  WINDOWS_POLICY_KEY,
  type PolicySources,
} from '../../src/main/policy/org-policy.ts';
import { parseRegQuery } from '../../src/main/policy/policy-sources.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';

function sources(over: Partial<PolicySources> & { files?: Record<string, string> } = {}): PolicySources & { asked: string[] } {
  const asked: string[] = [];
  const files = over.files ?? {};
  return {
    platform: 'linux',
    env: {},
    readText: (path) => (asked.push(`file ${path}`), files[path] ?? null),
    readPlist: (path) => (asked.push(`plist ${path}`), files[path] ?? null),
    readRegistry: (key, value) => (asked.push(`reg ${key} ${value}`), files[`${key}\\${value}`] ?? null),
    ...over,
    asked,
  };
}

const ORG = JSON.stringify({
  requireReason: true,
  maxTokenTtlSeconds: 300,
  protectedRoles: ['owner'],
  auditSinks: [{ type: 'otlp-http', endpoint: 'http://localhost:4318' }],
  auditDelivery: 'required',
});

describe('finding the policy', () => {
  it('reads each OS in its own place, and the override first', () => {
    const linux = sources({ files: { [LINUX_POLICY_FILE]: ORG } });
    expect(readOrgPolicy(linux)).toMatchObject({ state: 'set', source: LINUX_POLICY_FILE, policy: { maxTokenTtlSeconds: 300 } });
    const mac = sources({ platform: 'darwin', files: { [MAC_POLICY_FILE]: ORG } });
    expect(readOrgPolicy(mac)).toMatchObject({ state: 'set', source: '/Library/Managed Preferences/dev.understudy.console.plist' });
    expect(mac.asked).toEqual(['plist /Library/Managed Preferences/dev.understudy.console.plist']);
    const win = sources({ platform: 'win32', files: { [`${WINDOWS_POLICY_KEY}\\Policy`]: ORG } });
    expect(readOrgPolicy(win)).toMatchObject({ state: 'set', source: 'HKLM\\Software\\Policies\\Understudy\\Policy' });
    const override = sources({ env: { UNDERSTUDY_POLICY_FILE: '/opt/it/p.json' }, files: { '/opt/it/p.json': ORG, [LINUX_POLICY_FILE]: '{}' } });
    expect(readOrgPolicy(override)).toMatchObject({ state: 'set', source: '/opt/it/p.json' });
    expect(override.asked).toEqual(['file /opt/it/p.json']);
  });

  it('is none when nothing is pushed, but invalid when the override points nowhere', () => {
    expect(readOrgPolicy(sources())).toEqual({ state: 'none' });
    expect(readOrgPolicy(sources({ env: { UNDERSTUDY_POLICY_FILE: '/nope.json' } }))).toEqual({ state: 'invalid', source: '/nope.json', problem: 'the file does not exist' });
  });

  it('refuses broken JSON, unknown keys and bad values, naming the key', () => {
    const at = (text: string) => readOrgPolicy(sources({ files: { [LINUX_POLICY_FILE]: text } }));
    expect(at('{"requireReason": tru')).toEqual({ state: 'invalid', source: LINUX_POLICY_FILE, problem: 'it is not valid JSON' });
    expect(at('{"requireReasons": true}')).toMatchObject({ state: 'invalid', problem: expect.stringContaining('requireReasons') });
    expect(at('{"maxSessionSeconds": -5}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^maxSessionSeconds: /) });
    expect(at('{"auditSinks": [{"type": "webhook", "url": "http://plain.example.com", "secretEnv": "HOOK_SECRET"}]}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^auditSinks\.0\.url: must be https/) });
    expect(at('{"auditSinks": [{"type": "webhook", "url": "https://siem.example.com/hook", "secret": "inline"}]}')).toMatchObject({ state: 'invalid', problem: expect.stringContaining('secret') });
    expect(at('{"auditSinks": [{"type": "webhook", "url": "https://siem.example.com/hook"}]}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^auditSinks: .*exactly one of secretKeychain or secretEnv/) });
    expect(at('{"auditSinks": [{"type": "webhook", "url": "https://siem.example.com/hook", "secretKeychain": "hook", "secretEnv": "HOOK"}]}')).toMatchObject({ state: 'invalid', problem: expect.stringContaining('exactly one') });
    expect(at('{"auditSinks": [{"type": "webhook", "url": "https://siem.example.com/hook", "secretKeychain": "desk-hook"}]}')).toMatchObject({ state: 'set' });
    expect(at('{"auditSinks": [{"type": "otlp-http", "endpoint": "http://127.0.0.1:4318"}]}')).toMatchObject({ state: 'set' });
    expect(at('{"auditDelivery": "required"}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^auditDelivery: .*auditSinks/) });
    expect(at('{"allowedOperators": {"sk_live_…abcd": ["bob"]}}')).toMatchObject({ state: 'invalid', problem: expect.stringContaining('Clerk user id') });
  });

  it('reads the value out of reg query output', () => {
    const out = `\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Understudy\r\n    Policy    REG_SZ    {"requireReason": true}\r\n\r\n`;
    expect(parseRegQuery(out, 'Policy')).toBe('{"requireReason": true}');
    expect(parseRegQuery(out, 'Other')).toBeNull();
  });
});

describe('local settings under the organisation', () => {
  const local = defaultPolicy(false); // no reason, 1 h links, 30 min sessions, admins protected
  const org = { requireReason: true, maxTokenTtlSeconds: 300, maxSessionSeconds: 3600, protectedRoles: ['Owner'], protectedUserIds: ['user_ceo'] };

  it('tightens every key the organisation sets, and keeps stricter local values', () => {
    expect(effectivePolicy(local, org)).toEqual({
      ...local,
      requireReason: true,
      maxTokenTtlSeconds: 300,
      maxSessionSeconds: 1800, // local is already stricter than the org's hour
      protectedRoles: ['admin', 'Owner'],
      protectedUserIds: ['user_ceo'],
    });
    expect(effectivePolicy(local, null)).toBe(local);
    expect(lockedKeys(org)).toEqual(['requireReason', 'maxTokenTtlSeconds', 'maxSessionSeconds', 'protectedRoles', 'protectedUserIds']);
  });

  it('refuses a local change that would loosen it, and accepts a stricter one', () => {
    expect(looserThanOrg({ ...local, requireReason: false, maxTokenTtlSeconds: 600 }, org)).toBe(
      'Set by your organisation: a reason is required; sign-in links last at most 300 s; the roles Owner are protected; 1 protected user(s) cannot be removed.',
    );
    expect(looserThanOrg({ ...local, requireReason: true, maxTokenTtlSeconds: 60, protectedRoles: ['owner'], protectedUserIds: ['user_ceo', 'user_cfo'] }, org)).toBeNull();
  });

  it('blocks an invalid policy, instances not allowed and operators not allowed', () => {
    const profile = { keyHint: 'sk_live_…abcd', name: 'Acme', operator: { userId: 'user_amy', name: 'Amy' } };
    expect(orgRefusal({ state: 'invalid', source: '/etc/understudy/policy.json', problem: 'it is not valid JSON' }, profile)).toBe(
      "Impersonation is blocked: your organisation's policy (/etc/understudy/policy.json) is invalid — it is not valid JSON. Ask IT to fix it; Understudy does not fall back to local settings.",
    );
    const set = (policy: object) => ({ state: 'set' as const, source: 'x', policy });
    expect(orgRefusal(set({ allowedInstances: ['sk_live_…wxyz'] }), profile)).toBe('Your organisation does not allow impersonation on “Acme” (sk_live_…abcd).');
    expect(orgRefusal(set({ allowedOperators: { 'sk_live_…abcd': ['user_bob'] } }), profile)).toBe('Your organisation does not allow Amy to act as operator on “Acme”.');
    expect(orgRefusal(set({ allowedInstances: ['sk_live_…abcd'], allowedOperators: { 'sk_live_…abcd': ['user_amy'] } }), profile)).toBeNull();
    expect(orgRefusal({ state: 'none' }, profile)).toBeNull();
  });
});

describe('app origins under the organisation', () => {
  const at = (text: string) => readOrgPolicy(sources({ files: { [LINUX_POLICY_FILE]: text } }));

  it('reads the origins it allows, normalised, and refuses any a profile could not list, naming the entry', () => {
    expect(at('{"appOrigins": ["HTTP://Dev-Box.internal:3000/", "http://preview.acme.test:80"]}')).toMatchObject({
      state: 'set',
      policy: { appOrigins: ['http://dev-box.internal:3000', 'http://preview.acme.test'] },
    });
    expect(at('{"appOrigins": []}')).toMatchObject({ state: 'set', policy: { appOrigins: [] } });
    expect(at('{"appOrigins": ["https://app.acme.com"]}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^appOrigins\.0: Every https address already opens/) });
    expect(at('{"appOrigins": ["http://ok.test", "http://*.internal"]}')).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/^appOrigins\.1: Wildcards are not allowed/) });
  });

  it('keeps the local list to the origins it allows, and says which cannot be listed', () => {
    const local = ['http://dev-box.internal:3000', 'http://preview.acme.test'];
    expect(allowedAppOrigins(local, null)).toEqual(local);
    expect(allowedAppOrigins(local, {})).toEqual(local);
    expect(allowedAppOrigins(local, { appOrigins: ['http://preview.acme.test', 'http://other.test'] })).toEqual(['http://preview.acme.test']);
    expect(allowedAppOrigins(local, { appOrigins: [] })).toEqual([]);

    expect(appOriginsOutsideOrg(local, { appOrigins: ['http://preview.acme.test'] })).toEqual([
      { path: 'appOrigins.0', message: 'Set by your organisation: http://dev-box.internal:3000 cannot be listed (it allows only http://preview.acme.test).' },
    ]);
    expect(appOriginsOutsideOrg(local, { appOrigins: [] })[1]).toEqual({ path: 'appOrigins.1', message: 'Set by your organisation: http://preview.acme.test cannot be listed (it allows none).' });
    expect(appOriginsOutsideOrg(local, null)).toEqual([]);
  });
});
