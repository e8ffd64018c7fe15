// What every benchmark hands back: a table for the terminal and the README, the goals it checks,
// and the raw figures for bench-results/latest.json.

export interface Goal {
  what: string;
  goal: string;
  actual: string;
  pass: boolean;
}

export interface BenchResult {
  id: string;
  title: string;
  /** One or two sentences: what exactly was timed, and how. */
  method: string;
  columns: string[];
  rows: (string | number)[][];
  goals: Goal[];
  notes?: string[];
  data: unknown;
  seconds?: number;
}

export function formatTable(columns: string[], rows: (string | number)[][]): string {
  const cells = [columns, ...rows.map((row) => row.map(String))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(columns: string[], rows: (string | number)[][]): string {
  const escape = (cell: string | number) => String(cell).replaceAll('|', '\\|');
  return [
    `| ${columns.map(escape).join(' | ')} |`,
    `|${columns.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function printResult(result: BenchResult): void {
  console.log(`\n■ ${result.title}${result.seconds !== undefined ? `  (${result.seconds.toFixed(0)} s)` : ''}`);
  console.log(`  ${result.method}`);
  console.log(formatTable(result.columns, result.rows).replace(/^/gm, '  '));
  for (const goal of result.goals) {
    console.log(`  ${goal.pass ? 'PASS' : 'FAIL'}  ${goal.what}: ${goal.actual} (goal ${goal.goal})`);
  }
  for (const note of result.notes ?? []) console.log(`  note: ${note}`);
}

