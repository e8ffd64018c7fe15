// The History screen with 100,000 entries, in the real built app on the Electron emulation (issue 12
// item 11): main filters, orders and counts; the console asks for one page at a time, pages by
// keyboard, and filters by operator the way exports do. The history is seeded before launch through
// the ledger itself (an earlier version's JSON files, migrated by Ledger.open into the app's
// userData), so the app opens a history it did not have to build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { PAGE_SIZE } from '../../src/renderer/src/data/history.ts';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { launchEmulatedApp, type EmulatedApp } from '../support/emulated-app.ts';
import { seededEntry, seedHistory } from '../support/ledger-history.ts';

const SIZE = 100_000;
// Seeding 100,000 entries and starting the whole app share two cores with other work.
vi.setConfig({ testTimeout: 180_000 });

let userData: string;
let app: EmulatedApp;
let ui: ConsolePage;

/** How many history entries one IPC answer carried to the renderer. */
function entriesIn(output: unknown): number {
  const value = (output as { ok?: boolean; value?: unknown }).value;
  if (Array.isArray(value)) return value.length;
  const entries = (value as { entries?: unknown } | undefined)?.entries;
  return Array.isArray(entries) ? entries.length : 0;
}

describe('the History screen with 100,000 entries', () => {
  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'understudy-history-scale-'));
    seedHistory(userData, SIZE);
    const { ledger, notice } = Ledger.open(createElectronStoreDocuments(userData));
    expect(ledger.size).toBe(SIZE);
    expect(notice).toMatch(/moved to/);
    ledger.close();
    app = await launchEmulatedApp({ userData });
    ui = new ConsolePage(await app.consolePage());
    await ui.enterSandbox();
  }, 300_000);

  afterAll(async () => {
    await app?.kill();
    rmSync(userData, { recursive: true, force: true });
  });

  const count = () => ui.page.getByTestId('history-count');
  const settledCount = async (pattern: RegExp) => eventually(async () => expect(await count().innerText()).toMatch(pattern), 30_000);

  it('opens on the newest page with the total, having asked main for one page', async () => {
    const before = app.ipcLog.length;
    await ui.press('Control+3');
    await ui.heading('Token history').waitFor();
    await settledCount(/^Page 1 of 2,000 · 1–50 of 100,000 impersonations, newest first$/);
    expect(await ui.historyRows().count()).toBe(PAGE_SIZE);
    // Newest first: the last seeded entry leads.
    expect(await ui.historyRows().first().innerText()).toContain(seededEntry(SIZE - 1).reason);
    const asked = app.ipcLog.slice(before).filter((record) => record.channel.startsWith('ledger:'));
    expect(asked.map((record) => record.channel)).not.toContain('ledger:query');
    expect(asked.find((record) => record.channel === 'ledger:page')?.input).toMatchObject({ filter: {}, offset: 0, limit: PAGE_SIZE });
  });

  it('pages with Page Down, End and Home on the table, one request per page', async () => {
    const table = ui.page.getByTestId('history-table');
    await table.focus();
    const before = app.ipcLog.length;
    await ui.press('PageDown');
    await settledCount(/^Page 2 of 2,000 · 51–100 of 100,000/);
    expect(await ui.historyRows().first().innerText()).toContain(seededEntry(SIZE - 1 - PAGE_SIZE).reason);
    await ui.press('End');
    await settledCount(/^Page 2,000 of 2,000 · 99,951–100,000 of 100,000/);
    expect(await ui.historyRows().last().innerText()).toContain(seededEntry(0).reason);
    await ui.press('Home');
    await settledCount(/^Page 1 of 2,000 · 1–50 of 100,000/);
    const pages = app.ipcLog.slice(before).filter((record) => record.channel === 'ledger:page');
    expect(pages.map((record) => (record.input as { offset: number }).offset)).toEqual([PAGE_SIZE, (SIZE / PAGE_SIZE - 1) * PAGE_SIZE, 0]);
    // Focus stayed on the table: the keys keep working.
    expect(await table.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('filters by operator, whatever the case, as main and exports match it, and pages within it', async () => {
    await ui.page.getByLabel('Operator').fill('AGENT7');
    // 100,000 / 12 operators: entries 7, 19, 31, … belong to agent7 (user_op7).
    await settledCount(/^Page 1 of 167 · 1–50 of 8,333 impersonations/);
    const rows = ui.historyRows();
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/on this computer as agent7/);
    const newest = seededEntry(99_991); // the last i with i % 12 === 7
    expect(await rows.first().innerText()).toContain(newest.reason);
    await ui.page.getByTestId('history-table').focus();
    await ui.press('PageDown');
    await settledCount(/^Page 2 of 167 · 51–100 of 8,333/);
    // The Clerk user id finds the same entries.
    await ui.page.getByLabel('Operator').fill('user_op7');
    await settledCount(/^Page 1 of 167 · 1–50 of 8,333 impersonations/);
    expect(await rows.first().innerText()).toContain(newest.reason);
    // The operator filter went to main as typed; the screen filtered nothing itself.
    const lastPage = app.ipcLog.filter((record) => record.channel === 'ledger:page').at(-1)!;
    expect(lastPage.input).toMatchObject({ filter: { operator: 'user_op7' }, offset: 0 });
  });

  it('never hands the renderer more than one page of the history', () => {
    const ledgerAnswers = app.ipcLog.filter((record) => record.channel.startsWith('ledger:'));
    expect(ledgerAnswers.length).toBeGreaterThan(5);
    for (const record of ledgerAnswers) expect(entriesIn(record.output), record.channel).toBeLessThanOrEqual(PAGE_SIZE);
    expect(Math.max(...app.ipcLog.map((record) => entriesIn(record.output)))).toBe(PAGE_SIZE);
  });
});
