// The control channel an out-of-process test (or the bench) drives the emulated app through, over
// Node's IPC channel of a forked process. Loaded by register.mjs only when
// UNDERSTUDY_EMULATION_CONTROL=ipc. It reports what the app did (IPC answers, messages to the
// console) and does what a person would (close a window), and hands out the remote-debugging port
// so the test attaches its own Playwright to the same Chromium.
import { freePort } from './runtime.ts';

if (!process.send) throw new Error('UNDERSTUDY_EMULATION_CONTROL=ipc needs a forked process with an IPC channel');
const port = await freePort();
process.env['UNDERSTUDY_EMULATION_CDP_PORT'] = String(port);
// runtime.ts read its configuration already: set the port there too.
const runtime = await import('./runtime.ts');
runtime.config.remoteDebuggingPort = port;

const { app } = await import('./app.ts');
const { invokeObservers } = await import('./ipc-main.ts');
const { WebContents, webContents } = await import('./web-contents.ts');
const { allWindows, BrowserWindow } = await import('./windows.ts');
const { holdRequests, pageOf } = await import('./inspect.ts');
const { dialogLog, Menu, shellLog } = await import('./misc.ts');

const send = (message: unknown) => {
  try {
    process.send?.(message);
  } catch {
    // the parent went away
  }
};

invokeObservers.add((channel, args, result) => send({ type: 'ipc', channel, input: args[0], output: result.ok ? result.value : { error: result.error } }));
const originalSend = WebContents.prototype.send;
WebContents.prototype.send = function (this: InstanceType<typeof WebContents>, channel: string, ...args: unknown[]) {
  send({ type: 'send', webContentsId: this.id, channel, payload: args[0] });
  return originalSend.call(this, channel, ...args);
};
app.on('quit', (_event: unknown, code: number) => send({ type: 'quit', code }));

// By page, not by web contents: a crashed web contents reloads into a new page (a new target).
const targetIds = new WeakMap<object, Promise<string>>();
async function targetIdOf(contents: InstanceType<typeof WebContents>): Promise<string> {
  const page = await pageOf(contents);
  let id = targetIds.get(page);
  if (!id) {
    id = (async () => {
      const cdp = await page.context().newCDPSession(page);
      const { targetInfo } = (await cdp.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
      await cdp.detach();
      return targetInfo.targetId;
    })();
    targetIds.set(page, id);
  }
  return id;
}

/** Loads held for a test (see holdLoads): the URLs each hold stopped, and how to let them go. */
const holds = new Map<number, { urls: string[]; release: () => void }>();
let nextHold = 1;

function contentsById(id: number) {
  const contents = webContents.fromId(id);
  if (!contents) throw new Error(`No web contents ${id}`);
  return contents;
}

const operations: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  async windows() {
    return Promise.all(
      allWindows().map(async (window) => ({
        id: window.id,
        kind: window instanceof BrowserWindow ? 'BrowserWindow' : 'BaseWindow',
        title: window.getTitle(),
        bounds: window.getBounds(),
        contents: await Promise.all(
          window.contents().filter((contents) => !contents.isDestroyed()).map(async (contents) => ({
            id: contents.id,
            url: contents.getURL(),
            partition: contents.session.partition,
            targetId: await targetIdOf(contents),
          })),
        ),
      })),
    );
  },
  async webContents() {
    return Promise.all(webContents.getAllWebContents().map(async (contents) => ({ id: contents.id, url: contents.getURL(), partition: contents.session.partition, targetId: await targetIdOf(contents) })));
  },
  async cookies({ webContentsId }) {
    return contentsById(Number(webContentsId)).session.cookies.get({});
  },
  async partitionCookies({ partition }) {
    const { session } = await import('./session.ts');
    return session.fromPartition(String(partition)).cookies.get({});
  },
  /** The person closes a window with the window manager's close button. */
  async closeWindow({ windowId }) {
    allWindows().find((window) => window.id === Number(windowId))?.close();
    return null;
  },
  async crash({ webContentsId }) {
    const page = await pageOf(contentsById(Number(webContentsId)));
    const cdp = await page.context().newCDPSession(page);
    // The renderer dies before it can answer: don't wait for a reply that never comes.
    void cdp.send('Page.crash').catch(() => undefined);
    return null;
  },
  /**
   * Holds every loadURL() of a URL with this path (nothing is requested) until releaseHold; the
   * test meanwhile learns the URLs (heldLoads), as a person could copy a link before it is opened.
   */
  async holdLoads({ pathname }) {
    const id = nextHold++;
    const urls: string[] = [];
    const release = holdRequests((url) => {
      if (!URL.canParse(url) || new URL(url).pathname !== String(pathname)) return false;
      urls.push(url);
      return true;
    });
    holds.set(id, { urls, release });
    return id;
  },
  async heldLoads({ id }) {
    return holds.get(Number(id))?.urls ?? [];
  },
  async releaseHold({ id }) {
    holds.get(Number(id))?.release();
    holds.delete(Number(id));
    return null;
  },
  async dialogs() {
    return dialogLog;
  },
  async shell() {
    return shellLog;
  },
  async menuRoles() {
    return Menu.getApplicationMenu()?.roles() ?? null;
  },
  /** Something in the app's process fails where nobody awaits it: what its process handlers are for. */
  async rejectUnhandled({ message }) {
    void Promise.reject(new Error(String(message)));
    return null;
  },
  async quit() {
    app.quit();
    return null;
  },
};

process.on('message', (message: { id: number; op: string; args?: Record<string, unknown> }) => {
  const operation = operations[message.op];
  if (!operation) return send({ type: 'reply', id: message.id, error: `unknown operation ${message.op}` });
  operation(message.args ?? {}).then(
    (result) => send({ type: 'reply', id: message.id, result }),
    (error: unknown) => send({ type: 'reply', id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The channel must not keep the app alive: the app quits when it decides to.
process.channel?.unref();
// A test attaching over CDP while a page is being created can leave that page waiting for the
// debugger: announce readiness once the app's first page exists (or after 20 s, for apps without one).
void app.whenReady().then(async () => {
  const deadline = Date.now() + 20_000;
  while (webContents.getAllWebContents().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  const first = webContents.getAllWebContents()[0];
  if (first) await pageOf(first).catch(() => undefined);
  send({ type: 'ready', cdpPort: port });
});
