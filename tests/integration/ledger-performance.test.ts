// The history at scale on a real file: a 10,000-entry JSON history migrated, then paged and filtered
// as the console does, without reading the whole history. No wall-clock bounds (a shared machine):
// the figures are in `npm run bench` (bench/suites/ledger.ts), which also runs 100,000 entries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
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
  const op = filter.operator?.toLowerCase();
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

    const end = START + SIZE * 60_000;
    const filters: LedgerFilter[] = [
      { userId: 'user_42' },
      { operator: 'AGENT7' },
      { operator: 'user_op1' },
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
    }
    expect(ledger.query({ operator: 'agent7' }).map((e) => e.id)).toEqual(expected({ operator: 'agent7' }, added));
    expect(await ledger.verify()).toMatchObject({ intact: true, events: SIZE + 60 });
    ledger.close();
  }, 120_000);
});
