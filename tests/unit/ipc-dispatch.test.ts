import { describe, expect, it, vi } from 'vitest';
import { channels, type Channel } from '../../src/shared/contract.ts';
import { AppError } from '../../src/shared/errors.ts';
import { dispatch, registerHandlers, type Handlers, type IpcListener } from '../../src/main/ipc/register.ts';
import { isTrustedSender, originOf, type IpcSender, type TrustedConsole } from '../../src/main/ipc/sender.ts';
import type { Logger } from '../../src/main/log.ts';

const trusted: TrustedConsole = { webContentsIds: new Set([7]), origin: 'understudy://console' };
const consoleFrame: IpcSender = { frameUrl: 'understudy://console/index.html', isMainFrame: true, webContentsId: 7 };
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Handlers that record their calls; every channel answers with its own name. */
function recordingHandlers() {
  const calls: [Channel, unknown][] = [];
  const handlers = Object.fromEntries(
    channels.map((channel) => [channel, (input: unknown) => (calls.push([channel, input]), channel)]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

describe('sender check', () => {
  it('accepts only the console main frame on its own origin', () => {
    expect(isTrustedSender(consoleFrame, trusted)).toBe(true);
    expect(isTrustedSender(null, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, frameUrl: null }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, isMainFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, webContentsId: 8 }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, frameUrl: 'https://evil.example/index.html' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, frameUrl: 'understudy://console.evil/x' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, frameUrl: 'understudy://user@console/x' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...consoleFrame, frameUrl: 'not a url' }, trusted)).toBe(false);
  });

  it('computes origins of custom schemes, which URL.origin reports as "null"', () => {
    expect(new URL('understudy://console/a').origin).toBe('null');
    expect(originOf('understudy://console/a?b#c')).toBe('understudy://console');
    expect(originOf('http://127.0.0.1:5173/index.html')).toBe('http://127.0.0.1:5173');
  });
});

describe('dispatch', () => {
  it('runs the handler with the parsed input for a trusted, valid call', async () => {
    const { handlers, calls } = recordingHandlers();
    const result = await dispatch('users:search', consoleFrame, { profileId: 'p1', query: 'ada', limit: 25, offset: 0 }, handlers, trusted, silent);
    expect(result).toEqual({ ok: true, value: 'users:search' });
    expect(calls).toEqual([['users:search', { profileId: 'p1', query: 'ada', limit: 25, offset: 0 }]]);
  });

  it('refuses a foreign sender before validating or doing any work', async () => {
    const { handlers, calls } = recordingHandlers();
    const foreign = { frameUrl: 'https://customer.example/', isMainFrame: true, webContentsId: 9 };
    const result = await dispatch('impersonation:endAll', foreign, {}, handlers, trusted, silent);
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-sender' } });
    expect(calls).toEqual([]);
  });

  it('rejects malformed input with per-field issues that never echo the input', async () => {
    const { handlers, calls } = recordingHandlers();
    const secret = 'sk_live_' + 'x'.repeat(600);
    const result = await dispatch('profiles:add', consoleFrame, { name: '', secretKey: secret, extra: 1 }, handlers, trusted, silent);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid-input');
    expect(result.error.issues?.map((issue) => issue.path).sort()).toEqual(['(input)', 'name', 'secretKey']);
    expect(JSON.stringify(result)).not.toContain('xxxxxxxx');
    expect(calls).toEqual([]);
  });

  it('rejects prototype-pollution keys as unknown fields', async () => {
    const { handlers } = recordingHandlers();
    const input = JSON.parse('{"__proto__": {"polluted": true}, "profileId": "p1"}');
    const result = await dispatch('profiles:select', consoleFrame, input, handlers, trusted, silent);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes AppErrors through as data and hides unexpected errors', async () => {
    const errors: string[] = [];
    const log: Logger = { ...silent, error: (message) => errors.push(message) };
    const handlers = {
      ...recordingHandlers().handlers,
      'users:get': () => {
        throw new AppError({ kind: 'not-found', message: 'No user with that id.' });
      },
      'users:sessions': () => {
        throw new TypeError('boom at internal detail');
      },
    } as Handlers;
    const input = { profileId: 'p1', userId: 'user_1' };
    expect(await dispatch('users:get', consoleFrame, input, handlers, trusted, log)).toEqual({
      ok: false,
      error: { kind: 'not-found', message: 'No user with that id.' },
    });
    const hidden = await dispatch('users:sessions', consoleFrame, input, handlers, trusted, log);
    expect(hidden).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('boom');
    expect(errors).toHaveLength(1);
  });
});

describe('registerHandlers', () => {
  it('registers exactly one handler per contract channel and removes them all', async () => {
    const registered = new Map<Channel, IpcListener>();
    const registry = {
      handle: vi.fn((channel: Channel, listener: IpcListener) => void registered.set(channel, listener)),
      removeHandler: vi.fn((channel: Channel) => void registered.delete(channel)),
    };
    const dispose = registerHandlers(registry, recordingHandlers().handlers, () => trusted, silent);
    expect([...registered.keys()].sort()).toEqual([...channels].sort());
    expect(await registered.get('app:getState')!(consoleFrame, {})).toEqual({ ok: true, value: 'app:getState' });
    dispose();
    expect(registered.size).toBe(0);
  });
});

describe('dispatch input shape', () => {
  it('refuses inputs that are not plain objects, even where every field is optional', async () => {
    const { handlers, calls } = recordingHandlers();
    for (const input of [new Date(), new Map(), [], 'x', 1, null, undefined, Object.create({ inherited: true })]) {
      const result = await dispatch('impersonation:list', consoleFrame, input, handlers, trusted, silent);
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    }
    expect(await dispatch('impersonation:list', consoleFrame, Object.create(null), handlers, trusted, silent)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it('caps what an issue may repeat of a hostile key', async () => {
    const { handlers } = recordingHandlers();
    const result = await dispatch('impersonation:list', consoleFrame, { ['k'.repeat(100_000)]: 1 }, handlers, trusted, silent);
    expect(JSON.stringify(result).length).toBeLessThan(1000);
  });
});
