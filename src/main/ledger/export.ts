// History exports for audits. CSV follows RFC 4180 (CRLF rows, quoted fields where needed) and is
// safe to open in a spreadsheet: a cell that would start a formula is prefixed with `'`, since
// reasons, names and emails are typed by operators and customers.
import type { LedgerEntry } from '../../shared/domain.ts';

type Cell = string | number | boolean | null;

const COLUMNS: readonly [header: string, value: (entry: LedgerEntry) => Cell][] = [
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
  const rows = [COLUMNS.map(([header]) => csvCell(header))];
  for (const entry of entries) rows.push(COLUMNS.map(([, value]) => csvCell(value(entry))));
  return rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

export function toJson(entries: readonly LedgerEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
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
