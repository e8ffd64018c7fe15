// Quitting, in one place: the first quit request is held (`before-quit` prevented) while every live
// impersonation is ended, bounded by a deadline; then each final step runs even if another failed,
// and only then does the app quit for real. Every later quit request while this runs is held too:
// Electron's default `window-all-closed` handler calls `app.quit()` again when the console closes,
// which would otherwise end the process mid-shutdown (docs/api/app.md, events `before-quit`,
// `window-all-closed`).
import type { Logger } from '../log.ts';

export interface QuitDeps {
  /** Ends every live impersonation; null until the services exist (a failed start quits at once). */
  shutdown: () => (() => Promise<void>) | null;
  /** Run after the shutdown, whatever happened to it or to each other (stop the sandbox, clear caches). */
  finalSteps: ReadonlyArray<{ name: string; run: () => Promise<void> }>;
  deadlineMs: number;
  /** `app.quit()`; called once, when everything above has settled. */
  quit: () => void;
  log: Logger;
  setTimer?: (callback: () => void, ms: number) => unknown;
}

export type QuitPhase = 'running' | 'ending' | 'done';

export function createQuitCoordinator(deps: QuitDeps) {
  let phase: QuitPhase = 'running';
  const setTimer = deps.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));

  async function finish(shutdown: () => Promise<void>): Promise<void> {
    const deadline = new Promise<'deadline'>((resolve) => setTimer(() => resolve('deadline'), deps.deadlineMs));
    try {
      const outcome = await Promise.race([shutdown().then(() => 'ended' as const), deadline]);
      // What is still live is ended by recovery at the next start.
      if (outcome === 'deadline') deps.log.warn(`Ending impersonations took longer than ${deps.deadlineMs} ms; quitting anyway`);
    } catch (error) {
      deps.log.error('Ending impersonations on quit failed', error);
    }
    for (const step of deps.finalSteps) {
      try {
        await step.run();
      } catch (error) {
        deps.log.error(`Quit step "${step.name}" failed`, error);
      }
    }
    phase = 'done';
    deps.quit();
  }

  return {
    phase: (): QuitPhase => phase,
    /** The `before-quit` listener. */
    onBeforeQuit(event: { preventDefault(): void }): void {
      if (phase === 'done') return;
      const shutdown = deps.shutdown();
      if (phase === 'running' && !shutdown) {
        phase = 'done';
        return;
      }
      event.preventDefault();
      if (phase === 'ending') return;
      phase = 'ending';
      void finish(shutdown!);
    },
  };
}
