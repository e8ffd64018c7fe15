// The token history screen's logic: the filter sent to main, paging, and what it says (exports,
// policy changes, a check at Clerk). Filtering and ordering are main's (tests/integration/ledger-*).
import { describe, expect, it } from 'vitest';
import type { LedgerEntry, PolicyChange } from '../../src/shared/domain.ts';
import {
  canRevoke,
  dayEnd,
  dayStart,
  describeSetting,
  EMPTY_HISTORY_FILTER,
  exportMessage,
  isFiltered,
  lastOffset,
  PAGE_SIZE,
  pageKeyTarget,
  pageLabel,
  policyAuthor,
  toLedgerFilter,
  unknownCheckMessage,
  userIdProblem,
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
  it('knows when a filter is set; blanks do not count', () => {
    expect(isFiltered(EMPTY_HISTORY_FILTER)).toBe(false);
    expect(isFiltered(filter({ operator: '   ' }))).toBe(false);
    expect(isFiltered(filter({ statuses: ['failed'] }))).toBe(true);
  });

  it('parses dates as local midnight and end of day', () => {
    expect(dayStart('2025-03-05')).toBe(new Date(2025, 2, 5).getTime());
    expect(dayEnd('2025-03-05')).toBe(new Date(2025, 2, 6).getTime() - 1);
    expect(dayEnd('2025-12-31')).toBe(new Date(2026, 0, 1).getTime() - 1);
    expect(dayStart('')).toBeUndefined();
    expect(dayStart('2025-3-5')).toBeUndefined();
  });

  it('sends a typed user id only once main can take it, and says why not', () => {
    expect(toLedgerFilter(filter({ userId: ' user_bob ', operator: ' Kim ' }))).toEqual({ userId: 'user_bob', operator: 'Kim' });
    expect(toLedgerFilter(filter({ userId: 'user bob' }))).toEqual({});
    expect(userIdProblem('user bob')).toMatch(/letters, digits/);
    expect(userIdProblem('user_bob')).toBe('');
  });

  it('sends main the same filter for pages and export', () => {
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

describe('history pages', () => {
  it('pages with Page Up/Down, Home and End, never past either end', () => {
    const total = 3 * PAGE_SIZE + 1;
    expect(lastOffset(total)).toBe(3 * PAGE_SIZE);
    expect(lastOffset(0)).toBe(0);
    expect(pageKeyTarget('PageDown', { offset: 0, total })).toBe(PAGE_SIZE);
    expect(pageKeyTarget('PageUp', { offset: PAGE_SIZE, total })).toBe(0);
    expect(pageKeyTarget('PageUp', { offset: 0, total })).toBeNull();
    expect(pageKeyTarget('End', { offset: 0, total })).toBe(3 * PAGE_SIZE);
    expect(pageKeyTarget('PageDown', { offset: 3 * PAGE_SIZE, total })).toBeNull();
    expect(pageKeyTarget('Home', { offset: 2 * PAGE_SIZE, total })).toBe(0);
    expect(pageKeyTarget('ArrowDown', { offset: 0, total })).toBeNull();
  });

  it('says which rows of how many are shown', () => {
    expect(pageLabel(PAGE_SIZE, PAGE_SIZE, 100_000)).toBe(`Page 2 of 2,000 · ${PAGE_SIZE + 1}–${2 * PAGE_SIZE} of 100,000 impersonations`);
    expect(pageLabel(0, 1, 1)).toBe('Page 1 of 1 · 1–1 of 1 impersonation');
    expect(pageLabel(0, 0, 0)).toBe('0 impersonations');
  });
});

describe('history options and actions', () => {
  it('offers revoke only for pending tokens with a known id', () => {
    expect(entries.filter(canRevoke).map((item) => item.id)).toEqual(['b']);
    expect(canRevoke(entry('x', { status: 'pending', actorTokenId: null }))).toBe(false);
  });

  it('words export results', () => {
    expect(exportMessage({ path: '/home/sam/history.csv', count: 12, policyChanges: 0 })).toBe('Exported 12 entries to /home/sam/history.csv');
    expect(exportMessage({ path: '/tmp/h.json', count: 1, policyChanges: 1 })).toBe('Exported 1 entry and 1 policy change to /tmp/h.json');
    expect(exportMessage({ path: '/tmp/h.json', count: 12345, policyChanges: 3 })).toBe('Exported 12,345 entries and 3 policy changes to /tmp/h.json');
    expect(exportMessage({ path: null, count: 12, policyChanges: 2 })).toBe('Export cancelled: nothing was saved.');
  });

  it('words a policy change: each setting before → after, and who made it', () => {
    expect(describeSetting({ key: 'requireReason', before: true, after: false })).toBe('Require a reason: on → off');
    expect(describeSetting({ key: 'maxSessionSeconds', before: 1800, after: 900 })).toBe('Longest session: 30 min → 15 min');
    expect(describeSetting({ key: 'appOrigins', before: [], after: ['http://dev-box.internal:3000'] })).toBe('App addresses: none → http://dev-box.internal:3000');
    expect(describeSetting({ key: 'protectedRoles', before: ['admin'], after: [] })).toBe('Protected roles: admin → none');
    expect(describeSetting({ key: 'allowedInstances', before: null, after: ['sk_live_…abcd'] })).toBe('Allowed instances: not set → sk_live_…abcd');
    const local: PolicyChange = { id: 'ev1', at: 0, source: 'local', profileId: 'p', profileName: 'Acme', by: 'sam', operatorId: 'user_op1', origin: null, changes: [] };
    expect(policyAuthor(local, new Map([['user_op1', 'Sam Support']]))).toBe('Sam Support, on this computer as sam');
    expect(policyAuthor({ ...local, source: 'organisation', by: null, operatorId: null, origin: '/etc/understudy/policy.json' }, new Map())).toBe(
      'Your organisation (/etc/understudy/policy.json)',
    );
  });

  it('says what a check at Clerk found for a link Clerk never confirmed', () => {
    const now = at('2025-03-10T12:00:00');
    const unknown = entry('u', { status: 'unknown', actorTokenId: null, tokenExpiresAt: at('2025-03-10T12:10:00') });
    expect(unknownCheckMessage({ entry: { ...unknown, status: 'ended' }, sessionsEnded: 1, outcome: 'ended', checkedAt: now }, now)).toMatch(
      /^Clerk had a session of Ada Lovelace from this link: ended it at Clerk \(checked .+\)\. The record now says Ended\.$/,
    );
    expect(unknownCheckMessage({ entry: unknown, sessionsEnded: 0, outcome: 'open', checkedAt: now }, now)).toMatch(/could still be used until .+ \(in 10 minutes\); check again before then\.$/);
    expect(unknownCheckMessage({ entry: { ...unknown, status: 'expired' }, sessionsEnded: 0, outcome: 'expired', checkedAt: now }, now)).toMatch(/the link has expired: nothing is left/);
  });
});
