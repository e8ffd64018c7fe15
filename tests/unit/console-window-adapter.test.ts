// The console window's Electron wiring under a fake Electron: what it registers must deny
// pop-ups, foreign navigation, webviews, permissions and downloads.
import { describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;
const sessionListeners = new Map<string, Listener>();
const defaultSession = {
  permissionRequest: undefined as Listener | undefined,
  permissionCheck: undefined as Listener | undefined,
  device: undefined as Listener | undefined,
  setPermissionRequestHandler(handler: Listener) { this.permissionRequest = handler; },
  setPermissionCheckHandler(handler: Listener) { this.permissionCheck = handler; },
  setDevicePermissionHandler(handler: Listener) { this.device = handler; },
  on(event: string, listener: Listener) { sessionListeners.set(event, listener); },
};

vi.mock('electron', () => ({ session: { defaultSession }, BrowserWindow: class {} }));

const { hardenConsoleSession, lockDownContents } = await import('../../src/main/electron/console-window.ts');

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | undefined;
  return {
    listeners,
    open: (url: string) => openHandler?.({ url }),
    on: (event: string, listener: Listener) => void listeners.set(event, listener),
    setWindowOpenHandler: (handler: Listener) => void (openHandler = handler),
  };
}

function fire(listener: Listener | undefined, url?: string) {
  const event = { preventDefault: vi.fn() };
  listener?.(event, url);
  return event.preventDefault.mock.calls.length > 0;
}

describe('console window wiring', () => {
  it('denies pop-ups, webviews and navigation away from the console origin', () => {
    const contents = fakeContents();
    lockDownContents(contents as never, 'understudy://console');
    expect(contents.open('https://evil.example')).toEqual({ action: 'deny' });
    expect(contents.open('understudy://console/index.html')).toEqual({ action: 'deny' });
    expect(fire(contents.listeners.get('will-attach-webview'))).toBe(true);
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(fire(contents.listeners.get(event), 'https://evil.example/'), event).toBe(true);
      expect(fire(contents.listeners.get(event), 'understudy://console/index.html'), event).toBe(false);
    }
  });

  it('denies every permission, device and download on the console session', () => {
    hardenConsoleSession();
    const answers: unknown[] = [];
    defaultSession.permissionRequest?.({}, 'media', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(defaultSession.permissionCheck?.({}, 'clipboard-read')).toBe(false);
    expect(defaultSession.device?.({})).toBe(false);
    expect(fire(sessionListeners.get('will-download'))).toBe(true);
  });
});
