// Memory of this process's Chromium children, from /proc (Linux). RSS counts pages shared between
// Chromium's processes once per process, so its sum overstates; PSS splits each shared page between
// its sharers, so the sum of PSS is the tree's real footprint.
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  processes: number;
  rssMiB: number;
  pssMiB: number;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: the fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** Pids of every descendant of `root` whose command line names Chromium. */
export function chromiumDescendants(root = process.pid): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === null) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    queue.push(...(children.get(pid) ?? []));
    try {
      if (/chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '')) found.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

export function treeMemory(pids = chromiumDescendants()): TreeMemory {
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      processes++;
    } catch {
      // exited meanwhile
    }
  }
  return { processes, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}
