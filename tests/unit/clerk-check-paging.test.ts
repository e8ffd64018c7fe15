// "Check with Clerk" reads a user's sessions page by page (newest first), and stops at the first
// page that reaches back before the period: enough to see every session of the period, no more.
import { describe, expect, it } from 'vitest';
import { SESSION_PAGE_SIZE } from '../../src/main/clerk/gateway.ts';
import { checkWithClerk } from '../../src/main/ledger/clerk-check.ts';
import type { LedgerEntry, SessionSummary } from '../../src/shared/domain.ts';

const USER = 'user_paged1';
const entry = { id: 'e1', profileId: 'p', profileName: 'P', subject: { id: USER, name: 'Paged', email: null }, status: 'ended', sessionId: null, createdAt: 5_000 } as unknown as LedgerEntry;
/** `count` sessions, newest first, one a millisecond apart, ending at `newest`; every one a foreign impersonation. */
const sessions = (count: number, newest: number): SessionSummary[] =>
  Array.from({ length: count }, (_, i) => ({ id: `sess_${i}`, userId: USER, clientId: 'client_1', status: 'ended', actor: { sub: 'user_elsewhere' }, createdAt: newest - i, lastActiveAt: newest - i, expireAt: newest }));

async function check(all: SessionSummary[], from: number) {
  const offsets: number[] = [];
  const report = await checkWithClerk(
    {
      query: () => [entry],
      gateway: () => ({
        listSessions: async ({ offset = 0 }) => {
          offsets.push(offset);
          return all.slice(offset, offset + SESSION_PAGE_SIZE);
        },
      }),
      isRunning: () => false,
      now: () => 10_000,
    },
    { from, to: 10_000 },
  );
  return { offsets, report };
}

describe('Check with Clerk, paging', () => {
  it('reads on while whole pages are inside the period, and reports the sessions of every page', async () => {
    const { offsets, report } = await check(sessions(250, 9_999), 0);
    expect(offsets).toEqual([0, 100, 200]);
    expect(report.foreign).toHaveLength(250);
  });

  it('stops at the page that reaches back before the period', async () => {
    // Sessions at 9999 … 9750: the period starts at 9850, inside the second page.
    const { offsets, report } = await check(sessions(250, 9_999), 9_850);
    expect(offsets).toEqual([0, 100]);
    expect(report.foreign.map((session) => session.createdAt).every((at) => at >= 9_850)).toBe(true);
    expect(report.foreign).toHaveLength(150);
  });
});
