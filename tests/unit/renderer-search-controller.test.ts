// The console's search-as-you-type: debounce, stale answers dropped, request counts, paging.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserPage, UserSummary } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';
import { createSearchController, formatRange, type SearchRequest } from '../../src/renderer/src/data/search-controller.ts';

function user(id: string): UserSummary {
  return {
    id,
    name: id,
    username: null,
    primaryEmail: null,
    imageUrl: null,
    banned: false,
    locked: false,
    role: null,
    lastSignInAt: null,
    createdAt: 0,
    protection: { protected: false },
  };
}

function pageFor(request: SearchRequest, total = 100): UserPage {
  const count = Math.max(0, Math.min(request.limit, total - request.offset));
  return {
    users: Array.from({ length: count }, (_, index) => user(`user_${request.query || 'all'}_${request.offset + index}`)),
    totalCount: total,
    offset: request.offset,
    limit: request.limit,
  };
}

/** A search backend whose answers the test releases by hand, in any order. */
function manualBackend() {
  const calls: { request: SearchRequest; signal: AbortSignal; resolve(page: UserPage): void; reject(error: unknown): void }[] = [];
  const search = vi.fn((request: SearchRequest, signal: AbortSignal) => {
    return new Promise<UserPage>((resolve, reject) => calls.push({ request, signal, resolve, reject }));
  });
  return { calls, search };
}

/** Answers at once with a page built from the request. */
function instantBackend(total = 100) {
  return vi.fn(async (request: SearchRequest) => pageFor(request, total));
}

