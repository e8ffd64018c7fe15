import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClerkGateway, GatewayOptions } from '../../src/main/clerk/gateway.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { ProfileService, slug, type ProfileServiceDeps } from '../../src/main/credentials/profile-service.ts';
import type { Policy } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';
import { fsDocumentStore } from '../support/fs-document-store.ts';

const key = (kind: 'test' | 'live', tail: string) => `sk_${kind}_${'x'.repeat(36)}${tail}`;
const policyFor = (production: boolean): Policy => ({
  requireReason: production,
  maxTokenTtlSeconds: production ? 300 : 3600,
  maxSessionSeconds: production ? 900 : 1800,
  protectedRoles: ['admin'],
  protectBanned: true,
  protectedUserIds: [],
  confirmProduction: production,
});

class MemoryKeychain implements Keychain {
  readonly service = 'memory';
  readonly entries = new Map<string, string>();
  failure: AppError | null = null;
  failSet = false;
  async get(account: string) {
    if (this.failure) throw this.failure;
    return this.entries.get(account) ?? null;
  }
  async set(account: string, secret: string) {
    if (this.failure || this.failSet) throw this.failure ?? new AppError({ kind: 'keychain-denied', message: 'denied' });
    this.entries.set(account, secret);
  }
  async delete(account: string) {
    if (this.failure) throw this.failure;
    return this.entries.delete(account);
  }
  async list() {
    if (this.failure) throw this.failure;
    return [...this.entries].map(([account, secret]) => ({ account, secret }));
  }
}

let dir: string;
let keychain: MemoryKeychain;
let built: GatewayOptions[];
let rejected: Set<string>;

function gatewayFactory(options: GatewayOptions): ClerkGateway {
  built.push(options);
  const refuse = async () => {
    throw new AppError({ kind: 'invalid-key', message: 'rejected' });
  };
  const fail = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    requestTimeoutMs: 15_000,
    countUsers: async () => (rejected.has(options.secretKey) ? refuse() : 42),
    searchUsers: fail,
    getUser: fail,
    createActorToken: fail,
    revokeActorToken: fail,
    listSessions: fail,
    getSession: fail,
    revokeSession: fail,
    verifySessionToken: fail,
  };
}

function service(overrides: Partial<ProfileServiceDeps> = {}) {
  return new ProfileService({
    keychain,
    settings: fsDocumentStore(join(dir, 'settings.json')),
    gatewayFactory,
    defaultApiUrl: 'https://api.clerk.test',
    defaultPolicy: policyFor,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...overrides,
  });
}

