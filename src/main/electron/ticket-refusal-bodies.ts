// Clerk's JSON error body for a refused ticket, read through `webContents.debugger`: webRequest
// reports the status of a response but never its body (docs/api/web-request.md), and the body is
// what says why (used, revoked, expired…). Electron's documented way to read a response body is the
// DevTools protocol over `webContents.debugger` (docs/api/debugger.md).
//
// Electron's semantics relied on (docs/api/debugger.md; shell/browser/api/electron_api_debugger.cc):
// - `attach()` throws when a debugger is already attached ("Debugger is already attached to the
//   target") or none can be ("No target available"): the page is then watched by status only;
// - protocol events arrive as `'message'` (event, method, params, sessionId), the page's own ones
//   with an empty sessionId;
// - `'detach'` is emitted when the web contents closes (or DevTools takes over); pending commands
//   then reject, so no read waits on a closed page.
// The page is untrusted: its body is only measured, parsed as JSON and reduced to Clerk's code and
// message by clerkErrorOf (each capped); nothing of it is ever run.
import type { WebContents } from 'electron';
import { clerkErrorOf } from '../impersonation/window-policy.ts';

export type ClerkRefusal = ReturnType<typeof clerkErrorOf>;

/** Clerk's error bodies are a few hundred bytes; anything far larger is not one worth reading. */
export const MAX_REFUSAL_BODY_BYTES = 16 * 1024;
/** How long a refusal waits for its body before it is reported by status alone. */
export const REFUSAL_BODY_WAIT_MS = 3000;

interface ResponseReceived {
  requestId: string;
  response: { url: string; status: number; fromServiceWorker?: boolean; fromDiskCache?: boolean; fromPrefetchCache?: boolean };
}

/** At most this many bodies wait for their webRequest report: a page cannot grow the map without bound. */
const MAX_LEARNT = 16;
interface LoadingDone {
  requestId: string;
  encodedDataLength?: number;
}

/** What the debugger learnt of one refusal: Clerk's error, or null when its body could not be read. */
interface Learnt {
  error: ClerkRefusal | null;
  at: number;
}

/**
 * The refusal bodies of one partition's pages. `errorOf` is asked once per refusal webRequest saw
 * completing; it answers with what a watched page's debugger read for the same URL and status, or
 * null (status only) when no page is watched, the body could not be read, or it did not come in time.
 */
export class TicketRefusalBodies {
  readonly #isRefusal: (url: string, status: number) => boolean;
  readonly #waitMs: number;
  readonly #watched = new Set<WebContents>();
  /** Bodies read before webRequest reported their refusal, by `status url`. */
  readonly #learnt = new Map<string, Learnt[]>();
  readonly #waiting = new Map<string, ((error: ClerkRefusal | null) => void)[]>();
  /** Refusals reported by status alone after waiting, by key: their bodies, if they come, are dropped. */
  readonly #owed = new Map<string, number>();

  constructor(isRefusal: (url: string, status: number) => boolean, waitMs = REFUSAL_BODY_WAIT_MS) {
    this.#isRefusal = isRefusal;
    this.#waitMs = waitMs;
  }

