// `webContents.debugger` (docs/api/debugger.md) over a DevTools session of the page, with Electron's
// semantics as shell/browser/api/electron_api_debugger.cc implements them:
// - attach([protocolVersion]) throws a TypeError when already attached ("Debugger is already
//   attached to the target"), for an unsupported version ("Requested protocol version is not
//   supported"; Chromium speaks 1.0–1.3) and without a target ("No target available");
// - sendCommand rejects without an attachment ("No target available"), without a method ("Invalid
//   method") and for an empty session id; a protocol error rejects with the protocol's message;
// - every protocol event is emitted as 'message' (event, method, params, sessionId: '' for the page);
// - detach() and the target closing reject the commands in flight ("target closed while handling
//   command") and emit 'detach' (event, 'target closed'); detach() without an attachment does nothing.
// Electron's attach is synchronous: commands and a loadURL that follow it act on an attached page.
// Here the session is made asynchronously, so commands wait for it and loadURL waits for `settled()`.
import { EventEmitter } from 'node:events';
import type { CDPSession, Page } from 'playwright-core';
import { newEvent } from './runtime.ts';

/** DevToolsAgentHost::IsSupportedProtocolVersion: major 1, minor 0 to 3. */
const SUPPORTED_VERSION = /^1\.[0-3]$/;

interface Attachment {
  cdp: Promise<CDPSession | null>;
  /** Commands not answered yet: rejected when the attachment ends. */
  pending: Set<(error: Error) => void>;
  inFlight: Set<Promise<unknown>>;
}

export class Debugger extends EventEmitter {
  readonly #page: () => Promise<Page>;
  readonly #destroyed: () => boolean;
  #attachment: Attachment | null = null;

  constructor(page: () => Promise<Page>, destroyed: () => boolean) {
    super();
    this.#page = page;
    this.#destroyed = destroyed;
  }

  attach(protocolVersion?: string): void {
    if (this.#attachment) throw new TypeError('Debugger is already attached to the target');
    if (protocolVersion && !SUPPORTED_VERSION.test(protocolVersion)) throw new TypeError('Requested protocol version is not supported');
    if (this.#destroyed()) throw new TypeError('No target available');
    const attachment: Attachment = { cdp: Promise.resolve(null), pending: new Set(), inFlight: new Set() };
    this.#attachment = attachment;
    attachment.cdp = this.#page().then(async (page) => {
      const cdp = await page.context().newCDPSession(page);
      if (this.#attachment !== attachment) {
        await cdp.detach().catch(() => undefined);
        return null;
      }
      cdp.on('event', ({ method, params }) => {
        if (this.#attachment === attachment) this.emit('message', newEvent(), method, params ?? {}, '');
      });
      cdp.on('close', () => {
        if (this.#attachment === attachment) this.#closed();
      });
      return cdp;
    });
    attachment.cdp.catch(() => {
      if (this.#attachment === attachment) this.#closed();
    });
  }

  isAttached(): boolean {
    return this.#attachment !== null;
  }

  detach(): void {
    const attachment = this.#attachment;
    if (!attachment) return;
    this.#closed();
    void attachment.cdp.then((cdp) => cdp?.detach()).catch(() => undefined);
  }

  sendCommand(method: string, commandParams?: Record<string, unknown>, sessionId?: string): Promise<unknown> {
    const attachment = this.#attachment;
    if (!attachment) return Promise.reject(new Error('No target available'));
    if (typeof method !== 'string') return Promise.reject(new Error('Invalid method'));
    if (sessionId === '') return Promise.reject(new Error('Empty session id is not allowed'));
    if (sessionId !== undefined) return Promise.reject(new Error('Emulation: commands to other sessions (sessionId) are not emulated'));
    const command = new Promise<unknown>((resolve, reject) => {
      attachment.pending.add(reject);
      attachment.cdp
        .then((cdp) => {
          if (!cdp || this.#attachment !== attachment) throw new Error('target closed while handling command');
          return cdp.send(method as 'Network.enable', commandParams as never);
        })
        .then(resolve, (error: unknown) => reject(new Error(protocolMessage(error))))
        .finally(() => attachment.pending.delete(reject));
    });
    attachment.inFlight.add(command);
    void command.catch(() => undefined).finally(() => attachment.inFlight.delete(command));
    return command;
  }

  /** Emulation only: the attachment and the commands sent so far have taken effect (loadURL waits for it). */
  async settled(): Promise<void> {
    const attachment = this.#attachment;
    if (!attachment) return;
    await Promise.allSettled([attachment.cdp, ...attachment.inFlight]);
  }

  /** Emulation only: the web contents is gone, as Electron's agent host closing. */
  targetClosed(): void {
    if (this.#attachment) this.#closed();
  }

  #closed(): void {
    const attachment = this.#attachment;
    if (!attachment) return;
    this.#attachment = null;
    const error = new Error('target closed while handling command');
    for (const reject of attachment.pending) reject(error);
    attachment.pending.clear();
    this.emit('detach', newEvent(), 'target closed');
  }
}

/** Electron rejects with the protocol's own error message; Playwright prefixes it with the method. */
function protocolMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^(?:cdpSession\.send: )?Protocol error \([^)]*\): ([\s\S]*)$/.exec(message)?.[1] ?? message;
}
