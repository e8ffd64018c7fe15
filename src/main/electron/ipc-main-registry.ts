// ipcMain as an IpcRegistry: turns Electron's invoke event into the plain sender facts the
// trust check needs, so the check itself stays a pure, tested function.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { IpcRegistry } from '../ipc/register.ts';
import type { IpcSender } from '../ipc/sender.ts';

function senderOf(event: IpcMainInvokeEvent): IpcSender | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { frameUrl: frame.url, isMainFrame: frame.parent === null, webContentsId: event.sender.id };
}

export const ipcMainRegistry: IpcRegistry = {
  handle(channel, listener) {
    ipcMain.handle(channel, (event, input: unknown) => listener(senderOf(event), input));
  },
  removeHandler(channel) {
    ipcMain.removeHandler(channel);
  },
};
