// Keyboard movement through a list (search results, pickers) as a pure reducer: the component
// keeps the active index and renders it with aria-activedescendant.
export interface ListState {
  /** -1 when nothing is active (empty list). */
  active: number;
  count: number;
}

export type ListAction =
  | { type: 'key'; key: string }
  | { type: 'results'; count: number } // a new list arrived: first row active
  | { type: 'set'; index: number } // pointer hover or click
  | { type: 'clear' }; // nothing active until the user moves

export const PAGE_STEP = 10;
const NAVIGATION_KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'PageUp']);

export function isNavigationKey(key: string): boolean {
  return NAVIGATION_KEYS.has(key);
}

const clamp = (index: number, count: number) => (count === 0 ? -1 : Math.min(Math.max(index, 0), count - 1));

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'results':
      return { count: action.count, active: action.count > 0 ? 0 : -1 };
    case 'set':
      return { ...state, active: clamp(action.index, state.count) };
    case 'clear':
      return { ...state, active: -1 };
    case 'key': {
      const { active, count } = state;
      if (count === 0) return { ...state, active: -1 };
      switch (action.key) {
        case 'ArrowDown':
          return { ...state, active: clamp(active + 1, count) };
        case 'ArrowUp':
          return { ...state, active: clamp(active < 0 ? 0 : active - 1, count) };
        case 'PageDown':
          return { ...state, active: clamp(active + PAGE_STEP, count) };
        case 'PageUp':
          return { ...state, active: clamp(active - PAGE_STEP, count) };
        case 'Home':
          return { ...state, active: 0 };
        case 'End':
          return { ...state, active: count - 1 };
        default:
          return state;
      }
    }
  }
}
