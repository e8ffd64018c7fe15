import { describe, expect, it } from 'vitest';
import type { ImpersonationPhase } from '../../src/shared/domain.ts';
import { LIFECYCLE, nextPhase, RECORDED_AS, type LifecycleEvent } from '../../src/main/impersonation/lifecycle.ts';
import { canMove } from '../../src/main/ledger/transitions.ts';

const PHASES = Object.keys(LIFECYCLE) as ImpersonationPhase[];

describe('the impersonation lifecycle', () => {
  it('walks the happy path: opening → waiting → signed-in → ending → ended', () => {
    const path: [ImpersonationPhase, LifecycleEvent][] = [['opening', 'window-opened'], ['waiting', 'session-verified'], ['signed-in', 'end-requested'], ['ending', 'ended-at-clerk']];
    expect(path.map(([from, event]) => nextPhase(from, event))).toEqual(['waiting', 'signed-in', 'ending', 'ended']);
  });

  it('never leaves a finished phase, and never skips the Clerk clean-up to reach one', () => {
    for (const event of ['window-opened', 'session-verified', 'end-requested', 'ended-at-clerk', 'clean-up-failed', 'open-failed'] as LifecycleEvent[]) {
      expect(nextPhase('ended', event)).toBeNull();
      expect(nextPhase('failed', event)).toBeNull();
    }
    // Only `ending` (after Clerk answered) or a failed opening reach ended/failed.
    for (const from of PHASES) {
      for (const [event, to] of Object.entries(LIFECYCLE[from])) {
        if (to === 'ended' || to === 'failed') expect([from, event], `${from} --${event}→ ${to}`).toSatisfy(([f, e]: [string, string]) => f === 'ending' || e === 'open-failed');
      }
    }
    expect(nextPhase('signed-in', 'session-verified')).toBeNull();
    expect(nextPhase('waiting', 'ended-at-clerk')).toBeNull();
  });

  it('agrees with the ledger: every phase change is recordable with the statuses the phases allow', () => {
    for (const from of PHASES) {
      for (const to of Object.values(LIFECYCLE[from])) {
        const possible = RECORDED_AS[from].some((a) => RECORDED_AS[to as ImpersonationPhase].some((b) => a === b || canMove(a, b)));
        expect(possible, `${from} → ${to}`).toBe(true);
      }
    }
  });
});
