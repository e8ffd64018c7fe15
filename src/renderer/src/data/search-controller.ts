// Search-as-you-type without races: input is debounced, every request carries a generation number
// and only the newest generation may write its answer, so a slow reply for "ad" can never replace
// the results for "ada". The superseded request is also aborted for whoever can honour the signal.
import type { UserPage } from '../../../shared/domain.ts';
import type { AppError } from '../../../shared/errors.ts';
import { toAppError } from './api.ts';
import { createStore } from './store.ts';

export interface SearchRequest {
  query: string;
  offset: number;
  limit: number;
}

export type SearchFn = (request: SearchRequest, signal: AbortSignal) => Promise<UserPage>;

export interface SearchState {
  /** What the search box shows. */
  input: string;
  /** The trimmed query the current page answers (or is being fetched for). */
  query: string;
  offset: number;
  limit: number;
  /** Typed text is waiting out the debounce. */
  pending: boolean;
  /** A request is in flight. */
  loading: boolean;
  page: UserPage | null;
  /** The query the shown page answers: differs from `query` while a newer answer is on its way. */
  pageQuery: string;
  error: AppError | null;
  /** Requests sent so far: a cheap way to watch the debounce at work. */
  requests: number;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SearchControllerOptions {
  search: SearchFn;
  debounceMs?: number;
  limit?: number;
  timers?: Timers;
}

export interface SearchController {
  getState(): SearchState;
  subscribe(listener: () => void): () => void;
  /** The search box changed: searches once typing pauses for the debounce time. */
  setInput(text: string): void;
  /** Runs the typed query now if it is still waiting (Enter in the box). */
  flush(): void;
  next(): void;
  previous(): void;
  /** Runs the shown query and page again (Retry). */
  refresh(): void;
  /** Drops the shown page and searches the typed text from the first page (another instance). */
  reset(): void;
  /** Stops the debounce and drops any answer still on its way; reset() starts again. */
  dispose(): void;
}

export const SEARCH_DEBOUNCE_MS = 250;
export const SEARCH_PAGE_SIZE = 25;

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function createSearchController(options: SearchControllerOptions): SearchController {
  const debounceMs = options.debounceMs ?? SEARCH_DEBOUNCE_MS;
  const timers = options.timers ?? defaultTimers;
  const store = createStore<SearchState>({
    input: '',
    query: '',
    offset: 0,
    limit: options.limit ?? SEARCH_PAGE_SIZE,
    pending: false,
    loading: false,
    page: null,
    pageQuery: '',
    error: null,
    requests: 0,
  });
  let timer: unknown = null;
  let generation = 0;
  let inflight: AbortController | null = null;

  const cancelTimer = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };

  const run = (query: string, offset: number, clearPage = false) => {
    cancelTimer();
    inflight?.abort();
    const mine = ++generation;
    const abort = new AbortController();
    inflight = abort;
    store.set((state) => ({
      ...state,
      query,
      offset,
      pending: false,
      loading: true,
      error: null,
      page: clearPage ? null : state.page,
      requests: state.requests + 1,
    }));
    const { limit } = store.get();
    let answer: Promise<UserPage>;
    try {
      answer = options.search({ query, offset, limit }, abort.signal);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (page) => {
        if (mine !== generation) return;
        inflight = null;
        store.set((state) => ({ ...state, page, pageQuery: query, loading: false, error: null }));
      },
      (error: unknown) => {
        if (mine !== generation) return;
        inflight = null;
        store.set((state) => ({ ...state, loading: false, error: toAppError(error) }));
      },
    );
  };

  return {
    getState: store.get,
    subscribe: store.subscribe,
    setInput(text) {
      cancelTimer();
      const query = text.trim();
      const state = store.get();
      // Back to what is already shown (or on its way): nothing to ask.
      if (query === state.query && state.offset === 0 && !state.error && (state.page || state.loading)) {
        store.set({ ...state, input: text, pending: false });
        return;
      }
      store.set({ ...state, input: text, pending: true });
      timer = timers.setTimeout(() => {
        timer = null;
        run(query, 0);
      }, debounceMs);
    },
    flush() {
      const state = store.get();
      if (state.pending) run(state.input.trim(), 0);
    },
    next() {
      const state = store.get();
      if (state.pending || !state.page) return;
      const offset = state.offset + state.limit;
      if (offset < state.page.totalCount) run(state.query, offset);
    },
    previous() {
      const state = store.get();
      if (state.pending || state.offset === 0) return;
      run(state.query, Math.max(0, state.offset - state.limit));
    },
    refresh() {
      const state = store.get();
      run(state.query, state.offset);
    },
    reset() {
      run(store.get().input.trim(), 0, true);
    },
    dispose() {
      cancelTimer();
      inflight?.abort();
      generation++;
    },
  };
}

/** "1–25 of 100,000"; "No users" for an empty result. */
export function formatRange(offset: number, shown: number, total: number, locale = 'en-US'): string {
  if (total === 0 || shown === 0) return 'No users';
  const number = new Intl.NumberFormat(locale);
  return `${number.format(offset + 1)}–${number.format(offset + shown)} of ${number.format(total)}`;
}