async function typeText(controller: ReturnType<typeof createSearchController>, text: string, msPerChar: number) {
  for (let index = 1; index <= text.length; index++) {
    controller.setInput(text.slice(0, index));
    await vi.advanceTimersByTimeAsync(msPerChar);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('search controller', () => {
  it('sends at most 2 requests for 9 characters typed at 150 ms each, and ends on the full query', async () => {
    const search = instantBackend();
    const controller = createSearchController({ search });
    controller.reset(); // the first page shown on opening the screen
    await typeText(controller, 'ada@acme.', 150);
    await vi.advanceTimersByTimeAsync(1000);
    expect(search.mock.calls.length).toBeLessThanOrEqual(2);
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ query: 'ada@acme.', offset: 0, limit: 25 });
    expect(controller.getState().page?.users[0]?.id).toBe('user_ada@acme._0');
    expect(controller.getState().requests).toBe(search.mock.calls.length);
  });

  it('waits for the debounce after the last keystroke', async () => {
    const search = instantBackend();
    const controller = createSearchController({ search, debounceMs: 250 });
    controller.setInput('ad');
    expect(controller.getState().pending).toBe(true);
    await vi.advanceTimersByTimeAsync(249);
    expect(search).not.toHaveBeenCalled();
    controller.setInput('ada');
    await vi.advanceTimersByTimeAsync(249);
    expect(search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search.mock.calls[0]?.[0].query).toBe('ada');
    expect(controller.getState().pending).toBe(false);
  });

  it('never lets a late answer for an older query overwrite a newer one', async () => {
    const { calls, search } = manualBackend();
    const controller = createSearchController({ search });
    controller.setInput('ad');
    await vi.advanceTimersByTimeAsync(300);
    controller.setInput('ada');
    await vi.advanceTimersByTimeAsync(300);
    expect(calls.map((call) => call.request.query)).toEqual(['ad', 'ada']);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls[1]?.signal.aborted).toBe(false);

    calls[1]!.resolve(pageFor(calls[1]!.request));
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve(pageFor(calls[0]!.request)); // the slow, stale answer arrives last
    await vi.advanceTimersByTimeAsync(0);

    const state = controller.getState();
    expect(state.query).toBe('ada');
    expect(state.page?.users[0]?.id).toBe('user_ada_0');
    expect(state.loading).toBe(false);
  });

  it('ignores a stale failure but shows a current one, and Retry asks again', async () => {
    const { calls, search } = manualBackend();
    const controller = createSearchController({ search });
    controller.setInput('a');
    await vi.advanceTimersByTimeAsync(300);
    controller.setInput('ab');
    await vi.advanceTimersByTimeAsync(300);
    calls[0]!.reject(new AppError({ kind: 'network', message: 'old failure' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().error).toBeNull();

    calls[1]!.reject(new AppError({ kind: 'rate-limited', message: 'Too many requests', retryAfterSeconds: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().error?.kind).toBe('rate-limited');
    expect(controller.getState().error?.retryAfterSeconds).toBe(3);

    controller.refresh();
    expect(calls[2]?.request).toEqual({ query: 'ab', offset: 0, limit: 25 });
    expect(controller.getState().error).toBeNull();
    calls[2]!.resolve(pageFor(calls[2]!.request));
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().page?.users).toHaveLength(25);
  });

  it('turns non-AppError failures into internal errors without leaking their text', async () => {
    const controller = createSearchController({ search: async () => Promise.reject(new Error('sk_live_secret in a stack')) });
    controller.reset();
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().error?.kind).toBe('internal');
    expect(controller.getState().error?.message).not.toContain('sk_live');
  });

  it('pages forwards and back within the total, immediately', async () => {
    const search = instantBackend(60);
    const controller = createSearchController({ search });
    controller.reset();
    await vi.advanceTimersByTimeAsync(0);
    controller.next();
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ query: '', offset: 25, limit: 25 });
    await vi.advanceTimersByTimeAsync(0);
    controller.next();
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().page?.offset).toBe(50);
    expect(controller.getState().page?.users).toHaveLength(10);
    controller.next(); // already on the last page
    expect(search).toHaveBeenCalledTimes(3);
    controller.previous();
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().offset).toBe(25);
    controller.previous();
    controller.previous(); // on the first page already
    await vi.advanceTimersByTimeAsync(0);
    expect(search).toHaveBeenCalledTimes(5);
    expect(controller.getState().offset).toBe(0);
  });

  it('a new query starts from the first page', async () => {
    const search = instantBackend();
    const controller = createSearchController({ search });
    controller.reset();
    await vi.advanceTimersByTimeAsync(0);
    controller.next();
    await vi.advanceTimersByTimeAsync(0);
    controller.setInput('bob');
    await vi.advanceTimersByTimeAsync(300);
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ query: 'bob', offset: 0, limit: 25 });
  });

  it('does not page while typed text waits, and Enter flushes it', async () => {
    const search = instantBackend();
    const controller = createSearchController({ search });
    controller.reset();
    await vi.advanceTimersByTimeAsync(0);
    controller.setInput('car');
    controller.next();
    expect(search).toHaveBeenCalledTimes(1);
    controller.flush();
    expect(search).toHaveBeenCalledTimes(2);
    expect(search.mock.calls[1]?.[0].query).toBe('car');
    await vi.advanceTimersByTimeAsync(1000);
    expect(search).toHaveBeenCalledTimes(2); // the debounce timer was cancelled by the flush
  });

  it('typing back to the shown query sends nothing', async () => {
    const search = instantBackend();
    const controller = createSearchController({ search });
    controller.setInput('eve');
    await vi.advanceTimersByTimeAsync(300);
    controller.setInput('eve ');
    controller.setInput('ev');
    controller.setInput('eve');
    await vi.advanceTimersByTimeAsync(1000);
    expect(search).toHaveBeenCalledTimes(1);
    expect(controller.getState().pending).toBe(false);
    expect(controller.getState().input).toBe('eve');
  });

  it('reset drops the old page (another instance) and dispose drops answers on their way', async () => {
    const { calls, search } = manualBackend();
    const controller = createSearchController({ search });
    controller.reset();
    calls[0]!.resolve(pageFor(calls[0]!.request));
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().page).not.toBeNull();
    controller.reset();
    expect(controller.getState().page).toBeNull();
    expect(controller.getState().loading).toBe(true);
    controller.dispose();
    calls[1]!.resolve(pageFor(calls[1]!.request));
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.getState().page).toBeNull();
    expect(calls[1]!.signal.aborted).toBe(true);
  });

  it('notifies subscribers on every change', async () => {
    const controller = createSearchController({ search: instantBackend() });
    const listener = vi.fn();
    const off = controller.subscribe(listener);
    controller.setInput('x');
    expect(listener).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(listener).toHaveBeenCalledTimes(3); // request started, answer arrived
    off();
    controller.setInput('xy');
    expect(listener).toHaveBeenCalledTimes(3);
  });
});

describe('formatRange', () => {
  it('reads like "1–25 of 100,000"', () => {
    expect(formatRange(0, 25, 100_000)).toBe('1–25 of 100,000');
    expect(formatRange(99_975, 25, 100_000)).toBe('99,976–100,000 of 100,000');
    expect(formatRange(50, 10, 60)).toBe('51–60 of 60');
    expect(formatRange(0, 0, 0)).toBe('No users');
  });
});
