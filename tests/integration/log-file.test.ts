// The log file a person opens: redacted lines in the user-data folder, rotated, never unbounded.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, detailsIn } from '../../src/main/log.ts';
import { createFileLog } from '../../src/main/log-file.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-log-'));
  dirs.push(dir);
  return dir;
};

describe('the log file', () => {
  it('holds redacted lines with level and time, and says where it is', () => {
    const dir = tempDir();
    const file = createFileLog(join(dir, 'logs'));
    const log = createLogger(file.sink, file.path);
    log.error('Mint failed', new Error('key sk_test_abcdefghijklmnopqrstuvwxyz0123 refused'));
    const text = readFileSync(file.path, 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\S+ error Mint failed Error: key \[redacted\] refused$/m);
    expect(text).not.toContain('sk_test_');
    expect(detailsIn(log)).toBe(`The details are in the log: ${file.path}`);
  });

  it('rotates at its size limit and keeps a bounded number of old files', () => {
    const dir = tempDir();
    const file = createFileLog(dir, { maxBytes: 2_000, keep: 3 });
    const log = createLogger(file.sink, file.path);
    for (let i = 0; i < 400; i += 1) log.info(`line ${i} ${'x'.repeat(80)}`);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['understudy.1.log', 'understudy.2.log', 'understudy.3.log', 'understudy.log']);
    for (const name of names) expect(readFileSync(join(dir, name)).length).toBeLessThan(2_000 + 200);
    // The newest line is in the live file; the oldest lines are gone.
    expect(readFileSync(file.path, 'utf8')).toContain('line 399 ');
    expect(names.map((name) => readFileSync(join(dir, name), 'utf8')).join('')).not.toContain('line 0 ');
    expect(existsSync(join(dir, 'understudy.4.log'))).toBe(false);
  });
});
