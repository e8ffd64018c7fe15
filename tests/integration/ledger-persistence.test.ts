// The ledger on real files through the electron-store adapter, in a temp folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger, type NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2025, 2, 3, 4, 5, 6, 789);
const STAMP = '2025-03-03T04-05-06.789Z';

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

function open(options: { headLimit?: number; now?: () => number } = {}) {
  return Ledger.open(createElectronStoreDocuments(dir), { now: () => NOW, ...options });
}

const files = () => readdirSync(dir).sort();
const readJson = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

describe('ledger persistence', () => {
  it('persists every append and update before returning, and reopens to the same history', () => {
    const { ledger, notice } = open();
    expect(notice).toBeNull();
    const entry = ledger.begin(newEntry());
    expect(readJson('ledger.json').entries).toEqual([entry]);
    ledger.update(entry.id, { status: 'pending', actorTokenId: 'act_1' });
    expect(readJson('ledger.json').entries[0]).toMatchObject({ status: 'pending', actorTokenId: 'act_1' });
    const second = ledger.begin(newEntry({ subject: { id: 'user_2', name: 'Ann', email: null } }));
    ledger.update(entry.id, { status: 'accepted', sessionId: 'sess_1', acceptedAt: NOW + 1 });

    const reopened = open();
    expect(reopened.notice).toBeNull();
    expect(reopened.ledger.query({})).toEqual(ledger.query({}));
    expect(reopened.ledger.get(entry.id)).toMatchObject({ status: 'accepted', sessionId: 'sess_1' });
    expect(reopened.ledger.live().map((e) => e.id).sort()).toEqual([entry.id, second.id].sort());
    // The reopened ledger goes on where the old one stopped.
    reopened.ledger.update(entry.id, { status: 'ended', endedAt: NOW + 2, endedBy: { reason: 'operator', by: 'olga' } });
    expect(open().ledger.get(entry.id)!.status).toBe('ended');
    expect(readJson('ledger.json')).toMatchObject({ version: 1, archives: [] });
  });

  it('filters a reopened history', () => {
    let time = NOW;
    const { ledger } = open({ now: () => (time += 1000) });
    const made: LedgerEntry[] = [];
    for (let i = 0; i < 30; i++) {
      const entry = ledger.begin(
        newEntry({
          subject: { id: `user_${i % 3}`, name: `User ${i % 3}`, email: null },
          operator: { clerkUserId: `user_op${i % 2}`, osUser: i % 2 ? 'piet' : 'olga' },
          profileId: i % 5 === 0 ? 'prof_2' : 'prof_1',
        }),
      );
      made.push(i % 4 === 0 ? ledger.update(entry.id, { status: 'failed', error: 'Clerk was unreachable' }) : entry);
    }
    const { ledger: reopened } = open();
    const expectIds = (filter: Parameters<Ledger['query']>[0], pick: (e: LedgerEntry) => boolean) =>
      expect(reopened.query(filter).map((e) => e.id)).toEqual(made.filter(pick).reverse().map((e) => e.id));
    expectIds({ userId: 'user_1' }, (e) => e.subject.id === 'user_1');
    expectIds({ operator: 'PIET' }, (e) => e.operator.osUser === 'piet');
    expectIds({ operator: 'user_op0' }, (e) => e.operator.clerkUserId === 'user_op0');
    expectIds({ status: ['failed'] }, (e) => e.status === 'failed');
    expectIds({ profileId: 'prof_2', status: ['minting'] }, (e) => e.profileId === 'prof_2' && e.status === 'minting');
    expectIds({ from: made[10]!.createdAt, to: made[19]!.createdAt }, (e) => e.createdAt >= made[10]!.createdAt && e.createdAt <= made[19]!.createdAt);
  });

  it('never writes a token, ticket URL or key to disk, and refuses fields for them', () => {
    const { ledger } = open();
    const entry = ledger.begin(newEntry({ reason: 'SUP-3 pasted sk_test_abcdef123456 by mistake' }));
    expect(() => ledger.update(entry.id, { status: 'pending', url: 'https://x.clerk.accounts.dev/v1/tickets/accept?ticket=eyJtoken.eyJx.sig' } as never)).toThrow(AppError);
    expect(() => ledger.update(entry.id, { token: 'eyJtoken.eyJx.sig' } as never)).toThrow(AppError);
    expect(() => ledger.begin({ ...newEntry(), token: 'eyJtoken.eyJx.sig' } as never)).toThrow(AppError);
    ledger.update(entry.id, { status: 'pending', actorTokenId: 'act_1' });
    ledger.update(entry.id, { status: 'failed', error: 'Could not open https://x.clerk.accounts.dev/v1/tickets/accept?ticket=eyJtoken.eyJx.sig' });
    const onDisk = files().map((name) => readFileSync(join(dir, name), 'utf8')).join('\n');
    expect(onDisk).not.toMatch(/eyJ|sk_test|ticket=/);
    expect(onDisk).toContain('act_1');
    expect(Object.keys(readJson('ledger.json').entries[0]).sort()).toEqual(
      [
        'id', 'actorTokenId', 'profileId', 'profileName', 'production', 'subject', 'operator', 'reason', 'tokenTtlSeconds',
        'sessionMaxSeconds', 'readOnly', 'createdAt', 'tokenExpiresAt', 'status', 'sessionId', 'acceptedAt', 'endedAt', 'endedBy', 'error',
      ].sort(),
    );
  });
});

