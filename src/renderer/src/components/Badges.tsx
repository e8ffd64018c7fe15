// Small status labels: text always says it, colour only helps.
import type { ReactNode } from 'react';
import type { UserSummary } from '../../../shared/domain.ts';

export type BadgeTone = 'neutral' | 'danger' | 'warning' | 'success' | 'info' | 'accent';

export function Badge({ tone = 'neutral', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Banned, locked, protected (with its reason in words, not only in a tooltip). */
export function UserBadges({ user, showReason = false }: { user: Pick<UserSummary, 'banned' | 'locked' | 'protection'>; showReason?: boolean }) {
  const protection = user.protection;
  return (
    <span className="badges">
      {/* Spaces between badges, so "Banned Protected" stays two words in the text around them. */}
      {user.banned ? <Badge tone="danger">Banned</Badge> : null}
      {user.banned && (user.locked || protection.protected) ? ' ' : null}
      {user.locked ? <Badge tone="warning">Locked</Badge> : null}
      {user.locked && protection.protected ? ' ' : null}
      {protection.protected ? (
        <Badge tone="info" title={protection.reason}>
          Protected{showReason ? `: ${protection.reason}` : null}
        </Badge>
      ) : null}
    </span>
  );
}
