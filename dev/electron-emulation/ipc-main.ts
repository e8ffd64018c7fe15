// `ipcMain` (docs/api/ipc-main.md): one handler per channel for invoke, listeners for send.
import { EventEmitter } from 'node:events';

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

/** Observers of every invoke and its answer (the out-of-process control channel records them). */
export const invokeObservers = new Set<(channel: string, args: unknown[], result: { ok: true; value: unknown } | { ok: false; error: string }) => void>();

class IpcMain extends EventEmitter {
  readonly #handlers = new Map<string, InvokeHandler>();

  /** docs/api/ipc-main.md#ipcmainhandlechannel-listener: a second handler for a channel throws. */
  handle(channel: string, listener: InvokeHandler): void {
    if (this.#handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (typeof listener !== 'function') throw new TypeError('Expected handler to be a function, but found type ' + typeof listener);
    this.#handlers.set(channel, listener);
  }

  handleOnce(channel: string, listener: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.#handlers.delete(channel);
  }

  /** What ipcRenderer.invoke reaches: the renderer sees a rejection whose message names the channel. */
  async invoke(channel: string, event: unknown, args: unknown[]): Promise<unknown> {
    const handler = this.#handlers.get(channel);
    if (!handler) {
      const message = `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`;
      invokeObservers.forEach((observe) => observe(channel, args, { ok: false, error: message }));
      throw new Error(message);
    }
    try {
      const value = await handler(event, ...args);
      invokeObservers.forEach((observe) => observe(channel, args, { ok: true, value }));
      return value;
    } catch (error) {
      const message = `Error invoking remote method '${channel}': ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      invokeObservers.forEach((observe) => observe(channel, args, { ok: false, error: message }));
      throw new Error(message);
    }
  }
}

export const ipcMain = new IpcMain();
