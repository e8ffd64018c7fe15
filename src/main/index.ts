// Composition root: builds the services with the Electron adapters and runs the app lifecycle.
// Every decision lives in the services and pure modules (lifecycle/, policy/, …); this file wires.
// Loaded by entry.ts once Chromium's network stack is behind `fetch`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { app, dialog, Menu, session, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { AppError, isAppError } from '../shared/errors.ts';
import { AvatarProxy } from './clerk/avatar-proxy.ts';
import { CONSOLE_ENTRY, CONSOLE_ORIGIN } from './console/console-policy.ts';
import { AUDIT_SECRETS_SERVICE } from './credentials/keychain.ts';
import { createKeytarKeychain } from './credentials/keytar-keychain.ts';
import { registerConsoleScheme, serveConsole } from './electron/console-protocol.ts';
import { createConsoleWindow, hardenConsoleSession } from './electron/console-window.ts';
import { createElectronStoreDocuments } from './electron/electron-store-document.ts';
import { ipcMainRegistry } from './electron/ipc-main-registry.ts';
import { saveWithDialog } from './electron/save-dialog.ts';
import { createElectronWindowHost } from './electron/window-host.ts';
import { registerHandlers } from './ipc/register.ts';
import { originOf } from './ipc/sender.ts';
import { applicationMenu } from './lifecycle/app-menu.ts';
import { consoleCrashDecision } from './lifecycle/console-crash.ts';
import { deferredHandlers } from './lifecycle/deferred-handlers.ts';
import { positionsHonoured } from './lifecycle/display.ts';
import { createQuitCoordinator } from './lifecycle/quit-coordinator.ts';
import { createLogger, detailsIn } from './log.ts';
import { createFileLog } from './log-file.ts';
import { createServices, type MainServices } from './services.ts';
import { PROTOCOL as DEEP_LINK_PROTOCOL } from './deep-link/deep-link.ts';
import { readOrgPolicy } from './policy/org-policy.ts';
import { systemPolicySources } from './policy/policy-sources.ts';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { createSelfTestProbe } from './electron/self-test-probe.ts';
import { formatReport } from './self-test/report.ts';
import { runSelfTest } from './self-test/self-test.ts';

const CLERK_API_URL = 'https://api.clerk.com';
const QUIT_DEADLINE_MS = 10_000;

// One instance only. A second start hands its turn to the first (`second-instance`) and runs
// nothing of its own: no scheme, no log, no services (docs/api/app.md, requestSingleInstanceLock).
if (app.requestSingleInstanceLock()) boot();
else app.quit();

