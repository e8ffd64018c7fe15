// The preload under a fake Electron: what reaches the page is exactly one object with one
// function per contract channel (plus `on`), each invoking only its own channel.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channels, eventNames } from '../../src/shared/contract.ts';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }));
const on = vi.fn();
const removeListener = vi.fn();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: { invoke, on, removeListener, send: vi.fn(), sendSync: vi.fn() },
}));

type Api = Record<string, Record<string, (input?: unknown) => Promise<unknown>> & ((...args: unknown[]) => unknown)>;

describe('preload', () => {
  let api: Api;
  beforeAll(async () => {
    await import('../../src/preload/index.ts');
    api = exposed.get('understudy') as Api;
  });

  it('exposes one key, `understudy`', () => {
    expect([...exposed.keys()]).toEqual(['understudy']);
  });

  it('has exactly one function per contract channel and an event subscription, nothing else', () => {
    const surface = Object.entries(api).flatMap(([ns, value]) =>
      typeof value === 'function' ? [ns] : Object.keys(value).map((method) => `${ns}:${method}`),
    );
    expect(surface.sort()).toEqual([...channels, 'on'].sort());
    for (const [ns, value] of Object.entries(api)) {
      if (ns === 'on') continue;
      for (const fn of Object.values(value)) expect(typeof fn).toBe('function');
    }
  });

  it('routes each function to its own channel only', async () => {
    for (const channel of channels) {
      const [ns, method] = channel.split(':') as [string, string];
      invoke.mockClear();
      await api[ns]![method]!({ probe: channel });
      expect(invoke).toHaveBeenCalledExactlyOnceWith(channel, { probe: channel });
    }
  });

  it('subscribes only to contract events and can unsubscribe', () => {
    const subscribe = api['on'] as unknown as (event: string, listener: (payload: unknown) => void) => () => void;
    expect(() => subscribe('ipc:anything', () => {})).toThrow();
    const listener = vi.fn();
    const off = subscribe(eventNames[0]!, listener);
    const forward = on.mock.calls.at(-1)![1] as (event: unknown, payload: unknown) => void;
    forward({ sender: 'ipcRenderer event must not leak' }, [1]);
    expect(listener).toHaveBeenCalledWith([1]);
    off();
    expect(removeListener).toHaveBeenCalledWith(eventNames[0], forward);
  });
});
