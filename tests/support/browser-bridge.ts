// The browser harness's stand-in for the preload: the same `buildApi` over the same contract,
// wired to a Playwright binding instead of ipcRenderer. Bundled to an init script at harness start.
import { buildApi } from '../../src/shared/api.ts';
import type { EventName } from '../../src/shared/contract.ts';

declare global {
  interface Window {
    __understudyInvoke(channel: string, input: unknown): Promise<unknown>;
    __understudyEmit(event: EventName, payload: unknown): void;
  }
}

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
const invoke = window.__understudyInvoke;

window.__understudyEmit = (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload));

const api = buildApi(
  (channel, input) => invoke(channel, input),
  (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  },
);

Object.defineProperty(window, 'understudy', { value: Object.freeze(api), writable: false, configurable: false });
