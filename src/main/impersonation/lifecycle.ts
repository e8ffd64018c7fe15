// The impersonation lifecycle as an explicit state machine: the phases a live impersonation goes
// through (what the console and the banner show), the events that move it, and which moves are
// allowed. The ledger's own table (../ledger/transitions.ts) says what is *recorded*; this one what
// is *happening*. Each phase maps to the ledger statuses it may be recorded with.
import type { ImpersonationPhase, LedgerStatus } from '../../shared/domain.ts';

export type LifecycleEvent =
  | 'window-opened' // the ticket URL is loading in its window
  | 'session-verified' // a session JWT of this instance, subject and reference verified
  | 'end-requested' // operator, End all, quit, window closed, cap, expiry, watchdog, ticket error, Clerk ended it
  | 'ended-at-clerk' // Clerk confirmed the session or token is over
  | 'ended-with-problem' // over at Clerk, but the impersonation itself failed (verification, ticket refused, watchdog…)
  | 'clean-up-failed' // Clerk could not be reached or refused: still ending, retried with backoff
  | 'clerk-expiry-passed' // never confirmed, but Clerk's own expiry has passed: Clerk ended it by itself
  | 'open-failed'; // minting or recording failed before a window existed

export const LIFECYCLE: Readonly<Record<ImpersonationPhase, Partial<Record<LifecycleEvent, ImpersonationPhase>>>> = {
  opening: { 'window-opened': 'waiting', 'end-requested': 'ending', 'open-failed': 'failed' },
  waiting: { 'session-verified': 'signed-in', 'end-requested': 'ending' },
  'signed-in': { 'end-requested': 'ending' },
  // Never `ended` before Clerk confirmed it (or its own expiry passed): a failed clean-up stays `ending`.
  ending: { 'ended-at-clerk': 'ended', 'ended-with-problem': 'failed', 'clean-up-failed': 'ending', 'clerk-expiry-passed': 'ended' },
  ended: {},
  failed: {},
};

/** The ledger statuses an entry may have while the impersonation is in each phase. */
export const RECORDED_AS: Readonly<Record<ImpersonationPhase, readonly LedgerStatus[]>> = {
  opening: ['minting', 'pending'],
  waiting: ['pending'],
  'signed-in': ['accepted'],
  ending: ['pending', 'accepted', 'ending'],
  ended: ['ended', 'revoked', 'expired', 'failed'],
  // Finished with a problem; or a mint whose answer (or whose record) was lost, which recovery marks unknown.
  failed: ['failed', 'ended', 'revoked', 'expired', 'unknown', 'minting'],
};

/** The phase `event` leads to from `from`, or null when the machine does not allow it. */
export function nextPhase(from: ImpersonationPhase, event: LifecycleEvent): ImpersonationPhase | null {
  return LIFECYCLE[from][event] ?? null;
}
