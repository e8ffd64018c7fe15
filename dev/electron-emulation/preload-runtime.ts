// The renderer side of the emulation, injected before the page's own scripts in every frame: it
// takes the IPC binding off `window` (the page never sees it), and in the frames that get a
// preload (the main frame; every frame with nodeIntegrationInSubFrames) runs the preload with a
// sandboxed `require` that offers what a sandboxed Electron preload gets (docs/api/sandbox-option.md):
// `electron` (contextBridge, ipcRenderer, webFrame), `events`, `timers`, `url`.
// Written as a string: it runs in the page, not in Node.

export const IPC_BINDING = '__electronEmulationIpc';

export function preloadInitScript(preloadSource: string | null, options: { contextIsolation: boolean; subFrames: boolean }): string {
  return `(() => {
  'use strict';
  const binding = globalThis[${JSON.stringify(IPC_BINDING)}];
  try { delete globalThis[${JSON.stringify(IPC_BINDING)}]; } catch {}
  if (${JSON.stringify(preloadSource === null)}) return;
  if (!${JSON.stringify(options.subFrames)} && window.top !== window) return;
  if (typeof binding !== 'function') return;

  const call = (op, ...args) => binding(op, ...args);
  const listeners = new Map();
  const rendererEvent = () => ({ sender: ipcRenderer, senderId: 0, ports: [] });
  const ipcRenderer = {
    invoke: (channel, ...args) => call('invoke', String(channel), args),
    send: (channel, ...args) => void call('send', String(channel), args).catch(() => undefined),
    on(channel, listener) {
      const set = listeners.get(channel) || new Set();
      listeners.set(channel, set);
      set.add(listener);
      return ipcRenderer;
    },
    once(channel, listener) {
      const wrapped = (...args) => { ipcRenderer.removeListener(channel, wrapped); listener(...args); };
      return ipcRenderer.on(channel, wrapped);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    off(channel, listener) { return ipcRenderer.removeListener(channel, listener); },
    removeAllListeners(channel) { if (channel === undefined) listeners.clear(); else listeners.delete(channel); return ipcRenderer; },
  };
  // Main → renderer messages (webContents.send) arrive by long poll on the same binding.
  (async () => {
    for (;;) {
      let messages;
      try { messages = await call('poll'); } catch { return; }
      for (const { channel, args } of messages) {
        for (const listener of [...(listeners.get(channel) || [])]) {
          try { listener(rendererEvent(), ...args); } catch (error) { setTimeout(() => { throw error; }); }
        }
      }
    }
  })();

  // contextBridge (docs/api/context-bridge.md): values are copied into the page, functions and
  // promises proxied, prototypes dropped; the key is defined read-only and non-deletable.
  const copyIn = (value, seen) => {
    if (typeof value === 'function') return proxyFunction(value);
    if (value === null || typeof value !== 'object') return value;
    if (typeof value.then === 'function') return new Promise((resolve, reject) => value.then((v) => resolve(copyIn(v, new Set())), (e) => reject(copyError(e))));
    if (value instanceof Error) return copyError(value);
    if (value instanceof Date) return new Date(value.getTime());
    if (seen.has(value)) throw new Error('An object could not be cloned.');
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => copyIn(item, seen));
    const out = {};
    for (const key of Object.keys(value)) out[key] = copyIn(value[key], seen);
    seen.delete(value);
    return out;
  };
  const copyError = (error) => new Error(error && error.message !== undefined ? String(error.message) : String(error));
  const proxyFunction = (fn) => function (...args) {
    let result;
    try { result = fn(...args.map((arg) => copyIn(arg, new Set()))); } catch (error) { throw copyError(error); }
    return copyIn(result, new Set());
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (!${JSON.stringify(options.contextIsolation)}) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      if (Object.prototype.hasOwnProperty.call(window, key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
      Object.defineProperty(window, key, { value: copyIn(api, new Set()), writable: false, configurable: false, enumerable: true });
    },
  };
  const webFrame = { setZoomFactor() {}, getZoomFactor: () => 1 };
  const modules = {
    electron: { contextBridge, ipcRenderer, webFrame },
    events: { EventTarget },
    timers: { setTimeout, clearTimeout, setInterval, clearInterval },
    url: { URL, URLSearchParams },
  };
  const require = (name) => {
    if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name];
    throw new Error('module not found: ' + name);
  };
  const module = { exports: {} };
  const process = Object.freeze({ platform: ${JSON.stringify(process.platform)}, type: 'renderer', sandboxed: true, contextIsolated: ${JSON.stringify(options.contextIsolation)}, env: {}, versions: {} });
  try {
    (function (require, module, exports, process) {
${preloadSource ?? ''}
    })(require, module, module.exports, process);
  } catch (error) {
    console.error('Unable to load preload script:', error);
  }
})();`;
}
