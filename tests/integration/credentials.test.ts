// Profiles over the REAL keychain (keytar → Secret Service; run under scripts/with-keyring.mjs),
// a settings document on disk and the real Clerk SDK against the sandbox.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { ProfileService } from '../../src/main/credentials/profile-service.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';
import { AppError } from '../../src/shared/errors.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { fsDocumentStore } from '../support/fs-document-store.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LIVE_KEY = `sk_live_${randomBytes(24).toString('hex')}`;
const TEST_KEY = `sk_test_${randomBytes(24).toString('hex')}`;

let sandbox: Sandbox;
let service: string;
let dir: string;
let keychain: Keychain;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
});
afterAll(() => sandbox.close());

beforeEach(() => {
  service = `understudy-test-${randomBytes(6).toString('hex')}`;
  dir = mkdtempSync(join(tmpdir(), 'understudy-credentials-'));
  keychain = createKeytarKeychain(service);
});

afterEach(async () => {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  expect(await keytar.findCredentials(service)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

function profiles(): ProfileService {
  return new ProfileService({
    keychain,
    settings: fsDocumentStore(join(dir, 'settings.json')),
    gatewayFactory: createClerkBackendGateway,
    defaultApiUrl: sandbox.apiUrl,
    defaultPolicy,
  });
}

/** Every file written under the test folder (settings, anything moved aside, a child's HOME). */
const filesText = () =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');

describe('keys provisioned by IT, straight into the keychain', () => {
  it('become profiles at load, with the production flag taken from the key', async () => {
    await keytar.setPassword(service, 'acme-prod', LIVE_KEY);
    await keytar.setPassword(service, 'acme-dev', TEST_KEY);
    const loaded = profiles();
    expect(await loaded.load()).toEqual([]);
    expect(loaded.list().map(({ id, name, production, keyHint }) => ({ id, name, production, keyHint }))).toEqual([
      { id: 'acme-dev', name: 'acme-dev', production: false, keyHint: `sk_test_…${TEST_KEY.slice(-4)}` },
      { id: 'acme-prod', name: 'acme-prod', production: true, keyHint: `sk_live_…${LIVE_KEY.slice(-4)}` },
    ]);
    expect(loaded.get('acme-prod')?.policy).toEqual(defaultPolicy(true));
    expect(filesText()).toContain('acme-prod');
    expect(filesText()).not.toContain(LIVE_KEY);
  });

  it('include keys stored with secret-tool (with the schema keytar looks for)', async () => {
    const stored = spawnSync(
      'secret-tool',
      ['store', '--label=Understudy: acme-cli', 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', service, 'account', 'acme-cli'],
      { input: LIVE_KEY, encoding: 'utf8', timeout: 10_000 },
    );
    expect(stored.status).toBe(0);
    const loaded = profiles();
    await loaded.load();
    expect(loaded.get('acme-cli')).toMatchObject({ production: true, kind: 'clerk' });
  });

  it('report a profile whose key was removed from the keychain', async () => {
    await keytar.setPassword(service, 'acme-dev', TEST_KEY);
    await profiles().load();
    await keytar.deletePassword(service, 'acme-dev');
    const again = profiles();
    expect(await again.load()).toEqual([expect.stringMatching(/secret key of "acme-dev" is no longer in the keychain/)]);
    expect(again.list()).toEqual([]);
  });
});

describe('adding an instance by key', () => {
  it('stores a key Clerk accepts in the keychain, and only its hint in the settings', async () => {
    const service_ = profiles();
    await service_.load();
    const from = sandbox.requests.length;
    const profile = await service_.add('Sandbox Co', sandbox.secretKey);
    expect(profile).toMatchObject({ id: 'sandbox-co', production: false, keyHint: `sk_test_…${sandbox.secretKey.slice(-4)}` });
    // Verified with one count call before anything was stored.
    expect(sandbox.requests.slice(from).map((record) => record.route)).toEqual(['GET /users/count']);
    expect(await keytar.getPassword(service, 'sandbox-co')).toBe(sandbox.secretKey);
    expect(filesText()).not.toContain(sandbox.secretKey);

    // A fresh start finds it again, and its gateway reads the key from the keychain.
    const again = profiles();
    expect(await again.load()).toEqual([]);
    expect(await again.gateway('sandbox-co').countUsers()).toBe(20);
    expect((await again.gateway('sandbox-co').getUser(SANDBOX_FIXTURES.admin)).name).toBe('Grace Hopper');

    await again.remove('sandbox-co');
    expect(await keytar.getPassword(service, 'sandbox-co')).toBeNull();
    expect(again.list()).toEqual([]);
  });

  it('stores nothing when Clerk rejects the key', async () => {
    const service_ = profiles();
    await service_.load();
    const wrong = `sk_test_${randomBytes(20).toString('hex')}`;
    await expect(service_.add('Wrong', wrong)).rejects.toMatchObject({ kind: 'invalid-key' });
    expect(await keytar.findCredentials(service)).toEqual([]);
    expect(service_.list()).toEqual([]);
    expect(filesText()).not.toContain(wrong);
  });
});

/** Runs a module in a fresh Node with the given environment and returns what it printed as JSON. */
function runChild(code: string, env: Record<string, string>, wrap: string[] = []): Record<string, unknown> {
  const node = process.execPath;
  const command = [...wrap, node, '--input-type=module', '--no-warnings', '-e', code];
  const result = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  const line = result.stdout.split('\n').find((text) => text.startsWith('{'));
  if (!line) throw new Error(`child failed (status ${result.status}, signal ${result.signal}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

const CHILD_PRELUDE = `
import { createKeytarKeychain } from '${ROOT}/src/main/credentials/keytar-keychain.ts';
const out = {};
const capture = async (name, fn) => {
  try { out[name] = { ok: await fn() }; } catch (error) { out[name] = { error: error.toData ? error.toData() : String(error) }; }
};
const keychain = createKeytarKeychain(process.env.SERVICE);
`;

describe('without a usable keychain', () => {
  it('says how to get one when there is no Secret Service, and stores the key nowhere', () => {
    const code = `${CHILD_PRELUDE}
import { ProfileService } from '${ROOT}/src/main/credentials/profile-service.ts';
import { defaultPolicy } from '${ROOT}/src/main/policy/policy.ts';
import { fsDocumentStore } from '${ROOT}/tests/support/fs-document-store.ts';
await capture('list', () => keychain.list());
await capture('set', () => keychain.set('acme', process.env.KEY));
const profiles = new ProfileService({
  keychain, settings: fsDocumentStore(process.env.DIR + '/settings.json'),
  gatewayFactory: () => { throw new Error('must not be reached'); },
  defaultApiUrl: 'https://api.clerk.test', defaultPolicy,
});
await capture('load', () => profiles.load());
await capture('add', () => profiles.add('Acme', process.env.KEY));
console.log(JSON.stringify(out));`;
    // A bus address that leads nowhere, an empty one, and none at all (no desktop session).
    const buses: Record<string, string>[] = [{ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/understudy-bus' }, { DBUS_SESSION_BUS_ADDRESS: '' }, {}];
    for (const bus of buses) {
      const out = runChild(code, { SERVICE: service, KEY: LIVE_KEY, DIR: dir, HOME: dir, ...bus });
      const unavailable = { error: { kind: 'keychain-unavailable', message: expect.stringMatching(/Install and start a Secret Service \(GNOME Keyring: gnome-keyring, or KWallet\)/) } };
      expect(out).toEqual({
        list: unavailable,
        set: unavailable,
        load: { ok: [expect.stringMatching(/^No keychain is available/)] },
        add: unavailable,
      });
      expect(JSON.stringify(out)).not.toContain(LIVE_KEY);
      expect(filesText()).not.toContain(LIVE_KEY);
    }
  });

  it('reports a locked keyring as denied instead of crashing (keytar would segfault listing it)', () => {
    const code = `${CHILD_PRELUDE}
import { spawnSync } from 'node:child_process';
await capture('set', () => keychain.set('acme', process.env.KEY));
const locked = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets',
  'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'], { timeout: 5000 });
out.locked = locked.status === 0;
await capture('list', () => keychain.list());
await capture('get', () => keychain.get('acme'));
await capture('setLocked', () => keychain.set('other', process.env.KEY));
console.log(JSON.stringify(out));`;
    // A private bus and keyring, so locking it cannot disturb the tests running beside this one.
    const script = 'export HOME="$(mktemp -d)"; echo -n locked-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
    const out = runChild(code, { SERVICE: service, KEY: TEST_KEY }, ['dbus-run-session', '--', 'sh', '-c', script, 'sh']);
    const denied = { error: { kind: 'keychain-denied', message: expect.stringMatching(/Unlock your keychain and allow Understudy/) } };
    expect(out).toEqual({ set: { ok: undefined }, locked: true, list: denied, get: denied, setLocked: denied });
  });
});

describe('secrets never leak', () => {
  it('appears in no return value, error, settings byte or console line', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
    );
    const outputs: unknown[] = [];
    const kinds: string[] = [];
    const record = async (work: () => unknown) => {
      try {
        outputs.push(await work());
      } catch (error) {
        kinds.push(error instanceof AppError ? error.kind : 'unexpected');
        outputs.push(error instanceof AppError ? { ...error.toData(), stack: error.stack, cause: String(error.cause) } : String(error));
      }
    };
    const wrong = `sk_live_${randomBytes(20).toString('hex')}`;
    const malformed = `sk_live_${randomBytes(20).toString('hex')}!`;
    try {
      await keytar.setPassword(service, 'it-provisioned', LIVE_KEY);
      const first = profiles();
      await record(() => first.load());
      await record(() => first.list());
      await record(() => first.add('Good', sandbox.secretKey));
      await record(() => first.add('Wrong', wrong));
      await record(() => first.add('Malformed', malformed));
      await record(() => first.add('Duplicate', sandbox.secretKey));
      await record(() => first.rename('good', 'Good Renamed'));
      await record(() => first.setOperator('good', { userId: SANDBOX_FIXTURES.operator, name: 'Morgan Reyes' }));
      await record(() => first.gateway('good').searchUsers({ query: 'ada', limit: 5, offset: 0 }));
      await record(() => first.gateway('it-provisioned').countUsers()); // a live key the sandbox rejects
      await record(() => first.get('good'));
      const second = profiles();
      await record(() => second.load());
      await record(() => second.list());
      await record(() => second.activeId());
      await keytar.deletePassword(service, 'it-provisioned');
      await record(() => second.gateway('it-provisioned').countUsers());
      await record(() => second.remove('good'));
      await record(() => second.list());
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }

    const haystack = [JSON.stringify(outputs), filesText(), logged.join('\n')].join('\n');
    expect(haystack).toContain('Good Renamed'); // the scan sees real content
    expect(kinds).toEqual([
      'invalid-key',
      'invalid-input',
      'conflict',
      'invalid-key',
      'not-found',
    ]);
    for (const secret of [LIVE_KEY, sandbox.secretKey, wrong, malformed]) {
      const body = secret.slice(8);
      for (const form of [secret, body, body.slice(-16), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret)]) {
        expect(haystack).not.toContain(form);
      }
    }
  });
});