  /** Reads the refusal bodies of this page from now on. False when its debugger cannot be attached. */
  watch(contents: WebContents): boolean {
    const debug = contents.debugger;
    try {
      debug.attach('1.3');
    } catch {
      return false;
    }
    this.#watched.add(contents);
    const refusals = new Map<string, { url: string; status: number }>();
    debug.on('detach', () => {
      this.#watched.delete(contents);
      for (const refusal of refusals.values()) this.#learn(refusal, null);
      refusals.clear();
    });
    debug.on('message', (_event, method: string, params: unknown, sessionId: string) => {
      // Another target's events (none are asked for) are not this page's.
      if (sessionId) return;
      if (method === 'Network.responseReceived') {
        const { requestId, response } = params as ResponseReceived;
        // Only what came from the network is Clerk's: a service worker of the page (or a cache) can
        // answer with a body of its own making, which webRequest never reports as a refusal.
        if (response.fromServiceWorker || response.fromDiskCache || response.fromPrefetchCache) return;
        if (this.#isRefusal(response.url, response.status)) refusals.set(requestId, { url: response.url, status: response.status });
      } else if (method === 'Network.loadingFinished' || method === 'Network.loadingFailed') {
        const { requestId, encodedDataLength } = params as LoadingDone;
        const refusal = refusals.get(requestId);
        if (!refusal) return;
        refusals.delete(requestId);
        if (method === 'Network.loadingFailed' || (encodedDataLength ?? 0) > MAX_REFUSAL_BODY_BYTES) return this.#learn(refusal, null);
        void readError(contents, requestId).then((error) => this.#learn(refusal, error));
      }
    });
    // Chromium keeps response bodies for Network.getResponseBody up to these sizes (per resource, per
    // page); the defaults are many megabytes a customer page has no need to keep in memory here.
    debug
      .sendCommand('Network.enable', { maxResourceBufferSize: MAX_REFUSAL_BODY_BYTES, maxTotalBufferSize: 16 * MAX_REFUSAL_BODY_BYTES })
      .catch(() => this.#watched.delete(contents));
    return true;
  }

  /** Clerk's error for a refusal webRequest saw completing (once per refusal), or null: report the status only. */
  errorOf(url: string, status: number): Promise<ClerkRefusal | null> {
    const key = keyOf(url, status);
    const learnt = this.#fresh(key).shift();
    if (learnt) return Promise.resolve(learnt.error);
    if (this.#watched.size === 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const queue = this.#waiting.get(key) ?? [];
      const answer = (error: ClerkRefusal | null) => {
        clearTimeout(timer);
        const index = queue.indexOf(answer);
        if (index !== -1) queue.splice(index, 1);
        if (queue.length === 0) this.#waiting.delete(key);
        resolve(error);
      };
      // Never wait forever for a body: after this the refusal is reported by its status, and its
      // body, should it still come, is dropped rather than paired with the next refusal of the URL.
      const timer = setTimeout(() => {
        this.#owed.set(key, (this.#owed.get(key) ?? 0) + 1);
        answer(null);
      }, this.#waitMs);
      queue.push(answer);
      this.#waiting.set(key, queue);
    });
  }

  #learn(refusal: { url: string; status: number }, error: ClerkRefusal | null): void {
    const key = keyOf(refusal.url, refusal.status);
    const owed = this.#owed.get(key) ?? 0;
    if (owed > 0) {
      // The body of a refusal already reported by its status.
      if (owed === 1) this.#owed.delete(key);
      else this.#owed.set(key, owed - 1);
      return;
    }
    const waiter = this.#waiting.get(key)?.[0];
    if (waiter) return waiter(error);
    for (const other of [...this.#learnt.keys()]) this.#fresh(other);
    if ([...this.#learnt.values()].reduce((count, list) => count + list.length, 0) >= MAX_LEARNT) return;
    const learnt = this.#fresh(key);
    learnt.push({ error, at: Date.now() });
    this.#learnt.set(key, learnt);
  }

  /** What was read for this key recently: a body webRequest never matched is not kept for a later refusal. */
  #fresh(key: string): Learnt[] {
    const cutoff = Date.now() - this.#waitMs;
    const learnt = (this.#learnt.get(key) ?? []).filter((entry) => entry.at >= cutoff);
    if (learnt.length === 0) this.#learnt.delete(key);
    else this.#learnt.set(key, learnt);
    return learnt;
  }
}

function keyOf(url: string, status: number): string {
  return `${status} ${url}`;
}

/** The body of one finished response, as Clerk's error; null when it cannot be read or is not one. */
async function readError(contents: WebContents, requestId: string): Promise<ClerkRefusal | null> {
  try {
    const { body, base64Encoded } = (await contents.debugger.sendCommand('Network.getResponseBody', { requestId })) as { body: string; base64Encoded: boolean };
    const text = base64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    if (text.length > MAX_REFUSAL_BODY_BYTES) return null;
    const error = clerkErrorOf(JSON.parse(text));
    return error.code || error.message ? error : null;
  } catch {
    return null;
  }
}
