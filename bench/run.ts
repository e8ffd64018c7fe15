// `npm run bench`: builds, then runs every benchmark in turn (one at a time: the machine has two
// shared cores), prints a table per benchmark and writes bench-results/latest.json.
//   npm run bench -- --only=search,ledger   run some (ids below)
//   npm run bench -- --readme               also write the figures into README.md (between the bench markers)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { writeReadmeSection } from './lib/readme.ts';
import { printResult, type BenchResult } from './lib/report.ts';
import { mainLoad, rendererBundle } from './suites/bundle-and-load.ts';
import { appEmulatedBench } from './suites/app-emulated.ts';
import { impersonationOverhead } from './suites/impersonation-overhead.ts';
import { ledgerBench } from './suites/ledger.ts';
import { memoryBench } from './suites/memory.ts';
import { sandboxSearch } from './suites/sandbox-search.ts';
import { searchTyping } from './suites/search-typing.ts';

const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const writeReadme = args.includes('--readme');

const suites: { id: string; run: () => Promise<BenchResult> }[] = [
  { id: 'bundle', run: () => rendererBundle({ goalKiB: 200 }) },
  { id: 'main-load', run: () => mainLoad({ runs: 8 }) },
  { id: 'ledger', run: () => ledgerBench({ sizes: [1_000, 10_000, 100_000], appends: 60, queryRuns: 15 }) },
  { id: 'sandbox-search', run: () => sandboxSearch({ sizes: [1_000, 100_000], queriesPerClient: 60, warmup: 5 }) },
  { id: 'search', run: () => searchTyping({ users: 1_000, speeds: [{ delayMs: 150, runs: 8 }, { delayMs: 60, runs: 8 }] }) },
  { id: 'impersonation', run: () => impersonationOverhead({ runs: 15, warmup: 3, goalMs: 30, settleMs: 1_000 }) },
  { id: 'memory', run: () => memoryBench({ counts: [1, 3, 6], rounds: 1, settleMs: 1_000 }) },
  { id: 'app', run: () => appEmulatedBench({ starts: 5, impersonations: 8, goalSignedInMs: 300, settleMs: 1_000 }) },
];
const unknown = only?.filter((id) => !suites.some((suite) => suite.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${suites.map((suite) => suite.id).join(', ')}`);
  process.exit(2);
}

const loads = () => loadavg().map((x) => Math.round(x * 100) / 100);
const started = performance.now();
const loadBefore = loads();
console.log(`Load average before: ${loadBefore.join(' ')} (${cpus().length} cores). Other work on the machine skews every figure.`);
const results: BenchResult[] = [];
for (const suite of suites) {
  if (only && !only.includes(suite.id)) continue;
  const t0 = performance.now();
  try {
    const result = await suite.run();
    result.seconds = (performance.now() - t0) / 1000;
    printResult(result);
    results.push(result);
  } catch (error) {
    console.error(`\n■ ${suite.id} failed:`, error);
    process.exitCode = 1;
  }
}

const report = {
  date: new Date().toISOString(),
  machine: {
    note: '2 shared cores',
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  },
  /** 1/5/15-minute load averages before and after. */
  load: { before: loadBefore, after: loads() },
  totalSeconds: Math.round((performance.now() - started) / 1000),
  results,
};
const dir = resolve('bench-results');
mkdirSync(dir, { recursive: true });
const path = resolve(dir, 'latest.json');
writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nTotal ${report.totalSeconds} s; load average after: ${report.load.after.join(' ')}.`);
console.log(`JSON: ${path}`);
if (writeReadme) {
  if (only || process.exitCode) console.log('README not updated: that takes a complete, successful run.');
  else console.log(`README section updated: ${writeReadmeSection(report)}`);
}
// Finished impersonations linger in main's list for a minute (a timer): do not wait for it.
process.exit();
