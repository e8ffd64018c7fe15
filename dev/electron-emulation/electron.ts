// The `electron` module as the emulation offers it to the main process (see README.md).
// register.mjs makes `import … from 'electron'` resolve here.
import * as electron from './electron.ts';

export { app } from './app.ts';
export { dialog, Menu, net, screen, shell } from './misc.ts';
export { ipcMain } from './ipc-main.ts';
export { protocol } from './protocol.ts';
export { session } from './session.ts';
export { webContents } from './web-contents.ts';
export { BaseWindow, BrowserWindow, WebContentsView } from './windows.ts';

export const nativeTheme = { shouldUseDarkColors: false, themeSource: 'system', on() {} };
export const powerMonitor = { on() {} };
export const crashReporter = { start() {} };

/** Only the renderer has these; importing them in main is a wiring error Electron would surface too. */
export const contextBridge = undefined;
export const ipcRenderer = undefined;

/** `import electron from 'electron'` gets the same module object as the named imports (one list, above). */
export default electron;