const settingsText = () => readFileSync(join(dir, 'settings.json'), 'utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-profiles-'));
  keychain = new MemoryKeychain();
  built = [];
  rejected = new Set();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ProfileService.load', () => {
  it('turns keys provisioned straight into the keychain into profiles', async () => {
    keychain.entries.set('acme-prod', key('live', 'PROD'));
    keychain.entries.set('acme-dev', key('test', 'DEVV'));
    const profiles = service();
    expect(await profiles.load()).toEqual([]);
    expect(profiles.list()).toEqual([
      { id: 'acme-dev', name: 'acme-dev', kind: 'clerk', production: false, keyHint: 'sk_test_…DEVV', operator: null, policy: policyFor(false), appOrigins: [] },
      { id: 'acme-prod', name: 'acme-prod', kind: 'clerk', production: true, keyHint: 'sk_live_…PROD', operator: null, policy: policyFor(true), appOrigins: [] },
    ]);
    expect(settingsText()).toContain('sk_live_…PROD');
    expect(settingsText()).not.toContain(key('live', 'PROD'));
    expect(built).toEqual([]);
  });

  it('hides and reports profiles whose key left the keychain, keeping their settings', async () => {
    keychain.entries.set('gone', key('test', 'GONE'));
    const first = service();
    await first.load();
    await first.setOperator('gone', { userId: 'user_1', name: 'Ann' });
    keychain.entries.delete('gone');

    const second = service();
    const notices = await second.load();
    expect(notices).toEqual([expect.stringMatching(/secret key of "gone" is no longer in the keychain/)]);
    expect(second.list()).toEqual([]);
    expect(second.get('gone')).toBeUndefined();
    expect(() => second.gateway('gone')).toThrow(expect.objectContaining({ kind: 'not-found' }));
    expect(settingsText()).toContain('user_1');
  });

  it('ignores keychain entries that are not profiles, and says why', async () => {
    keychain.entries.set('Acme Prod', key('live', 'AAAA'));
    keychain.entries.set('sandbox', key('test', 'SAND'));
    keychain.entries.set('note', 'hunter2');
    const profiles = service();
    const notices = await profiles.load();
    expect(notices).toHaveLength(3);
    expect(notices.join('\n')).toMatch(/"Acme Prod" was ignored: its account must be a profile id/);
    expect(notices.join('\n')).toMatch(/"note" was ignored: it does not hold a Clerk secret key/);
    expect(notices.join('\n')).not.toContain('hunter2');
    expect(profiles.list()).toEqual([]);
  });

  it('follows a key replaced outside Understudy, resetting the rules on a test → live switch', async () => {
    keychain.entries.set('acme', key('test', 'OLD1'));
    const first = service();
    await first.load();
    await first.setPolicy('acme', { ...policyFor(false), maxTokenTtlSeconds: 7200 });
    keychain.entries.set('acme', key('live', 'NEW1'));
    const second = service();
    const notices = await second.load();
    expect(notices).toEqual([expect.stringMatching(/replaced by a production \(sk_live_\) key/)]);
    expect(second.get('acme')).toMatchObject({ production: true, keyHint: 'sk_live_…NEW1', policy: policyFor(true) });
  });

  it('moves a corrupt settings file aside, says so, and still finds the keys', async () => {
    writeFileSync(join(dir, 'settings.json'), '{"version":1,"profiles":{"acme":');
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    const notices = await profiles.load();
    expect(notices).toEqual([expect.stringMatching(/^The instance settings could not be read \(it is not valid JSON\)\. The file was moved aside to .*settings\.corrupt-2026-01-02T03-04-05\.000Z\.json.*Secret keys are kept in the keychain/)]);
    expect(readdirSync(dir).filter((name) => name.includes('corrupt'))).toHaveLength(1);
    expect(profiles.list().map((p) => p.id)).toEqual(['acme']);
  });

  it('moves aside a settings file that holds something other than settings', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, activeProfileId: null, profiles: { acme: { name: 'x', keyHint: key('live', 'LEAK') } } }));
    const notices = await service().load();
    expect(notices[0]).toMatch(/does not have the expected shape/);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('leaves settings from a newer Understudy untouched and refuses to change them', async () => {
    const newer = JSON.stringify({ version: 9, whatever: true });
    writeFileSync(join(dir, 'settings.json'), newer);
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    const notices = await profiles.load();
    expect(notices[0]).toMatch(/newer version of Understudy/);
    expect(profiles.list().map((p) => p.id)).toEqual(['acme']);
    await expect(profiles.add('Other', key('test', 'OTHR'))).rejects.toMatchObject({ kind: 'conflict' });
    await expect(profiles.rename('acme', 'Renamed')).rejects.toMatchObject({ kind: 'conflict' });
    expect(settingsText()).toBe(newer);
  });

  it('starts without the keychain, reporting why and keeping the sandbox usable', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    await service().load();
    keychain.failure = new AppError({ kind: 'keychain-unavailable', message: 'No keychain is available.' });
    const profiles = service({ sandbox: { secretKey: key('test', 'SBOX'), apiUrl: 'http://127.0.0.1:9999' } });
    const notices = await profiles.load();
    expect(notices).toEqual(['No keychain is available. Until then, 1 configured instance(s) cannot be used.']);
    expect(profiles.list().map((p) => p.id)).toEqual(['sandbox']);
    await expect(profiles.add('New', key('test', 'NEWW'))).rejects.toMatchObject({ kind: 'keychain-unavailable' });
  });
});

