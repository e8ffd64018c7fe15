import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';
import { keychainError } from '../../src/main/credentials/keychain-errors.ts';
import { createKeytarKeychain, type KeytarApi } from '../../src/main/credentials/keytar-keychain.ts';

describe('keychainError', () => {
  it.each([
    // Observed from keytar 7.9 / libsecret on Linux.
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'keychain-unavailable', /gnome-keyring|KWallet/],
    ['Could not connect: No such file or directory', 'keychain-unavailable', /gnome-keyring|KWallet/],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'keychain-unavailable', /Secret Service/],
    ['No such interface “org.freedesktop.Secret.Collection” on object at path /', 'keychain-unavailable', /GNOME Keyring/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'keychain-unavailable', /login/],
    ['Cannot create an item in a locked collection', 'keychain-denied', /Unlock your keychain and allow Understudy/],
    ['Prompt dismissed', 'keychain-denied', /Unlock/],
  ])('linux: %s → %s', (message, kind, text) => {
    const error = keychainError(new Error(message), 'store the secret key', 'linux');
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(text);
    expect(error.message).toContain(message.slice(0, 20));
  });

  it.each([
    ['User canceled the operation.', 'darwin', 'keychain-denied', /macOS Keychain is locked/],
    ['The user name or passphrase you entered is not correct.', 'darwin', 'keychain-denied', /Unlock/],
    ['User interaction is not allowed.', 'darwin', 'keychain-denied', /Unlock/],
    ['Access is denied.', 'win32', 'keychain-denied', /Windows Credential Manager is locked/],
  ] as const)('%s on %s → %s', (message, platform, kind, text) => {
    const error = keychainError(new Error(message), 'read a secret key', platform);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(text);
  });

  it('says the keychain is built in on macOS and Windows when it cannot be reached', () => {
    expect(keychainError(new Error('Could not connect to the service'), 'read', 'darwin').message).toMatch(/macOS Keychain is built in/);
  });

  it('masks anything that looks like a key in the system message', () => {
    const key = 'sk_live_' + 'S'.repeat(40);
    const error = keychainError(new Error(`weird failure with ${key}`), 'store the secret key', 'linux');
    expect(error.message).not.toContain(key);
    expect(error.message).toMatch(/could not store the secret key/);
  });

  it('keeps an AppError as it is', () => {
    const original = new AppError({ kind: 'keychain-denied', message: 'x' });
    expect(keychainError(original, 'read')).toBe(original);
  });
});

describe('createKeytarKeychain without its native module', () => {
  it('reports keychain-unavailable on use instead of crashing at load, and tries again later', async () => {
    let loads = 0;
    const keychain = createKeytarKeychain('understudy-test', {
      load: async () => {
        loads++;
        throw new Error("Cannot find module '../build/Release/keytar.node'");
      },
    });
    await expect(keychain.list()).rejects.toMatchObject({ kind: 'keychain-unavailable', message: expect.stringMatching(/Reinstall Understudy/) });
    await expect(keychain.set('a', 'sk_test_x')).rejects.toMatchObject({ kind: 'keychain-unavailable' });
    expect(loads).toBe(2);
  });

  it('maps failures of the module and hides the probe accounts', async () => {
    const calls: string[] = [];
    const fake: KeytarApi = {
      getPassword: async () => null,
      setPassword: async (_service, account) => void calls.push(`set ${account}`),
      deletePassword: async (_service, account) => (calls.push(`delete ${account}`), true),
      findCredentials: async () => [
        { account: 'acme', password: 'sk_test_1' },
        { account: '.understudy-probe-abc', password: 'probe' },
      ],
    };
    const keychain = createKeytarKeychain('svc', { load: async () => fake, platform: 'linux' });
    expect(await keychain.list()).toEqual([{ account: 'acme', secret: 'sk_test_1' }]);
    // On Linux a throwaway write proves the collection is unlocked before reading everything.
    expect(calls).toEqual([expect.stringMatching(/^set \.understudy-probe-/), expect.stringMatching(/^delete \.understudy-probe-/)]);

    const locked = createKeytarKeychain('svc', {
      load: async () => ({ ...fake, setPassword: async () => Promise.reject(new Error('Cannot create an item in a locked collection')) }),
      platform: 'linux',
    });
    await expect(locked.list()).rejects.toMatchObject({ kind: 'keychain-denied' });
    // A locked collection answers null to reads: the probe turns that into the real reason.
    await expect(locked.get('acme')).rejects.toMatchObject({ kind: 'keychain-denied' });

    const mac = createKeytarKeychain('svc', { load: async () => fake, platform: 'darwin' });
    calls.length = 0;
    expect(await mac.get('missing')).toBeNull();
    expect(calls).toEqual([]);
  });
});
