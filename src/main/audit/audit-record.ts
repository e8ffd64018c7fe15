// One history event as the organisation's audit log receives it: a stable event name and flat,
// namespaced attributes (the schema the README documents). Identity fields come from the
// impersonation's record; what changed comes from the event. Nothing secret is shipped: the history
// holds no key, token or sign-in link, and the header values of the organisation's own sinks
// (collector API keys) are masked when a policy change is shipped.
import type { HistoryEvent, HistoryEventType, LedgerEntry } from '../../shared/domain.ts';
import { ticketReference } from '../policy/policy.ts';
import { redact } from '../redact.ts';

export type AttributeValue = string | number | boolean;

export interface AuditRecord {
  /** The history event's id: receivers de-duplicate on it (delivery is at least once). */
  id: string;
  /** Position in this computer's history: events of one impersonation arrive in this order. */
  seq: number;
  name: string;
  /** When it happened (ms since the epoch). */
  at: number;
  attributes: Record<string, AttributeValue>;
}

/** Every kind of history event has a name; a new kind does not compile until it is named here. */
export const AUDIT_EVENT_NAMES: Record<HistoryEventType, string> = {
  started: 'understudy.impersonation.started',
  minted: 'understudy.impersonation.token_minted',
  signed_in: 'understudy.impersonation.signed_in',
  ending: 'understudy.impersonation.ending',
  end_retried: 'understudy.impersonation.end_retried',
  ended: 'understudy.impersonation.ended',
  revoked: 'understudy.impersonation.token_revoked',
  expired: 'understudy.impersonation.token_expired',
  failed: 'understudy.impersonation.failed',
  unknown: 'understudy.impersonation.outcome_unknown',
  recovered: 'understudy.impersonation.recovered',
  updated: 'understudy.impersonation.updated',
  imported: 'understudy.impersonation.imported',
  policy_changed: 'understudy.policy.changed',
  clerk_checked: 'understudy.history.checked_with_clerk',
};

/**
 * `entry` is the impersonation the event belongs to (null for desk events). Its identity (who, whom,
 * where, why) never changes after `started`, so its current record is valid for every event.
 */
export function auditRecordOf(event: HistoryEvent, entry: LedgerEntry | null): AuditRecord {
  const name = AUDIT_EVENT_NAMES[event.type];
  const attributes: Record<string, AttributeValue> = {
    'event.name': name,
    'log.record.uid': event.id,
    'understudy.event.seq': event.seq,
    'understudy.event.hash': event.hash,
    'understudy.event.prev_hash': event.prevHash,
  };
  const set = (key: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') attributes[key] = redact(value);
    else if (typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
  };
  if (event.entryId !== null) {
    set('understudy.impersonation.id', event.entryId);
    if (entry) {
      set('enduser.id', entry.subject.id);
      set('understudy.actor.id', entry.operator.clerkUserId);
      set('understudy.os_user', entry.operator.osUser);
      set('understudy.instance', entry.profileName);
      set('understudy.instance.id', entry.profileId);
      set('understudy.production', entry.production);
      set('understudy.reason', entry.reason);
      set('understudy.ticket', ticketReference(entry.reason));
    }
    const data = event.data as Partial<LedgerEntry>;
    set('understudy.status', data.status);
    set('understudy.actor_token.id', data.actorTokenId);
    set('understudy.session.id', data.sessionId);
    set('understudy.end_reason', data.endedBy?.reason);
    set('understudy.ended_by', data.endedBy?.by);
    set('understudy.error', data.error);
    if (event.type === 'started' || event.type === 'imported') {
      set('understudy.token_ttl_seconds', data.tokenTtlSeconds);
      set('understudy.session_max_seconds', data.sessionMaxSeconds);
      set('understudy.read_only', data.readOnly);
    }
  } else {
    const data = event.data;
    set('understudy.os_user', data['by'] ?? data['observedBy']);
    set('understudy.instance', data['profileName']);
    set('understudy.instance.id', data['profileId']);
    set('understudy.policy.source', data['source']);
    set('understudy.details', JSON.stringify(withoutHeaderValues(data)));
  }
  return { id: event.id, seq: event.seq, name, at: event.at, attributes };
}

/**
 * Header values in a policy are collector credentials: shown as set, never recorded or shipped
 * (histories recorded before this was applied at recording time are masked here too).
 */
export function withoutHeaderValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutHeaderValues);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === 'headers' && inner && typeof inner === 'object' ? Object.fromEntries(Object.keys(inner).map((name) => [name, '[set]'])) : withoutHeaderValues(inner),
    ]),
  );
}