describe('ProfileService.add', () => {
  it('checks the format before calling Clerk', async () => {
    const profiles = service();
    await profiles.load();
    await expect(profiles.add('Acme', 'pk_test_' + 'x'.repeat(40))).rejects.toMatchObject({ kind: 'invalid-input' });
    await expect(profiles.add('  ', key('test', 'AAAA'))).rejects.toMatchObject({ kind: 'invalid-input' });
    expect(built).toEqual([]);
  });

  it('stores nothing when Clerk rejects the key', async () => {
    const profiles = service();
    await profiles.load();
    rejected.add(key('live', 'BADD'));
    await expect(profiles.add('Acme', key('live', 'BADD'))).rejects.toMatchObject({ kind: 'invalid-key', message: expect.stringMatching(/Nothing was stored/) });
    expect(keychain.entries.size).toBe(0);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    expect(profiles.list()).toEqual([]);
  });

  it('verifies once, stores the key under a unique slug id, and makes the profile active', async () => {
    const profiles = service();
    await profiles.load();
    const first = await profiles.add('  ACME Prod (EU) ', `\n${key('live', 'ONE1')}  `);
    expect(first).toMatchObject({ id: 'acme-prod-eu', name: 'ACME Prod (EU)', production: true, keyHint: 'sk_live_…ONE1' });
    expect(built).toEqual([{ secretKey: key('live', 'ONE1'), apiUrl: 'https://api.clerk.test' }]);
    expect(keychain.entries.get('acme-prod-eu')).toBe(key('live', 'ONE1'));
    expect(profiles.activeId()).toBe('acme-prod-eu');

    const [second, third] = await Promise.all([profiles.add('Acme prod EU', key('test', 'TWO2')), profiles.add('acme-prod-eu', key('test', 'THR3'))]);
    expect([second.id, third.id]).toEqual(['acme-prod-eu-2', 'acme-prod-eu-3']);
    expect(profiles.activeId()).toBe('acme-prod-eu-3');
    // The verified gateway is kept: no second build for the new profile.
    profiles.gateway('acme-prod-eu');
    expect(built).toHaveLength(3);
    expect(settingsText()).not.toMatch(/sk_(test|live)_x/);
  });

  it('never overwrites a keychain entry it ignored', async () => {
    keychain.entries.set('notes', 'not a key');
    const profiles = service();
    await profiles.load();
    expect((await profiles.add('Notes', key('test', 'NOTE'))).id).toBe('notes-2');
    expect(keychain.entries.get('notes')).toBe('not a key');
  });

  it('refuses a key that is already configured', async () => {
    keychain.entries.set('acme', key('test', 'SAME'));
    const profiles = service();
    await profiles.load();
    await expect(profiles.add('Again', key('test', 'SAME'))).rejects.toMatchObject({ kind: 'conflict', message: 'This secret key is already configured as "acme".' });
  });

  it('leaves no settings entry when the keychain refuses the key', async () => {
    const profiles = service();
    await profiles.load();
    keychain.failSet = true;
    await expect(profiles.add('Acme', key('test', 'AAAA'))).rejects.toMatchObject({ kind: 'keychain-denied' });
    expect(profiles.list()).toEqual([]);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });
});

describe('ProfileService edits', () => {
  it('persists names, operators, policies and the selection, and removes keys', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    keychain.entries.set('beta', key('live', 'BETA'));
    const profiles = service();
    await profiles.load();
    await profiles.rename('acme', 'Acme Staging');
    await profiles.setOperator('acme', { userId: 'user_op', name: 'Olive Operator' });
    await profiles.setPolicy('acme', { ...policyFor(false), protectedRoles: ['owner'] });
    await profiles.select('beta');

    const again = service();
    await again.load();
    expect(again.get('acme')).toMatchObject({ name: 'Acme Staging', operator: { userId: 'user_op', name: 'Olive Operator' }, policy: { protectedRoles: ['owner'] } });
    expect(again.activeId()).toBe('beta');

    await again.remove('beta');
    expect(keychain.entries.has('beta')).toBe(false);
    expect(again.get('beta')).toBeUndefined();
    expect(again.activeId()).toBe('acme');
    expect(() => again.gateway('beta')).toThrow(expect.objectContaining({ kind: 'not-found' }));
    await expect(again.rename('beta', 'x')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(again.select('nope')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses names that are empty or too long', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    await expect(profiles.rename('acme', ' ')).rejects.toMatchObject({ kind: 'invalid-input' });
    await expect(profiles.rename('acme', 'n'.repeat(81))).rejects.toMatchObject({ kind: 'invalid-input' });
  });
});

describe('ProfileService.setAppOrigins', () => {
  it('stores the normalised list, keeps it across runs, and replaces it as a whole', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    expect(await profiles.setAppOrigins('acme', ['HTTP://Dev-Box.internal:3000/', 'http://preview.acme.test:80'])).toMatchObject({
      appOrigins: ['http://dev-box.internal:3000', 'http://preview.acme.test'],
    });
    const again = service();
    await again.load();
    expect(again.get('acme')?.appOrigins).toEqual(['http://dev-box.internal:3000', 'http://preview.acme.test']);
    await again.setAppOrigins('acme', ['http://preview.acme.test']);
    expect(JSON.parse(settingsText()).profiles.acme.appOrigins).toEqual(['http://preview.acme.test']);
  });

  it('changes nothing when an entry is refused, and says which one and why', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    await profiles.setAppOrigins('acme', ['http://dev-box.internal:3000']);
    const before = settingsText();
    await expect(profiles.setAppOrigins('acme', ['http://dev-box.internal:3000', 'http://dev-box.internal:3000/'])).rejects.toMatchObject({
      kind: 'invalid-input',
      issues: [{ path: 'appOrigins.1', message: 'Already listed as http://dev-box.internal:3000.' }],
    });
    await expect(profiles.setAppOrigins('acme', ['http://dev-box.internal:3000', 'http://other.test/login'])).rejects.toMatchObject({ issues: [{ path: 'appOrigins.1' }] });
    expect(settingsText()).toBe(before);
    expect(profiles.get('acme')?.appOrigins).toEqual(['http://dev-box.internal:3000']);
  });

  it('refuses http origins for a production instance and any for the sandbox', async () => {
    keychain.entries.set('live', key('live', 'LIVE'));
    const profiles = service({ sandbox: { secretKey: key('test', 'SBOX'), apiUrl: 'http://127.0.0.1:4321' } });
    await profiles.load();
    await expect(profiles.setAppOrigins('live', ['http://dev-box.internal:3000'])).rejects.toMatchObject({
      kind: 'invalid-input',
      message: expect.stringMatching(/production instance \(sk_live_\) runs on https only/),
    });
    await expect(profiles.setAppOrigins('sandbox', ['http://dev-box.internal:3000'])).rejects.toMatchObject({ kind: 'conflict' });
    await expect(profiles.setAppOrigins('nope', [])).rejects.toMatchObject({ kind: 'not-found' });
    expect(profiles.get('live')?.appOrigins).toEqual([]);
  });

  it('drops the list, and says so, when the key is replaced by a production one', async () => {
    keychain.entries.set('acme', key('test', 'OLD1'));
    const first = service();
    await first.load();
    await first.setAppOrigins('acme', ['http://dev-box.internal:3000']);
    keychain.entries.set('acme', key('live', 'NEW1'));
    const second = service();
    expect(await second.load()).toEqual([expect.stringMatching(/its http app addresses were removed \(production instances open https only\)/)]);
    expect(second.get('acme')?.appOrigins).toEqual([]);
    expect(JSON.parse(settingsText()).profiles.acme.appOrigins).toEqual([]);
  });
});

