// One user: who they are, their sessions as Clerk sees them (including impersonated ones), and this
// computer's impersonation history for them. Impersonation starts here.
import { useEffect, useRef, useState } from 'react';
import type { LedgerEntry, Profile, SessionSummary, UserDetail } from '../../../shared/domain.ts';
import { Avatar } from '../components/Avatar.tsx';
import { CopyId } from '../components/CopyId.tsx';
import { UserBadges } from '../components/Badges.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { OperatorDialog } from '../components/OperatorPicker.tsx';
import { EmptyState, SkeletonRows, Spinner } from '../components/States.tsx';
import { LedgerStatusBadge, SessionStatusBadge } from '../components/StatusBadge.tsx';
import { displayName } from '../components/UserSearch.tsx';
import { api, call } from '../data/api.ts';
import { useResource } from '../data/hooks.ts';
import { navigate } from '../data/navigation.ts';
import { formatDateTime, formatDuration, formatRelative, localizeInstants } from '../data/time.ts';
import { ImpersonateDialog } from './ImpersonateDialog.tsx';

export function UserScreen({ profile, userId, impersonate = false }: { profile: Profile; userId: string; impersonate?: boolean }) {
  const user = useResource(`${profile.id}/${userId}`, () => call(api().users.get({ profileId: profile.id, userId })));
  const sessions = useResource(`${profile.id}/${userId}`, () => call(api().users.sessions({ profileId: profile.id, userId })), ['impersonation:changed']);
  const history = useResource(userId, () => call(api().ledger.query({ filter: { userId } })), ['ledger:changed']);
  const [dialog, setDialog] = useState<'impersonate' | 'operator' | null>(null);
  const impersonateRef = useRef<HTMLButtonElement>(null);
  const sectionRef = useRef<HTMLElement>(null);

  // Keyboard flow: Enter on a result, Enter again to impersonate. When that is not possible, the
  // heading takes focus so the reason (next to the disabled button) is read first.
  const loaded = user.value !== undefined;
  useEffect(() => {
    if (!loaded) return;
    const button = impersonateRef.current;
    if (button && !button.disabled) {
      // Shift+Enter on a result: straight to the dialog, which gives focus back to the button.
      button.focus();
      if (impersonate) setDialog('impersonate');
    } else sectionRef.current?.querySelector<HTMLElement>('h1')?.focus();
    // Only the first load decides; `impersonate` is fixed for this screen's lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded]);

  // Esc goes back to the results (dialogs handle their own Esc first).
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      navigate({ screen: 'users' });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <section ref={sectionRef} className="screen" aria-labelledby="user-title">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <button type="button" className="button button--ghost button--small" onClick={() => navigate({ screen: 'users' })}>
          ‹ Back to results <kbd>Esc</kbd>
        </button>
      </nav>
      {user.status === 'error' && !user.value ? (
        <>
          <h1 id="user-title" className="screen__title">
            User <CopyId id={userId} kind="user id" />
          </h1>
          <ErrorMessage error={user.error} onRetry={user.reload} />
        </>
      ) : !user.value ? (
        <div className="user-header user-header--loading" aria-busy="true">
          <h1 id="user-title" className="visually-hidden">
            Loading user
          </h1>
          <SkeletonRows rows={1} className="skeleton-row skeleton-row--header" />
        </div>
      ) : (
        <UserHeader
          user={user.value}
          profile={profile}
          buttonRef={impersonateRef}
          onImpersonate={() => setDialog('impersonate')}
          onChooseOperator={() => setDialog('operator')}
        />
      )}

      {user.value ? (
        <UserFacts user={user.value} />
      ) : user.status === 'loading' ? (
        <section className="panel panel--placeholder" aria-hidden="true">
          <SkeletonRows rows={3} className="skeleton-row skeleton-row--table" />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="sessions-title">
        <header className="panel__header">
          <h2 id="sessions-title" className="panel__title">
            Sessions in Clerk
          </h2>
          <p className="panel__subtitle">What Clerk itself records, impersonated sessions included.</p>
          {sessions.status === 'loading' && sessions.value ? <Spinner label="Refreshing…" /> : null}
        </header>
        {sessions.status === 'error' ? (
          <ErrorMessage error={sessions.error} onRetry={sessions.reload} compact />
        ) : !sessions.value ? (
          <SkeletonRows rows={2} className="skeleton-row skeleton-row--table" />
        ) : sessions.value.length === 0 ? (
          <EmptyState title="No sessions">Clerk has no sessions for this user.</EmptyState>
        ) : (
          <SessionsTable sessions={sessions.value} profile={profile} />
        )}
      </section>

      <section className="panel" aria-labelledby="ledger-title">
        <header className="panel__header">
          <h2 id="ledger-title" className="panel__title">
            Impersonations from this computer
          </h2>
          <p className="panel__subtitle">From Understudy’s local token history.</p>
        </header>
        {history.status === 'error' ? (
          <ErrorMessage error={history.error} onRetry={history.reload} compact />
        ) : !history.value ? (
          <SkeletonRows rows={2} className="skeleton-row skeleton-row--table" />
        ) : history.value.length === 0 ? (
          <EmptyState title="None yet">Nobody has impersonated this user from this computer.</EmptyState>
        ) : (
          <UserLedgerTable entries={history.value} />
        )}
      </section>

      {dialog === 'impersonate' && user.value ? <ImpersonateDialog profile={profile} user={user.value} onClose={() => setDialog(null)} /> : null}
      {dialog === 'operator' ? <OperatorDialog profile={profile} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}

/** Why this user cannot be impersonated right now, or null. */
export function blockedReason(user: Pick<UserDetail, 'protection'>, profile: Pick<Profile, 'operator' | 'name'>): string | null {
  if (user.protection.protected) return `Protected: ${user.protection.reason}. This user cannot be impersonated.`;
  if (!profile.operator) return `Say who you are in ${profile.name} first.`;
  return null;
}

function UserHeader({
  user,
  profile,
  buttonRef,
  onImpersonate,
  onChooseOperator,
}: {
  user: UserDetail;
  profile: Profile;
  buttonRef: React.RefObject<HTMLButtonElement | null>;
  onImpersonate(): void;
  onChooseOperator(): void;
}) {
  const blocked = blockedReason(user, profile);
  const name = displayName(user);
  return (
    <header className="user-header">
      <Avatar name={name} imageUrl={user.imageUrl} size="large" />
      <div className="user-header__text">
        <h1 id="user-title" className="screen__title" tabIndex={-1}>
          {name}
        </h1>
        <p className="user-header__meta">
          {user.primaryEmail ?? 'No email address'}
          {user.username ? <span className="muted"> · @{user.username}</span> : null}
        </p>
        {/* The protected reason is said once, next to the disabled button. */}
        <UserBadges user={user} />
      </div>
      <div className="user-header__actions">
        <button
          ref={buttonRef}
          type="button"
          className={`button button--primary${profile.production ? ' button--production' : ''}`}
          onClick={onImpersonate}
          disabled={blocked !== null}
          aria-describedby={blocked ? 'impersonate-blocked' : undefined}
        >
          Impersonate…
        </button>
        {blocked ? (
          <p id="impersonate-blocked" className="user-header__blocked">
            {blocked}{' '}
            {!profile.operator && !user.protection.protected ? (
              <button type="button" className="link-button" onClick={onChooseOperator}>
                Choose who I am
              </button>
            ) : null}
          </p>
        ) : null}
      </div>
    </header>
  );
}

function UserFacts({ user }: { user: UserDetail }) {
  const now = Date.now();
  const otherEmails = user.emails.filter((email) => email !== user.primaryEmail);
  const metadata = Object.keys(user.publicMetadata);
  return (
    <section className="panel" aria-labelledby="facts-title">
      <h2 id="facts-title" className="panel__title">
        Profile
      </h2>
      <dl className="facts">
        <div>
          <dt>User id</dt>
          <dd>
            <CopyId id={user.id} kind="user id" />
          </dd>
        </div>
        <div>
          <dt>Email addresses</dt>
          <dd>{[user.primaryEmail, ...otherEmails].filter(Boolean).join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Phone numbers</dt>
          <dd>{user.phoneNumbers.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{user.role ?? '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
        </div>
        <div>
          <dt>Last sign-in</dt>
          <dd title={user.lastSignInAt ? formatDateTime(user.lastSignInAt) : undefined}>{formatRelative(user.lastSignInAt, now)}</dd>
        </div>
        <div>
          <dt>Last active</dt>
          <dd title={user.lastActiveAt ? formatDateTime(user.lastActiveAt) : undefined}>{formatRelative(user.lastActiveAt, now)}</dd>
        </div>
      </dl>
      {metadata.length ? (
        <details className="metadata">
          <summary>Public metadata ({metadata.length === 1 ? '1 key' : `${metadata.length} keys`})</summary>
          <pre className="mono">{JSON.stringify(user.publicMetadata, null, 2)}</pre>
        </details>
      ) : null}
    </section>
  );
}

function actorOf(session: SessionSummary, profile: Profile): string | null {
  const sub = session.actor?.['sub'];
  if (typeof sub !== 'string') return session.actor ? 'Unknown actor' : null;
  return profile.operator?.userId === sub ? `You (${profile.operator.name})` : sub;
}

function SessionsTable({ sessions, profile }: { sessions: SessionSummary[]; profile: Profile }) {
  const now = Date.now();
  const sorted = [...sessions].sort((a, b) => b.createdAt - a.createdAt);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Impersonated by</th>
            <th scope="col">Last active</th>
            <th scope="col">Expires</th>
            <th scope="col">Session</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((session) => {
            const actor = actorOf(session, profile);
            return (
              <tr key={session.id} className={actor ? 'row--impersonated' : undefined}>
                <td className="nowrap">{formatDateTime(session.createdAt)}</td>
                <td>
                  <SessionStatusBadge status={session.status} />
                </td>
                <td>{actor ? <span className="actor">{actor}</span> : <span className="muted">Not impersonated</span>}</td>
                <td title={formatDateTime(session.lastActiveAt)}>{formatRelative(session.lastActiveAt, now)}</td>
                <td className="nowrap">{formatDateTime(session.expireAt)}</td>
                <td className="muted cell-id">
                  <CopyId id={session.id} kind="session id" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function UserLedgerTable({ entries }: { entries: LedgerEntry[] }) {
  const sorted = [...entries].sort((a, b) => b.createdAt - a.createdAt);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Status</th>
            <th scope="col">Operator</th>
            <th scope="col">Reason</th>
            <th scope="col">Instance</th>
            <th scope="col">Limits</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((entry) => (
            <tr key={entry.id}>
              <td className="nowrap">{formatDateTime(entry.createdAt)}</td>
              <td>
                <LedgerStatusBadge status={entry.status} />
                {entry.error ? <p className="cell-note">{localizeInstants(entry.error, Date.now())}</p> : null}
                {entry.actorTokenId ? (
                  <span className="cell-sub">
                    <CopyId id={entry.actorTokenId} kind="token id" />
                  </span>
                ) : null}
              </td>
              <td>{entry.operator.osUser}</td>
              <td className="cell-reason">{entry.reason || <span className="muted">No reason given</span>}</td>
              <td>{entry.profileName}</td>
              <td className="muted">
                link {formatDuration(entry.tokenTtlSeconds)}, session {formatDuration(entry.sessionMaxSeconds)}
                {entry.readOnly ? ', look-don’t-touch' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
