// The token history table: filters, sorting, the export filter sent to main, and export messages.
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/shared/domain.ts';
import {
  canRevoke,
  dayEnd,
  dayStart,
  EMPTY_HISTORY_FILTER,
  exportMessage,
  filterAndSort,
  isFiltered,
  matchesFilter,
  nextSort,
  operatorOptions,
  sortEntries,
  subjectOptions,
  toLedgerFilter,
  type HistoryFilter,
} from '../../src/renderer/src/data/history.ts';

const at = (date: string) => new Date(date).getTime(); // local time, like the date inputs

function entry(id: string, patch: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id,
    actorTokenId: `act_${id}`,
    profileId: 'prod',
    profileName: 'Acme production',
    production: true,
    subject: { id: 'user_ada', name: 'Ada Lovelace', email: 'ada@acme.test' },
    operator: { clerkUserId: 'user_op1', osUser: 'sam' },
    reason: 'SUP-1',
    tokenTtlSeconds: 600,
    sessionMaxSeconds: 1800,
    readOnly: false,
    createdAt: at('2025-03-10T12:00:00'),
    tokenExpiresAt: at('2025-03-10T12:10:00'),
    status: 'ended',
    sessionId: null,
    acceptedAt: null,
    endedAt: null,
    endedBy: null,
    error: null,
    ...patch,
  };
}

const entries: LedgerEntry[] = [
  entry('a', { createdAt: at('2025-03-01T09:00:00'), status: 'ended', reason: 'billing question' }),
  entry('b', { createdAt: at('2025-03-05T23:59:00'), status: 'pending', subject: { id: 'user_bob', name: 'bob Stone', email: null } }),
  entry('c', { createdAt: at('2025-03-06T00:00:00'), status: 'unknown', actorTokenId: null, operator: { clerkUserId: 'user_op2', osUser: 'kim' } }),
  entry('d', { createdAt: at('2025-03-10T12:00:00'), status: 'accepted', profileId: 'dev', profileName: 'Acme dev', production: false }),
  entry('e', { createdAt: at('2025-03-10T12:00:00'), status: 'failed', subject: { id: 'user_cy', name: 'Cy Young', email: 'cy@acme.test' } }),
];
const filter = (patch: Partial<HistoryFilter>): HistoryFilter => ({ ...EMPTY_HISTORY_FILTER, ...patch });
const ids = (list: LedgerEntry[]) => list.map((item) => item.id);