describe('app origins under the organisation’s policy', () => {
  const org = (appOrigins: string[]) => ({ state: 'set' as const, source: '/etc/understudy/policy.json', policy: { appOrigins } });

  it('lists only the origins the organisation allows, keeps the rest locally, and refuses the others at their entry', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const local = service();
    await local.load();
    await local.setAppOrigins('acme', ['http://dev-box.internal:3000', 'http://preview.acme.test']);

    const managed = service({ orgPolicy: org(['http://preview.acme.test']) });
    await managed.load();
    expect(managed.get('acme')).toMatchObject({ appOrigins: ['http://preview.acme.test'], org: { appOrigins: ['http://preview.acme.test'] } });
    expect(JSON.parse(settingsText()).profiles.acme.appOrigins).toEqual(['http://dev-box.internal:3000', 'http://preview.acme.test']);

    const before = settingsText();
    await expect(managed.setAppOrigins('acme', ['http://preview.acme.test', 'http://other.test'])).rejects.toMatchObject({
      kind: 'policy',
      issues: [{ path: 'appOrigins.1', message: 'Set by your organisation: http://other.test cannot be listed (it allows only http://preview.acme.test).' }],
    });
    expect(settingsText()).toBe(before);
    await managed.setAppOrigins('acme', ['HTTP://preview.acme.test/']);
    expect(managed.get('acme')?.appOrigins).toEqual(['http://preview.acme.test']);
  });

  it('says nothing of app origins when the organisation sets none', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const managed = service({ orgPolicy: { state: 'set', source: 'x', policy: { requireReason: true } } });
    await managed.load();
    await managed.setAppOrigins('acme', ['http://dev-box.internal:3000']);
    expect(managed.get('acme')).toMatchObject({ appOrigins: ['http://dev-box.internal:3000'], org: { appOrigins: null } });
  });
});

