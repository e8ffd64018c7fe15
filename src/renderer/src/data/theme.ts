// Light and dark follow the OS (prefers-color-scheme in CSS); a manual choice is remembered here
// and applied as data-theme on <html>.
import { createStore } from './store.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'understudy.theme';

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export const theme = createStore<ThemeChoice>(readChoice());

export function applyTheme(choice: ThemeChoice = theme.get()): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = choice;
}

export function setTheme(choice: ThemeChoice): void {
  theme.set(choice);
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage refused: the choice still holds for this session.
  }
  applyTheme(choice);
}
