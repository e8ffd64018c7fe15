// The console without Electron: the built renderer served on loopback with the console's CSP, in
// real Chromium, talking to the real main-process services through the real IPC dispatch (sender
// check and schema validation included). Each impersonation partition is its own browser context.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Channel } from '../../src/shared/contract.ts';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { consoleResponse } from '../../src/main/console/console-server.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { registerHandlers, type IpcListener } from '../../src/main/ipc/register.ts';
import { createLogger, type Logger } from '../../src/main/log.ts';
import { createServices, type MainServices } from '../../src/main/services.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { bridgeScript } from './bundle-bridge.ts';
import { launchChromium } from './chromium.ts';
import { PlaywrightWindowHost } from './playwright-window-host.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface IpcRecord {
  channel: Channel | string;
  input: unknown;
  output: unknown;
}

export interface HarnessOptions {
  rendererDir?: string;
  users?: number;
  /** Seed users and clock come from the sandbox; pass one to share it. */
  sandbox?: Sandbox;
  colorScheme?: 'light' | 'dark';
  headless?: boolean;
  /** Start without the built-in sandbox profile (as when a key is stored). */
  withoutBuiltInSandbox?: boolean;
  keychain?: Keychain;
  dataDir?: string;
  port?: number;
}

export interface Harness {
  url: string;
  browser: Browser;
  consoleContext: BrowserContext;
  page: Page;
  sandbox: Sandbox;
  services: MainServices;
  windowHost: PlaywrightWindowHost;
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

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = resolve(options.rendererDir ?? 'out/renderer');
  const sandbox = options.sandbox ?? (await startSandbox({ users: options.users ?? 200 }));
  const ownSandbox = !options.sandbox;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-harness-'));
  const exportsDir = join(dataDir, 'exports');
  mkdirSync(exportsDir, { recursive: true });
  const keychain = options.keychain ?? createKeytarKeychain(`understudy-test-${randomBytes(6).toString('hex')}`);

  const logLines: string[] = [];
  const log: Logger = createLogger((level, line) => logLines.push(`${level} ${line}`));
  const ipcLog: IpcRecord[] = [];
  const events: Harness['events'] = [];

  const avatars = new AvatarProxy();
  const server = await serveConsole(rendererDir, avatars, options.port ?? 0);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const browser = await launchChromium(options.headless ?? true);
  const windowHost = new PlaywrightWindowHost(browser);
  const consoleContext = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1280, height: 820 },
  });
  const page = await consoleContext.newPage();

  const services = await createServices({
    keychain,
    documents: createElectronStoreDocuments(dataDir),
    windowHost,
    avatars,
    saveFile: async (name, content) => {
      const path = join(exportsDir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    },
    emit: (event, payload) => {
      events.push({ event, payload });
      void page.evaluate(([name, data]) => window.__understudyEmit?.(name as never, data), [event, payload] as const).catch(() => undefined);
    },
    osUser: 'support-agent',
    log,
    defaultApiUrl: sandbox.apiUrl,
    sandbox: options.withoutBuiltInSandbox
      ? null
      : { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: [sandbox.frontendApiUrl, sandbox.appUrl] },
  });

  // The same dispatch as ipcMain: a binding call carries the calling frame, checked like senderFrame.
  const listeners = new Map<string, IpcListener>();
  registerHandlers(
    { handle: (channel, listener) => void listeners.set(channel, listener), removeHandler: (channel) => void listeners.delete(channel) },
    services.handlers,
    () => ({ webContentsIds: new Set([1]), origin: url }),
    log,
  );
  await page.exposeBinding('__understudyInvoke', async (source, channel: string, input: unknown) => {
    const listener = listeners.get(channel);
    const sender = { frameUrl: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame(), webContentsId: source.page === page ? 1 : 2 };
    const output = listener
      ? await listener(sender, input)
      : { ok: false, error: { kind: 'invalid-input', message: `Unknown channel ${channel}` } };
    ipcLog.push({ channel, input, output });
    return output;
  });
  await page.addInitScript({ content: await bridgeScript() });
  await services.recover();
  await page.goto(url);

  return {
    url,
    browser,
    consoleContext,
    page,
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
      await services.shutdown().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await new Promise<void>((done) => server.close(() => done()));
      if (ownSandbox) await sandbox.close();
      for (const entry of await keychain.list().catch(() => [])) await keychain.delete(entry.account).catch(() => false);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Serves the console exactly as the Electron protocol handler does: the same `consoleResponse`. */
async function serveConsole(root: string, avatars: AvatarProxy, port: number): Promise<Server> {
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const answer = await consoleResponse(request.method ?? 'GET', pathname, root, avatars);
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', () => done()));
  server.unref();
  return server;
}
