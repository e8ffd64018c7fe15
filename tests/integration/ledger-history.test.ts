// The history on a real SQLite file in a temp folder: persistence, migration of the earlier JSON
// history, the hash chain catching edits, deletions and reordering, and a writer killed mid-write.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger, type NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import { AppError } from '../../src/shared/errors.ts';
import { seededEntry, seedHistory } from '../support/ledger-history.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2025, 2, 3, 4, 5, 6, 789);
const STAMP = '2025-03-03T04-05-06.789Z';
const DB = () => join(dir, 'history.sqlite');

const newEntry = (over: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  profileId: 'prof_1',
  profileName: 'Acme Live',
  production: true,
  subject: { id: 'user_1', name: 'Jane Doe', email: 'jane@example.com' },
  operator: { clerkUserId: 'user_op', osUser: 'olga' },
  reason: 'SUP-1 billing',
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: false,
  ...over,
});

const opened: Ledger[] = [];
afterEach(() => opened.splice(0).forEach((ledger) => ledger.close()));
function open(now: () => number = () => NOW) {
  const result = Ledger.open(createElectronStoreDocuments(dir), { now });
  opened.push(result.ledger);
  return result;
}
/** Another connection on the file, as someone editing it by hand would have. */
function tamper(sql: string): void {
  const db = new DatabaseSync(DB());
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Three impersonations with a few events each: seq 1..7. */
function someHistory(ledger: Ledger) {
  const a = ledger.begin(newEntry()); // 1
  ledger.update(a.id, { status: 'pending', actorTokenId: 'act_1' }); // 2
  const b = ledger.begin(newEntry({ subject: { id: 'user_2', name: 'Ann', email: null } })); // 3
  ledger.update(a.id, { status: 'accepted', sessionId: 'sess_1', acceptedAt: NOW + 1 }); // 4
  ledger.update(b.id, { status: 'failed', error: 'Clerk said no' }); // 5
  ledger.update(a.id, { status: 'ended', endedAt: NOW + 2, endedBy: { reason: 'operator', by: 'olga' } }); // 6
  const c = ledger.begin(newEntry()); // 7
  return { a, b, c };
}

describe('history persistence', () => {
  it('commits every append and update before returning, and reopens to the same history and chain', async () => {
    const { ledger, notice } = open();
    expect(notice).toBeNull();
    const { a, b, c } = someHistory(ledger);
    expect(existsSync(DB())).toBe(true);
    expect(files().filter((name) => name.endsWith('.json'))).toEqual([]); // no JSON history any more

    ledger.close();
    const reopened = open().ledger;
    expect(reopened.query({}).map((e) => e.id)).toEqual([c.id, b.id, a.id]);
    expect(reopened.get(a.id)).toMatchObject({ status: 'ended', sessionId: 'sess_1', endedBy: { reason: 'operator', by: 'olga' } });
    expect(reopened.live().map((e) => e.id)).toEqual([c.id]);
    // The chain goes on where the old process stopped.
    reopened.update(c.id, { status: 'failed' });
    const events = reopened.eventsAfter(0);
    expect(events.map((e) => e.type)).toEqual(['started', 'minted', 'started', 'signed_in', 'failed', 'ended', 'started', 'failed']);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(await reopened.verify()).toMatchObject({ intact: true, events: 8, firstBrokenSeq: null, problems: [] });
  });

  it('pages and filters in SQLite: newest first, with the total, the operator matched whole and case-insensitively', () => {
    const { ledger } = open((() => { let t = NOW; return () => (t += 1000); })());
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(ledger.begin(newEntry({ operator: { clerkUserId: `user_op${i % 3}`, osUser: `Agent${i % 3}` } })).id);
    const page = ledger.page({ operator: 'AGENT1' }, 2, 3);
    const agent1 = ids.filter((_, i) => i % 3 === 1).reverse();
    expect(page).toMatchObject({ total: 10, offset: 2, limit: 3 });
    expect(page.entries.map((e) => e.id)).toEqual(agent1.slice(2, 5));
    expect(ledger.page({ operator: 'agent' }).total).toBe(0); // whole values only, like on screen
    expect(ledger.query({ operator: 'user_OP1' }).map((e) => e.id)).toEqual(agent1);
  });

  it('keeps tokens, ticket URLs and keys out of the file', () => {
    const { ledger } = open();
    const entry = ledger.begin(newEntry({ reason: 'SUP-3 sk_live_abcDEF123 https://x.accounts.dev/v1/tickets/accept?__clerk_ticket=eyJabc.def.ghi' }));
    ledger.update(entry.id, { status: 'failed', error: 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl failed' });
    ledger.close();
    const bytes = ['', '-wal'].map((s) => (existsSync(DB() + s) ? readFileSync(DB() + s).toString('latin1') : '')).join('');
    expect(bytes).toContain('SUP-3');
    expect(bytes).not.toMatch(/sk_live|eyJ|__clerk_ticket/);
  });

  it('refuses a history written by a newer Understudy and leaves it untouched', () => {
    open().ledger.close();
    tamper('PRAGMA user_version = 99');
    const before = readFileSync(DB());
    let failure: unknown = null;
    try {
      open();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).toData()).toEqual({
      kind: 'conflict',
      message: `The impersonation history at ${DB()} was written by a newer version of Understudy (format 99; this version reads up to format 1). It was left untouched: update Understudy to open it.`,
    });
    expect(readFileSync(DB()).equals(before)).toBe(true);
  });
});

const files = () => readdirSync(dir).sort();

describe('migration from the JSON history', () => {
  it('imports head and archives once, keeps the old files aside, and does not import them again', async () => {
    seedHistory(dir, 1200, 500); // two archives + a head
    const jsonFiles = files().filter((name) => name.endsWith('.json'));
    expect(jsonFiles).toEqual(['ledger-archive-000001.json', 'ledger-archive-000002.json', 'ledger.json']);
    const { ledger, notice } = open();
    expect(ledger.size).toBe(1200);
    expect(ledger.get(seededEntry(0).id)).toEqual(seededEntry(0));
    expect(ledger.get(seededEntry(1199).id)).toEqual(seededEntry(1199));
    expect(notice).toBe(
      `The impersonation history moved to ${DB()} (1200 entries). The old files are kept, renamed: ` +
        ['ledger-archive-000001', 'ledger-archive-000002', 'ledger'].map((name) => join(dir, `${name}.migrated-${STAMP}.json`)).join(', ') + '.',
    );
    expect(files().filter((name) => name.endsWith('.json'))).toEqual(jsonFiles.map((name) => name.replace('.json', `.migrated-${STAMP}.json`)).sort());
    expect(ledger.eventsAfter(0, 1).map((e) => e.type)).toEqual(['imported']);
    expect((await ledger.verify()).intact).toBe(true);

    ledger.close();
    const again = open();
    expect(again.notice).toBeNull();
    expect(again.ledger.size).toBe(1200);
  });

  it('a failed migration loses nothing, says so, lets the app record, and succeeds at the next start', () => {
    seedHistory(dir, 40, 500);
    const before = readFileSync(join(dir, 'ledger.json'));
    // The database refuses the import midway (as a full disk would), inside SQLite itself.
    open().ledger.close(); // creates the schema; its own JSON import succeeded, so seed again below
    rmSync(DB()); rmSync(DB() + '-wal', { force: true }); rmSync(DB() + '-shm', { force: true });
    for (const name of files().filter((n) => n.includes('.migrated-'))) rmSync(join(dir, name));
    writeFileSync(join(dir, 'ledger.json'), before);
    const db = new DatabaseSync(DB());
    db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, entry_id TEXT, type TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE TRIGGER full_disk BEFORE INSERT ON events WHEN NEW.seq = 30 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    db.close();

    const first = open();
    expect(first.notice).toMatch(/^The earlier impersonation history could not be moved into .+ \(database or disk is full\)\. Nothing was lost: the old files were left as they are and the move will be tried again at the next start\./);
    expect(first.ledger.size).toBe(0); // all or nothing
    expect(readFileSync(join(dir, 'ledger.json')).equals(before)).toBe(true);
    const fresh = first.ledger.begin(newEntry()); // the app can still record
    first.ledger.close();

    tamper('DROP TRIGGER full_disk');
    const second = open();
    expect(second.notice).toMatch(/^The impersonation history moved to .+ \(40 entries\)/);
    expect(second.ledger.size).toBe(41);
    expect(second.ledger.get(fresh.id)).toEqual(fresh);
  });
});

describe('tamper evidence', () => {
  async function tampered(sql: string) {
    const { ledger } = open();
    const made = someHistory(ledger);
    ledger.close();
    tamper(sql);
    const reopened = open();
    return { ...made, notice: reopened.notice, report: await reopened.ledger.verify() };
  }

  it('reports an untouched history as intact', async () => {
    const { report } = await tampered('SELECT 1');
    expect(report).toEqual({ intact: true, events: 7, checkedAt: NOW, firstBrokenSeq: null, problems: [] });
  });

  it('detects an edited event', async () => {
    const { report } = await tampered(`UPDATE events SET data = replace(data, 'Clerk said no', 'all fine') WHERE seq = 5`);
    expect(report.intact).toBe(false);
    expect(report.firstBrokenSeq).toBe(5);
    expect(report.problems[0]).toBe('Event 5 (failed) was changed after it was written.');
  });

  it('detects an edited event whose hash was recomputed without the rest of the chain', async () => {
    // Rewriting seq 2 and its hash breaks the link from seq 3.
    const { report } = await tampered(`UPDATE events SET hash = '${'a'.repeat(64)}' WHERE seq = 2`);
    expect(report.firstBrokenSeq).toBe(2);
    expect(report.problems).toContain('Event 3 does not follow the event before it (an event was removed, inserted or reordered).');
  });

  it('detects a deleted event', async () => {
    const { report } = await tampered('DELETE FROM events WHERE seq = 4');
    expect(report.intact).toBe(false);
    expect(report.firstBrokenSeq).toBe(5);
    expect(report.problems).toContain('Events 4–4 are missing (deleted or reordered).');
  });

  it('detects reordered events', async () => {
    const { report } = await tampered('UPDATE events SET seq = -1 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = -1;');
    expect(report.intact).toBe(false);
    expect(report.firstBrokenSeq).toBe(2);
  });

  it('detects a state edited behind the events', async () => {
    const { report, b } = await tampered(`UPDATE entry_docs SET json = replace(json, 'Clerk said no', 'all fine') WHERE json LIKE '%Clerk said no%'`);
    expect(report.problems).toEqual([`The recorded state of impersonation ${b.id} does not match its events (it was edited).`]);
  });

  it('detects an entry deleted from the state', async () => {
    const { report, b } = await tampered(`DELETE FROM entry_docs WHERE seq IN (SELECT seq FROM entries WHERE subject_id = 'user_2'); DELETE FROM entries WHERE subject_id = 'user_2'`);
    expect(report.problems).toEqual([`Impersonation ${b.id} has events but was removed from the history.`]);
  });

  it('tells the operator at start when the newest event was changed', async () => {
    const { notice } = await tampered(`UPDATE events SET type = 'ended' WHERE seq = 7`);
    expect(notice).toBe('The newest event of the impersonation history was changed after it was written. Nothing was deleted; open History › Verify history to see what is affected.');
  });
});

describe('a writer killed mid-write', () => {
  it('loses no acknowledged write, and the chain stays intact', async () => {
    const child = join(dir, 'writer.mts');
    const src = (path: string) => pathToFileURL(resolve(path)).href;
    writeFileSync(
      child,
      `import { writeSync } from 'node:fs';
import { createElectronStoreDocuments } from ${JSON.stringify(src('src/main/electron/electron-store-document.ts'))};
import { Ledger } from ${JSON.stringify(src('src/main/ledger/ledger.ts'))};
const { ledger } = Ledger.open(createElectronStoreDocuments(process.argv[2]));
for (let i = 0; ; i++) {
  const entry = ledger.begin(${JSON.stringify(newEntry())});
  writeSync(1, 'begun ' + entry.id + '\\n');
  if (i % 2) { ledger.update(entry.id, { status: 'failed', error: 'x'.repeat(500) }); writeSync(1, 'failed ' + entry.id + '\\n'); }
}
`,
    );
    const data = join(dir, 'data');
    const proc = spawn(process.execPath, ['--no-warnings', '--import', resolve('scripts/register-electron-stub.mjs'), child, data], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk));
    const deadline = Date.now() + 20_000;
    while ((out.match(/\n/g)?.length ?? 0) < 300 && Date.now() < deadline && proc.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('close', r));
    expect(err).toBe('');

    const acknowledged = out.split('\n').slice(0, -1).map((line) => line.split(' '));
    const begun = acknowledged.filter(([what]) => what === 'begun').map(([, id]) => id!);
    const failed = acknowledged.filter(([what]) => what === 'failed').map(([, id]) => id!);
    expect(begun.length).toBeGreaterThan(100);
    const { ledger, notice } = Ledger.open(createElectronStoreDocuments(data));
    opened.push(ledger);
    expect(notice).toBeNull();
    for (const id of begun) expect(ledger.get(id), id).not.toBeNull();
    for (const id of failed) expect(ledger.get(id)!.status).toBe('failed');
    expect((await ledger.verify()).intact).toBe(true);
  });
});
