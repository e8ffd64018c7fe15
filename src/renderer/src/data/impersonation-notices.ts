// What the console says as impersonations change, whoever caused the change (the console's End,
// the banner's End, the window closed, the cap reached): said once per transition, from main's own
// view of the phase, so "Ended" is said only once main (and so Clerk) confirmed it.
import type { ImpersonationPhase, ImpersonationView } from '../../../shared/domain.ts';
import { announce, dismissAnnouncement } from './announcer.ts';
import { impersonations } from './app-data.ts';

/** "The window is opening" notices by impersonation id: they go once it signed in or finished. */
const opening = new Map<string, number>();

export function announceOpening(view: Pick<ImpersonationView, 'id' | 'subject' | 'phase' | 'ending' | 'queued' | 'error'>): void {
  if (noticeState(view) !== 'queued') {
    opening.set(view.id, announce(`Impersonating ${view.subject.name}: the window is opening.`, 'success'));
    return;
  }
  // A start answered while queued: said here unless the list already saw it join the queue.
  if (states.get(view.id) !== 'queued') opening.set(view.id, announce(transitionNotice(view, 'opening')!, 'success'));
  states.set(view.id, 'queued');
}

/** What is worth hearing of a view: its phase, or that its end waits for Clerk and is being retried. */
export type NoticeState = ImpersonationPhase | 'retrying' | 'queued';

export function noticeState(view: Pick<ImpersonationView, 'phase' | 'ending' | 'queued'>): NoticeState {
  if (view.phase === 'opening' && view.queued !== null) return 'queued';
  return view.phase === 'ending' && view.ending ? 'retrying' : view.phase;
}

/** The sentence for a transition worth hearing, or null. */
export function transitionNotice(view: Pick<ImpersonationView, 'subject' | 'phase' | 'error' | 'ending' | 'queued'>, before: NoticeState): string | null {
  const state = noticeState(view);
  if (before === state) return null;
  const who = view.subject.name || view.subject.id;
  if (state === 'queued') return `The window for ${who} is queued: Clerk allows 5 sign-ins per 10 seconds. The Active screen shows when it opens.`;
  if (state === 'retrying') {
    return `Could not end the impersonation of ${who} at Clerk yet: ${view.ending!.problem} Understudy keeps retrying; Retry on the Active screen tries now.`;
  }
  if (view.phase === 'ended' && view.error) return `The impersonation of ${who} is over. ${view.error}`;
  if (view.phase === 'ended') return `Ended the impersonation of ${who}: Clerk confirmed it.`;
  if (view.phase === 'failed') return `The impersonation of ${who} failed. ${view.error ?? ''}`.trim();
  return null;
}

let watching = false;
/** The last state heard of each impersonation: a transition is said once. */
const states = new Map<string, NoticeState>();

/** Starts listening to the impersonation list; safe to call more than once. */
export function watchImpersonations(): () => void {
  if (watching) return () => undefined;
  watching = true;
  states.clear();
  for (const view of impersonations.get()) states.set(view.id, noticeState(view));
  const off = impersonations.subscribe(() => {
    for (const view of impersonations.get()) {
      const before = states.get(view.id);
      states.set(view.id, noticeState(view));
      const notice = opening.get(view.id);
      if (notice !== undefined && view.phase !== 'opening' && view.phase !== 'waiting') {
        dismissAnnouncement(notice);
        opening.delete(view.id);
      }
      if (before === undefined) continue;
      const text = transitionNotice(view, before);
      if (text) announce(text, view.phase === 'ended' && !view.error ? 'success' : 'error');
    }
  });
  return () => {
    off();
    watching = false;
  };
}
