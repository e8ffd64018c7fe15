// Colour-coded, always-worded statuses for ledger entries and Clerk sessions.
import type { ClerkSessionStatus, LedgerStatus } from '../../../shared/domain.ts';
import { STATUS_LABELS } from '../data/history.ts';
import { Badge, type BadgeTone } from './Badges.tsx';

const LEDGER_TONES: Record<LedgerStatus, BadgeTone> = {
  minting: 'info',
  pending: 'accent',
  accepted: 'success',
  ending: 'warning',
  ended: 'neutral',
  revoked: 'neutral',
  expired: 'neutral',
  failed: 'danger',
  unknown: 'warning',
};

export function LedgerStatusBadge({ status }: { status: LedgerStatus }) {
  const title = status === 'unknown' ? 'Clerk did not confirm the token; it may exist and expires on its own.' : undefined;
  return (
    <Badge tone={LEDGER_TONES[status]} title={title}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

const SESSION_TONES: Partial<Record<ClerkSessionStatus, BadgeTone>> = { active: 'success', pending: 'accent', revoked: 'neutral', abandoned: 'warning' };

export function SessionStatusBadge({ status }: { status: ClerkSessionStatus }) {
  return <Badge tone={SESSION_TONES[status] ?? 'neutral'}>{status[0]!.toUpperCase() + status.slice(1)}</Badge>;
}
