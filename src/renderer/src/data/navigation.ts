// Where the console is: a handful of screens, no router needed.
import { createStore } from './store.ts';

export type Route =
  | { screen: 'users' }
  | { screen: 'user'; userId: string; /** Open the impersonate dialog as soon as the user is loaded (Shift+Enter). */ impersonate?: boolean }
  | { screen: 'active'; highlight?: string }
  | { screen: 'history' }
  | { screen: 'settings'; section?: 'instances' | 'policy' | 'appearance' };

export const route = createStore<Route>({ screen: 'users' });

export function navigate(next: Route): void {
  route.set(next);
}

/** Asks the search screen to focus its box (after navigating there). */
export const focusSearchRequests = createStore(0);
export function requestSearchFocus(): void {
  navigate({ screen: 'users' });
  focusSearchRequests.set((count) => count + 1);
}
