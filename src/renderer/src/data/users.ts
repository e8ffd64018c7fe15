// The console's main user search lives here, outside any screen, so the query, page and position
// survive a visit to a user's details and back.
import { AppError } from '../../../shared/errors.ts';
import { api, call } from './api.ts';
import { createSearchController, type SearchController } from './search-controller.ts';
import { createStore } from './store.ts';

let profileId: string | null = null;

export const userSearch: SearchController = createSearchController({
  search: (request) => {
    if (!profileId) return Promise.reject(new AppError({ kind: 'not-found', message: 'Choose an instance first.' }));
    return call(api().users.search({ profileId, ...request }));
  },
});

/** The last user opened from the results: the list comes back with that row active. */
export const lastOpenedUser = createStore<string | null>(null);

/** Points the search at an instance; a different one starts over from the first page. */
export function searchInstance(id: string): void {
  if (id === profileId && userSearch.getState().page) return;
  profileId = id;
  lastOpenedUser.set(null);
  userSearch.reset();
}

/** A search of one instance for pickers (e.g. "who are you"), separate from the main search. */
export function createInstanceSearch(id: string, limit = 8): SearchController {
  return createSearchController({ limit, search: (request) => call(api().users.search({ profileId: id, ...request })) });
}
