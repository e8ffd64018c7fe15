// The real built app (out/main/index.js + out/preload/index.cjs) as a separate process on the
// Electron emulation, driven from a test: Playwright attaches to the emulation's Chromium over
// CDP, and the emulation's control channel (dev/electron-emulation/control.ts) reports IPC, lists
// windows and does what a person would. Nothing of the app is replaced.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface EmulatedWindow {
  id: number;
  kind: 'BrowserWindow' | 'BaseWindow';
  title: string;
  bounds: { x: number; y: number; width: number; height: number };
  contents: { id: number; url: string; partition: string; targetId: string }[];
}

export interface EmulatedAppOptions {
  userData: string;
  home?: string;
  saveDir?: string;
  headless?: boolean;
  env?: Record<string, string>;
  args?: string[];
}

export interface EmulatedApp {
  process: ChildProcess;
  browser: Browser;
  /** Every IPC call answered by main: channel, input, output. */
  ipcLog: { channel: string; input: unknown; output: unknown }[];
  /** Messages main sent to a renderer (webContents.send). */
  sent: { webContentsId: number; channel: string; payload: unknown }[];
  /** stdout and stderr of the app, line by line. */
  output: string[];
  exited: Promise<number | null>;
  control<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  windows(): Promise<EmulatedWindow[]>;
  /** The Chromium page of a web contents (by its Electron id). */
  page(webContentsId: number): Promise<Page>;
  /** The console window's page. */
  consolePage(): Promise<Page>;
  /** Kills the process if still running and detaches from Chromium. */
  kill(): Promise<void>;
}

const REGISTER = resolve('dev/electron-emulation/register.mjs');
const MAIN = resolve('out/main/index.js');

export async function launchEmulatedApp(options: EmulatedAppOptions): Promise<EmulatedApp> {
  const child = fork(MAIN, options.args ?? [], {
    execArgv: ['--import', REGISTER],
    env: {
      ...process.env,
      UNDERSTUDY_EMULATION_CONTROL: 'ipc',
      UNDERSTUDY_EMULATION_USER_DATA: options.userData,
      UNDERSTUDY_EMULATION_HEADLESS: options.headless === false ? '0' : '1',
      ...(options.home ? { UNDERSTUDY_EMULATION_HOME: options.home } : {}),
      ...(options.saveDir ? { UNDERSTUDY_EMULATION_SAVE_DIR: options.saveDir } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      output.push(...lines);
    });
  }
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ipcLog: EmulatedApp['ipcLog'] = [];
  const sent: EmulatedApp['sent'] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<number>((resolveReady, rejectReady) => {
    child.on('message', (message: { type: string; [key: string]: unknown }) => {
      if (message.type === 'ready') resolveReady(message['cdpPort'] as number);
      else if (message.type === 'ipc') ipcLog.push({ channel: String(message['channel']), input: message['input'], output: message['output'] });
      else if (message.type === 'send') sent.push({ webContentsId: Number(message['webContentsId']), channel: String(message['channel']), payload: message['payload'] });
      else if (message.type === 'reply') {
        const waiter = pending.get(message['id'] as number);
        pending.delete(message['id'] as number);
        if (message['error']) waiter?.reject(new Error(String(message['error'])));
        else waiter?.resolve(message['result']);
      }
    });
    void exited.then((code) => rejectReady(new Error(`The app exited (${code}) before it was ready:\n${output.join('\n')}`)));
    setTimeout(() => rejectReady(new Error(`The app was not ready after 45 s:\n${output.join('\n')}`)), 45_000).unref();
  });
  const port = await ready;
  const browser = await connectWithRetry(`http://127.0.0.1:${port}`);

  const control = <T,>(op: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolveReply, rejectReply) => {
      if (!child.connected) return rejectReply(new Error('The app is not running'));
      const id = nextId++;
      pending.set(id, { resolve: resolveReply as (value: unknown) => void, reject: rejectReply });
      child.send({ id, op, args });
    });

  const pageByTarget = async (targetId: string): Promise<Page | null> => {
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        const cdp = await context.newCDPSession(page);
        const { targetInfo } = (await cdp.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
        await cdp.detach().catch(() => undefined);
        if (targetInfo.targetId === targetId) return page;
      }
    }
    return null;
  };

  const app: EmulatedApp = {
    process: child,
    browser,
    ipcLog,
    sent,
    output,
    exited,
    control,
    windows: () => control<EmulatedWindow[]>('windows'),
    async page(webContentsId) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const all = await control<{ id: number; targetId: string }[]>('webContents');
        const entry = all.find((candidate) => candidate.id === webContentsId);
        if (!entry) throw new Error(`No web contents ${webContentsId}`);
        const page = await pageByTarget(entry.targetId);
        if (page) return page;
        if (Date.now() > deadline) throw new Error(`The page of web contents ${webContentsId} never appeared`);
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    async consolePage() {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const console = (await app.windows()).find((window) => window.kind === 'BrowserWindow' && window.contents[0]?.url.startsWith('understudy://console'));
        if (console) return app.page(console.contents[0]!.id);
        if (Date.now() > deadline) throw new Error(`The console window never opened:\n${output.join('\n')}`);
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    async kill() {
      await browser.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  return app;
}

/** Chromium's DevTools endpoint can refuse the first connection for a moment after launch. */
async function connectWithRetry(endpoint: string): Promise<Browser> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await chromium.connectOverCDP(endpoint, { timeout: 10_000 });
    } catch (error) {
      if (attempt >= 150) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}
