// dialog, screen, Menu, shell and net: the small modules, with what a person would have seen
// printed on stderr (there is no native UI here).
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { APIRequestContext } from 'playwright-core';
import { request as playwrightRequest } from 'playwright-core';
import { app } from './app.ts';
import { config, notice } from './runtime.ts';

/** Every native dialog the app asked for, newest last (inspection for tests). */
export const dialogLog: { kind: string; detail: Record<string, unknown> }[] = [];

function isWindow(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'contentView' in value;
}

export const dialog = {
  /**
   * docs/api/dialog.md#dialogshowsavedialogwindow-options. The emulated person accepts the
   * suggested name: in UNDERSTUDY_EMULATION_SAVE_DIR when set, else where defaultPath points
   * (a bare name lands in Documents, as a dialog opened without a folder shows).
   */
  async showSaveDialog(windowOrOptions: unknown, maybeOptions?: { defaultPath?: string }): Promise<{ canceled: boolean; filePath: string }> {
    const options = (isWindow(windowOrOptions) ? maybeOptions : windowOrOptions) as { defaultPath?: string } | undefined;
    const suggested = options?.defaultPath ?? 'Untitled';
    const filePath = config.saveDir ? join(config.saveDir, basename(suggested)) : isAbsolute(suggested) ? suggested : join(app.getPath('documents'), suggested);
    dialogLog.push({ kind: 'save', detail: { defaultPath: suggested, filePath, modal: isWindow(windowOrOptions) } });
    notice(`save dialog: saved as ${filePath}`);
    return { canceled: false, filePath };
  },

  showSaveDialogSync(windowOrOptions: unknown, maybeOptions?: { defaultPath?: string }): string | undefined {
    const options = (isWindow(windowOrOptions) ? maybeOptions : windowOrOptions) as { defaultPath?: string } | undefined;
    return join(config.saveDir ?? app.getPath('documents'), basename(options?.defaultPath ?? 'Untitled'));
  },

  /** docs/api/dialog.md#dialogshowerrorboxtitle-content: on Linux before ready it prints to stderr. */
  showErrorBox(title: string, content: string): void {
    dialogLog.push({ kind: 'error', detail: { title, content } });
    notice(`error box: ${title}: ${content}`);
  },

  /** The emulated person presses the default button (defaultId, else the first). */
  async showMessageBox(windowOrOptions: unknown, maybeOptions?: { message: string; detail?: string; buttons?: string[]; defaultId?: number }) {
    const options = (isWindow(windowOrOptions) ? maybeOptions : windowOrOptions) as { message: string; detail?: string; buttons?: string[]; defaultId?: number };
    const response = options.defaultId ?? 0;
    dialogLog.push({ kind: 'message', detail: { message: options.message, detail: options.detail, buttons: options.buttons, response } });
    notice(`message box: ${options.message}${options.detail ? ` — ${options.detail}` : ''} → ${options.buttons?.[response] ?? 'OK'}`);
    return { response, checkboxChecked: false };
  },

  async showOpenDialog(): Promise<{ canceled: boolean; filePaths: string[] }> {
    dialogLog.push({ kind: 'open', detail: {} });
    return { canceled: true, filePaths: [] };
  },
};

/** docs/api/screen.md: "This module cannot be used until the ready event of the app module is emitted." */
export const screen = {
  getPrimaryDisplay() {
    if (!app.isReady()) throw new Error("The 'screen' module can't be used before the app 'ready' event");
    const area = config.workArea;
    return { id: 1, bounds: { ...area }, workArea: { ...area }, size: { width: area.width, height: area.height }, workAreaSize: { width: area.width, height: area.height }, scaleFactor: 1, rotation: 0, internal: false };
  },
  getAllDisplays() {
    return [screen.getPrimaryDisplay()];
  },
  getDisplayMatching() {
    return screen.getPrimaryDisplay();
  },
  getCursorScreenPoint() {
    return { x: 0, y: 0 };
  },
};

interface MenuItemOptions {
  role?: string;
  label?: string;
  type?: string;
  accelerator?: string;
  submenu?: MenuItemOptions[] | Menu;
  click?: (...args: unknown[]) => void;
  enabled?: boolean;
  visible?: boolean;
}

export class Menu {
  readonly items: (MenuItemOptions & { submenu?: Menu })[] = [];

