// The history (Ledger on its SQLite file in a temp folder): opening, appending, one filtered page of
// the console, a full export query and a full chain verification at 1k / 10k / 100k entries. The
// history is seeded as an earlier version's JSON files and migrated by a first, untimed open (the
// migration itself is timed separately), then closed: `open` is a normal start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerFilter } from '../../src/shared/domain.ts';
import { newEntry, seedHistory, START } from '../../tests/support/ledger-history.ts';
import type { BenchResult, Goal } from '../lib/report.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface LedgerBenchOptions {
  sizes: number[];
  appends: number;
  queryRuns: number;
}

const CHUNK = 500;
const OPENS = 5;

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
  let largest = { openMs: Number.NaN, append: Number.NaN, page: Number.NaN };
  for (const size of options.sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-bench-'));
    try {
      const seedMs = time(() => seedHistory(dir, size, CHUNK));
      let clock = START + size * 60_000;
      let migrated!: ReturnType<typeof Ledger.open>;
      const migrateMs = time(() => (migrated = Ledger.open(createElectronStoreDocuments(dir), { now: () => clock })));
      migrated.ledger.close();
      // A normal start, several times: the median is the figure (one open is at the machine's mercy).
      const opens: number[] = [];
      for (let i = 0; i < OPENS - 1; i++) {
        opens.push(time(() => Ledger.open(createElectronStoreDocuments(dir), { now: () => clock }).ledger.close()));
      }
      let opened!: ReturnType<typeof Ledger.open>;
      opens.push(time(() => (opened = Ledger.open(createElectronStoreDocuments(dir), { now: () => (clock += 1000) }))));
      const open = summarize(opens);
      const openMs = open.median;
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
        'operator + status + profile': { operator: 'Agent7', status: ['ended', 'failed'], profileId: 'prof_3' },
        'status + profile': { status: ['failed', 'revoked'], profileId: 'prof_2' },
        'last 7 days': { from: end - 7 * 86_400_000, to: end },
        everything: {},
      };
      filterNames = Object.keys(filters);
      // What the console asks for: one page of 50 with its total.
      const queries: Record<string, { stats: Summary; matches: number }> = {};
      for (const [name, filter] of Object.entries(filters)) {
        let matches = 0;
        const runs = Array.from({ length: options.queryRuns }, () => time(() => (matches = ledger.page(filter, 0, 50).total)));
        queries[name] = { stats: summarize(runs), matches };
      }
      // An export of everything reads every entry (not done at start).
      const exportAll = summarize(Array.from({ length: 3 }, () => time(() => ledger.query({}))));
      const verifyStart = performance.now();
      const verification = await ledger.verify();
      const verifyMs = performance.now() - verifyStart;
      if (!verification.intact) throw new Error(`The seeded chain does not verify: ${verification.problems.join('; ')}`);
      ledger.close();
      const append = summarize(appends);
      const update = summarize(updates);
      rows.push([
        size.toLocaleString('en'),
        cell(open, 1),
        cell(append),
        cell(update),
        ...filterNames.map((name) => cell(queries[name]!.stats)),
        cell(exportAll, 0),
        `${verifyMs.toFixed(0)}`,
        `${migrateMs.toFixed(0)}`,
      ]);
      largest = { openMs, append: append.median, page: Math.max(...filterNames.map((name) => queries[name]!.stats.median)) };
      data.push({ entries: size, seedMs: round(seedMs, 0), migrateMs: round(migrateMs, 0), open, append, update, queries, exportAll, verifyMs: round(verifyMs, 0) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    id: 'ledger',
    title: 'History (ledger) on SQLite',
    method:
      `Ledger on node:sqlite (WAL, synchronous=NORMAL) in a temp folder, seeded as an earlier version's JSON files and migrated by a first open (timed: "migrate"); ` +
      `then ${OPENS} more opens (timed: "open"), ${options.appends} appends (begin → pending → ended; append = begin, update = pending, each one committed transaction ` +
      `adding a hash-chained event), ${options.queryRuns} runs of each filter as one console page (50 entries + total), 3 full exports, one full verification. ms, median (p90).`,
    columns: ['entries', 'open', 'append', 'update', ...filterNames.map((name) => `page: ${name}`), 'export all', 'verify', 'migrate'],
    rows,
    goals: goalsAt(options.sizes.at(-1)!, largest),
    notes: ['"page" is what the console loads; "export all" reads every entry, only on export', 'verify walks and re-hashes the whole chain; the app runs it in the background after start and on "Verify history"'],
    data,
  };
}

/** The budgets, checked at the largest size measured. */
function goalsAt(size: number, at: { openMs: number; append: number; page: number }): Goal[] {
  const label = size.toLocaleString('en');
  return [
    { what: `open at ${label} entries (median)`, goal: '< 50 ms', actual: `${at.openMs.toFixed(1)} ms`, pass: at.openMs < 50 },
    { what: `append at ${label} entries (median)`, goal: '< 2 ms', actual: `${at.append.toFixed(2)} ms`, pass: at.append < 2 },
    { what: `slowest filtered page at ${label} entries (median)`, goal: '< 10 ms', actual: `${at.page.toFixed(2)} ms`, pass: at.page < 10 },
  ];
}
