// `app`: ready, paths, the single-instance lock and the quit sequence, as docs/api/app.md describes.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { closeBrowser, config, defaultTemp, defaultUserData, exitProcess, launchBrowser, markTerminating, newEvent, notice } from './runtime.ts';
import { allWindows } from './windows.ts';

type PathName = 'home' | 'appData' | 'userData' | 'sessionData' | 'temp' | 'exe' | 'module' | 'desktop' | 'documents' | 'downloads' | 'music' | 'pictures' | 'videos' | 'logs' | 'crashDumps';

function findPackageJson(): { version: string; name: string } {
  let dir = resolve(dirname(process.argv[1] ?? '.'));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string; productName?: string; name?: string };
      return { version: parsed.version ?? '0.0.0', name: parsed.productName ?? parsed.name ?? 'Electron' };
    }
    const parent = dirname(dir);
    if (parent === dir) return { version: '0.0.0', name: 'Electron' };
    dir = parent;
  }
}

class App extends EventEmitter {
  #ready = false;
  #readyPromise: Promise<void>;
  #sandbox = false;
  /** Browser::is_quitting_: set once before-quit was not prevented. */
  #quitting = false;
  #exiting = false;
  #paths = new Map<string, string>();
  #lock: Server | null = null;
  #package = findPackageJson();
  #asked: (() => void) | null = null;
  readonly commandLine = {
    switches: new Map<string, string>(),
    appendSwitch: (name: string, value = '') => void this.commandLine.switches.set(name, value),
    hasSwitch: (name: string) => this.commandLine.switches.has(name),
    getSwitchValue: (name: string) => this.commandLine.switches.get(name) ?? '',
  };

  constructor() {
    super();
    // Electron becomes ready after the main entry point (its static imports and top-level code) has
    // run (docs/tutorial/esm.md): register.mjs signals that; in-process use waits one turn.
    // Loaded in-process without an entry point (tests): ready comes once something asks for it.
    const entry = (globalThis as Record<symbol, Promise<void> | undefined>)[Symbol.for('electron-emulation.entry-pending')] ?? new Promise<void>((asked) => (this.#asked = asked));
    // Chromium starts at once (it takes the longest); `ready` waits for both.
    const browser = new Promise<void>((done) => setImmediate(done)).then(() => launchBrowser());
    browser.catch(() => undefined);
    this.#readyPromise = new Promise((resolveReady, rejectReady) => {
      void entry.then(() => setImmediate(() => {
        if (this.#exiting) return;
        browser.then(
          () => {
            this.#ready = true;
            this.emit('will-finish-launching');
            this.emit('ready', newEvent(), {});
            resolveReady();
          },
          (error: unknown) => {
            notice(`Chromium could not start: ${error instanceof Error ? error.message : String(error)}`);
            rejectReady(error);
            exitProcess(1);
          },
        );
      }));
    });
    this.#readyPromise.catch(() => undefined);
    this.on('newListener', (name) => {
      if (name === 'ready') this.#asked?.();
    });
  }

  get isPackaged(): boolean {
    return process.env['UNDERSTUDY_EMULATION_PACKAGED'] === '1';
  }

  get name(): string {
    return this.#package.name;
  }

  getName(): string {
    return this.#package.name;
  }

  getVersion(): string {
    return this.#package.version;
  }

  getLocale(): string {
    return 'en-US';
  }

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    this.#asked?.();
    return this.#readyPromise;
  }

