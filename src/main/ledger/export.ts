// History exports for audits. CSV follows RFC 4180 (CRLF rows, quoted fields where needed) and is
// safe to open in a spreadsheet: a cell that would start a formula is prefixed with `'`, since
// reasons, names and emails are typed by operators and customers.
// An export holds the impersonations a filter matches and the policy changes the same filter
// matches (history-filter.ts decides both, as it does for the console's pages).
import type { ClerkCheckReport, LedgerEntry, LedgerFilter, PolicyChange } from '../../shared/domain.ts';
import type { Ledger } from './ledger.ts';

type Cell = string | number | boolean | null;
type Columns<T> = readonly [header: string, value: (row: T) => Cell][];

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
  return { content: format === 'csv' ? toCsv(entries, changes) : historyToJson(entries, changes), count: entries.length, policyChanges: changes.length };
}

const COLUMNS: Columns<LedgerEntry> = [
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
  const rows = [...entries.map((entry) => COLUMNS.map(([, value]) => value(entry))), ...policyChanges.map((change) => COLUMNS.map(([header]) => POLICY_CELLS[header]?.(change) ?? null))];
  return csvRows(COLUMNS.map(([header]) => header), rows);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** A history export: the impersonations and the policy changes, apart. */
export function historyToJson(entries: readonly LedgerEntry[], policyChanges: readonly PolicyChange[] = []): string {
  return toJson({ impersonations: entries, policyChanges });
}

/** One finding of a "Check with Clerk" report per row, whatever its kind. */
interface CheckFinding {
  finding: 'foreign_session' | 'still_active' | 'unknown_outcome' | 'not_checked';
  profileName: string | null;
  userId: string | null;
  userName: string | null;
  sessionId: string | null;
  sessionStatus: string | null;
  sessionCreatedAt: number | null;
  actor: string | null;
  entryId: string | null;
  historyStatus: string | null;
  detail: string | null;
}

const CHECK_COLUMNS: Columns<CheckFinding> = [
  ['finding', (f) => f.finding],
  ['profile_name', (f) => f.profileName],
  ['user_id', (f) => f.userId],
  ['user_name', (f) => f.userName],
  ['session_id', (f) => f.sessionId],
  ['session_status', (f) => f.sessionStatus],
  ['session_created_at', (f) => iso(f.sessionCreatedAt)],
  ['actor', (f) => f.actor],
  ['entry_id', (f) => f.entryId],
  ['history_status', (f) => f.historyStatus],
  ['detail', (f) => f.detail],
];

/** The report's findings as CSV, one row each (the period and counts are in the JSON export and the file name). */
export function checkToCsv(report: ClerkCheckReport): string {
  const none = { profileName: null, userId: null, userName: null, sessionId: null, sessionStatus: null, sessionCreatedAt: null, actor: null, entryId: null, historyStatus: null };
  const findings: CheckFinding[] = [
    ...report.foreign.map((s): CheckFinding => ({ ...none, finding: 'foreign_session', profileName: s.profileName, userId: s.subject.id, userName: s.subject.name, sessionId: s.sessionId, sessionStatus: s.status, sessionCreatedAt: s.createdAt, actor: s.actor ? JSON.stringify(s.actor) : null, detail: null })),
    ...report.stillActive.map((s): CheckFinding => ({
      ...none, finding: 'still_active', profileName: s.profileName, userId: s.subject.id, userName: s.subject.name, sessionId: s.sessionId, sessionStatus: s.status, sessionCreatedAt: s.createdAt,
      actor: s.actor ? JSON.stringify(s.actor) : null, entryId: s.entryId, historyStatus: s.entryStatus, detail: s.endedAt === null ? null : `ended from the report at ${iso(s.endedAt)}`,
    })),
    ...report.unknownOutcome.map((u): CheckFinding => ({
      ...none, finding: 'unknown_outcome', profileName: u.profileName, userId: u.subject.id, userName: u.subject.name, entryId: u.entryId, historyStatus: 'unknown',
      detail: u.sessions.length ? `Clerk sessions: ${u.sessions.map((s) => `${s.id} (${s.status})`).join('; ')}` : 'Clerk has no session for it',
    })),
    ...report.problems.map((problem): CheckFinding => ({ ...none, finding: 'not_checked', detail: problem })),
  ];
  return csvOf(CHECK_COLUMNS, findings);
}

function csvOf<T>(columns: Columns<T>, rows: readonly T[]): string {
  return csvRows(columns.map(([header]) => header), rows.map((row) => columns.map(([, value]) => value(row))));
}

function csvRows(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
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
