// The keychain missing, locked, or missing a key, through createServices and the console's calls.
// Each case runs the real services in a child Node (keychain-child.ts) with its own D-Bus session
// and gnome-keyring, or none at all, so locking a keyring cannot disturb anything else. The child
// reaches the sandbox served by this process. The operator must be told what is wrong and what to
// do, the built-in sandbox must keep working, and no key may land anywhere but the keychain.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/errors.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { Step } from './keychain-child.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const UNLOCK_IN_PRIVATE_SESSION = 'export HOME="$(mktemp -d)"; echo -n fault-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';

let sandbox: Sandbox;
let profileKeySandbox: Sandbox;
let dataDir: string;

beforeAll(async () => {
  // Two instances: the built-in sandbox, and the one whose key the operator adds.
  [sandbox, profileKeySandbox] = await Promise.all([startSandbox({ users: 20 }), startSandbox({ users: 20 })]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), profileKeySandbox?.close()]);
});
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-keychain-faults-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the steps in a child; `wrap` puts it in its own D-Bus session with an unlocked keyring. */
function runChild(steps: Step[], bus: Record<string, string> | 'private-keyring'): Promise<(Result<unknown> | Record<string, unknown>)[]> {
  const node = process.execPath;
  const args = ['--import', './scripts/register-electron-stub.mjs', '--no-warnings', 'tests/fault/keychain-child.ts'];
  const [command, commandArgs] = bus === 'private-keyring' ? ['dbus-run-session', ['--', 'sh', '-c', UNLOCK_IN_PRIVATE_SESSION, 'sh', node, ...args]] : [node, args];
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dataDir,
    SERVICE: `understudy-fault-${randomBytes(6).toString('hex')}`,
    KEY: profileKeySandbox.secretKey,
    SANDBOX_KEY: sandbox.secretKey,
    SANDBOX_API_URL: sandbox.apiUrl,
    API_URL: profileKeySandbox.apiUrl,
    DATA_DIR: dataDir,
    STEPS: JSON.stringify(steps),
    ...(bus === 'private-keyring' ? {} : bus),
  };
  return new Promise((done, fail) => {
    execFile(command as string, commandArgs as string[], { cwd: ROOT, env, timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((text) => text.startsWith('['));
      if (!line) return fail(new Error(`child failed (${error?.message ?? 'no output'}): ${stderr.slice(-2000)}`));
      done(JSON.parse(line) as (Result<unknown> | Record<string, unknown>)[]);
    });
  });
}

/** Every byte written under the data folder (settings, history, anything moved aside). */
const filesText = () =>
  readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'))
    .join('\n');

const ADD = { call: 'profiles:add', input: { name: 'Acme', secretKey: '$KEY' } } as const;
const STATE = { call: 'app:getState', input: {} } as const;
const SEARCH = (profileId: string) => ({ call: 'users:search', input: { profileId, query: '', limit: 5, offset: 0 } }) as const;

describe('without a Secret Service', () => {
  it('tells the operator how to get one, stores the key nowhere, and keeps the sandbox usable', async () => {
    // A bus address that leads nowhere, an empty one, and none at all (no desktop session).
    const buses: Record<string, string>[] = [{ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/understudy-bus' }, { DBUS_SESSION_BUS_ADDRESS: '' }, {}];
    const runs = await Promise.all(buses.map((bus) => runChild([STATE, ADD, SEARCH('sandbox'), STATE], bus)));
    for (const [state, add, search, after] of runs) {
      const howTo = /^No keychain is available, and Understudy keeps secret keys only in the system keychain\. Install and start a Secret Service \(GNOME Keyring: gnome-keyring, or KWallet\) in your desktop session, then restart Understudy\./;
      expect(state).toMatchObject({ ok: true, value: { notices: [expect.stringMatching(howTo)], profiles: [expect.objectContaining({ id: 'sandbox' })] } });
      expect(add).toEqual({ ok: false, error: { kind: 'keychain-unavailable', message: expect.stringMatching(howTo) } });
      expect(search).toMatchObject({ ok: true, value: { users: expect.any(Array) } });
      expect(after).toMatchObject({ ok: true, value: { profiles: [expect.objectContaining({ id: 'sandbox' })] } });
      expect(JSON.stringify([state, add, search, after])).not.toContain(profileKeySandbox.secretKey);
    }
    expect(filesText()).not.toContain(profileKeySandbox.secretKey);
  });
});

describe('with a keyring', () => {
  it('a key removed from the keychain: the instance is reported and hidden, and can be added again', async () => {
    const [added, , removed, search, , state, again] = await runChild(
      [ADD, { restart: true }, { removeKey: 'acme' }, SEARCH('acme'), { restart: true }, STATE, ADD],
      'private-keyring',
    );
    expect(added).toMatchObject({ ok: true, value: { id: 'acme', keyHint: expect.stringMatching(/^sk_test_…/) } });
    expect(removed).toEqual({ removed: true });
    expect(search).toEqual({ ok: false, error: { kind: 'not-found', message: 'The secret key of "Acme" is no longer in the keychain. Add the instance again with its key.' } });
    expect(state).toMatchObject({
      ok: true,
      value: {
        notices: ['The secret key of "Acme" is no longer in the keychain, so this instance is hidden. Add it again with its key to use it.'],
        profiles: [expect.objectContaining({ id: 'sandbox' })],
      },
    });
    expect(again).toMatchObject({ ok: true, value: { name: 'Acme' } });
    expect(filesText()).not.toContain(profileKeySandbox.secretKey);
  });

  it('a locked keyring: reads and writes are refused with how to unlock, and the next start says so', async () => {
    const [added, , locked, search, add, , state, hidden, sandboxSearch] = await runChild(
      [ADD, { restart: true }, { lock: true }, SEARCH('acme'), { call: 'profiles:add', input: { name: 'Other', secretKey: '$KEY' } }, { restart: true }, STATE, SEARCH('acme'), SEARCH('sandbox')],
      'private-keyring',
    );
    const denied = /^Your keyring is locked or refused access\. Unlock your keychain and allow Understudy when asked, then try again\./;
    expect(added).toMatchObject({ ok: true });
    expect(locked).toEqual({ locked: true });
    // The instance was loaded while unlocked; its key is read on first use, which the lock refuses.
    expect(search).toEqual({ ok: false, error: { kind: 'keychain-denied', message: expect.stringMatching(denied) } });
    expect(add).toEqual({ ok: false, error: { kind: 'keychain-denied', message: expect.stringMatching(denied) } });
    expect(state).toMatchObject({
      ok: true,
      value: { notices: [expect.stringMatching(new RegExp(`${denied.source}.* Until then, 1 configured instance\\(s\\) cannot be used\\.$`))] },
    });
    expect(hidden).toEqual({ ok: false, error: { kind: 'not-found', message: 'That instance is no longer configured.' } });
    expect(sandboxSearch).toMatchObject({ ok: true });
    expect(filesText()).not.toContain(profileKeySandbox.secretKey);
  });
});
