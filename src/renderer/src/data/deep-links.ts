// Helpdesk links (understudy://impersonate?…) as main resolved them. Main keeps the last one until
// the console takes it, so one that arrived before the console listened (the app was started by
// it) still opens, and a console reload does not open it twice.
import type { ImpersonatePrefill } from '../../../shared/domain.ts';
import { api, call } from './api.ts';
import { createStore } from './store.ts';

export const deepLink = createStore<ImpersonatePrefill | null>(null);

let started = false;

/** Takes the waiting link now and whenever main says one arrived; safe to call more than once. */
export function startDeepLinks(): void {
  if (started) return;
  started = true;
  const take = () =>
    call(api().deepLink.take({})).then(
      (link) => {
        if (link) deepLink.set(link);
      },
      () => undefined, // main said why in a notice when it could not resolve a link
    );
  api().on('deepLink:impersonate', () => void take());
  void take();
}
