// The console mirrors main's impersonation list from two sources: answers to `impersonation:list`
// and the lists main pushes (`impersonation:changed`). An answer computed before a push must not
// overwrite it: after a restart, recovery pushes a still-ending impersonation while the console's
// first list request is on its way, and the Active screen would lose it until the next change.
import { afterEach, describe, expect, it } from 'vitest';
import type { ImpersonationView } from '../../src/shared/domain.ts';
import type { Result } from '../../src/shared/errors.ts';

type Listener = (list: ImpersonationView[]) => void;

function fakeBridge() {
  const listeners: Listener[] = [];
  const answers: ((result: Result<ImpersonationView[]>) => void)[] = [];
  const bridge = {
    on: (event: string, listener: Listener) => {
      if (event === 'impersonation:changed') listeners.push(listener);
      return () => undefined;
    },
    app: { getState: () => new Promise(() => undefined) },
    impersonation: { list: () => new Promise<Result<ImpersonationView[]>>((resolve) => answers.push(resolve)) },
  };
  return { bridge, push: (list: ImpersonationView[]) => listeners.forEach((listener) => listener(list)), answer: (list: ImpersonationView[]) => answers.shift()!({ ok: true, value: list }) };
}

const viewOf = (id: string) => ({ id }) as unknown as ImpersonationView;

afterEach(() => {
  delete (globalThis as { understudy?: unknown }).understudy;
});

describe('the mirrored impersonation list', () => {
  it('keeps a list main pushed while an older answer was on its way', async () => {
    const fake = fakeBridge();
    (globalThis as { understudy?: unknown }).understudy = fake.bridge;
    const { startSync, impersonations, reloadImpersonations } = await import('../../src/renderer/src/data/app-data.ts');
    startSync();
    // Main answered the first request before recovery added the ending one, then pushed the new list.
    fake.push([viewOf('recovered')]);
    fake.answer([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(impersonations.get().map((view) => view.id)).toEqual(['recovered']);

    // An answer with no push in between is taken as it is.
    const reload = reloadImpersonations();
    fake.answer([viewOf('recovered'), viewOf('later')]);
    await reload;
    expect(impersonations.get().map((view) => view.id)).toEqual(['recovered', 'later']);
  });
});
