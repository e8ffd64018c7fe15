// Keyboard handling: moving through result lists, and the global shortcuts.
import { describe, expect, it } from 'vitest';
import { isNavigationKey, listReducer, PAGE_STEP, type ListState } from '../../src/renderer/src/data/list-navigation.ts';
import { shortcutOf, type KeyLike } from '../../src/renderer/src/data/shortcuts.ts';

const press = (state: ListState, ...keys: string[]) => keys.reduce((current, key) => listReducer(current, { type: 'key', key }), state);

describe('list navigation', () => {
  it('activates the first row when results arrive, none when empty', () => {
    expect(listReducer({ active: 7, count: 10 }, { type: 'results', count: 25 })).toEqual({ active: 0, count: 25 });
    expect(listReducer({ active: 3, count: 10 }, { type: 'results', count: 0 })).toEqual({ active: -1, count: 0 });
  });

  it('moves with the arrows and stops at the ends', () => {
    const start = listReducer({ active: -1, count: 0 }, { type: 'results', count: 3 });
    expect(press(start, 'ArrowDown').active).toBe(1);
    expect(press(start, 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown').active).toBe(2);
    expect(press(start, 'ArrowUp').active).toBe(0);
    expect(press(start, 'ArrowDown', 'ArrowDown', 'ArrowUp').active).toBe(1);
  });

  it('jumps with Home, End, PageUp and PageDown', () => {
    const state = { active: 0, count: 25 };
    expect(press(state, 'End').active).toBe(24);
    expect(press(state, 'End', 'Home').active).toBe(0);
    expect(press(state, 'PageDown').active).toBe(PAGE_STEP);
    expect(press(state, 'PageDown', 'PageDown', 'PageDown').active).toBe(24);
    expect(press({ active: 12, count: 25 }, 'PageUp').active).toBe(2);
    expect(press({ active: 3, count: 25 }, 'PageUp').active).toBe(0);
  });

  it('starts from the top when nothing was active', () => {
    expect(press({ active: -1, count: 5 }, 'ArrowDown').active).toBe(0);
    expect(press({ active: -1, count: 5 }, 'ArrowUp').active).toBe(0);
  });

  it('does nothing useful in an empty list and ignores other keys', () => {
    expect(press({ active: -1, count: 0 }, 'ArrowDown', 'End')).toEqual({ active: -1, count: 0 });
    const state = { active: 2, count: 5 };
    expect(press(state, 'a')).toBe(state);
  });

  it('clamps pointer choices', () => {
    expect(listReducer({ active: 0, count: 5 }, { type: 'set', index: 3 }).active).toBe(3);
    expect(listReducer({ active: 0, count: 5 }, { type: 'set', index: 9 }).active).toBe(4);
  });

  it('knows its keys', () => {
    expect(isNavigationKey('ArrowDown')).toBe(true);
    expect(isNavigationKey('Enter')).toBe(false);
  });
});

const key = (value: string, modifiers: Partial<KeyLike> = {}): KeyLike => ({ key: value, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers });

describe('global shortcuts', () => {
  it('focuses search with / outside text fields, and Ctrl/Cmd+K anywhere', () => {
    expect(shortcutOf(key('/'), false)).toBe('focus-search');
    expect(shortcutOf(key('/'), true)).toBeNull();
    expect(shortcutOf(key('k', { ctrlKey: true }), true)).toBe('focus-search');
    expect(shortcutOf(key('k', { metaKey: true }), false)).toBe('focus-search');
    expect(shortcutOf(key('k'), false)).toBeNull();
  });

  it('ends all with Ctrl/Cmd+Shift+E', () => {
    expect(shortcutOf(key('E', { ctrlKey: true, shiftKey: true }), true)).toBe('end-all');
    expect(shortcutOf(key('e', { metaKey: true, shiftKey: true }), false)).toBe('end-all');
    expect(shortcutOf(key('e', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key('E', { shiftKey: true }), false)).toBeNull();
  });

  it('jumps between screens with Ctrl/Cmd+1…4', () => {
    expect(shortcutOf(key('1', { ctrlKey: true }), false)).toBe('go-users');
    expect(shortcutOf(key('2', { metaKey: true }), true)).toBe('go-active');
    expect(shortcutOf(key('3', { ctrlKey: true }), false)).toBe('go-history');
    expect(shortcutOf(key('4', { ctrlKey: true }), false)).toBe('go-settings');
    expect(shortcutOf(key('5', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key('1'), false)).toBeNull();
  });

  it('leaves AltGr and other combinations alone', () => {
    expect(shortcutOf(key('k', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutOf(key('/', { shiftKey: true }), false)).toBeNull();
  });
});

describe('listReducer clear', () => {
  it('leaves nothing active until the user moves, then starts at the first row', () => {
    const cleared = listReducer({ active: 0, count: 5 }, { type: 'clear' });
    expect(cleared).toEqual({ active: -1, count: 5 });
    expect(listReducer(cleared, { type: 'key', key: 'ArrowDown' }).active).toBe(0);
  });
});
