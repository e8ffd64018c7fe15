// React bindings for the data layer: stores, async resources with stale-answer protection, a clock.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { EventName } from '../../../shared/contract.ts';
import type { AppError } from '../../../shared/errors.ts';
import { api, toAppError } from './api.ts';
import { createStore } from './store.ts';

interface Observable<T> {
  getState?: () => T;
  get?: () => T;
  subscribe(listener: () => void): () => void;
}

export function useStore<T>(store: Observable<T>): T {
  const read = store.get ?? store.getState!;
  return useSyncExternalStore(store.subscribe, read);
}

export type Resource<T> =
  | { status: 'loading'; value: T | undefined; error: null }
  | { status: 'ready'; value: T; error: null }
  | { status: 'error'; value: T | undefined; error: AppError };

/**
 * Loads `load()` whenever `key` changes (and on the given main events), keeping the last value while
 * reloading so nothing jumps; an answer for an older key is dropped. With `keepAcrossKeys` the last
 * value also stays (status `loading`) while a new key loads: the screen shows it as stale.
 */
export function useResource<T>(
  key: string,
  load: () => Promise<T>,
  refreshOn: EventName[] = [],
  { keepAcrossKeys = false }: { keepAcrossKeys?: boolean } = {},
): Resource<T> & { reload(): void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', value: undefined, error: null });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ status: 'loading', value: previous.value, error: null }));
    loadRef.current().then(
      (value) => {
        if (mine === generation.current) setState({ status: 'ready', value, error: null });
      },
      (error: unknown) => {
        if (mine === generation.current) setState((previous) => ({ status: 'error', value: previous.value, error: toAppError(error) }));
      },
    );
  }, []);

  useEffect(() => {
    if (!keepAcrossKeys) setState({ status: 'loading', value: undefined, error: null });
    reload();
    return () => {
      generation.current++;
    };
  }, [key, reload, keepAcrossKeys]);

  const events = refreshOn.join(',');
  useEffect(() => {
    if (!events) return;
    const offs = (events.split(',') as EventName[]).map((event) => api().on(event, () => reload()));
    return () => offs.forEach((off) => off());
  }, [events, reload]);

  return { ...state, reload };
}

// One shared clock so every countdown on screen ticks together, and only while someone shows one.
const clock = createStore(Date.now());
let clockTimer: ReturnType<typeof setInterval> | null = null;
let clockUsers = 0;
function subscribeClock(listener: () => void) {
  const off = clock.subscribe(listener);
  if (clockUsers++ === 0) {
    clock.set(Date.now());
    clockTimer = setInterval(() => clock.set(Date.now()), 1000);
  }
  return () => {
    off();
    if (--clockUsers === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribeClock, clock.get);
}

/** Runs an action once at a time, remembering its error: for buttons that call main. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [result, setResult] = useState<T | undefined>(undefined);
  const actionRef = useRef(action);
  actionRef.current = action;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      const value = await actionRef.current(...args);
      if (mounted.current) setResult(value);
      return value;
    } catch (caught) {
      if (mounted.current) setError(toAppError(caught));
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { run, busy, error, result, clearError: () => setError(null) };
}
