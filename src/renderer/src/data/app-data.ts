// Long-lived state mirrored from main: the app state (profiles, active instance, notices) and the
// live impersonations. Loaded once, then kept current by main's events.
import type { AppState, ImpersonationView, Profile } from '../../../shared/domain.ts';
import type { AppError } from '../../../shared/errors.ts';
import { api, call, toAppError } from './api.ts';
import { createStore } from './store.ts';

export interface AppData {
  state: AppState | null;
  error: AppError | null;
}

export const appData = createStore<AppData>({ state: null, error: null });
export const impersonations = createStore<ImpersonationView[]>([]);

let started = false;
/** How many lists main has pushed: a list asked for earlier must not overwrite a newer one. */
let listsPushed = 0;

/** Starts mirroring main; safe to call more than once. */
export function startSync(): void {
  if (started) return;
  started = true;
  api().on('app:changed', (state) => appData.set({ state, error: null }));
  api().on('impersonation:changed', (list) => {
    listsPushed += 1;
    impersonations.set(list);
  });
  void loadAppState();
  reloadImpersonations().catch(() => undefined); // the list screen shows its own error state on reload
}

/**
 * Asks main for the list. Main may push a newer one (a recovery, an end) while the answer travels:
 * the answer is then older than what the console shows, and is dropped.
 */
export async function reloadImpersonations(): Promise<void> {
  const pushedBefore = listsPushed;
  const list = await call(api().impersonation.list({}));
  if (listsPushed === pushedBefore) impersonations.set(list);
}

export async function loadAppState(): Promise<void> {
  try {
    appData.set({ state: await call(api().app.getState({})), error: null });
  } catch (error) {
    appData.set((previous) => ({ ...previous, error: toAppError(error) }));
  }
}

/** Main answers most profile calls with the new AppState: apply it at once rather than wait for the event. */
export function applyState(state: AppState): void {
  appData.set({ state, error: null });
}

export function applyProfile(profile: Profile): void {
  appData.set((previous) =>
    previous.state
      ? { ...previous, state: { ...previous.state, profiles: previous.state.profiles.map((p) => (p.id === profile.id ? profile : p)) } }
      : previous,
  );
}

export function activeProfile(state: AppState | null): Profile | null {
  if (!state) return null;
  return state.profiles.find((profile) => profile.id === state.activeProfileId) ?? null;
}
