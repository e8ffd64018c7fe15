// BaseWindow, BrowserWindow and WebContentsView (docs/api/base-window.md, browser-window.md,
// web-contents-view.md). A window here is bookkeeping plus the pages of its contents: Chromium
// shows each page as its own window when headed. A BrowserWindow owns its web contents; a
// BaseWindow does not close its views' web contents (docs/api/base-window.md).
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { newEvent } from './runtime.ts';
import { WebContents, type WebPreferences } from './web-contents.ts';

interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

const windows = new Set<BaseWindow>();
let nextWindowId = 1;

export function allWindows(): BaseWindow[] {
  return [...windows];
}

class View {
  readonly children: View[] = [];
  #bounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  owner: BaseWindow | null = null;

  addChildView(view: View): void {
    const index = this.children.indexOf(view);
    if (index !== -1) this.children.splice(index, 1);
    this.children.push(view);
    view.attached(this.owner);
  }

  removeChildView(view: View): void {
    const index = this.children.indexOf(view);
    if (index !== -1) this.children.splice(index, 1);
    view.attached(null);
  }

  attached(owner: BaseWindow | null): void {
    this.owner = owner;
    for (const child of this.children) child.attached(owner);
  }

  setBounds(bounds: Rectangle): void {
    this.#bounds = { ...bounds };
  }

  getBounds(): Rectangle {
    return { ...this.#bounds };
  }

  setBackgroundColor(): void {}
  setVisible(): void {}
}

/** Web contents shown in a WebContentsView already. */
const presented = new WeakSet<WebContents>();

export class WebContentsView extends View {
  readonly webContents: WebContents;

  /**
   * docs/api/web-contents-view.md: "webContents — If present, the given WebContents will be adopted
   * by the WebContentsView. A WebContents may only be presented in one WebContentsView at a time."
   */
  constructor(options: { webPreferences?: WebPreferences; webContents?: WebContents } = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create WebContentsView before app is ready');
    if (options.webContents) {
      if (presented.has(options.webContents)) throw new Error('A WebContents may only be presented in one WebContentsView at a time');
      this.webContents = options.webContents;
    } else {
      this.webContents = new WebContents(options.webPreferences ?? {});
    }
    presented.add(this.webContents);
  }

  override attached(owner: BaseWindow | null): void {
    super.attached(owner);
    this.webContents.owner = owner;
  }

  override setBounds(bounds: Rectangle): void {
    super.setBounds(bounds);
    if (bounds.width > 0 && bounds.height > 0) this.webContents.resize(bounds.width, bounds.height);
  }
}

export class BaseWindow extends EventEmitter {
  readonly id = nextWindowId++;
  readonly contentView: View = new View();
  #bounds: Rectangle;
  #title: string;
  #destroyed = false;
  #visible: boolean;
  #parent: BaseWindow | null;
  readonly #children = new Set<BaseWindow>();

