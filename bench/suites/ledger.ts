// The history (Ledger over electron-store documents, real files in a temp folder): opening, appending
// and filtered queries at 1k / 10k / 100k entries. The history is seeded in the layout the ledger
// itself writes (archives of finished entries + a half-full head), as in
// tests/integration/ledger-performance.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerFilter } from '../../src/shared/domain.ts';
import { newEntry, seedHistory, START } from '../../tests/support/ledger-history.ts';
import type { BenchResult } from '../lib/report.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface LedgerBenchOptions {
  sizes: number[];
  appends: number;
  queryRuns: number;
}

const CHUNK = 500;

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export async function ledgerBench(options: LedgerBenchOptions): Promise<BenchResult> {
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  const cell = (s: Summary, digits = 2) => `${s.median.toFixed(digits)} (p90 ${s.p90.toFixed(digits)})`;
  let filterNames: string[] = [];
  for (const size of options.sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-bench-'));
    try {
      const seedMs = time(() => seedHistory(dir, size, CHUNK));
      let clock = START + size * 60_000;
      let opened!: ReturnType<typeof Ledger.open>;
      const openMs = time(() => (opened = Ledger.open(createElectronStoreDocuments(dir), { now: () => (clock += 1000) })));
      const { ledger, notice } = opened;
      if (notice || ledger.size !== size) throw new Error(`Seeded ${size} entries, opened ${ledger.size} (${notice ?? 'no notice'})`);

      // Each a full life, as in the app: begin (the measured append), pending, then ended.
      const appends: number[] = [];
      const updates: number[] = [];
      for (let i = 0; i < options.appends; i++) {
        let entry!: LedgerEntry;
        appends.push(time(() => (entry = ledger.begin(newEntry(i)))));
        updates.push(time(() => ledger.update(entry.id, { status: 'pending', actorTokenId: `act_new${i}` })));
        ledger.update(entry.id, { status: 'ended', endedAt: clock, endedBy: { reason: 'operator', by: 'agent1' } });
      }

      const end = START + size * 60_000;
      const filters: Record<string, LedgerFilter> = {
        user: { userId: 'user_42' },
        operator: { operator: 'agent7' },
        'status + profile': { status: ['failed', 'revoked'], profileId: 'prof_2' },
        'last 7 days': { from: end - 7 * 86_400_000, to: end },
        everything: {},
      };
      filterNames = Object.keys(filters);
      const queries: Record<string, { stats: Summary; matches: number }> = {};
      for (const [name, filter] of Object.entries(filters)) {
        let matches = 0;
        const runs = Array.from({ length: options.queryRuns }, () => time(() => (matches = ledger.query(filter).length)));
        queries[name] = { stats: summarize(runs), matches };
      }
      const append = summarize(appends);
      const update = summarize(updates);
      rows.push([size.toLocaleString('en'), `${openMs.toFixed(0)}`, cell(append), cell(update), ...filterNames.map((name) => cell(queries[name]!.stats))]);
      data.push({ entries: size, seedMs: round(seedMs, 0), openMs: round(openMs, 1), append, update, queries });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    id: 'ledger',
    title: 'History (ledger) on disk',
    method:
      `Ledger + electron-store documents on real files in a temp folder, seeded as archives of 500 + a half-full head; open once, then ${options.appends} appends ` +
      `(begin → pending → ended; append = begin, update = pending, each an atomic file replace), then ${options.queryRuns} runs of each filter. ms, median (p90).`,
    columns: ['entries', 'open', 'append', 'update', ...filterNames.map((name) => `query: ${name}`)],
    rows,
    goals: [],
    notes: ['queries return copies of every matching entry; "everything" returns the whole history'],
    data,
  };
}
