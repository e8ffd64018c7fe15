// The console as the app wires it, in this process, on the Electron emulation: the built renderer
// served from understudy://console by the app's own protocol handler, in the app's console window
// with the built preload (out/preload/index.cjs) and the app's IPC registry (sender check and
// schema validation included), the real services, and the app's own window host for impersonations
// (BaseWindow, banner view, hardened partitions). Only what index.ts decides from the machine is
// chosen here: the Clerk instance (a sandbox), the keychain service, the data folder.
// For the composition root itself (index.ts) see emulated-app.ts and tests/e2e/app-emulated.test.ts.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserWindow } from 'electron';
import type { Page } from 'playwright-core';
import type { Channel } from '../../src/shared/contract.ts';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { CONSOLE_ENTRY, CONSOLE_ORIGIN } from '../../src/main/console/console-policy.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { registerConsoleScheme, serveConsole } from '../../src/main/electron/console-protocol.ts';
import { createConsoleWindow, hardenConsoleSession } from '../../src/main/electron/console-window.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { ipcMainRegistry } from '../../src/main/electron/ipc-main-registry.ts';
import { saveWithDialog } from '../../src/main/electron/save-dialog.ts';
import { registerHandlers } from '../../src/main/ipc/register.ts';
import type { IpcRegistry } from '../../src/main/ipc/register.ts';
import { createLogger, type Logger } from '../../src/main/log.ts';
import type { OrgPolicyState } from '../../src/main/policy/org-policy.ts';
import { createServices, type MainServices } from '../../src/main/services.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { pageOf } from '../../dev/electron-emulation/inspect.ts';
import { config as emulationConfig } from '../../dev/electron-emulation/runtime.ts';
import { EmulatedWindowHost, emulationReady } from './emulated-window-host.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

// As index.ts does, before the app is ready (this module is imported before any test runs).
registerConsoleScheme();

export interface IpcRecord {
  channel: Channel | string;
  input: unknown;
  output: unknown;
}

export interface HarnessOptions {
  users?: number;
  /** Seed users and clock come from the sandbox; pass one to share it. */
  sandbox?: Sandbox;
  colorScheme?: 'light' | 'dark';
  /** Start without the built-in sandbox profile (as when a key is stored). */
  withoutBuiltInSandbox?: boolean;
  keychain?: Keychain;
  dataDir?: string;
  /** The IT-managed policy, as index.ts reads it from the machine. */
  orgPolicy?: OrgPolicyState;
  /** The backoff of ends Clerk did not confirm (default: the app's). */
  endRetryDelay?: (attempt: number) => number;
}

export interface Harness {
  /** The console's origin as the app sees it. */
  url: string;
  page: Page;
  consoleWindow: BrowserWindow;
  sandbox: Sandbox;
  services: MainServices;
  /** The app's window host on the emulation, with a look into each window. */
  windowHost: EmulatedWindowHost;
  keychain: Keychain;
  dataDir: string;
  exportsDir: string;
  /** Every IPC call the console made, with the answer main gave: the leak scan reads these. */
  ipcLog: IpcRecord[];
  /** Every line main logged. */
  logLines: string[];
  /** Events main pushed to the console. */
  events: { event: string; payload: unknown }[];
  close(): Promise<void>;
}

/** One protocol handler per process (Electron allows one per scheme); it serves the current harness's avatars. */
let avatars: AvatarProxy | null = null;
function consoleServed(): AvatarProxy {
  if (!avatars) {
    avatars = new AvatarProxy();
    serveConsole(resolve('out/renderer'), avatars);
    hardenConsoleSession();
  }
  return avatars;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  await emulationReady();
  const sandbox = options.sandbox ?? (await startSandbox({ users: options.users ?? 200 }));
  const ownSandbox = !options.sandbox;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-harness-'));
  const exportsDir = join(dataDir, 'exports');
  mkdirSync(exportsDir, { recursive: true });
  // The emulated save dialog accepts the suggested name in this folder.
  emulationConfig.saveDir = exportsDir;
  const keychain = options.keychain ?? createKeytarKeychain(`understudy-test-${randomBytes(6).toString('hex')}`);

  const logLines: string[] = [];
  const log: Logger = createLogger((level, line) => logLines.push(`${level} ${line}`));
  const ipcLog: IpcRecord[] = [];
  const events: Harness['events'] = [];
  const avatarProxy = consoleServed();
  const windowHost = new EmulatedWindowHost(log);

  const consoleWindow: BrowserWindow = createConsoleWindow({
    preloadPath: resolve('out/preload/index.cjs'),
    devTools: true,
    entryUrl: CONSOLE_ENTRY,
    origin: CONSOLE_ORIGIN,
  });
  const loaded = new Promise<void>((done) => consoleWindow.webContents.once('did-finish-load', () => done()));
  const page = await pageOf(consoleWindow.webContents);
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  await page.setViewportSize({ width: 1280, height: 820 });

  const services = await createServices({
    keychain,
    documents: createElectronStoreDocuments(dataDir),
    windowHost,
    avatars: avatarProxy,
    saveFile: (name, content) => saveWithDialog(consoleWindow, name, content),
    emit: (event, payload) => {
      events.push({ event, payload });
      if (!consoleWindow.isDestroyed()) consoleWindow.webContents.send(event, payload);
    },
    osUser: 'support-agent',
    log,
    defaultApiUrl: sandbox.apiUrl,
    sandbox: options.withoutBuiltInSandbox
      ? null
      : { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: sandbox.origins },
    ...(options.orgPolicy ? { orgPolicy: options.orgPolicy } : {}),
    endRetryDelay: options.endRetryDelay,
  });

  // The app's ipcMain registry, recording what each call answered (the leak scan reads these).
  const recording: IpcRegistry = {
    handle: (channel, listener) =>
      ipcMainRegistry.handle(channel, async (sender, input) => {
        const output = await listener(sender, input);
        ipcLog.push({ channel, input, output });
        return output;
      }),
    removeHandler: (channel) => ipcMainRegistry.removeHandler(channel),
  };
  const unregister = registerHandlers(recording, services.handlers, () => ({ webContentsIds: new Set([consoleWindow.webContents.id]), origin: CONSOLE_ORIGIN }), log);
  await services.recover();
  // The console window's own first load (createConsoleWindow starts it), not about:blank.
  await loaded;

  return {
    url: CONSOLE_ORIGIN,
    page,
    consoleWindow,
    sandbox,
    services,
    windowHost,
    keychain,
    dataDir,
    exportsDir,
    ipcLog,
    logLines,
    events,
    async close() {
      unregister();
      // Bounded like the app's quit: a hung clean-up must not keep the next harness from starting.
      await Promise.race([services.shutdown().catch(() => undefined), new Promise((done) => setTimeout(done, 10_000).unref())]);
      if (!consoleWindow.isDestroyed()) consoleWindow.destroy();
      if (ownSandbox) await sandbox.close();
      for (const entry of await keychain.list().catch(() => [])) await keychain.delete(entry.account).catch(() => false);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
