// The life of a ledger entry. `unknown` is an ambiguous mint: a token may exist at Clerk without
// its id being known, so it can only be closed (once it has surely expired, or was dealt with).
// `ending` is an end Clerk has not confirmed: still live, retried until Clerk confirms or its own expiry passes.
import type { LedgerStatus } from '../../shared/domain.ts';

export const TRANSITIONS: Readonly<Record<LedgerStatus, readonly LedgerStatus[]>> = {
  minting: ['pending', 'failed', 'unknown'],
  pending: ['accepted', 'revoked', 'expired', 'failed', 'ended', 'ending'],
  accepted: ['ended', 'expired', 'ending'],
  ending: ['ended', 'revoked', 'expired', 'failed'],
  // `failed`: Clerk refused the mint after all (its late answer), so no link was ever created.
  unknown: ['expired', 'revoked', 'ended', 'failed'],
  ended: [],
  revoked: [],
  expired: [],
  failed: [],
};

export function canMove(from: LedgerStatus, to: LedgerStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
