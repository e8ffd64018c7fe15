// Writes the figures into README.md between `<!-- bench:start -->` and `<!-- bench:end -->`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { markdownTable, type BenchResult } from './report.ts';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

export interface BenchReport {
  date: string;
  machine: { note: string; cpuModel: string; node: string; platform: string };
  load?: { before: number[]; after: number[] };
  totalSeconds?: number;
  results: BenchResult[];
}

export function readmeSection(report: BenchReport): string {
  const { machine, load } = report;
  const loadNote = load ? ` Load average (1 min): ${load.before[0]} before, ${load.after[0]} after (other work shares the machine).` : '';
  const parts = [
    `Figures from \`npm run bench -- --readme\` on ${report.date.slice(0, 10)}, ${machine.note} (${machine.cpuModel}), ${machine.platform}, Node ${machine.node}` +
      `${report.totalSeconds ? `, ${report.totalSeconds} s in all` : ''}.${loadNote} Medians over repeated runs, p90 in brackets; ` +
      'raw figures in `bench-results/latest.json`.',
  ];
  for (const result of report.results) {
    parts.push(`**${result.title}.** ${result.method}`);
    parts.push(markdownTable(result.columns, result.rows));
    parts.push(
      result.goals.length > 0
        ? result.goals.map((goal) => `- ${goal.pass ? '✅ pass' : '❌ FAIL'}: ${goal.what} — ${goal.actual} (goal ${goal.goal})`).join('\n')
        : '- No goal set: figures to compare between runs.',
    );
  }
  return parts.join('\n\n');
}

/** Returns the README path. Only the text between the markers changes. */
export function writeReadmeSection(report: BenchReport, path = resolve('README.md')): string {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${readmeSection(report)}\n${text.slice(end)}`);
  return path;
}
