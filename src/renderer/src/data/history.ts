// The token history table's logic: filtering, sorting and the filter main understands (for export),
// kept apart from React so it is tested as plain functions.
import type { LedgerEntry, LedgerFilter, LedgerStatus } from '../../../shared/domain.ts';

export interface HistoryFilter {
  /** Subject user id, '' for everyone. */
  userId: string;
  /** Operator's Clerk user id, '' for everyone. */
  operator: string;
  /** Empty: every status. */
  statuses: LedgerStatus[];
  profileId: string;
  /** Inclusive local dates as `YYYY-MM-DD` (what `<input type="date">` gives), '' for open-ended. */
  from: string;
  to: string;
}

export const EMPTY_HISTORY_FILTER: HistoryFilter = { userId: '', operator: '', statuses: [], profileId: '', from: '', to: '' };

export type SortKey = 'createdAt' | 'subject' | 'operator' | 'status' | 'profile' | 'reason';
export interface Sort {
  key: SortKey;
  direction: 'asc' | 'desc';
}
export const DEFAULT_SORT: Sort = { key: 'createdAt', direction: 'desc' };

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

/** The same filter in the contract's terms, for `ledger:export`. */
export function toLedgerFilter(filter: HistoryFilter): LedgerFilter {
  const result: LedgerFilter = {};
  if (filter.userId) result.userId = filter.userId;
  if (filter.operator) result.operator = filter.operator;
  if (filter.statuses.length) result.status = [...filter.statuses];
  if (filter.profileId) result.profileId = filter.profileId;
  const from = dayStart(filter.from);
  const to = dayEnd(filter.to);
  if (from !== undefined) result.from = from;
  if (to !== undefined) result.to = to;
  return result;
}

export function matchesFilter(entry: LedgerEntry, filter: HistoryFilter): boolean {
  if (filter.userId && entry.subject.id !== filter.userId) return false;
  if (filter.operator && entry.operator.clerkUserId !== filter.operator && entry.operator.osUser !== filter.operator) return false;
  if (filter.statuses.length && !filter.statuses.includes(entry.status)) return false;
  if (filter.profileId && entry.profileId !== filter.profileId) return false;
  const from = dayStart(filter.from);
  const to = dayEnd(filter.to);
  if (from !== undefined && entry.createdAt < from) return false;
  if (to !== undefined && entry.createdAt > to) return false;
  return true;
}

export function isFiltered(filter: HistoryFilter): boolean {
  return Boolean(filter.userId || filter.operator || filter.statuses.length || filter.profileId || filter.from || filter.to);
}

const text = (value: string) => value.toLocaleLowerCase();
const sortValue: Record<SortKey, (entry: LedgerEntry) => string | number> = {
  createdAt: (entry) => entry.createdAt,
  subject: (entry) => text(entry.subject.name || entry.subject.email || entry.subject.id),
  operator: (entry) => text(entry.operator.osUser + ' ' + entry.operator.clerkUserId),
  status: (entry) => text(STATUS_LABELS[entry.status]),
  profile: (entry) => text(entry.profileName),
  reason: (entry) => text(entry.reason),
};

/** A new sorted array; ties fall back to newest first, then id, so the order is stable. */
export function sortEntries(entries: readonly LedgerEntry[], sort: Sort): LedgerEntry[] {
  const value = sortValue[sort.key];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...entries].sort((a, b) => {
    const left = value(a);
    const right = value(b);
    let order = typeof left === 'number' && typeof right === 'number' ? left - right : String(left).localeCompare(String(right));
    if (order !== 0) return order * sign;
    order = b.createdAt - a.createdAt;
    return order !== 0 ? order : a.id.localeCompare(b.id);
  });
}

/** Clicking a column: the same column flips direction; a new one starts newest/A first. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: key === 'createdAt' ? 'desc' : 'asc' };
}

export function filterAndSort(entries: readonly LedgerEntry[], filter: HistoryFilter, sort: Sort): LedgerEntry[] {
  return sortEntries(
    entries.filter((entry) => matchesFilter(entry, filter)),
    sort,
  );
}

export interface Option {
  value: string;
  label: string;
}

/** The people in the history, for the user filter: one option per subject id, by name. */
export function subjectOptions(entries: readonly LedgerEntry[]): Option[] {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    if (seen.has(entry.subject.id)) continue;
    const { name, email, id } = entry.subject;
    seen.set(id, name ? (email ? `${name} (${email})` : name) : (email ?? id));
  }
  return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Operators in the history; `names` maps a Clerk user id to a known operator name. */
export function operatorOptions(entries: readonly LedgerEntry[], names: ReadonlyMap<string, string> = new Map()): Option[] {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const { clerkUserId, osUser } = entry.operator;
    if (seen.has(clerkUserId)) continue;
    const name = names.get(clerkUserId);
    seen.set(clerkUserId, name ? `${name} · ${osUser}` : `${osUser} · ${clerkUserId}`);
  }
  return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Only a token nobody has used yet can be revoked; an accepted one is ended as a session instead. */
export function canRevoke(entry: LedgerEntry): boolean {
  return entry.status === 'pending' && entry.actorTokenId !== null;
}

export function exportMessage(result: { path: string | null; count: number }): string {
  if (result.path === null) return 'Export cancelled: nothing was saved.';
  const entries = result.count === 1 ? '1 entry' : `${result.count.toLocaleString('en-US')} entries`;
  return `Exported ${entries} to ${result.path}`;
}
