// Reads the organisation's policy from where each OS keeps IT-pushed settings (see org-policy.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { PolicySources } from './org-policy.ts';

export function systemPolicySources(platform: NodeJS.Platform = process.platform, env: Record<string, string | undefined> = process.env): PolicySources {
  return {
    platform,
    env,
    readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    // Managed preferences are usually binary plists; plutil (part of macOS) converts either form.
    readPlist: (path) => (existsSync(path) ? execFileSync('/usr/bin/plutil', ['-convert', 'json', '-o', '-', path], { encoding: 'utf8' }) : null),
    readRegistry: (key, value) => {
      let out: string;
      try {
        out = execFileSync('reg', ['query', key, '/v', value], { encoding: 'utf8', windowsHide: true });
      } catch {
        return null; // reg exits 1 when the key or value does not exist
      }
      return parseRegQuery(out, value);
    },
  };
}

/** The data of one REG_SZ value in `reg query` output (`    Name    REG_SZ    data`). */
export function parseRegQuery(output: string, value: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+REG_(?:SZ|EXPAND_SZ)\s{4}(.*)$/.exec(line);
    if (match && match[1]!.toLowerCase() === value.toLowerCase()) return match[2]!;
  }
  return null;
}
