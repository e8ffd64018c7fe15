// History exports for audits. CSV follows RFC 4180 (CRLF rows, quoted fields where needed) and is
// safe to open in a spreadsheet: a cell that would start a formula is prefixed with `'`, since
// reasons, names and emails are typed by operators and customers.
import type { ClerkCheckReport, LedgerEntry } from '../../shared/domain.ts';

type Cell = string | number | boolean | null;
type Columns<T> = readonly [header: string, value: (row: T) => Cell][];

const COLUMNS: Columns<LedgerEntry> = [
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
];

export function toCsv(entries: readonly LedgerEntry[]): string {
  return csvOf(COLUMNS, entries);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
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
  const lines = [columns.map(([header]) => csvCell(header))];
  for (const row of rows) lines.push(columns.map(([, value]) => csvCell(value(row))));
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
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
