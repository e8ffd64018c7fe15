// The `electron` module as the emulation offers it to the main process (see README.md).
// register.mjs makes `import … from 'electron'` resolve here.
import { app } from './app.ts';
import { dialog, Menu, net, screen, shell } from './misc.ts';
import { ipcMain } from './ipc-main.ts';
import { protocol } from './protocol.ts';
import { session } from './session.ts';
import { webContents } from './web-contents.ts';
import { BaseWindow, BrowserWindow, WebContentsView } from './windows.ts';

const nativeTheme = { shouldUseDarkColors: false, themeSource: 'system', on() {} };
const powerMonitor = { on() {} };
const crashReporter = { start() {} };

/** Only the renderer has these; importing them in main is a wiring error Electron would surface too. */
const contextBridge = undefined;
const ipcRenderer = undefined;

export {
  app,
  BaseWindow,
  BrowserWindow,
  contextBridge,
  crashReporter,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  net,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  webContents,
  WebContentsView,
};

export default {
  app,
  BaseWindow,
  BrowserWindow,
  contextBridge,
  crashReporter,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  net,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  webContents,
  WebContentsView,
};
