// A recorded `policy_changed` event as people read it: who, when, which instance, and only the
// settings that differ (before → after). The event keeps whole policies; the difference is derived.
import type { HistoryEvent, PolicyChange, PolicySettingChange } from '../../shared/domain.ts';

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * What of a recorded policy may be shown or exported: an audit sink's headers may carry a collector's
 * credentials, so a sink is named by its type and address only.
 */
function shareable(policy: unknown): Record<string, unknown> {
  const record = asRecord(policy);
  if (!Array.isArray(record['auditSinks'])) return record;
  const sinks = (record['auditSinks'] as unknown[]).map((sink) => {
    const fields = asRecord(sink);
    return `${String(fields['type'])} ${String(fields['endpoint'] ?? fields['url'] ?? '')}`.trim();
  });
  return { ...record, auditSinks: sinks };
}

/** Settings present on either side whose values differ, in the order they first appear. */
export function policyDifference(before: unknown, after: unknown): PolicySettingChange[] {
  const left = shareable(before);
  const right = shareable(after);
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
  return keys
    .filter((key) => JSON.stringify(left[key] ?? null) !== JSON.stringify(right[key] ?? null))
    .map((key) => ({ key, before: left[key] ?? null, after: right[key] ?? null }));
}

export function toPolicyChange(event: HistoryEvent): PolicyChange {
  const data = event.data;
  const source = data['source'] === 'organisation' ? 'organisation' : 'local';
  return {
    id: event.id,
    at: event.at,
    source,
    profileId: asString(data['profileId']),
    profileName: asString(data['profileName']),
    by: source === 'local' ? asString(data['by']) : null,
    operatorId: asString(data['operatorId']),
    origin: asString(data['from']),
    changes: policyDifference(data['before'], data['after']),
  };
}