  static #application: Menu | null = null;

  /** docs/api/menu.md#menubuildfromtemplatetemplate */
  static buildFromTemplate(template: MenuItemOptions[]): Menu {
    const menu = new Menu();
    for (const item of template) {
      if (typeof item !== 'object' || item === null) throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
      if (!item.label && !item.role && !item.type) throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
      const submenu = item.submenu instanceof Menu ? item.submenu : Array.isArray(item.submenu) ? Menu.buildFromTemplate(item.submenu) : undefined;
      const { submenu: _template, ...rest } = item;
      menu.items.push({ ...rest, ...(submenu ? { submenu } : {}) });
    }
    return menu;
  }

  static setApplicationMenu(menu: Menu | null): void {
    Menu.#application = menu;
  }

  static getApplicationMenu(): Menu | null {
    return Menu.#application;
  }

  /** Every role in this menu and its submenus (inspection for tests). */
  roles(): string[] {
    return this.items.flatMap((item) => [...(item.role ? [item.role] : []), ...(item.submenu ? item.submenu.roles() : [])]);
  }

  popup(): void {}
  append(item: MenuItemOptions): void {
    this.items.push(item as MenuItemOptions & { submenu?: Menu });
  }
}

export const shellLog: { kind: string; target: string }[] = [];

export const shell = {
  /** docs/api/shell.md#shellopenpathpath: resolves to "" on success, else an error message. Nothing is launched here. */
  async openPath(path: string): Promise<string> {
    shellLog.push({ kind: 'openPath', target: path });
    if (!existsSync(path)) return `Failed to open path: ${path} does not exist`;
    notice(`shell.openPath: would open ${path}`);
    return '';
  },
  async openExternal(url: string): Promise<void> {
    shellLog.push({ kind: 'openExternal', target: url });
    notice(`shell.openExternal: would open ${url}`);
  },
  showItemInFolder(path: string): void {
    shellLog.push({ kind: 'showItemInFolder', target: path });
  },
};

/**
 * `net.fetch` (docs/api/net.md#netfetchinput-init) goes through Chromium's network stack, so the
 * system proxy applies. Here: Playwright's request context with the very proxy the emulation's
 * Chromium was launched with (UNDERSTUDY_EMULATION_PROXY, else Chromium's Linux environment
 * variables). A page-side fetch() would add CORS and an Origin header a main-process request does
 * not have. Chromium never proxies loopback unless the bypass list says `<-loopback>`
 * (net/proxy_resolution/proxy_bypass_rules.cc), so loopback goes direct here unless it does too.
 */
let direct: Promise<APIRequestContext> | null = null;
let proxied: Promise<APIRequestContext> | null = null;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}

function requestContextFor(url: URL): Promise<APIRequestContext> {
  const proxy = config.proxy;
  const bypass = (proxy?.bypass ?? '').split(/[,;]\s*/).filter(Boolean);
  const viaProxy = proxy && (!isLoopback(url.hostname) || bypass.includes('<-loopback>')) && !bypass.some((rule) => rule !== '<-loopback>' && url.hostname.endsWith(rule.replace(/^\*/, '')));
  if (viaProxy) {
    proxied ??= playwrightRequest.newContext({ proxy: { server: proxy.server }, ignoreHTTPSErrors: false });
    return proxied;
  }
  direct ??= playwrightRequest.newContext({ ignoreHTTPSErrors: false });
  return direct;
}

export const net = {
  async fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    if (!app.isReady()) throw new Error('net.fetch is only available after the app is ready');
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const context = await requestContextFor(url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const response = await context.fetch(url.href, {
      method: request.method,
      headers,
      ...(body ? { data: body } : {}),
      maxRedirects: request.redirect === 'manual' ? 0 : 20,
      failOnStatusCode: false,
      timeout: 0,
    });
    const bytes = await response.body();
    const status = response.status();
    const nullBody = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : new Uint8Array(bytes), { status, statusText: response.statusText(), headers: response.headersArray().map(({ name, value }) => [name, value] as [string, string]) });
  },
  isOnline: () => true,
  online: true,
};

export async function disposeNet(): Promise<void> {
  for (const context of [direct, proxied]) if (context) await (await context).dispose().catch(() => undefined);
  direct = null;
  proxied = null;
}
