// A console renderer that crashed is reloaded and the operator told; one that keeps crashing is not
// reloaded in a loop (it would spin the CPU and hide the problem): the app says so and stops trying.
export const CRASH_WINDOW_MS = 60_000;
export const MAX_RELOADS_IN_WINDOW = 3;

export type CrashDecision = { action: 'ignore' } | { action: 'reload'; notice: string } | { action: 'give-up'; message: string };

/**
 * `reason` is Electron's render-process-gone reason; `recent` the times of earlier reloads.
 * A clean exit (the window closing) is not a crash.
 */
export function consoleCrashDecision(reason: string, recent: readonly number[], now: number, logPath: string): CrashDecision {
  if (reason === 'clean-exit') return { action: 'ignore' };
  const inWindow = recent.filter((time) => now - time < CRASH_WINDOW_MS).length;
  if (inWindow >= MAX_RELOADS_IN_WINDOW) {
    return {
      action: 'give-up',
      message: `The console stopped (${reason}) ${inWindow + 1} times within a minute, so Understudy is not reloading it again. Live impersonations keep their banners and can be ended there. Details are in ${logPath}.`,
    };
  }
  return {
    action: 'reload',
    notice: `The console stopped unexpectedly (${reason}) and was reloaded. Impersonations kept running; details are in ${logPath}.`,
  };
}
