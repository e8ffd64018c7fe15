// App lifecycle decisions: bounded quit that cannot be cut short, a packaged menu without reload or
// DevTools, a crashed console reloaded (not in a loop).
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/main/log.ts';
import { applicationMenu, hasUnsafeRoles, rolesOf } from '../../src/main/lifecycle/app-menu.ts';
import { consoleCrashDecision } from '../../src/main/lifecycle/console-crash.ts';
import { createQuitCoordinator } from '../../src/main/lifecycle/quit-coordinator.ts';
import { exportDefaultPath } from '../../src/main/export-location.ts';
import { positionsHonoured } from '../../src/main/lifecycle/display.ts';
import { deferredHandlers } from '../../src/main/lifecycle/deferred-handlers.ts';
import type { Handlers } from '../../src/main/ipc/register.ts';
import { channels } from '../../src/shared/channels.ts';

function quitRig(shutdown: (() => Promise<void>) | null, steps: Array<() => Promise<void>> = []) {
  const lines: string[] = [];
  const timers: Array<() => void> = [];
  const quit = vi.fn();
  const order: string[] = [];
  const coordinator = createQuitCoordinator({
    shutdown: () => shutdown,
    finalSteps: steps.map((run, index) => ({ name: `step${index}`, run: async () => { order.push(`step${index}`); await run(); } })),
    deadlineMs: 10_000,
    quit,
    log: createLogger((level, line) => lines.push(`${level} ${line}`)),
    setTimer: (callback) => timers.push(callback),
  });
  const request = () => {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    coordinator.onBeforeQuit(event);
    return event.prevented;
  };
  return { coordinator, request, quit, lines, timers, order };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('quitting', () => {
  it('holds every quit request until the shutdown finished, then quits once', async () => {
    let finish!: () => void;
    const rig = quitRig(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(rig.request()).toBe(true);
    // The console closing makes Electron's default window-all-closed call app.quit() again.
    expect(rig.request()).toBe(true);
    expect(rig.coordinator.phase()).toBe('ending');
    await settle();
    expect(rig.quit).not.toHaveBeenCalled();
    finish();
    await settle();
    await settle();
    expect(rig.quit).toHaveBeenCalledTimes(1);
    expect(rig.request()).toBe(false);
  });

  it('runs every final step and quits even when the shutdown and a step fail', async () => {
    const rig = quitRig(
      () => Promise.reject(new Error('Clerk unreachable')),
      [() => Promise.reject(new Error('sandbox would not stop')), () => Promise.resolve()],
    );
    rig.request();
    for (let i = 0; i < 5; i += 1) await settle();
    expect(rig.order).toEqual(['step0', 'step1']);
    expect(rig.quit).toHaveBeenCalledTimes(1);
    expect(rig.lines.join('\n')).toMatch(/Ending impersonations on quit failed.*Clerk unreachable/);
    expect(rig.lines.join('\n')).toMatch(/step0.*sandbox would not stop/);
  });

  it('quits at the deadline when ending hangs', async () => {
    const rig = quitRig(() => new Promise<void>(() => undefined));
    rig.request();
    await settle();
    expect(rig.quit).not.toHaveBeenCalled();
    rig.timers.forEach((fire) => fire());
    for (let i = 0; i < 3; i += 1) await settle();
    expect(rig.quit).toHaveBeenCalledTimes(1);
    expect(rig.lines.join('\n')).toMatch(/longer than 10000 ms/);
  });

  it('lets a start that never built its services quit at once', () => {
    const rig = quitRig(null);
    expect(rig.request()).toBe(false);
    expect(rig.quit).not.toHaveBeenCalled();
  });
});

describe('application menu', () => {
  it('offers no reload or DevTools in a packaged build, on any platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const menu = applicationMenu({ packaged: true, platform });
      expect(hasUnsafeRoles(menu)).toBe(false);
      // No role whose default submenu brings them back (Electron's viewMenu has reload and DevTools).
      expect(rolesOf(menu)).not.toContain('viewMenu');
      expect(rolesOf(menu)).toEqual(expect.arrayContaining(['copy', 'paste', 'zoomIn']));
    }
  });

  it('keeps reload and DevTools for development', () => {
    expect(hasUnsafeRoles(applicationMenu({ packaged: false, platform: 'linux' }))).toBe(true);
    expect(rolesOf(applicationMenu({ packaged: true, platform: 'darwin' }))).toContain('appMenu');
  });
});

