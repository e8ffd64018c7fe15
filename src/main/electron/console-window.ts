// The trusted console window: sandboxed renderer, preload bridge, navigation and new windows
// locked to its own origin, every permission denied on its session.
import { BrowserWindow, session, type WebContents } from 'electron';
import {
  consolePermissionDecision,
  consoleWebPreferences,
  isConsoleNavigationAllowed,
} from '../console/console-policy.ts';

export interface ConsoleWindowOptions {
  preloadPath: string;
  /** Off in packaged builds: DevTools would let anyone at the machine call the bridge directly. */
  devTools: boolean;
  /** The page to load: `understudy://console/index.html`, or the dev server in `npm run dev`. */
  entryUrl: string;
  origin: string;
}

export function hardenConsoleSession(): void {
  const console = session.defaultSession;
  console.setPermissionRequestHandler((_contents, permission, callback) => callback(consolePermissionDecision(permission)));
  console.setPermissionCheckHandler((_contents, permission) => consolePermissionDecision(permission));
  console.setDevicePermissionHandler(() => false);
  console.on('will-download', (event) => event.preventDefault());
}

export function lockDownContents(contents: WebContents, origin: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isConsoleNavigationAllowed(url, origin)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    title: 'Understudy',
    show: false,
    webPreferences: consoleWebPreferences(options.preloadPath, options.devTools),
  });
  lockDownContents(window.webContents, options.origin);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.entryUrl);
  return window;
}
