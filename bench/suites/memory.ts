// Memory of N simultaneous impersonations in the Chromium harness: each is its own browser context
// (in the app: its own in-memory partition), signed in to the sandbox's customer app.
import { startConsole, RESULT_ROWS } from '../lib/console.ts';
import { endImpersonation, impersonableUsers, startImpersonation, waitSignedIn } from '../lib/impersonate.ts';
import { chromiumDescendants, treeMemory, type TreeMemory } from '../lib/proc-memory.ts';
import type { BenchResult } from '../lib/report.ts';
import { median, round } from '../lib/stats.ts';

export interface MemoryOptions {
  counts: number[];
  rounds: number;
  settleMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median of a few samples, a little apart: one sample can catch a transient allocation. */
async function sample(times = 3): Promise<TreeMemory> {
  const samples: TreeMemory[] = [];
  for (let i = 0; i < times; i++) {
    if (i > 0) await sleep(250);
    samples.push(treeMemory(chromiumDescendants()));
  }
  return {
    processes: median(samples.map((s) => s.processes)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    pssMiB: median(samples.map((s) => s.pssMiB)),
  };
}

export async function memoryBench(options: MemoryOptions): Promise<BenchResult> {
  const harness = await startConsole({ users: 200 });
  try {
    await harness.page.waitForSelector(RESULT_ROWS, { timeout: 15_000 });
    const users = impersonableUsers(harness, Math.max(...options.counts) * options.rounds * options.counts.length);
    const measured: { n: number; round: number; baseline: TreeMemory; loaded: TreeMemory }[] = [];
    for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
      for (const n of options.counts) {
        await sleep(options.settleMs);
        const baseline = await sample();
        const views = [];
        for (let i = 0; i < n; i++) views.push(await startImpersonation(harness, users.pop()!));
        const ids = views.map((view) => view.id);
        await waitSignedIn(harness, ids);
        // Signed in at Clerk, and the customer app has drawn the subject in every window.
        for (const id of ids) await harness.windowHost.window(id).page.waitForSelector('[data-testid="subject-id"]', { timeout: 15_000 });
        await sleep(options.settleMs);
        const loaded = await sample();
        measured.push({ n, round: roundIndex, baseline, loaded });
        for (const id of ids) await endImpersonation(harness, id);
      }
    }
    const perN = options.counts.map((n) => {
      const mine = measured.filter((m) => m.n === n);
      const pss = median(mine.map((m) => m.loaded.pssMiB - m.baseline.pssMiB));
      const rss = median(mine.map((m) => m.loaded.rssMiB - m.baseline.rssMiB));
      return {
        n,
        rounds: mine.length,
        baselinePssMiB: round(median(mine.map((m) => m.baseline.pssMiB)), 1),
        baselineProcesses: median(mine.map((m) => m.baseline.processes)),
        processesAdded: median(mine.map((m) => m.loaded.processes - m.baseline.processes)),
        addedPssMiB: round(pss, 1),
        addedRssMiB: round(rss, 1),
        perContextPssMiB: round(pss / n, 1),
        perContextRssMiB: round(rss / n, 1),
      };
    });
    return {
      id: 'memory',
      title: 'Memory of simultaneous impersonations (Chromium harness)',
      method:
        `Sum over this process's Chromium process tree (/proc/<pid>/smaps_rollup) with the console open, before and after N impersonations signed in ` +
        `and showing the customer app (${options.settleMs} ms settle, median of 3 samples); ${options.rounds} round(s), median. PSS splits shared pages between ` +
        'processes (the real footprint); RSS sums count shared pages once per process. MiB.',
      columns: ['N contexts', 'baseline PSS (0)', 'processes added', 'added PSS', 'added RSS', 'PSS per context', 'RSS per context'],
      rows: perN.map((p) => [p.n, p.baselinePssMiB.toFixed(0), p.processesAdded, p.addedPssMiB.toFixed(0), p.addedRssMiB.toFixed(0), p.perContextPssMiB.toFixed(1), p.perContextRssMiB.toFixed(1)]),
      goals: [],
      notes: ['Chromium headless with --disable-gpu; Electron adds a BrowserWindow and a banner view per impersonation, which this does not have'],
      data: { perN, measured },
    };
  } finally {
    await harness.close();
  }
}