describe('settings written by an earlier version', () => {
  const v1Profile = {
    name: 'Acme dev', kind: 'clerk', production: false, keyHint: 'sk_test_…ACME', apiUrl: 'https://api.clerk.test',
    operator: { userId: 'user_op', name: 'Olive Operator' }, policy: policyFor(false),
  };

  it('load with no app origins, keep everything else, leave a backup and are written in the current format', async () => {
    const v1 = JSON.stringify({ version: 1, activeProfileId: 'acme', profiles: { acme: v1Profile } });
    writeFileSync(join(dir, 'settings.json'), v1);
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    expect(await profiles.load()).toEqual([]);
    expect(profiles.get('acme')).toMatchObject({ name: 'Acme dev', operator: { userId: 'user_op' }, appOrigins: [] });
    expect(profiles.activeId()).toBe('acme');
    expect(JSON.parse(settingsText())).toMatchObject({ version: 2, profiles: { acme: { ...v1Profile, appOrigins: [] } } });
    const backups = readdirSync(dir).filter((name) => name.includes('v1-backup'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0]!), 'utf8')).toBe(v1);
    await profiles.setAppOrigins('acme', ['http://dev-box.internal:3000']);
    expect(JSON.parse(settingsText()).profiles.acme.appOrigins).toEqual(['http://dev-box.internal:3000']);
  });

  it('load from a file without a version too', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ profiles: { acme: v1Profile } }));
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    expect(await profiles.load()).toEqual([]);
    expect(profiles.get('acme')).toMatchObject({ name: 'Acme dev', appOrigins: [] });
  });
});

describe('ProfileService.gateway', () => {
  it('builds each gateway once, on first use, with the key from the keychain', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    const gateway = profiles.gateway('acme');
    expect(profiles.gateway('acme')).toBe(gateway);
    expect(built).toEqual([]);
    expect(await gateway.countUsers()).toBe(42);
    expect(await gateway.countUsers()).toBe(42);
    expect(built).toEqual([{ secretKey: key('test', 'ACME'), apiUrl: 'https://api.clerk.test', requestTimeoutMs: expect.any(Number) }]);
    // Known before the key is read, and the same as the gateway it builds: it bounds an unanswered mint.
    expect(gateway.requestTimeoutMs).toBe(built[0]!.requestTimeoutMs);
  });

  it('reports a key removed from the keychain while running', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    keychain.entries.delete('acme');
    await expect(profiles.gateway('acme').countUsers()).rejects.toMatchObject({ kind: 'not-found', message: expect.stringMatching(/no longer in the keychain/) });
    expect(profiles.list()).toEqual([]);
  });

  it('retries building after a keychain failure', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service();
    await profiles.load();
    keychain.failure = new AppError({ kind: 'keychain-denied', message: 'locked' });
    const gateway = profiles.gateway('acme');
    await expect(gateway.countUsers()).rejects.toMatchObject({ kind: 'keychain-denied' });
    keychain.failure = null;
    expect(await gateway.countUsers()).toBe(42);
  });
});

describe('the built-in sandbox profile', () => {
  const sandbox = { secretKey: key('test', 'SBOX'), apiUrl: 'http://127.0.0.1:4321' };

  it('is listed after the real instances, uses the sandbox key, and cannot be removed', async () => {
    keychain.entries.set('acme', key('test', 'ACME'));
    const profiles = service({ sandbox });
    await profiles.load();
    expect(profiles.list().map(({ id, kind }) => `${id}:${kind}`)).toEqual(['acme:clerk', 'sandbox:sandbox']);
    expect(profiles.get('sandbox')).toMatchObject({ name: 'Sandbox (demo instance)', production: false, keyHint: 'sk_test_…SBOX' });
    await profiles.gateway('sandbox').countUsers();
    expect(built).toEqual([sandbox]);
    await expect(profiles.remove('sandbox')).rejects.toMatchObject({ kind: 'conflict' });
    expect(keychain.entries.has('sandbox')).toBe(false);
  });

  it('keeps its operator across runs, on whatever port the sandbox listens', async () => {
    const profiles = service({ sandbox });
    await profiles.load();
    await profiles.setOperator('sandbox', { userId: 'user_me', name: 'Me' });
    const again = service({ sandbox: { ...sandbox, apiUrl: 'http://127.0.0.1:5555' } });
    expect(await again.load()).toEqual([]);
    expect(again.get('sandbox')?.operator).toEqual({ userId: 'user_me', name: 'Me' });
    await again.gateway('sandbox').countUsers();
    expect(built.at(-1)?.apiUrl).toBe('http://127.0.0.1:5555');
    expect(settingsText()).not.toContain(sandbox.secretKey);
    // Without the sandbox running, its settings are neither listed nor reported as a lost key.
    const without = service();
    expect(await without.load()).toEqual([]);
    expect(without.list()).toEqual([]);
  });
});

describe('slug', () => {
  it.each([
    ['ACME Prod (EU)', 'acme-prod-eu'],
    ['Crème Brûlée', 'creme-brulee'],
    ['***', 'instance'],
    ['a'.repeat(60), 'a'.repeat(48)],
  ])('%s → %s', (name, expected) => expect(slug(name)).toBe(expected));
});