  /** docs/api/app.md#appenablesandbox: "This method can only be called before app is ready." */
  enableSandbox(): void {
    if (this.#ready) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.#sandbox = true;
  }

  /** True once enableSandbox() ran: every renderer is sandboxed whatever its webPreferences say. */
  get sandboxed(): boolean {
    return this.#sandbox;
  }

  getPath(name: PathName): string {
    const set = this.#paths.get(name);
    if (set) return set;
    const home = config.home;
    const userData = config.userData ?? defaultUserData();
    const paths: Record<PathName, string> = {
      home,
      appData: dirname(userData),
      userData,
      sessionData: userData,
      temp: defaultTemp(),
      exe: process.execPath,
      module: process.execPath,
      desktop: join(home, 'Desktop'),
      documents: join(home, 'Documents'),
      downloads: join(home, 'Downloads'),
      music: join(home, 'Music'),
      pictures: join(home, 'Pictures'),
      videos: join(home, 'Videos'),
      // Linux: userData/logs (docs/api/app.md, "logs").
      logs: join(userData, 'logs'),
      crashDumps: join(userData, 'Crashpad'),
    };
    const path = paths[name];
    if (path === undefined) throw new Error(`Failed to get '${name}' path`);
    return path;
  }

  setPath(name: string, path: string): void {
    this.#paths.set(name, path);
  }

  /** docs/api/app.md#appsetasdefaultprotocolclientprotocol-path-args: registers with the OS; here, recorded only. */
  readonly defaultProtocolClients = new Set<string>();
  setAsDefaultProtocolClient(protocol: string): boolean {
    this.defaultProtocolClients.add(protocol);
    return true;
  }

  /**
   * docs/api/app.md#apprequestsingleinstancelock: the first instance holds the lock; a second one
   * gets false and the first receives `second-instance` (argv, workingDirectory, additionalData).
   * Emulated with a Unix socket in userData.
   */
  requestSingleInstanceLock(additionalData: unknown = {}): boolean {
    if (this.#lock) return true;
    const dir = this.getPath('userData');
    mkdirSync(dir, { recursive: true });
    const socket = join(dir, 'SingletonSocket');
    const message = JSON.stringify({ argv: process.argv, workingDirectory: process.cwd(), additionalData });
    if (existsSync(socket) && this.#tellFirstInstance(socket, message)) return false;
    rmSync(socket, { force: true });
    const server = createServer((connection) => {
      let text = '';
      connection.on('data', (chunk) => (text += chunk.toString('utf8')));
      connection.on('end', () => {
        try {
          const { argv, workingDirectory, additionalData: data } = JSON.parse(text) as { argv: string[]; workingDirectory: string; additionalData: unknown };
          this.emit('second-instance', newEvent(), argv, workingDirectory, data);
        } catch {
          // not one of ours
        }
      });
    });
    server.listen(socket);
    server.unref();
    this.#lock = server;
    return true;
  }

  /** Synchronous like Electron's: a live first instance accepts the connection at once. */
  #tellFirstInstance(socket: string, message: string): boolean {
    const probe = `const s=require('node:net').createConnection(${JSON.stringify(socket)});s.on('connect',()=>{s.end(${JSON.stringify(message)});});s.on('close',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
    const result = require_spawnSync(process.execPath, ['-e', probe]);
    return result === 0;
  }

  hasSingleInstanceLock(): boolean {
    return this.#lock !== null;
  }

  releaseSingleInstanceLock(): void {
    this.#lock?.close();
    this.#lock = null;
  }

  /**
   * docs/api/app.md#appquit: emits before-quit (preventable); then closes every window (each
   * 'close' preventable, which cancels the quit); then will-quit (preventable); then quits.
   * Follows shell/browser/browser.cc Browser::Quit.
   */
  quit(): void {
    if (this.#quitting) return;
    const event = newEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.#quitting = true;
    const windows = allWindows();
    if (windows.length === 0) {
      this.#notifyAndShutdown();
      return;
    }
    for (const window of windows) {
      window.close();
      // A window whose 'close' was prevented cancels the quit (Browser::OnWindowCloseCancelled).
      if (!window.isDestroyed()) {
        this.#quitting = false;
        return;
      }
    }
  }

  /** docs/api/app.md#appexitexitcode: no before-quit/will-quit, windows closed without asking. */
  exit(code = 0): void {
    this.#exiting = true;
    for (const window of allWindows()) window.destroy();
    void this.#shutdown(code, false);
  }

  /** Called by the window list when its last window closed (Browser::OnWindowAllClosed). */
  onWindowAllClosed(): void {
    if (this.#exiting) return;
    if (this.#quitting) {
      this.#notifyAndShutdown();
      return;
    }
    this.emit('window-all-closed', newEvent());
    // lib/browser/init.ts: "Quit when all windows are closed and no other one is listening to this."
    if (this.listenerCount('window-all-closed') === 0) this.quit();
  }

  #notifyAndShutdown(): void {
    const event = newEvent();
    this.emit('will-quit', event);
    if (event.defaultPrevented) {
      this.#quitting = false;
      return;
    }
    void this.#shutdown(0, true);
  }

  async #shutdown(code: number, emitQuit: boolean): Promise<void> {
    if (emitQuit) this.emit('quit', newEvent(), code);
    markTerminating();
    this.#lock?.close();
    await closeBrowser();
    exitProcess(code);
  }

  focus(): void {}
  setAppUserModelId(): void {}
  setAboutPanelOptions(): void {}
  getAppPath(): string {
    return resolve(dirname(process.argv[1] ?? '.'), '..', '..');
  }
}

function require_spawnSync(command: string, args: string[]): number | null {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 5000 }).status;
}

export const app = new App();
export type { App };