describe('history filters', () => {
  it('keeps everything with no filter', () => {
    expect(ids(filterAndSort(entries, EMPTY_HISTORY_FILTER, { key: 'createdAt', direction: 'asc' }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(isFiltered(EMPTY_HISTORY_FILTER)).toBe(false);
  });

  it('filters by user, operator (Clerk id or OS user), status and instance', () => {
    const sort = { key: 'createdAt', direction: 'asc' } as const;
    expect(ids(filterAndSort(entries, filter({ userId: 'user_bob' }), sort))).toEqual(['b']);
    expect(ids(filterAndSort(entries, filter({ operator: 'user_op2' }), sort))).toEqual(['c']);
    expect(ids(filterAndSort(entries, filter({ operator: 'kim' }), sort))).toEqual(['c']);
    expect(ids(filterAndSort(entries, filter({ statuses: ['pending', 'accepted'] }), sort))).toEqual(['b', 'd']);
    expect(ids(filterAndSort(entries, filter({ profileId: 'dev' }), sort))).toEqual(['d']);
    expect(isFiltered(filter({ statuses: ['failed'] }))).toBe(true);
  });

  it('treats the date range as whole local days, both ends included', () => {
    const sort = { key: 'createdAt', direction: 'asc' } as const;
    expect(ids(filterAndSort(entries, filter({ from: '2025-03-05', to: '2025-03-05' }), sort))).toEqual(['b']);
    expect(ids(filterAndSort(entries, filter({ from: '2025-03-06' }), sort))).toEqual(['c', 'd', 'e']);
    expect(ids(filterAndSort(entries, filter({ to: '2025-03-01' }), sort))).toEqual(['a']);
    expect(matchesFilter(entries[0]!, filter({ from: 'not a date' }))).toBe(true);
  });

  it('parses dates as local midnight and end of day', () => {
    expect(dayStart('2025-03-05')).toBe(new Date(2025, 2, 5).getTime());
    expect(dayEnd('2025-03-05')).toBe(new Date(2025, 2, 6).getTime() - 1);
    expect(dayEnd('2025-12-31')).toBe(new Date(2026, 0, 1).getTime() - 1);
    expect(dayStart('')).toBeUndefined();
    expect(dayStart('2025-3-5')).toBeUndefined();
  });

  it('sends main the same filter for export', () => {
    expect(toLedgerFilter(EMPTY_HISTORY_FILTER)).toEqual({});
    expect(
      toLedgerFilter(filter({ userId: 'user_bob', operator: 'user_op1', statuses: ['pending'], profileId: 'prod', from: '2025-03-05', to: '2025-03-06' })),
    ).toEqual({
      userId: 'user_bob',
      operator: 'user_op1',
      status: ['pending'],
      profileId: 'prod',
      from: new Date(2025, 2, 5).getTime(),
      to: new Date(2025, 2, 7).getTime() - 1,
    });
  });
});

describe('history sorting', () => {
  it('sorts by date, newest first by default, ties by newest then id', () => {
    expect(ids(sortEntries(entries, { key: 'createdAt', direction: 'desc' }))).toEqual(['d', 'e', 'c', 'b', 'a']);
  });

  it('sorts text columns case-insensitively in both directions', () => {
    expect(ids(sortEntries(entries, { key: 'subject', direction: 'asc' })).slice(0, 4)).toEqual(['d', 'c', 'a', 'b']);
    expect(ids(sortEntries(entries, { key: 'subject', direction: 'desc' }))[0]).toBe('e');
    expect(ids(sortEntries(entries, { key: 'operator', direction: 'asc' }))[0]).toBe('c');
    expect(ids(sortEntries(entries, { key: 'profile', direction: 'asc' }))[0]).toBe('d');
    expect(ids(sortEntries(entries, { key: 'status', direction: 'asc' }))).toEqual(['a', 'e', 'b', 'd', 'c']);
  });

  it('does not modify the input', () => {
    const copy = [...entries];
    sortEntries(entries, { key: 'reason', direction: 'asc' });
    expect(entries).toEqual(copy);
  });

  it('flips direction on the same column and starts fresh on another', () => {
    expect(nextSort({ key: 'createdAt', direction: 'desc' }, 'createdAt')).toEqual({ key: 'createdAt', direction: 'asc' });
    expect(nextSort({ key: 'createdAt', direction: 'desc' }, 'subject')).toEqual({ key: 'subject', direction: 'asc' });
    expect(nextSort({ key: 'subject', direction: 'asc' }, 'createdAt')).toEqual({ key: 'createdAt', direction: 'desc' });
  });
});

describe('history options and actions', () => {
  it('lists each subject and operator once, labelled', () => {
    expect(subjectOptions(entries)).toEqual([
      { value: 'user_ada', label: 'Ada Lovelace (ada@acme.test)' },
      { value: 'user_bob', label: 'bob Stone' },
      { value: 'user_cy', label: 'Cy Young (cy@acme.test)' },
    ]);
    expect(operatorOptions(entries, new Map([['user_op1', 'Sam Support']]))).toEqual([
      { value: 'user_op2', label: 'kim · user_op2' },
      { value: 'user_op1', label: 'Sam Support · sam' },
    ]);
  });

  it('offers revoke only for pending tokens with a known id', () => {
    expect(entries.filter(canRevoke).map((item) => item.id)).toEqual(['b']);
    expect(canRevoke(entry('x', { status: 'pending', actorTokenId: null }))).toBe(false);
  });

  it('words export results', () => {
    expect(exportMessage({ path: '/home/sam/history.csv', count: 12 })).toBe('Exported 12 entries to /home/sam/history.csv');
    expect(exportMessage({ path: '/tmp/h.json', count: 1 })).toBe('Exported 1 entry to /tmp/h.json');
    expect(exportMessage({ path: '/tmp/h.json', count: 12345 })).toBe('Exported 12,345 entries to /tmp/h.json');
    expect(exportMessage({ path: null, count: 12 })).toBe('Export cancelled: nothing was saved.');
  });
});
