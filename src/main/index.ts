// Composition root: builds the services with the Electron adapters and runs the app lifecycle.
// Every decision lives in the services and pure policy modules; this file only wires.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { isAppError } from '../shared/errors.ts';
import { AvatarProxy } from './clerk/avatar-proxy.ts';
import { CONSOLE_ENTRY, CONSOLE_ORIGIN } from './console/console-policy.ts';
import { createKeytarKeychain } from './credentials/keytar-keychain.ts';
import { registerConsoleScheme, serveConsole } from './electron/console-protocol.ts';
import { createConsoleWindow, hardenConsoleSession } from './electron/console-window.ts';
import { createElectronStoreDocuments } from './electron/electron-store-document.ts';
import { ipcMainRegistry } from './electron/ipc-main-registry.ts';
import { saveWithDialog } from './electron/save-dialog.ts';
import { createElectronWindowHost } from './electron/window-host.ts';
import { registerHandlers } from './ipc/register.ts';
import { originOf } from './ipc/sender.ts';
import { createLogger } from './log.ts';
import { createServices, type MainServices } from './services.ts';
import { startSandbox } from '../sandbox/index.ts';

const CLERK_API_URL = 'https://api.clerk.com';
const QUIT_DEADLINE_MS = 10_000;
const log = createLogger();

// Before `ready`: the console's scheme, a renderer sandbox for every window, one instance only.
registerConsoleScheme();
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

let consoleWindow: BrowserWindow | null = null;
let services: MainServices | null = null;
let stopSandbox: (() => Promise<void>) | null = null;

/** `npm run dev` serves the renderer from Vite; packaged and `npm start` use the custom scheme. */
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const consoleEntry = devServerUrl ?? CONSOLE_ENTRY;
const consoleOrigin = devServerUrl ? (originOf(devServerUrl) ?? CONSOLE_ORIGIN) : CONSOLE_ORIGIN;

async function start(): Promise<void> {
  hardenConsoleSession();
  const avatars = new AvatarProxy();
  serveConsole(join(import.meta.dirname, '../renderer'), avatars);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  const keychain = createKeytarKeychain();
  // No key stored yet: the built-in sandbox instance lets a newcomer try everything offline.
  const hasKeys = await keychain.list().then((entries) => entries.length > 0, () => false);
  const sandbox = hasKeys ? null : await startSandbox({ users: 500 });
  if (sandbox) stopSandbox = () => sandbox.close();

  services = await createServices({
    keychain,
    documents: createElectronStoreDocuments(app.getPath('userData')),
    windowHost: createElectronWindowHost({ log }),
    saveFile: (name, content) => saveWithDialog(consoleWindow, name, content),
    avatars,
    emit: (event, payload) => consoleWindow?.webContents.send(event, payload),
    osUser: userInfo().username,
    log,
    defaultApiUrl: CLERK_API_URL,
    sandbox: sandbox
      ? { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: [sandbox.frontendApiUrl, sandbox.appUrl] }
      : null,
  });

  registerHandlers(
    ipcMainRegistry,
    services.handlers,
    () => ({ webContentsIds: new Set(consoleWindow ? [consoleWindow.webContents.id] : []), origin: consoleOrigin }),
    log,
  );
  await services.recover();
  openConsole();
}

function openConsole(): void {
  consoleWindow = createConsoleWindow({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    devTools: !app.isPackaged,
    entryUrl: consoleEntry,
    origin: consoleOrigin,
  });
  // Closing the console quits the app, which ends every impersonation: none is left orphaned.
  consoleWindow.on('closed', () => {
    consoleWindow = null;
    app.quit();
  });
}

app.on('second-instance', () => {
  if (consoleWindow?.isMinimized()) consoleWindow.restore();
  consoleWindow?.focus();
});

// Quitting ends every live impersonation first: no session outlives the console.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  // Bounded: with Clerk unreachable, revokes could retry for minutes; what is left live is
  // ended by recovery at the next start.
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, QUIT_DEADLINE_MS));
  void Promise.race([services.shutdown(), deadline])
    .catch((error: unknown) => log.error('Ending impersonations on quit failed', error))
    .finally(async () => {
      await stopSandbox?.().catch(() => undefined);
      await session.defaultSession.clearCache();
      app.quit();
    });
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    log.error('Understudy failed to start', error);
    // Say why before quitting: a window-less app that silently stays up helps nobody.
    dialog.showErrorBox('Understudy could not start', isAppError(error) ? error.message : 'An unexpected error occurred. The details are in the log.');
    app.quit();
  });
