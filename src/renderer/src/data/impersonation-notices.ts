// What the console says as impersonations change, whoever caused the change (the console's End,
// the banner's End, the window closed, the cap reached): said once per transition, from main's own
// view of the phase, so "Ended" is said only once main (and so Clerk) confirmed it.
import type { ImpersonationPhase, ImpersonationView } from '../../../shared/domain.ts';
import { announce, dismissAnnouncement } from './announcer.ts';
import { impersonations } from './app-data.ts';

/** "The window is opening" notices by impersonation id: they go once it signed in or finished. */
const opening = new Map<string, number>();

export function announceOpening(view: Pick<ImpersonationView, 'id' | 'subject'>): void {
  opening.set(view.id, announce(`Impersonating ${view.subject.name}: the window is opening.`, 'success'));
}

/** The sentence for a transition worth hearing, or null. */
export function transitionNotice(view: Pick<ImpersonationView, 'subject' | 'phase' | 'error'>, before: ImpersonationPhase): string | null {
  if (before === view.phase) return null;
  const who = view.subject.name || view.subject.id;
  if (view.phase === 'ended') return `Ended the impersonation of ${who}: Clerk confirmed it.`;
  if (view.phase === 'failed') return `The impersonation of ${who} failed. ${view.error ?? ''}`.trim();
  return null;
}

let watching = false;

/** Starts listening to the impersonation list; safe to call more than once. */
export function watchImpersonations(): () => void {
  if (watching) return () => undefined;
  watching = true;
  const phases = new Map(impersonations.get().map((view) => [view.id, view.phase] as const));
  const off = impersonations.subscribe(() => {
    for (const view of impersonations.get()) {
      const before = phases.get(view.id);
      phases.set(view.id, view.phase);
      const notice = opening.get(view.id);
      if (notice !== undefined && view.phase !== 'opening' && view.phase !== 'waiting') {
        dismissAnnouncement(notice);
        opening.delete(view.id);
      }
      if (before === undefined) continue;
      const text = transitionNotice(view, before);
      if (text) announce(text, view.phase === 'failed' ? 'error' : 'success');
    }
  });
  return () => {
    off();
    watching = false;
  };
}
