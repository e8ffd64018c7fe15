// Another process holding the history file for a moment (a second start racing the single-instance
// lock, a backup tool) must make Understudy wait, not refuse to open its history.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/main/ledger/history-db.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the history database', () => {
  it('waits for another process’s brief lock instead of failing with "database is locked"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-busy-'));
    dirs.push(dir);
    const path = join(dir, 'history.sqlite');
    // A child creates the file and takes the write lock before Understudy's tables exist (as when
    // two starts race on a fresh machine), says so, holds it for 700 ms, then lets go.
    const holder = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', `
      import { DatabaseSync } from 'node:sqlite';
      const db = new DatabaseSync(${JSON.stringify(path)});
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('CREATE TABLE elsewhere (x)');
      console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 700);
    `]);
    await new Promise<void>((resolve) => holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve()));
    const db = openHistoryDb(path);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBeGreaterThan(0);
    db.close();
    await new Promise((resolve) => holder.on('exit', resolve));
  });
});
