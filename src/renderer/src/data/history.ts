// The token history screen's logic, apart from React so it is tested as plain functions. Main owns
// filtering, ordering and counting (one page at a time); this module turns the screen's fields into
// main's filter and main's answers into words.
import type { HistoryOrder, LedgerEntry, LedgerFilter, LedgerStatus, Policy, PolicyChange, PolicySettingChange, UnknownCheck } from '../../../shared/domain.ts';
import { formatDuration, formatTime, localizeInstants } from './time.ts';

export interface HistoryFilter {
  /** Subject user id (whole), '' for everyone. */
  userId: string;
  /** Operator's Clerk user id or OS user (whole, any case), '' for everyone. */
  operator: string;
  /** Empty: every status. */
  statuses: LedgerStatus[];
  profileId: string;
  /** Inclusive local dates as `YYYY-MM-DD` (what `<input type="date">` gives), '' for open-ended. */
  from: string;
  to: string;
}

export const EMPTY_HISTORY_FILTER: HistoryFilter = { userId: '', operator: '', statuses: [], profileId: '', from: '', to: '' };

/** Rows per page: what one `ledger:page` call asks for. */
export const PAGE_SIZE = 50;

export const STATUS_LABELS: Record<LedgerStatus, string> = {
  minting: 'Creating token',
  pending: 'Pending',
  accepted: 'Signed in',
  ending: 'Ending',
  ended: 'Ended',
  revoked: 'Revoked',
  expired: 'Expired',
  failed: 'Failed',
  unknown: 'Unknown',
};
export const ALL_STATUSES = Object.keys(STATUS_LABELS) as LedgerStatus[];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of `YYYY-MM-DD`, or undefined for '' or nonsense. */
export function dayStart(date: string): number | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const value = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isNaN(value) ? undefined : value;
}

/** The last millisecond of the local day `YYYY-MM-DD`: "to" dates are inclusive. */
export function dayEnd(date: string): number | undefined {
  const start = dayStart(date);
  if (start === undefined) return undefined;
  const match = DATE.exec(date)!;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1).getTime() - 1;
}

const ID = /^[A-Za-z0-9_-]+$/;

/** A typed user id main can take, or the reason it cannot ('' when empty or fine). */
export function userIdProblem(value: string): string {
  const id = value.trim();
  return id === '' || ID.test(id) ? '' : 'A user id has only letters, digits, _ and - (user_…).';
}

/** The screen's filter in the contract's terms: what `ledger:page`, `ledger:policyChanges` and `ledger:export` get. */
export function toLedgerFilter(filter: HistoryFilter): LedgerFilter {
  const result: LedgerFilter = {};
  const userId = filter.userId.trim();
  if (userId && !userIdProblem(userId)) result.userId = userId;
  if (filter.operator.trim()) result.operator = filter.operator.trim();
  if (filter.statuses.length) result.status = [...filter.statuses];
  if (filter.profileId) result.profileId = filter.profileId;
  const from = dayStart(filter.from);
  const to = dayEnd(filter.to);
  if (from !== undefined) result.from = from;
  if (to !== undefined) result.to = to;
  return result;
}

export function isFiltered(filter: HistoryFilter): boolean {
  return Boolean(filter.userId.trim() || filter.operator.trim() || filter.statuses.length || filter.profileId || filter.from || filter.to);
}

export interface PageState {
  offset: number;
  total: number;
}

export function lastOffset(total: number): number {
  return total === 0 ? 0 : Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE;
}