describe('damaged and foreign files', () => {
  it('moves garbage bytes aside, keeps them byte for byte, tells the operator, and starts a usable ledger', () => {
    const garbage = Buffer.from('\u0000\u00ff{"entries": [ {"id": "x", truncated', 'latin1');
    writeFileSync(join(dir, 'ledger.json'), garbage);
    const { ledger, notice } = open();
    const backup = join(dir, `ledger.corrupt-${STAMP}.json`);
    expect(notice).toContain(backup);
    expect(notice).toMatch(/impersonation history could not be read/);
    expect(readFileSync(backup).equals(garbage)).toBe(true);
    expect(ledger.query({})).toEqual([]);
    const entry = ledger.begin(newEntry());
    expect(open().ledger.get(entry.id)).toEqual(entry);
    expect(files()).toEqual(['ledger.corrupt-2025-03-03T04-05-06.789Z.json', 'ledger.json']);
  });

  it('moves aside valid JSON that is not a ledger', () => {
    const text = JSON.stringify({ version: 1, archives: [], entries: [{ id: 'e1', status: 'sideways' }] });
    writeFileSync(join(dir, 'ledger.json'), text);
    const { ledger, notice } = open();
    expect(notice).toMatch(/expected shape/);
    expect(readFileSync(join(dir, `ledger.corrupt-${STAMP}.json`), 'utf8')).toBe(text);
    expect(ledger.begin(newEntry()).status).toBe('minting');
  });

  it('migrates a version 0 history (no version field, no readOnly) and writes it back as version 1', () => {
    const v0Entry = {
      id: 'old-1',
      actorTokenId: 'act_old',
      profileId: 'prof_1',
      profileName: 'Acme Live',
      production: true,
      subject: { id: 'user_1', name: 'Jane Doe', email: null },
      operator: { clerkUserId: 'user_op', osUser: 'olga' },
      reason: 'SUP-0',
      tokenTtlSeconds: 600,
      sessionMaxSeconds: 1800,
      createdAt: NOW - 10_000,
      tokenExpiresAt: NOW - 10_000 + 600_000,
      status: 'ended',
      sessionId: 'sess_old',
      acceptedAt: NOW - 9_000,
      endedAt: NOW - 5_000,
      endedBy: { reason: 'operator', by: 'olga' },
      error: null,
    };
    const v0 = JSON.stringify({ entries: [v0Entry, { ...v0Entry, id: 'old-2', status: 'pending', endedAt: null, endedBy: null }] });
    writeFileSync(join(dir, 'ledger.json'), v0);

    const { ledger, notice } = open();
    expect(notice).toBeNull();
    expect(ledger.get('old-1')).toEqual({ ...v0Entry, readOnly: false });
    expect(readJson('ledger.json')).toEqual({
      version: 1,
      archives: [],
      entries: [
        { ...v0Entry, readOnly: false },
        { ...v0Entry, id: 'old-2', status: 'pending', endedAt: null, endedBy: null, readOnly: false },
      ],
    });
    expect(readFileSync(join(dir, `ledger.v0-backup-${STAMP}.json`), 'utf8')).toBe(v0);
    // Migrated entries behave like any other.
    expect(ledger.update('old-2', { status: 'expired' }).status).toBe('expired');
    expect(open().ledger.get('old-2')!.status).toBe('expired');
  });

  it('refuses a history from a newer version and leaves the file untouched', () => {
    const text = JSON.stringify({ version: 2, archives: [], entries: [], somethingNew: true });
    writeFileSync(join(dir, 'ledger.json'), text);
    let error: unknown;
    try {
      open();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('conflict');
    expect((error as AppError).message).toMatch(/newer version of Understudy/);
    expect(readFileSync(join(dir, 'ledger.json'), 'utf8')).toBe(text);
    expect(files()).toEqual(['ledger.json']);
  });
});

describe('archives', () => {
  function fill(ledger: Ledger, count: number, finish: (i: number) => boolean) {
    const entries: LedgerEntry[] = [];
    for (let i = 0; i < count; i++) {
      const entry = ledger.begin(newEntry({ subject: { id: `user_${i}`, name: `User ${i}`, email: null } }));
      entries.push(finish(i) ? ledger.update(entry.id, { status: 'failed', error: `attempt ${i}` }) : entry);
    }
    return entries;
  }

  it('moves finished entries to write-once archives, keeps unfinished ones in the head, and loses nothing', () => {
    let time = NOW;
    const { ledger } = open({ headLimit: 10, now: () => (time += 1000) });
    const made = fill(ledger, 35, (i) => i % 7 !== 0);
    const head = readJson('ledger.json');
    expect(head.archives.length).toBeGreaterThanOrEqual(3);
    expect(head.entries.length).toBeLessThanOrEqual(11);
    expect(files()).toEqual(['ledger.json', ...head.archives.map((name: string) => `${name}.json`)].sort());
    for (const name of head.archives) {
      const archive = readJson(`${name}.json`);
      expect(archive.version).toBe(1);
      expect(archive.entries.every((e: LedgerEntry) => e.status === 'failed')).toBe(true);
    }
    // Unfinished entries stay in the head, where they can still change.
    const unfinished = made.filter((e) => e.status === 'minting');
    expect(unfinished.every((e) => head.entries.some((h: LedgerEntry) => h.id === e.id))).toBe(true);
    const stillMinting = unfinished[0]!;
    ledger.update(stillMinting.id, { status: 'unknown', error: 'timed out' });

    const { ledger: reopened, notice } = open({ headLimit: 10 });
    expect(notice).toBeNull();
    expect(reopened.size).toBe(35);
    expect(reopened.query({}).map((e) => e.id)).toEqual(ledger.query({}).map((e) => e.id));
    expect(reopened.query({}).map((e) => e.id)).toEqual(made.map((e) => e.id).reverse());
    expect(reopened.get(stillMinting.id)!.status).toBe('unknown');
    expect(reopened.query({ userId: 'user_3' })).toHaveLength(1);
  });

  it('does not archive while the head holds mostly unfinished entries, nor with a single document', () => {
    const { ledger } = open({ headLimit: 4 });
    fill(ledger, 10, (i) => i === 0);
    expect(readJson('ledger.json').archives).toEqual([]);
    expect(readJson('ledger.json').entries).toHaveLength(10);

    const single = Ledger.open(createElectronStoreDocuments(dir)('single'), { headLimit: 4 }).ledger;
    fill(single, 10, () => true);
    expect(readJson('single.json')).toMatchObject({ archives: [] });
    expect(readJson('single.json').entries).toHaveLength(10);
    expect(files()).toEqual(['ledger.json', 'single.json']);
  });

  it('reports a damaged archive once, moves it aside, and keeps the rest', () => {
    let time = NOW;
    const { ledger } = open({ headLimit: 5, now: () => (time += 1000) });
    fill(ledger, 20, () => true);
    const [first, ...others] = readJson('ledger.json').archives as string[];
    const lost = readJson(`${first}.json`).entries.length;
    writeFileSync(join(dir, `${first}.json`), '{ not json');

    const { ledger: reopened, notice } = open({ headLimit: 5 });
    expect(notice).toContain(`${first}.corrupt-${STAMP}.json`);
    expect(reopened.size).toBe(20 - lost);
    expect(readJson('ledger.json').archives).toEqual(others);
    expect(readFileSync(join(dir, `${first}.corrupt-${STAMP}.json`), 'utf8')).toBe('{ not json');
    expect(open({ headLimit: 5 }).notice).toBeNull();
  });

  it('says so when a listed archive is missing', () => {
    let time = NOW;
    const { ledger } = open({ headLimit: 5, now: () => (time += 1000) });
    fill(ledger, 12, () => true);
    const [first] = readJson('ledger.json').archives as string[];
    rmSync(join(dir, `${first}.json`));
    expect(open().notice).toMatch(/Part of the impersonation history is missing/);
    expect(open().notice).toBeNull();
  });
});

describe('atomic writes', () => {
  it('leaves no temp files and always a readable file, whatever the interleaving', async () => {
    const { ledger } = open({ headLimit: 25 });
    const seen: number[] = [];
    // Many "concurrent" operators: each task yields between its steps.
    const tasks = Array.from({ length: 40 }, async (_, i) => {
      const entry = ledger.begin(newEntry({ subject: { id: `user_${i}`, name: `U${i}`, email: null } }));
      await new Promise((r) => setImmediate(r));
      ledger.update(entry.id, { status: 'pending', actorTokenId: `act_${i}` });
      seen.push(readJson('ledger.json').entries.length);
      await new Promise((r) => setTimeout(r, i % 3));
      ledger.update(entry.id, { status: i % 2 ? 'ended' : 'revoked' });
      seen.push(readJson('ledger.json').entries.length);
    });
    await Promise.all(tasks);
    expect(seen).toHaveLength(80);
    expect(files().filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(open({ headLimit: 25 }).ledger.size).toBe(40);
  });

  it('survives a process killed mid-write: the file parses and every acknowledged write is there', async () => {
    const child = join(dir, 'writer.mts');
    const src = (path: string) => pathToFileURL(resolve(path)).href;
    writeFileSync(
      child,
      `import { writeSync } from 'node:fs';
import { createElectronStoreDocuments } from ${JSON.stringify(src('src/main/electron/electron-store-document.ts'))};
import { Ledger } from ${JSON.stringify(src('src/main/ledger/ledger.ts'))};
const { ledger } = Ledger.open(createElectronStoreDocuments(process.argv[2]), { headLimit: 40 });
for (let i = 0; ; i++) {
  const entry = ledger.begin(${JSON.stringify(newEntry())});
  writeSync(1, 'begun ' + entry.id + '\\n');
  if (i % 2) { ledger.update(entry.id, { status: 'failed', error: 'x'.repeat(500) }); writeSync(1, 'failed ' + entry.id + '\\n'); }
}
`,
    );
    const data = join(dir, 'data');
    const proc = spawn(process.execPath, ['--import', resolve('scripts/register-electron-stub.mjs'), child, data], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk));

    // Read the file from outside while the child writes: a reader never sees half a document.
    let reads = 0;
    const deadline = Date.now() + 20_000;
    while ((out.match(/\n/g)?.length ?? 0) < 400 && Date.now() < deadline && proc.exitCode === null) {
      const path = join(data, 'ledger.json');
      if (existsSync(path)) {
        expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
        reads++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('close', r));
    expect(err).toBe('');
    expect(reads).toBeGreaterThan(10);

    // Every complete line was printed after the write it reports had returned.
    const acknowledged = out.split('\n').slice(0, -1).map((line) => line.split(' '));
    const begun = acknowledged.filter(([what]) => what === 'begun').map(([, id]) => id!);
    const failed = acknowledged.filter(([what]) => what === 'failed').map(([, id]) => id!);
    expect(begun.length).toBeGreaterThan(100);

    const { ledger, notice } = Ledger.open(createElectronStoreDocuments(data), { headLimit: 40 });
    expect(notice).toBeNull();
    for (const id of begun) expect(ledger.get(id), id).not.toBeNull();
    for (const id of failed) expect(ledger.get(id)!.status).toBe('failed');
    expect(readdirSync(data).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
