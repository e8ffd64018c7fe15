// The Keychain port over keytar (macOS Keychain, Windows Credential Manager, Secret Service on
// Linux). There is deliberately no fallback: without a keychain nothing is stored, and the error
// says how to get one.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import { KEYCHAIN_SERVICE, type Keychain, type KeychainEntry } from './keychain.ts';
import { keychainError } from './keychain-errors.ts';

export type KeytarApi = Pick<typeof import('keytar'), 'getPassword' | 'setPassword' | 'deletePassword' | 'findCredentials'>;

export interface KeytarKeychainOptions {
  /** Loads the native module; injected by tests to simulate a missing build. */
  load?: () => Promise<KeytarApi>;
  platform?: NodeJS.Platform;
}

/** Accounts used only to probe whether the keyring is locked; never a profile. */
const PROBE_PREFIX = '.understudy-probe-';

async function importKeytar(): Promise<KeytarApi> {
  // Loaded on first use, so a missing or mismatched native build is an error, not a crash at start.
  const module = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return module.default ?? module;
}

export function createKeytarKeychain(service: string = KEYCHAIN_SERVICE, options: KeytarKeychainOptions = {}): Keychain {
  const platform = options.platform ?? process.platform;
  let loading: Promise<KeytarApi> | undefined;

  const keytar = (): Promise<KeytarApi> => {
    loading ??= (options.load ?? importKeytar)().catch((error: unknown) => {
      loading = undefined;
      throw new AppError(
        {
          kind: 'keychain-unavailable',
          message: 'The keychain module of Understudy (keytar) could not be loaded, so no secret key can be read or stored. Reinstall Understudy.',
        },
        { cause: error },
      );
    });
    return loading;
  };

  const run = async <T>(action: string, call: (api: KeytarApi) => Promise<T>): Promise<T> => {
    const api = await keytar();
    try {
      return await call(api);
    } catch (error) {
      throw keychainError(error, action, platform);
    }
  };

  // libsecret hides locked items: getPassword answers null and findCredentials crashes the process
  // (keytar 7.9 dereferences the missing secret). Creating an item in a locked collection fails
  // cleanly instead (or prompts the user to unlock), so a throwaway write tells "locked" apart.
  const assertUnlocked = async (): Promise<void> => {
    if (platform !== 'linux') return;
    const probe = `${PROBE_PREFIX}${randomBytes(6).toString('hex')}`;
    await run('check that the keyring is unlocked', async (api) => {
      await api.setPassword(service, probe, 'probe');
      await api.deletePassword(service, probe);
    });
  };

  return {
    service,
    async get(account) {
      const secret = await run('read a secret key', (api) => api.getPassword(service, account));
      if (secret === null) await assertUnlocked();
      return secret;
    },
    async set(account, secret) {
      await run('store the secret key', (api) => api.setPassword(service, account, secret));
    },
    async delete(account) {
      return run('delete the secret key', (api) => api.deletePassword(service, account));
    },
    async list(): Promise<KeychainEntry[]> {
      await assertUnlocked();
      const found = await run('list the secret keys', (api) => api.findCredentials(service));
      return found
        .filter(({ account }) => !account.startsWith(PROBE_PREFIX))
        .map(({ account, password }) => ({ account, secret: password }));
    },
  };
}
