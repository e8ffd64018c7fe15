// The emulation's process-wide state: its configuration (environment variables, never the app's
// code), the one Chromium it drives, `ready`, and how the process ends. Dev-only, never shipped.
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { MACHINE_CHROMIUM_ARGS } from '../chromium-switches.ts';

const CHROMIUM_ARGS = [
  ...MACHINE_CHROMIUM_ARGS,
  // Electron shows no permission prompt of its own: a request nobody's handler granted is denied.
  '--deny-permission-prompts',
];

export interface ProxySettings {
  server: string;
  bypass?: string;
}

export interface EmulationConfig {
  headless: boolean;
  productName: string;
  /** Base for documents/downloads/desktop (Electron: the OS user's folders). */
  home: string;
  userData: string | null;
  saveDir: string | null;
  proxy: ProxySettings | null;
  workArea: { x: number; y: number; width: number; height: number };
  /** Extra Chromium switches, e.g. a remote-debugging port for an outside test to attach. */
  remoteDebuggingPort: number | null;
}

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function proxyFromEnv(): ProxySettings | null {
  // Explicit, else what Chromium itself reads on Linux outside GNOME/KDE (all_proxy, https_proxy, …).
  const server = env('UNDERSTUDY_EMULATION_PROXY') ?? env('https_proxy') ?? env('HTTPS_PROXY') ?? env('all_proxy') ?? env('ALL_PROXY');
  if (!server) return null;
  const bypass = env('UNDERSTUDY_EMULATION_PROXY_BYPASS') ?? env('no_proxy') ?? env('NO_PROXY');
  return bypass ? { server, bypass } : { server };
}

function workAreaFromEnv(): EmulationConfig['workArea'] {
  const match = /^(\d+)x(\d+)$/.exec(env('UNDERSTUDY_EMULATION_WORK_AREA') ?? '');
  return match ? { x: 0, y: 0, width: Number(match[1]), height: Number(match[2]) } : { x: 0, y: 0, width: 1920, height: 1080 };
}

export function readConfig(): EmulationConfig {
  const headlessFlag = env('UNDERSTUDY_EMULATION_HEADLESS');
  return {
    headless: headlessFlag ? headlessFlag !== '0' : !(process.platform === 'linux' ? env('DISPLAY') || env('WAYLAND_DISPLAY') : true),
    productName: env('UNDERSTUDY_EMULATION_PRODUCT_NAME') ?? 'Understudy',
    home: env('UNDERSTUDY_EMULATION_HOME') ?? homedir(),
    userData: env('UNDERSTUDY_EMULATION_USER_DATA') ?? null,
    saveDir: env('UNDERSTUDY_EMULATION_SAVE_DIR') ?? null,
    proxy: proxyFromEnv(),
    workArea: workAreaFromEnv(),
    remoteDebuggingPort: env('UNDERSTUDY_EMULATION_CDP_PORT') ? Number(env('UNDERSTUDY_EMULATION_CDP_PORT')) : null,
  };
}

export const config: EmulationConfig = readConfig();

/** Where Electron puts userData on Linux (~/.config/<productName>); the emulation keeps its own. */
export function defaultUserData(): string {
  const appData = env('XDG_CONFIG_HOME') ?? join(config.home, '.config');
  return join(appData, `${config.productName} (emulation)`);
}

export const defaultTemp = tmpdir;

let browser: Promise<Browser> | null = null;

export function launchBrowser(): Promise<Browser> {
  browser ??= (async () => {
    const args = [...CHROMIUM_ARGS];
    if (config.remoteDebuggingPort !== null) args.push(`--remote-debugging-port=${config.remoteDebuggingPort}`);
    return chromium.launch({
      executablePath: env('UNDERSTUDY_EMULATION_CHROMIUM') ?? '/usr/bin/chromium',
      headless: config.headless,
      args,
      ...(config.proxy ? { proxy: config.proxy } : {}),
      // Electron's windows outlive a SIGINT/SIGTERM until the app has quit (register.mjs turns the
      // signal into app.quit()); Playwright would otherwise close Chromium at once, under the app's
      // bounded shutdown.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  })();
  return browser;
}

export function currentBrowser(): Promise<Browser> {
  if (!browser) throw new Error('Emulation: Chromium is started when the app becomes ready.');
  return browser;
}

export async function closeBrowser(): Promise<void> {
  const current = browser;
  browser = null;
  if (current) await (await current).close().catch(() => undefined);
}

/** A free loopback port (for the remote-debugging port an outside test attaches to). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let terminating = false;

/** Set once the app quits: the process is about to end. */
export function markTerminating(): void {
  terminating = true;
}

/**
 * Electron ends the process once it quits: a pending call never settles and the code after it never
 * runs. Here the process ends a moment later, so calls started or failing after the quit are made
 * never to settle, as there.
 */
export function untilExit<T>(work: () => Promise<T>): Promise<T> {
  const never = new Promise<T>(() => undefined);
  if (terminating) return never;
  return work().catch((error: unknown) => (terminating ? never : Promise.reject(error)));
}

type ExitHandler = (code: number) => void;
let exitHandler: ExitHandler = (code) => process.exit(code);

/** In-process tests replace `process.exit` with their own hook. */
export function setExitHandler(handler: ExitHandler): void {
  exitHandler = handler;
}

export function exitProcess(code: number): void {
  exitHandler(code);
}

/** Electron-like event object: `preventDefault()` and `defaultPrevented`. */
export interface EmulatedEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
  [key: string]: unknown;
}

export function newEvent<T extends object>(fields: T = {} as T): EmulatedEvent & T {
  let prevented = false;
  return Object.assign(
    {
      preventDefault() {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    },
    fields,
  ) as EmulatedEvent & T;
}

/** Printed on stderr so a person running the emulation sees what a native dialog would have shown. */
export function notice(message: string): void {
  process.stderr.write(`[electron-emulation] ${message}\n`);
}