function boot(): void {
  // Before `ready`: the console's scheme, and a renderer sandbox for every window.
  registerConsoleScheme();
  app.enableSandbox();

  const selfTesting = process.argv.includes('--self-test');
  let selfTestQuitReached!: () => void;
  const selfTestQuit = new Promise<void>((resolve) => (selfTestQuitReached = resolve));
  const fileLog = createFileLog(join(app.getPath('userData'), 'logs'), { echo: !app.isPackaged });
  const log = createLogger(fileLog.sink, fileLog.path);
  let consoleWindow: BrowserWindow | null = null;
  let services: MainServices | null = null;
  let stopSandbox: (() => Promise<void>) | null = null;
  const consoleReloads: number[] = [];

  /** `npm run dev` serves the renderer from Vite; packaged and `npm start` use the custom scheme. */
  const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
  const consoleEntry = devServerUrl ?? CONSOLE_ENTRY;
  const consoleOrigin = devServerUrl ? (originOf(devServerUrl) ?? CONSOLE_ORIGIN) : CONSOLE_ORIGIN;

  // A terminal that went away (EPIPE on the echo of the log) is no error of the app's; unhandled,
  // it would come back through the handlers below, whose logging would write to it again.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  /** Nothing fails silently: logged, and told to the operator in the console once it is up. */
  let reporting = false;
  const report = (what: string, error: unknown) => {
    if (reporting) return; // a failure while reporting must not report itself forever
    reporting = true;
    try {
      log.error(what, error);
      services?.notify(`${what}. Understudy keeps running; ${detailsIn(log).replace(/^The/, 'the')}`);
    } finally {
      reporting = false;
    }
  };
  process.on('uncaughtException', (error) => report('An unexpected error occurred in Understudy', error));
  process.on('unhandledRejection', (reason) => report('An unexpected error occurred in Understudy', reason));

  // Quitting ends every live impersonation first, bounded; no session outlives the console.
  const quitting = createQuitCoordinator({
    shutdown: () => (services ? () => services!.shutdown() : null),
    finalSteps: [
      { name: 'stop the built-in sandbox', run: async () => stopSandbox?.() },
      { name: 'clear the console cache', run: () => session.defaultSession.clearCache() },
      // The self-test's last check is this very shutdown: it reports, then ends the process itself.
      // (app.exit after the report), so this step does not hand back to app.quit().
      ...(selfTesting ? [{ name: 'report the self-test', run: () => (selfTestQuitReached(), new Promise<void>(() => undefined)) }] : []),
    ],
    deadlineMs: QUIT_DEADLINE_MS,
    quit: () => app.quit(),
    log,
  });
  app.on('before-quit', (event) => quitting.onBeforeQuit(event));
  // Closing the console quits (see openConsole). Listening here replaces Electron's default, which
  // would call app.quit() once more on its own (docs/api/app.md, `window-all-closed`).
  app.on('window-all-closed', () => undefined);

  // Deep links from helpdesk tools (understudy://impersonate?…): macOS hands them to the running app
  // as `open-url`; Windows and Linux start the app with the link in argv, which reaches a running
  // first instance as `second-instance` (docs/api/app.md). The link only fills in the dialog.
  const deepLinkIn = (argv: readonly string[]) => argv.find((arg) => arg.startsWith(`${DEEP_LINK_PROTOCOL}://`));
  const openDeepLink = (url: string) => void services?.openDeepLink(url).catch((error: unknown) => report('A deep link could not be opened', error));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  app.on('second-instance', (_event, argv) => {
    if (!consoleWindow) return;
    if (consoleWindow.isMinimized()) consoleWindow.restore();
    consoleWindow.focus();
    const link = deepLinkIn(argv);
    if (link) openDeepLink(link);
  });

  function openConsole(): void {
    const window = createConsoleWindow({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      devTools: !app.isPackaged,
      entryUrl: consoleEntry,
      origin: consoleOrigin,
    });
    consoleWindow = window;
    window.on('closed', () => {
      consoleWindow = null;
      app.quit();
    });
    // A crashed console is reloaded and the operator told; impersonation windows keep running.
    window.webContents.on('render-process-gone', (_event, details) => {
      const now = Date.now();
      const decision = consoleCrashDecision(details.reason, consoleReloads, now, fileLog.path);
      if (decision.action === 'ignore') return;
      log.error(`The console renderer stopped: ${details.reason} (exit code ${details.exitCode})`);
      if (decision.action === 'give-up') {
        dialog.showErrorBox('The Understudy console keeps stopping', decision.message);
        return;
      }
      consoleReloads.push(now);
      services?.notify(decision.notice);
      if (!window.isDestroyed()) window.webContents.reload();
    });
  }

  const keychain = createKeytarKeychain();
  /**
   * The services with the Electron adapters. `selfTest` runs them on the self-test's own sandbox and
   * a throwaway history folder, so a self-test never touches the operator's instances or history.
   */
  async function buildServices(selfTest?: { sandbox: Sandbox; documentsDir: string }): Promise<MainServices> {
    const avatars = new AvatarProxy();
    serveConsole(join(import.meta.dirname, '../renderer'), avatars);
    // No key stored yet: the built-in sandbox instance lets a newcomer try everything offline.
    const hasKeys = selfTest ? false : await keychain.list().then((entries) => entries.length > 0, () => false);
    const sandbox = selfTest?.sandbox ?? (hasKeys ? null : await startSandbox({ users: 500 }));
    if (sandbox) stopSandbox = () => sandbox.close();
    const ozone = { platform: app.commandLine.getSwitchValue('ozone-platform'), hint: app.commandLine.getSwitchValue('ozone-platform-hint') };
    return createServices({
      keychain,
      documents: createElectronStoreDocuments(selfTest?.documentsDir ?? app.getPath('userData')),
      windowHost: createElectronWindowHost({ log, positionsHonoured: positionsHonoured(process.platform, process.env, ozone) }),
      saveFile: (name, content) => saveWithDialog(consoleWindow, name, content),
      avatars,
      emit: (event, payload) => consoleWindow?.webContents.send(event, payload),
      osUser: userInfo().username,
      log,
      defaultApiUrl: CLERK_API_URL,
      sandbox: sandbox
        ? { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: sandbox.origins }
        : null,
      orgPolicy: readOrgPolicy(systemPolicySources()),
      auditSecrets: { env: process.env, keychain: createKeytarKeychain(AUDIT_SECRETS_SERVICE) },
      logFile: {
        path: fileLog.path,
        async openFolder() {
          mkdirSync(fileLog.dir, { recursive: true });
          // shell.openPath answers with an error message, or '' when it worked (docs/api/shell.md).
          const problem = await shell.openPath(fileLog.dir);
          if (problem) throw new AppError({ kind: 'internal', message: `The log folder could not be opened (${problem}). It is ${fileLog.dir}.` });
        },
      },
    });
  }

  /** `--self-test`: no console; the checks, their report on stdout, and the exit code. */
  async function startSelfTest(): Promise<void> {
    const documentsDir = mkdtempSync(join(tmpdir(), 'understudy-self-test-'));
    const checks = await runSelfTest({
      keychain,
      startSandbox: () => startSandbox({ users: 50 }),
      buildServices: async (sandbox) => (services = await buildServices({ sandbox, documentsDir })),
      fetch: (input, init) => fetch(input, init),
      probe: createSelfTestProbe(),
      quit: () => {
        app.quit();
        return selfTestQuit;
      },
    });
    console.log(formatReport(checks));
    rmSync(documentsDir, { recursive: true, force: true });
    app.exit(checks.every((check) => check.ok) ? 0 : 1);
  }

  async function start(): Promise<void> {
    Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu({ packaged: app.isPackaged, platform: process.platform }) as MenuItemConstructorOptions[]));
    hardenConsoleSession();
    app.on('web-contents-created', (_event, contents) => {
      contents.on('will-attach-webview', (event) => event.preventDefault());
    });
    // The window opens at once; its first calls wait for the services being built meanwhile.
    const ready = buildServices();
    registerHandlers(
      ipcMainRegistry,
      deferredHandlers(ready),
      () => ({ webContentsIds: new Set(consoleWindow ? [consoleWindow.webContents.id] : []), origin: consoleOrigin }),
      log,
    );
    // Packaged builds register the scheme with the OS (electron-builder.yml `protocols` too).
    if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_PROTOCOL);
    openConsole();
    services = await ready;
    const launchLink = deepLinkIn(process.argv);
    if (launchLink) openDeepLink(launchLink);
    // Ending a crashed run's leftovers can take minutes offline: the console shows it happening.
    void services.recover().catch((error: unknown) => report('Ending the impersonations left by the last run failed', error));
  }

  app
    .whenReady()
    .then(selfTesting ? startSelfTest : start)
    .catch((error: unknown) => {
      if (selfTesting) {
        log.error('The self-test could not run', error);
        console.log(formatReport([{ name: 'self-test ran', ok: false, ms: 0, detail: error instanceof Error ? error.message : String(error) }]));
        app.exit(1);
        return;
      }
      log.error('Understudy failed to start', error);
      // Say why before quitting: a window-less app that silently stays up helps nobody.
      dialog.showErrorBox('Understudy could not start', `${isAppError(error) ? error.message : 'An unexpected error occurred.'} ${detailsIn(log)}`);
      app.quit();
    });
}
