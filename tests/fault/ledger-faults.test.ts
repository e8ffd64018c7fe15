// A damaged history (or settings) file at start, through createServices and the console's calls:
// the operator is told in app:getState where the original went, the original bytes are kept, and
// a new history works (the damaged JSON is what the migration to SQLite finds). A SQLite history
// from a newer Understudy stops the start with a plain message.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppState, ImpersonationView, LedgerEntry } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { InertWindowHost, startRig, type Rig } from './rig.ts';

let sandbox: Sandbox;
let dataDir: string;
let rig: Rig | null = null;

beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
});
afterAll(() => sandbox?.close());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-ledger-faults-'));
});
afterEach(async () => {
  await rig?.close();
  rig = null;
  rmSync(dataDir, { recursive: true, force: true });
});

const files = () => readdirSync(dataDir).sort();
const aside = (prefix: string) => files().filter((name) => name.startsWith(prefix));

/** A start on the folder, then one impersonation started and ended: the new history must work. */
async function startAndUse() {
  rig = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir });
  const state = await rig.ok<AppState>('app:getState', {});
  const view = await rig.ok<ImpersonationView>('impersonation:start', {
    profileId: 'sandbox', userId: SANDBOX_FIXTURES.plain[0], reason: 'SUP-5', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false,
  });
  await rig.ok('impersonation:end', { id: view.id });
  const history = await rig.ok<LedgerEntry[]>('ledger:query', { filter: {} });
  return { state, view, history };
}

describe('a damaged history at start', () => {
  it('garbage bytes: moved aside byte for byte, the operator told where, a new history works', async () => {
    const garbage = Buffer.concat([Buffer.from('{"version":1,"entries":[{"id":"x"'), randomBytes(256), Buffer.from([0, 0xff, 0xfe])]);
    writeFileSync(join(dataDir, 'ledger.json'), garbage);
    const { state, history } = await startAndUse();

    const [backup] = aside('ledger.corrupt-');
    expect(backup).toMatch(/^ledger\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    expect(readFileSync(join(dataDir, backup!)).equals(garbage)).toBe(true);
    expect(state.notices).toEqual([
      `The impersonation history could not be read (it is not valid JSON). The file was moved aside to ${join(dataDir, backup!)}, nothing was deleted, and a new, empty impersonation history was started.`,
    ]);
    // The new history records and survives a reopen.
    expect(history).toEqual([expect.objectContaining({ status: 'revoked' })]);
    const reopened = Ledger.open(createElectronStoreDocuments(dataDir));
    expect(reopened.notice).toBeNull();
    expect(reopened.ledger.query({})).toEqual(history);
    // Dismissed, the notice is gone; the backup stays.
    expect(await rig!.ok<AppState>('app:dismissNotice', { index: 0 })).toMatchObject({ notices: [] });
    expect(aside('ledger.corrupt-')).toEqual([backup]);
  });

  it('valid JSON of the wrong shape: moved aside the same way', async () => {
    const text = JSON.stringify({ version: 1, archives: [], entries: [{ id: 'not-an-entry', status: 'teleported' }] });
    writeFileSync(join(dataDir, 'ledger.json'), text);
    const { state, history } = await startAndUse();
    const [backup] = aside('ledger.corrupt-');
    expect(readFileSync(join(dataDir, backup!), 'utf8')).toBe(text);
    expect(state.notices).toEqual([expect.stringMatching(/^The impersonation history could not be read \(its content does not have the expected shape\)\. The file was moved aside to .+, nothing was deleted/)]);
    expect(history).toHaveLength(1);
  });

  it('an empty (truncated) file: moved aside, and the app starts', async () => {
    writeFileSync(join(dataDir, 'ledger.json'), '');
    const { state, history } = await startAndUse();
    expect(aside('ledger.corrupt-')).toHaveLength(1);
    expect(state.notices).toEqual([expect.stringContaining('could not be read (it is not valid JSON)')]);
    expect(history).toHaveLength(1);
    const token = sandbox.state.actorTokens().find((candidate) => candidate.id === history[0]!.actorTokenId);
    expect(token?.status).toBe('revoked');
  });

  it('damaged settings next to it: both reported, keys untouched, the app starts', async () => {
    writeFileSync(join(dataDir, 'ledger.json'), 'not json');
    writeFileSync(join(dataDir, 'settings.json'), '{"version": 1, "profiles": ');
    const { state } = await startAndUse();
    expect(state.notices).toHaveLength(2);
    expect(state.notices).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The instance settings could not be read \(it is not valid JSON\)\..* Secret keys are kept in the keychain and were not affected\.$/),
        expect.stringMatching(/^The impersonation history could not be read/),
      ]),
    );
    expect(aside('settings.corrupt-')).toHaveLength(1);
  });

  it('a history written by a newer Understudy: left untouched, and the start fails with a plain message', async () => {
    const path = join(dataDir, 'history.sqlite');
    const newer = new DatabaseSync(path);
    newer.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, shape TEXT); PRAGMA user_version = 99;');
    newer.close();
    const before = readFileSync(path);
    const failure = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).toData()).toEqual({
      kind: 'conflict',
      message: `The impersonation history at ${path} was written by a newer version of Understudy (format 99; this version reads up to format 1). It was left untouched: update Understudy to open it.`,
    });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

});

describe('a history altered outside Understudy', () => {
  it('is reported after start, shown by Verify history, and the console keeps paging it', async () => {
    await startAndUse();
    await rig!.close();
    rig = null;
    const db = new DatabaseSync(join(dataDir, 'history.sqlite'));
    db.exec(`UPDATE events SET data = replace(data, 'SUP-5', 'SUP-6') WHERE seq = 1`);
    db.close();

    rig = await startRig({ sandbox, windowHost: new InertWindowHost(), dataDir });
    await rig.services.recover();
    const state = await rig.ok<AppState>('app:getState', {});
    expect(state.notices).toEqual([
      'The impersonation history was altered outside Understudy (Event 1 (started) was changed after it was written). Nothing was changed or deleted; History › Verify history lists what is affected.',
    ]);
    expect(await rig.ok('ledger:verify', {})).toMatchObject({ intact: false, firstBrokenSeq: 1 });
    expect(await rig.ok('ledger:page', { filter: { operator: 'user_op' }, offset: 0, limit: 10 })).toMatchObject({ total: 0, entries: [] });
    const page = await rig.ok<{ total: number; entries: LedgerEntry[] }>('ledger:page', { filter: {}, offset: 0, limit: 10 });
    expect(page.total).toBe(1);
    expect(page.entries[0]!.status).toBe('revoked');
  });
});