/** The offset a paging key leads to, or null when the key does not page (or there is nowhere to go). */
export function pageKeyTarget(key: string, page: PageState): number | null {
  const last = lastOffset(page.total);
  const target =
    key === 'PageDown' ? Math.min(page.offset + PAGE_SIZE, last) : key === 'PageUp' ? Math.max(page.offset - PAGE_SIZE, 0) : key === 'Home' ? 0 : key === 'End' ? last : null;
  return target === null || target === page.offset ? null : target;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "Page 2 of 2,000 · 51–100 of 100,000 impersonations". */
export function pageLabel(offset: number, shown: number, total: number): string {
  const noun = total === 1 ? 'impersonation' : 'impersonations';
  if (total === 0) return `0 ${noun}`;
  const pages = Math.ceil(total / PAGE_SIZE);
  return `Page ${count(Math.floor(offset / PAGE_SIZE) + 1)} of ${count(pages)} · ${count(offset + 1)}–${count(offset + shown)} of ${count(total)} ${noun}`;
}

export function orderLabel(order: HistoryOrder): string {
  return order === 'newest' ? 'newest first' : 'oldest first';
}

/** Only a token nobody has used yet can be revoked; an accepted one is ended as a session instead. */
export function canRevoke(entry: LedgerEntry): boolean {
  return entry.status === 'pending' && entry.actorTokenId !== null;
}

export function exportMessage(result: { path: string | null; count: number; policyChanges: number }): string {
  if (result.path === null) return 'Export cancelled: nothing was saved.';
  const entries = result.count === 1 ? '1 entry' : `${count(result.count)} entries`;
  const changes = result.policyChanges === 0 ? '' : result.policyChanges === 1 ? ' and 1 policy change' : ` and ${count(result.policyChanges)} policy changes`;
  return `Exported ${entries}${changes} to ${result.path}`;
}

const POLICY_LABELS: Record<keyof Policy, string> = {
  requireReason: 'Require a reason',
  maxTokenTtlSeconds: 'Longest sign-in link',
  maxSessionSeconds: 'Longest session',
  protectedRoles: 'Protected roles',
  protectBanned: 'Protect banned users',
  protectedUserIds: 'Protected user ids',
  confirmProduction: 'Confirm production',
};
/** Keys recorded beside the policy: the instance's app addresses, and those only an organisation's policy has (policy/org-policy.ts). */
const OTHER_LABELS: Record<string, string> = {
  appOrigins: 'App addresses',
  allowedInstances: 'Allowed instances',
  allowedOperators: 'Allowed operators',
  auditSinks: 'Audit destinations',
  auditDelivery: 'Audit delivery',
  invalid: 'Policy file problem',
};

function settingValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number' && key.endsWith('Seconds')) return formatDuration(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(String).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "Require a reason: on → off". */
export function describeSetting(change: PolicySettingChange): string {
  const label = POLICY_LABELS[change.key as keyof Policy] ?? OTHER_LABELS[change.key] ?? change.key;
  return `${label}: ${settingValue(change.key, change.before)} → ${settingValue(change.key, change.after)}`;
}

/** Who made a policy change, in words. */
export function policyAuthor(change: PolicyChange, operatorNames: ReadonlyMap<string, string>): string {
  if (change.source === 'organisation') return change.origin ? `Your organisation (${change.origin})` : 'Your organisation (policy removed)';
  const name = change.operatorId ? operatorNames.get(change.operatorId) : undefined;
  return [name, change.by ? `on this computer as ${change.by}` : null].filter(Boolean).join(', ') || 'Unknown';
}

/** What "Check at Clerk" found, in plain words. */
export function unknownCheckMessage(check: UnknownCheck, now: number): string {
  const name = check.entry.subject.name || check.entry.subject.id;
  const at = formatTime(check.checkedAt);
  if (check.outcome === 'ended') {
    const sessions = check.sessionsEnded === 1 ? 'a session' : `${check.sessionsEnded} sessions`;
    return `Clerk had ${sessions} of ${name} from this link: ended it at Clerk (checked ${at}). The record now says Ended.`;
  }
  if (check.outcome === 'revoked') return `The link of ${name} was never used: revoked it at Clerk (checked ${at}). The record now says Revoked.`;
  if (check.outcome === 'expired') return `No session of ${name} from this link at Clerk, and the link has expired: nothing is left (checked ${at}).`;
  const until = localizeInstants(new Date(check.entry.tokenExpiresAt).toISOString(), now);
  return `No session of ${name} from this link at Clerk yet (checked ${at}). The link could still be used until ${until}; check again before then.`;
}

