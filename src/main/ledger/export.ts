// History exports for audits. CSV follows RFC 4180 (CRLF rows, quoted fields where needed) and is
// safe to open in a spreadsheet: a cell that would start a formula is prefixed with `'`, since
// reasons, names and emails are typed by operators and customers.
// An export holds the impersonations a filter matches and the policy changes the same filter
// matches (history-filter.ts decides both, as it does for the console's pages).
import type { LedgerEntry, LedgerFilter, PolicyChange } from '../../shared/domain.ts';
import type { Ledger } from './ledger.ts';

type Cell = string | number | boolean | null;

export interface HistoryExport {
  content: string;
  /** Impersonations written. */
  count: number;
  policyChanges: number;
}

/** Everything the filter matches, as one CSV or JSON document. */
export function exportHistory(ledger: Ledger, format: 'csv' | 'json', filter: LedgerFilter): HistoryExport {
  const entries = ledger.query(filter);
  const { changes } = ledger.policyChanges(filter);
  return { content: format === 'csv' ? toCsv(entries, changes) : toJson(entries, changes), count: entries.length, policyChanges: changes.length };
}

const COLUMNS: readonly [header: string, value: (entry: LedgerEntry) => Cell][] = [
  ['record', () => 'impersonation'],
  ['id', (e) => e.id],
  ['created_at', (e) => iso(e.createdAt)],
  ['status', (e) => e.status],
  ['profile_id', (e) => e.profileId],
  ['profile_name', (e) => e.profileName],
  ['production', (e) => e.production],
  ['user_id', (e) => e.subject.id],
  ['user_name', (e) => e.subject.name],
  ['user_email', (e) => e.subject.email],
  ['operator_user_id', (e) => e.operator.clerkUserId],
  ['operator_os_user', (e) => e.operator.osUser],
  ['reason', (e) => e.reason],
  ['read_only', (e) => e.readOnly],
  ['token_ttl_seconds', (e) => e.tokenTtlSeconds],
  ['session_max_seconds', (e) => e.sessionMaxSeconds],
  ['token_expires_at', (e) => iso(e.tokenExpiresAt)],
  ['actor_token_id', (e) => e.actorTokenId],
  ['session_id', (e) => e.sessionId],
  ['accepted_at', (e) => iso(e.acceptedAt)],
  ['ended_at', (e) => iso(e.endedAt)],
  ['ended_reason', (e) => e.endedBy?.reason ?? null],
  ['ended_by', (e) => e.endedBy?.by ?? null],
  ['error', (e) => e.error],
  ['policy_source', () => null],
  ['policy_changes', () => null],
];

/** A policy change fills the columns that mean the same thing; the rest stay empty. */
const POLICY_CELLS: Readonly<Record<string, (change: PolicyChange) => Cell>> = {
  record: () => 'policy_change',
  id: (c) => c.id,
  created_at: (c) => iso(c.at),
  profile_id: (c) => c.profileId,
  profile_name: (c) => c.profileName,
  operator_user_id: (c) => c.operatorId,
  operator_os_user: (c) => c.by,
  policy_source: (c) => (c.source === 'organisation' && c.origin ? `organisation (${c.origin})` : c.source),
  policy_changes: (c) => c.changes.map((change) => `${change.key}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`).join('; '),
};

export function toCsv(entries: readonly LedgerEntry[], policyChanges: readonly PolicyChange[] = []): string {
  const rows = [COLUMNS.map(([header]) => csvCell(header))];
  for (const entry of entries) rows.push(COLUMNS.map(([, value]) => csvCell(value(entry))));
  for (const change of policyChanges) rows.push(COLUMNS.map(([header]) => csvCell(POLICY_CELLS[header]?.(change) ?? null)));
  return rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

export function toJson(entries: readonly LedgerEntry[], policyChanges: readonly PolicyChange[] = []): string {
  return JSON.stringify({ impersonations: entries, policyChanges }, null, 2) + '\n';
}

export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  // = + - @ start formulas in Excel, LibreOffice and Sheets; tab and CR can smuggle one in.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
