// Run by keychain-faults.test.ts in a child Node (so each case gets its own D-Bus session and
// keyring, or none at all): `node --import ./scripts/register-electron-stub.mjs tests/fault/keychain-child.ts`.
// Builds the real services over keytar and electron-store, performs the steps in $STEPS through the
// real IPC dispatch, and prints one JSON line with what each step answered. `$KEY` in a step's
// input stands for $KEY (the secret key is never on a command line).
import { spawnSync } from 'node:child_process';
import keytar from 'keytar';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import type { WindowHost } from '../../src/main/impersonation/window-host.ts';
import { registerHandlers, type IpcListener } from '../../src/main/ipc/register.ts';
import { createLogger } from '../../src/main/log.ts';
import { createServices } from '../../src/main/services.ts';
import type { Channel } from '../../src/shared/contract.ts';

export type Step =
  | { call: Channel; input: unknown }
  | { restart: true }
  | { lock: true }
  | { removeKey: string };

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const service = env('SERVICE');
const key = env('KEY');
const steps = JSON.parse(env('STEPS')) as Step[];

const noWindows: WindowHost = {
  open: () => Promise.reject(new Error('no windows in this test')),
  workArea: () => ({ x: 0, y: 0, width: 800, height: 600 }),
};

async function boot() {
  const log = createLogger(() => undefined);
  const services = await createServices({
    keychain: createKeytarKeychain(service),
    documents: createElectronStoreDocuments(env('DATA_DIR')),
    windowHost: noWindows,
    avatars: new AvatarProxy(),
    saveFile: async () => null,
    emit: () => undefined,
    osUser: 'agent',
    log,
    defaultApiUrl: env('API_URL'),
    sandbox: { secretKey: env('SANDBOX_KEY'), apiUrl: env('SANDBOX_API_URL'), origins: [] },
  });
  const listeners = new Map<Channel, IpcListener>();
  registerHandlers(
    { handle: (channel, listener) => void listeners.set(channel, listener), removeHandler: () => undefined },
    services.handlers,
    () => ({ webContentsIds: new Set([1]), origin: 'understudy://console' }),
    log,
  );
  return (channel: Channel, input: unknown) =>
    listeners.get(channel)!({ frameUrl: 'understudy://console/index.html', isMainFrame: true, webContentsId: 1 }, input);
}

const out: unknown[] = [];
let call = await boot();
for (const step of steps) {
  if ('restart' in step) {
    call = await boot();
    out.push({ restarted: true });
  } else if ('lock' in step) {
    const locked = spawnSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'],
      { timeout: 5000 },
    );
    out.push({ locked: locked.status === 0 });
  } else if ('removeKey' in step) {
    out.push({ removed: await keytar.deletePassword(service, step.removeKey) });
  } else {
    const input = JSON.parse(JSON.stringify(step.input).replaceAll('"$KEY"', JSON.stringify(key)));
    out.push(await call(step.call, input));
  }
}
console.log(JSON.stringify(out));
process.exit(0);