describe('a crashed console', () => {
  it('is reloaded and the operator told where the details are', () => {
    const decision = consoleCrashDecision('crashed', [], 1_000_000, '/logs/understudy.log');
    expect(decision).toMatchObject({ action: 'reload' });
    expect(decision.action === 'reload' && decision.notice).toMatch(/crashed.*\/logs\/understudy\.log/);
  });

  it('is not reloaded in a loop', () => {
    const now = 1_000_000;
    expect(consoleCrashDecision('oom', [now - 50_000, now - 20_000], now, 'x').action).toBe('reload');
    expect(consoleCrashDecision('oom', [now - 50_000, now - 20_000, now - 1_000], now, 'x').action).toBe('give-up');
    // Old crashes no longer count.
    expect(consoleCrashDecision('oom', [now - 200_000, now - 100_000, now - 70_000], now, 'x').action).toBe('reload');
  });

  it('ignores a clean exit', () => {
    expect(consoleCrashDecision('clean-exit', [], 0, 'x').action).toBe('ignore');
  });
});

describe('the export dialog', () => {
  const folders = { documents: '/home/agent/Documents', downloads: '/home/agent/Downloads', home: '/home/agent' };
  it('opens in Documents with the suggested name', () => {
    expect(exportDefaultPath('understudy-history-2026-11-29.csv', folders, () => true)).toBe('/home/agent/Documents/understudy-history-2026-11-29.csv');
  });
  it('falls back to Downloads, then home, when a folder is missing', () => {
    expect(exportDefaultPath('h.json', folders, (path) => path.endsWith('Downloads'))).toBe('/home/agent/Downloads/h.json');
    expect(exportDefaultPath('h.json', { ...folders, documents: null }, () => false)).toBe('/home/agent/h.json');
  });
});

describe('window placement', () => {
  const auto = { platform: '', hint: '' };
  it('is left to the desktop on a Wayland session, unless X11 is forced', () => {
    expect(positionsHonoured('linux', { WAYLAND_DISPLAY: 'wayland-0' }, auto)).toBe(false);
    expect(positionsHonoured('linux', { XDG_SESSION_TYPE: 'wayland' }, auto)).toBe(false);
    expect(positionsHonoured('linux', { WAYLAND_DISPLAY: 'wayland-0' }, { platform: '', hint: 'x11' })).toBe(true);
    expect(positionsHonoured('linux', { DISPLAY: ':0' }, { platform: 'wayland', hint: '' })).toBe(false);
  });
  it('is Understudy’s on X11, macOS and Windows', () => {
    expect(positionsHonoured('linux', { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, auto)).toBe(true);
    expect(positionsHonoured('darwin', { WAYLAND_DISPLAY: 'x' }, auto)).toBe(true);
    expect(positionsHonoured('win32', {}, auto)).toBe(true);
  });
});

describe('IPC before the services exist', () => {
  it('waits for them instead of failing, then answers from them', async () => {
    let resolve!: (value: { handlers: Handlers }) => void;
    const handlers = deferredHandlers(new Promise((done) => (resolve = done)));
    expect(Object.keys(handlers).sort()).toEqual([...channels].sort());
    let answered: unknown = null;
    const pending = Promise.resolve(handlers['app:dismissNotice']({ index: 2 })).then((value) => (answered = value));
    await settle();
    expect(answered).toBeNull();
    resolve({ handlers: { 'app:dismissNotice': ({ index }: { index: number }) => `dismissed ${index}` } as unknown as Handlers });
    await pending;
    expect(answered).toBe('dismissed 2');
  });
});
