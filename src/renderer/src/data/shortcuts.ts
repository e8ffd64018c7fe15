// The console's global keyboard shortcuts, decided from a key event's plain fields.
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export type Shortcut = 'focus-search' | 'end-all' | 'go-users' | 'go-active' | 'go-history' | 'go-settings';

const NAVIGATION: Record<string, Shortcut> = { '1': 'go-users', '2': 'go-active', '3': 'go-history', '4': 'go-settings' };

/**
 * `inEditable`: focus is in a text field, where a bare `/` is just a character.
 * Ctrl and Cmd are interchangeable, so the same keys work on every platform.
 */
export function shortcutOf(event: KeyLike, inEditable: boolean): Shortcut | null {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (!command && !event.altKey && !event.shiftKey && key === '/' && !inEditable) return 'focus-search';
  if (command && !event.altKey && !event.shiftKey && key === 'k') return 'focus-search';
  if (command && event.shiftKey && !event.altKey && key === 'e') return 'end-all';
  if (command && !event.altKey && !event.shiftKey) return NAVIGATION[key] ?? null;
  return null;
}

export const SHORTCUT_HINTS = {
  focusSearch: '/ or Ctrl+K',
  endAll: 'Ctrl+Shift+E',
} as const;
