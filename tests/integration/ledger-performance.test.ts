// Append and query medians at 1k / 10k / 100k entries on real files. The bounds are generous (a
// shared CI machine); the printed numbers are what to compare.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerFilter } from '../../src/shared/domain.ts';
import { newEntry, seedHistory, START } from '../support/ledger-history.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

describe('ledger performance', () => {
  for (const size of [1_000, 10_000, 100_000]) {
    it(`appends and queries at ${size.toLocaleString('en')} entries`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-bench-'));
      dirs.push(dir);
      seedHistory(dir, size);

      let clock = START + size * 60_000;
      let opened!: ReturnType<typeof Ledger.open>;
      const openMs = time(() => {
        opened = Ledger.open(createElectronStoreDocuments(dir), { now: () => (clock += 1000) });
      });
      const { ledger, notice } = opened;
      expect(notice).toBeNull();
      expect(ledger.size).toBe(size);

      // A full life each: begin (the measured append), then pending and ended, as in the app.
      const appends: number[] = [];
      const updates: number[] = [];
      for (let i = 0; i < 60; i++) {
        let entry!: LedgerEntry;
        appends.push(time(() => (entry = ledger.begin(newEntry(i)))));
        updates.push(time(() => ledger.update(entry.id, { status: 'pending', actorTokenId: `act_new${i}` })));
        ledger.update(entry.id, { status: 'ended', endedAt: clock, endedBy: { reason: 'operator', by: 'agent1' } });
      }

      const end = START + size * 60_000;
      const filters: Record<string, LedgerFilter> = {
        user: { userId: 'user_42' },
        operator: { operator: 'agent7' },
        'status+profile': { status: ['failed', 'revoked'], profileId: 'prof_2' },
        'last 7 days': { from: end - 7 * 86_400_000, to: end },
        'all (no filter)': {},
      };
      const queries: Record<string, string> = {};
      for (const [name, filter] of Object.entries(filters)) {
        let count = 0;
        const runs = Array.from({ length: 15 }, () => time(() => (count = ledger.query(filter).length)));
        expect(count).toBeGreaterThan(0);
        queries[name] = `${median(runs).toFixed(2)} ms (${count})`;
      }

      const report = {
        entries: size,
        open: `${openMs.toFixed(0)} ms`,
        'append median': `${median(appends).toFixed(2)} ms`,
        'append max': `${Math.max(...appends).toFixed(2)} ms`,
        'update median': `${median(updates).toFixed(2)} ms`,
        ...Object.fromEntries(Object.entries(queries).map(([k, v]) => [`query ${k}`, v])),
      };
      console.log(JSON.stringify(report, null, 1));

      expect(median(appends)).toBeLessThan(100);
      expect(median(updates)).toBeLessThan(100);
      for (const value of Object.values(queries)) expect(Number.parseFloat(value)).toBeLessThan(250);
      const reopened = Ledger.open(createElectronStoreDocuments(dir));
      expect(reopened.ledger.size).toBe(size + 60);
    }, 120_000);
  }
});
