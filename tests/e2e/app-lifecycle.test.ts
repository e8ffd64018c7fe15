// Issue 9's wiring in the real built app (out/main/index.js) on the Electron emulation: the pure
// decisions are unit-tested (tests/unit/lifecycle.test.ts); here they are proven connected. One
// instance only, the Backend API through Chromium's network (a proxy applies), a crashed console
// reloaded and the operator told, the packaged menu, pop-ups under the banner, the log folder, the
// export dialog's folder, and Wayland's placement.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp, type EmulatedAppOptions, type EmulatedWindow } from '../support/emulated-app.ts';

const [ADA] = SANDBOX_FIXTURES.plain;
const running: EmulatedApp[] = [];
// Each test starts the whole app and drives it like a person: minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 180_000 });
const dirs: string[] = [];

afterEach(async (context) => {
  // A failure shows what the app said last: its log lines are the evidence.
  if (context.task.result?.state === 'fail') for (const app of running) console.error(app.output.slice(-30).join('\n'));
  for (const app of running.splice(0)) await app.kill();
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-lifecycle-'));
  dirs.push(dir);
  return dir;
}

async function launch(options: Partial<EmulatedAppOptions> = {}): Promise<{ app: EmulatedApp; ui: ConsolePage; userData: string }> {
  const userData = options.userData ?? tempDir();
  const app = await launchEmulatedApp({ userData, ...options });
  running.push(app);
  const ui = new ConsolePage(await app.consolePage());
  await ui.heading('Welcome to Understudy').waitFor();
  return { app, ui, userData };
}

async function impersonateAda(ui: ConsolePage): Promise<void> {
  await ui.openUser('ada', /^Ada Lovelace/);
  await ui.startImpersonation('SUP-9 lifecycle check');
  await ui.heading('Active impersonations').waitFor();
}

/** The impersonation windows that show a customer page (the hidden spare shows none). */
async function customerWindows(app: EmulatedApp): Promise<EmulatedWindow[]> {
  return (await app.windows()).filter(
    (window) => window.kind === 'BaseWindow' && window.contents.some((contents) => contents.partition.startsWith('understudy-impersonation-') && contents.url !== ''),
  );
}

async function signedInWindow(app: EmulatedApp): Promise<{ window: EmulatedWindow; customer: Page; bannerId: number }> {
  let found: { window: EmulatedWindow; customer: Page; bannerId: number } | null = null;
  await eventually(async () => {
    for (const window of await customerWindows(app)) {
      const page = window.contents.find((contents) => contents.partition.startsWith('understudy-impersonation-'))!;
      const customer = await app.page(page.id);
      if ((await customer.getByTestId('subject-id').innerText({ timeout: 500 }).catch(() => null)) === ADA) {
        found = { window, customer, bannerId: window.contents.find((contents) => contents.url.startsWith('data:'))!.id };
      }
    }
    expect(found).not.toBeNull();
  }, 30_000);
  return found!;
}

describe('the app on a user’s machine (issue 9)', () => {
  it('runs one instance: a second start exits at once and opens nothing', async () => {
    const { app, userData } = await launch();
    const before = (await app.windows()).length;
    const second = await launchEmulatedApp({ userData }).then(
      (started) => {
        running.push(started);
        return null;
      },
      (error: Error) => error,
    );
    // It never became a running app of its own …
    expect(second?.message).toMatch(/exited \(0\) before it was ready/);
    // … and the first one is unchanged: no second console.
    expect((await app.windows()).length).toBe(before);
  });

  it('sends the Backend API through Chromium’s network, so the proxy of the machine applies', async () => {
    const seen: string[] = [];
    const proxy = await forwardProxy(seen);
    try {
      // Chromium never proxies loopback unless the bypass list says `<-loopback>`; the sandbox is on loopback.
      const { ui } = await launch({ env: { UNDERSTUDY_EMULATION_PROXY: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, UNDERSTUDY_EMULATION_PROXY_BYPASS: '<-loopback>' } });
      await ui.enterSandbox();
      await eventually(() => expect(seen.some((url) => /\/v1\/users\?/.test(url))).toBe(true));
      expect(seen.some((url) => /\/v1\/users\/count/.test(url))).toBe(true);
    } finally {
      await new Promise((done) => proxy.close(done));
    }
  });

  it('reloads a crashed console and tells the operator, where the details are', async () => {
    const { app, userData } = await launch();
    const consoleId = (await app.windows()).find((window) => window.kind === 'BrowserWindow')!.contents[0]!.id;
    await app.control('crash', { webContentsId: consoleId });
    // Main tells the reloaded console, naming the log file …
    await eventually(() => {
      const states = app.sent.filter((message) => message.channel === 'app:changed').map((message) => message.payload as { notices: string[] });
      expect(states.at(-1)?.notices.join('\n')).toMatch(new RegExp(`The console stopped unexpectedly \\(crashed\\) and was reloaded\\..*${join(userData, 'logs', 'understudy.log')}`));
    }, 20_000);
    // … and the console came back with a new renderer and shows it.
    await eventually(async () => {
      const page = await app.page(consoleId);
      expect(await page.locator('body').innerText({ timeout: 1_000 }).catch(() => '')).toMatch(/The console stopped unexpectedly \(crashed\) and was reloaded/);
    }, 20_000);
  });

  it('logs an unexpected failure in main and tells the operator, instead of failing silently', async () => {
    const { app, ui, userData } = await launch();
    await app.control('rejectUnhandled', { message: 'emulated failure in main' });
    await ui.page.getByText(/An unexpected error occurred in Understudy\. Understudy keeps running/).waitFor({ timeout: 20_000 });
    const log = join(userData, 'logs', 'understudy.log');
    await eventually(() => expect(readFileSync(log, 'utf8')).toMatch(/ error An unexpected error occurred in Understudy Error: emulated failure in main/));
  });

  it('offers no reload or DevTools in the menu of a packaged build', async () => {
    const { app } = await launch({ env: { UNDERSTUDY_EMULATION_PACKAGED: '1' } });
    const roles = await app.control<string[]>('menuRoles');
    expect(roles).toEqual(expect.arrayContaining(['copy', 'paste']));
    for (const unsafe of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu']) expect(roles).not.toContain(unsafe);
  });

  it('shows the log file in Settings and opens its folder', async () => {
    const { app, ui, userData } = await launch();
    await ui.enterSandbox();
    await ui.page.getByRole('link', { name: /Settings/ }).or(ui.page.getByRole('button', { name: /^Settings/ })).first().click();
    await ui.page.getByText(join(userData, 'logs', 'understudy.log')).waitFor();
    await ui.page.getByRole('button', { name: 'Open log folder' }).click();
    await eventually(async () => expect(await app.control('shell')).toContainEqual({ kind: 'openPath', target: join(userData, 'logs') }));
  });

  it('opens the export dialog in Documents with the dated name, and the export outlives the app', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'Documents'));
    const { app, ui } = await launch({ home });
    await ui.enterSandbox();
    await ui.press('Control+3');
    await ui.heading('History').waitFor();
    await ui.page.getByRole('button', { name: /Export/ }).first().click();
    const csv = ui.page.getByRole('menuitem', { name: /CSV/ }).or(ui.page.getByRole('button', { name: /CSV/ }));
    if (await csv.count()) await csv.first().click();
    let saved = '';
    await eventually(async () => {
      const saves = (await app.control<{ kind: string; detail: { defaultPath: string } }[]>('dialogs')).filter((entry) => entry.kind === 'save');
      saved = saves.at(-1)?.detail.defaultPath ?? '';
      expect(saved).toMatch(new RegExp(`^${join(home, 'Documents')}/understudy-history-\\d{4}-\\d\\d-\\d\\d\\.(csv|json)$`));
      expect(existsSync(saved)).toBe(true);
    });
    // Browser mode once kept exports in a folder it deleted at exit: the file must stay.
    app.process.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(readFileSync(saved, 'utf8')).toMatch(/^\S/);
  });

  it('frames an allowed pop-up with the banner, refuses a blank one, and closes both with the impersonation', async () => {
    const { app, ui } = await launch();
    await ui.enterSandbox();
    await impersonateAda(ui);
    const { window: main, customer, bannerId } = await signedInWindow(app);
    // Pop-ups need a user gesture: two buttons the emulated person clicks.
    await customer.evaluate(() => {
      for (const [id, url] of [['blank', 'about:blank'], ['real', `${location.origin}/?popup=1`]] as const) {
        const button = document.createElement('button');
        button.id = `open-${id}`;
        button.textContent = id;
        button.addEventListener('click', () => void window.open(url, '_blank'));
        document.body.append(button);
      }
    });
    await customer.locator('#open-blank').click();
    await customer.locator('#open-real').click();
    let popup: EmulatedWindow | undefined;
    await eventually(async () => {
      popup = (await customerWindows(app)).find((candidate) => candidate.id !== main.id);
      expect(popup).toBeDefined();
    }, 20_000);
    // Exactly one more window (the blank pop-up was refused), with a banner of its own over the page.
    expect((await customerWindows(app)).length).toBe(2);
    const popupBanner = popup!.contents.find((contents) => contents.url.startsWith('data:'));
    expect(popupBanner).toBeDefined();
    expect(await (await app.page(popupBanner!.id)).locator('#headline').innerText()).toMatch(/Ada Lovelace/);
    // Ending the impersonation (from its banner) closes the pop-up too.
    await (await app.page(bannerId)).locator('#end').click();
    await eventually(async () => expect(await customerWindows(app)).toEqual([]), 20_000);
  });

  it('on Wayland, arranging sets sizes only and the console says the desktop places windows', async () => {
    const { app, ui } = await launch({ env: { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' } });
    await ui.enterSandbox();
    await impersonateAda(ui);
    const { window } = await signedInWindow(app);
    await ui.page.getByRole('button', { name: 'Arrange side by side' }).click();
    await ui.page.getByText(/This desktop \(Wayland\) decides where windows go/).waitFor();
    const after = (await app.windows()).find((candidate) => candidate.id === window.id)!;
    expect({ x: after.bounds.x, y: after.bounds.y }).toEqual({ x: window.bounds.x, y: window.bounds.y });
  });
});

/** A plain HTTP forward proxy on loopback that records every absolute URL it is asked for. */
async function forwardProxy(seen: string[]): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    seen.push(incoming.url ?? '');
    const target = new URL(incoming.url ?? '/');
    // `*.localhost` is loopback (RFC 6761), as Chromium resolves it; Node's resolver may not.
    const host = target.hostname.endsWith('.localhost') ? '127.0.0.1' : target.hostname;
    const upstream = httpRequest({ host, port: target.port, path: `${target.pathname}${target.search}`, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  // CONNECT tunnels too (an agent may tunnel plain http through them); the first request line of a
  // tunnel to an http port is readable, and recorded as an absolute URL like the rest.
  server.on('connect', (incoming, client, head) => {
    const [hostname, port] = (incoming.url ?? '').split(':');
    const upstream = connect(Number(port), hostname === 'localhost' || hostname!.endsWith('.localhost') ? '127.0.0.1' : hostname!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    client.on('data', (chunk: Buffer) => {
      const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]/.exec(chunk.toString('latin1'));
      if (line) seen.push(`http://${incoming.url}${line[2]}`);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}
