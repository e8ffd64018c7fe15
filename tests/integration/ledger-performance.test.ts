// The history at scale on a real file: a 10,000-entry JSON history migrated, then paged and filtered
// as the console does, without reading the whole history. No wall-clock bounds (a shared machine):
// the figures are in `npm run bench` (bench/suites/ledger.ts), which also runs 100,000 entries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { exportHistory } from '../../src/main/ledger/export.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerFilter } from '../../src/shared/domain.ts';
import { newEntry, seededEntry, seedHistory, START } from '../support/ledger-history.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SIZE = 10_000;

/** The reference answer, computed from the seed itself rather than by the ledger. */
function expected(filter: LedgerFilter, extra: LedgerEntry[]): string[] {
  const all = [...Array.from({ length: SIZE }, (_, i) => seededEntry(i)), ...extra];
  const op = filter.operator?.trim().toLowerCase();
  return all
    .filter(
      (e) =>
        (filter.userId === undefined || e.subject.id === filter.userId) &&
        (filter.profileId === undefined || e.profileId === filter.profileId) &&
        (!filter.status?.length || filter.status.includes(e.status)) &&
        (op === undefined || e.operator.clerkUserId.toLowerCase() === op || e.operator.osUser.toLowerCase() === op) &&
        (filter.from === undefined || e.createdAt >= filter.from) &&
        (filter.to === undefined || e.createdAt <= filter.to),
    )
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((e) => e.id);
}

describe('the history at scale', () => {
  it(`migrates ${SIZE.toLocaleString('en')} entries, appends, and answers every filter page by page`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-scale-'));
    dirs.push(dir);
    seedHistory(dir, SIZE);
    let clock = START + SIZE * 60_000;
    Ledger.open(createElectronStoreDocuments(dir), { now: () => clock }).ledger.close();
    const { ledger, notice } = Ledger.open(createElectronStoreDocuments(dir), { now: () => (clock += 1000) });
    expect(notice).toBeNull();
    expect(ledger.size).toBe(SIZE);

    const added: LedgerEntry[] = [];
    for (let i = 0; i < 20; i++) {
      const entry = ledger.begin(newEntry(i));
      ledger.update(entry.id, { status: 'pending', actorTokenId: `act_new${i}` });
      added.push(ledger.update(entry.id, { status: 'ended', endedAt: clock, endedBy: { reason: 'operator', by: 'agent1' } }));
    }

    // An operator whose Clerk user id is another agent's OS user, and one matching on both columns:
    // each entry is counted and listed once.
    for (const [i, operator] of [
      [20, { clerkUserId: 'agent7', osUser: 'someone-else' }],
      [21, { clerkUserId: 'user_dual', osUser: 'USER_DUAL' }],
    ] as const) {
      const entry = ledger.begin({ ...newEntry(i), operator });
      added.push(ledger.update(entry.id, { status: 'failed', endedAt: clock, error: 'Clerk was unreachable' }));
    }

    const end = START + SIZE * 60_000;
    const filters: LedgerFilter[] = [
      { userId: 'user_42' },
      { operator: 'AGENT7' },
      { operator: 'user_op1' },
      { operator: 'user_dual' },
      { operator: ' Agent7 ', status: ['ended', 'failed'], profileId: 'prof_3' },
      { operator: 'agent7', status: ['failed'] },
      { operator: 'agent7', from: end - 86_400_000 },
      { status: ['failed', 'revoked'], profileId: 'prof_2' },
      { from: end - 86_400_000, to: end },
      {},
    ];
    for (const filter of filters) {
      const want = expected(filter, added);
      const first = ledger.page(filter, 0, 50);
      expect(first.total).toBe(want.length);
      expect(first.entries.map((e) => e.id)).toEqual(want.slice(0, 50));
      const later = ledger.page(filter, 100, 50);
      expect(later.entries.map((e) => e.id)).toEqual(want.slice(100, 150));
      const oldest = ledger.page(filter, 0, 50, 'oldest');
      expect(oldest.entries.map((e) => e.id)).toEqual([...want].reverse().slice(0, 50));
      // The export is answered by the same matcher: the same entries, every one of them.
      const exported = exportHistory(ledger, 'json', filter);
      expect(exported.count).toBe(first.total);
      expect((JSON.parse(exported.content) as { impersonations: LedgerEntry[] }).impersonations.map((e) => e.id)).toEqual(want);
    }
    expect(ledger.query({ operator: 'agent7' }).map((e) => e.id)).toEqual(expected({ operator: 'agent7' }, added));
    expect(await ledger.verify()).toMatchObject({ intact: true, events: SIZE + 64 });
    ledger.close();
  }, 120_000);
});
