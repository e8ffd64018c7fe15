// Live impersonations: who, where, what phase, how long is left (ticking), and the controls to
// focus or end them.
import { useEffect, useState } from 'react';
import type { EndingProgress, ImpersonationView } from '../../../shared/domain.ts';
import { Badge } from '../components/Badges.tsx';
import { CopyId } from '../components/CopyId.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { EmptyState } from '../components/States.tsx';
import { api, call } from '../data/api.ts';
import { announce } from '../data/announcer.ts';
import { impersonations, reloadImpersonations } from '../data/app-data.ts';
import { useAction, useNow, useResource, useStore } from '../data/hooks.ts';
import { navigate } from '../data/navigation.ts';
import { SHORTCUT_HINTS } from '../data/shortcuts.ts';
import {
  formatCountdown,
  formatDateTime,
  formatDuration,
  formatRelative,
  formatTime,
  formatUpcoming,
  isLivePhase,
  localizeInstants,
  PHASE_LABELS,
  timeLeft,
} from '../data/time.ts';

export function ActiveScreen({ highlight, onEndAll }: { highlight: string | undefined; onEndAll(): void }) {
  const list = useStore(impersonations);
  const refresh = useAction(reloadImpersonations);
  const arrange = useAction(async () => {
    const result = await call(api().impersonation.arrange({}));
    // Wayland leaves placement to the desktop: say so rather than pretend the windows moved.
    announce(result.positioned ? `Arranged ${result.arranged} windows side by side.` : `Resized ${result.arranged} windows; this desktop (Wayland) decides where they go.`);
    return result;
  });
  const live = list.filter((view) => isLivePhase(view.phase));
  const finished = list.filter((view) => !isLivePhase(view.phase));

  useEffect(() => {
    void refresh.run();
    // Once per visit: events keep the list current afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section className="screen" aria-labelledby="active-title">
      <header className="screen__header">
        <div>
          <h1 id="active-title" className="screen__title">
            Active impersonations
          </h1>
          <p className="screen__subtitle">
            {live.length === 0 ? 'None running.' : live.length === 1 ? '1 running.' : `${live.length} running.`} Each one runs in its own window
            and ends on its own when its time is up.
          </p>
        </div>
        <div className="screen__actions">
          <button type="button" className="button" onClick={() => void arrange.run()} disabled={live.length === 0 || arrange.busy}>
            Arrange side by side
          </button>
          <button type="button" className="button button--danger" onClick={onEndAll} disabled={live.length === 0} aria-keyshortcuts="Control+Shift+E Meta+Shift+E">
            End all <kbd>{SHORTCUT_HINTS.endAll}</kbd>
          </button>
        </div>
      </header>
      {refresh.error ? <ErrorMessage error={refresh.error} onRetry={() => void refresh.run()} compact /> : null}
      {arrange.error ? <ErrorMessage error={arrange.error} compact /> : null}
      {arrange.result && !arrange.result.positioned ? (
        <p className="muted" role="status">
          Windows were resized. This desktop (Wayland) decides where windows go, so Understudy cannot place them side by side.
        </p>
      ) : null}
      {list.length === 0 ? (
        <EmptyState
          title="No impersonations running"
          action={
            <button type="button" className="button button--primary" onClick={() => navigate({ screen: 'users' })}>
              Find a user
            </button>
          }
        >
          <p>Find the customer, open their details and choose Impersonate.</p>
        </EmptyState>
      ) : (
        <>
          {live.length ? <ImpersonationList views={live} highlight={highlight} label="Running" /> : null}
          {finished.length ? <ImpersonationList views={finished} highlight={highlight} label="Recently finished" /> : null}
        </>
      )}
    </section>
  );
}

function ImpersonationList({ views, highlight, label }: { views: ImpersonationView[]; highlight: string | undefined; label: string }) {
  return (
    <section className="panel" aria-label={label}>
      <h2 className="panel__title">{label}</h2>
      <ul className="live-list">
        {views.map((view) => (
          <ImpersonationItem key={view.id} view={view} highlighted={view.id === highlight} />
        ))}
      </ul>
    </section>
  );
}

function ImpersonationItem({ view, highlighted }: { view: ImpersonationView; highlighted: boolean }) {
  const live = isLivePhase(view.phase);
  const focus = useAction(() => call(api().impersonation.focus({ id: view.id })));
  // What it led to is said from main's answer, as for an end from the banner (impersonation-notices).
  const end = useAction(() => call(api().impersonation.end({ id: view.id })));
  const retry = useAction(async () => {
    const after = await call(api().impersonation.retryEnd({ id: view.id }));
    // Ended is said by the list's own notice; a retry that failed again is said here, where it was asked.
    if (after.ending) announce(`Clerk still has not confirmed the end of ${view.subject.name}'s impersonation: ${after.ending.problem}`, 'error');
    return after;
  });
  const [headingId] = useState(() => `imp-${view.id}`);
  const retrying = view.phase === 'ending' && view.ending !== null;
  const queued = view.phase === 'opening' && view.queued !== null;
  // Asked and not answered yet: the first attempt, a retry, or a background attempt running now.
  const stopBusy = end.busy || retry.busy || (view.phase === 'ending' && (view.ending === null || view.ending.nextAttemptAt === null));

  return (
    <li className={`live-item live-item--${view.phase}${highlighted ? ' live-item--new' : ''}`} aria-labelledby={headingId} data-testid="impersonation">
      <div className="live-item__who">
        <p id={headingId} className="live-item__name">
          {view.subject.name}
          {view.production ? (
            <Badge tone="danger">Production</Badge>
          ) : null}
          {view.readOnly ? <Badge tone="info">Look, don’t touch</Badge> : null}
        </p>
        <p className="live-item__meta muted">
          {view.subject.email ?? view.subject.id} · {view.profileName} · started {formatDateTime(view.startedAt)}
        </p>
        <p className="live-item__ids">
          <CopyId id={view.subject.id} kind="user id" truncate />
          {view.sessionId ? <CopyId id={view.sessionId} kind="session id" truncate /> : null}
        </p>
      </div>
      <div className="live-item__phase">
        <span className={`phase phase--${view.phase}${retrying ? ' phase--retrying' : ''}`}>{retrying ? 'Ending — retrying' : queued ? 'Queued' : PHASE_LABELS[view.phase]}</span>
      </div>
      <div className="live-item__clock">
        {view.ending ? (
          <EndingClock ending={view.ending} />
        ) : queued ? (
          <QueuedClock until={view.queued!.until} />
        ) : live ? (
          <Countdown view={view} />
        ) : (
          <FinishedTimes view={view} />
        )}
      </div>
      <div className="live-item__actions">
        {live ? (
          <>
            {view.phase !== 'ending' ? (
              <button key="focus" type="button" className="button button--small" onClick={() => void focus.run()} aria-label={`Focus the window of ${view.subject.name}`}>
                Focus
              </button>
            ) : null}
            {/* One button from End to Retry, so keyboard focus stays on it while the end waits for Clerk. */}
            <button
              key="end"
              type="button"
              className={`button button--small${view.ending ? '' : ' button--danger'}`}
              onClick={() => {
                if (!stopBusy) void (view.ending ? retry.run() : end.run());
              }}
              aria-disabled={stopBusy}
              aria-label={
                view.ending
                  ? `Retry ending the impersonation of ${view.subject.name} now`
                  : queued
                    ? `Cancel the queued impersonation of ${view.subject.name}`
                    : `End the impersonation of ${view.subject.name}`
              }
            >
              {view.ending ? (stopBusy ? 'Retrying…' : 'Retry') : stopBusy ? 'Ending…' : queued ? 'Cancel' : 'End'}
            </button>
          </>
        ) : null}
      </div>
      {view.ending ? (
        <p className="live-item__note cell-note cell-note--error" data-testid="ending-problem">
          {view.error ? `${view.error} ` : ''}Clerk has not confirmed the end: {view.ending.problem} The window is closed and its data wiped;
          Understudy keeps trying.
        </p>
      ) : queued ? (
        <p className="live-item__note cell-note" data-testid="queued-note">
          Clerk allows 5 sign-ins per 10 seconds, so this window waits for its turn. Its sign-in link is ready; Cancel revokes it.
        </p>
      ) : view.error ? (
        <p className="live-item__note cell-note cell-note--error">{localizeInstants(view.error, Date.now())}</p>
      ) : null}
      {focus.error ? <ErrorMessage error={focus.error} compact /> : null}
      {end.error ? <ErrorMessage error={end.error} compact /> : null}
      {retry.error ? <ErrorMessage error={retry.error} compact /> : null}
    </li>
  );
}

/** When a finished impersonation ended and how long it ran, from the history main keeps. */
function FinishedTimes({ view }: { view: ImpersonationView }) {
  const entries = useResource(`${view.id}:${view.phase}`, () => call(api().ledger.query({ filter: { userId: view.subject.id } })), ['ledger:changed']);
  const entry = entries.value?.find((candidate) => candidate.id === view.id);
  if (!entry) return <span className="muted">{entries.status === 'loading' ? 'Loading…' : 'End time not recorded'}</span>;
  if (entry.endedAt === null) return <span className="muted">Not ended yet at Clerk</span>;
  const began = entry.acceptedAt ?? entry.createdAt;
  return (
    <span className="finished-times">
      <span>
        Ended <time dateTime={new Date(entry.endedAt).toISOString()}>{formatTime(entry.endedAt)}</time>{' '}
        <span className="muted">({formatRelative(entry.endedAt, Date.now())})</span>
      </span>
      <span className="muted">
        {entry.acceptedAt !== null ? 'Signed in for' : 'Open for'} {formatDuration(Math.max(0, Math.round((entry.endedAt - began) / 1000)))}
      </span>
    </span>
  );
}

/** A start queued behind Clerk's sign-in limit: the seconds until its window opens, once known. */
function QueuedClock({ until }: { until: number | null }) {
  const now = useNow();
  if (until === null) return <span className="muted" data-testid="queued-clock">Opens once the sign-ins in progress are over</span>;
  return (
    <span className="countdown" data-testid="queued-clock">
      <span className="countdown__label">Opens in</span> <span className="countdown__value mono">{Math.max(1, Math.ceil((until - now) / 1000))} s</span>
    </span>
  );
}

/** An end Clerk has not confirmed: when Understudy tries again, and by when Clerk ends it by itself. */
function EndingClock({ ending }: { ending: EndingProgress }) {
  const now = useNow();
  return (
    <span className="finished-times" data-testid="ending-clock">
      <span>
        {ending.nextAttemptAt === null ? (
          'Trying now…'
        ) : (
          <>
            Next attempt <time dateTime={new Date(ending.nextAttemptAt).toISOString()}>{formatTime(ending.nextAttemptAt)}</time>{' '}
            <span className="muted">({formatUpcoming(ending.nextAttemptAt, now)})</span>
          </>
        )}
      </span>
      <span className="muted">
        Clerk ends it by itself by <time dateTime={new Date(ending.clerkEndsBy).toISOString()}>{formatTime(ending.clerkEndsBy)}</time> (
        {formatRelative(ending.clerkEndsBy, now)})
      </span>
    </span>
  );
}

function Countdown({ view }: { view: ImpersonationView }) {
  // The shared clock only makes this tick; its value can be up to a second old when a fresh view
  // arrives, which would show 30:01 for a 30-minute cap, so the time is read now.
  useNow();
  const left = timeLeft(view, Date.now());
  if (!left) return <span className="muted">—</span>;
  return (
    <span className={`countdown${left.urgent ? ' countdown--urgent' : ''}`}>
      <span className="countdown__label">{left.label}</span> <span className="countdown__value mono">{formatCountdown(left.ms)}</span>
    </span>
  );
}