  constructor(options: { width?: number; height?: number; x?: number; y?: number; title?: string; show?: boolean; parent?: BaseWindow } = {}) {
    super();
    if (!app.isReady()) throw new Error(`Cannot create ${new.target.name} before app is ready`);
    this.#bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.#title = options.title ?? app.getName();
    this.#visible = options.show !== false;
    this.#parent = options.parent ?? null;
    if (this.#parent) this.#parent.#children.add(this);
    this.contentView.attached(this);
    windows.add(this);
  }

  static getAllWindows(): BaseWindow[] {
    return allWindows();
  }

  static fromId(id: number): BaseWindow | null {
    return allWindows().find((window) => window.id === id) ?? null;
  }

  /** Web contents shown by this window (its own, if a BrowserWindow, then its views'). */
  contents(): WebContents[] {
    const found: WebContents[] = [];
    const walk = (view: View) => {
      if (view instanceof WebContentsView) found.push(view.webContents);
      view.children.forEach(walk);
    };
    walk(this.contentView);
    return found;
  }

  /** A view's page went away underneath (the person closed it in headed Chromium): the window was closed. */
  onContentsGone(_contents: WebContents): void {
    if (!this.#destroyed) this.close();
  }

  /** docs/api/base-window.md#wincloses: emits 'close' (preventable), then 'closed'. */
  close(): void {
    if (this.#destroyed) return;
    const event = newEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  /** docs/api/base-window.md#windestroy: no 'close' event; 'closed' still fires. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const child of this.#children) child.destroy();
    if (this.#parent) this.#parent.#children.delete(this);
    this.closeOwnContents();
    windows.delete(this);
    this.emit('closed');
    // Browser::OnWindowAllClosed, after the window is gone from the list.
    if (windows.size === 0) app.onWindowAllClosed();
  }

  /** A BaseWindow owns no web contents: its views' pages stay until closed explicitly. */
  protected closeOwnContents(): void {}

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** docs/api/base-window.md#winsetsizewidth-height-animate */
  setSize(width: number, height: number): void {
    this.setBounds({ width, height });
  }

  setBounds(bounds: Partial<Rectangle>): void {
    this.#bounds = { ...this.#bounds, ...bounds };
    this.emit('resize', newEvent());
    this.emit('resized', newEvent());
  }
  getBounds(): Rectangle {
    return { ...this.#bounds };
  }
  getContentBounds(): Rectangle {
    return { ...this.#bounds };
  }
  setContentBounds(bounds: Partial<Rectangle>): void {
    this.setBounds(bounds);
  }
  getSize(): [number, number] {
    return [this.#bounds.width, this.#bounds.height];
  }
  setTitle(title: string): void {
    this.#title = title;
  }
  getTitle(): string {
    return this.#title;
  }
  show(): void {
    this.#visible = true;
    this.emit('show');
    this.focus();
  }
  showInactive(): void {
    this.#visible = true;
  }
  hide(): void {
    this.#visible = false;
  }
  isVisible(): boolean {
    return this.#visible;
  }
  focus(): void {
    this.contents()[0]?.focus();
  }
  blur(): void {}
  isFocused(): boolean {
    return false;
  }
  isMinimized(): boolean {
    return false;
  }
  minimize(): void {}
  restore(): void {}
  maximize(): void {}
  isMaximized(): boolean {
    return false;
  }
  setMenu(): void {}
  removeMenu(): void {}
  setMenuBarVisibility(): void {}
  setAutoHideMenuBar(): void {}
  getParentWindow(): BaseWindow | null {
    return this.#parent;
  }
  getChildWindows(): BaseWindow[] {
    return [...this.#children];
  }
}

export class BrowserWindow extends BaseWindow {
  readonly webContents: WebContents;
  #shownOnce = false;

  constructor(options: ConstructorParameters<typeof BaseWindow>[0] & { webPreferences?: WebPreferences } = {}, adopted?: WebContents) {
    super(options);
    this.webContents = adopted ?? new WebContents(options.webPreferences ?? {});
    this.webContents.owner = this;
    this.webContents.resize(options.width ?? 800, options.height ?? 600);
    // docs/api/browser-window.md#event-ready-to-show: "the renderer process has rendered the page for
    // the first time if the window has not been shown yet"; emitted once.
    this.webContents.once('did-finish-load', () => {
      if (this.#shownOnce || this.isDestroyed()) return;
      this.#shownOnce = true;
      this.emit('ready-to-show');
    });
    this.webContents.on('page-title-updated', (event: { defaultPrevented: boolean }, title: string, explicit: boolean) => {
      const windowEvent = newEvent();
      this.emit('page-title-updated', windowEvent, title, explicit);
      if (!windowEvent.defaultPrevented && !event.defaultPrevented) this.setTitle(title);
    });
    app.emit('browser-window-created', newEvent(), this);
  }

  static override getAllWindows(): BrowserWindow[] {
    return allWindows().filter((window): window is BrowserWindow => window instanceof BrowserWindow);
  }

  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((window) => window.webContents === contents) ?? null;
  }

  static getFocusedWindow(): BrowserWindow | null {
    return null;
  }

  override contents(): WebContents[] {
    return [this.webContents, ...super.contents()];
  }

  /** A BrowserWindow's own web contents is destroyed with it. */
  protected override closeOwnContents(): void {
    if (!this.webContents.isDestroyed()) this.webContents.close();
  }

  override setBounds(bounds: Partial<Rectangle>): void {
    super.setBounds(bounds);
    const { width, height } = this.getBounds();
    this.webContents.resize(width, height);
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  reload(): void {
    this.webContents.reload();
  }
}

/** The window Electron creates for a pop-up its opener's handler allowed. */
export function adoptPopupWindow(contents: WebContents, options: Record<string, unknown>): BrowserWindow {
  const { webPreferences: _ignored, ...rest } = options;
  return new BrowserWindow(rest as ConstructorParameters<typeof BrowserWindow>[0], contents);
}
