// Append and query medians at 1k / 10k / 100k entries on real files. The bounds are generous (a
// shared CI machine); the printed numbers are what to compare.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger, type NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import type { LedgerEntry, LedgerFilter, LedgerStatus } from '../../src/shared/domain.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const START = Date.UTC(2024, 0, 1);
const FINISHED: LedgerStatus[] = ['ended', 'ended', 'ended', 'expired', 'revoked', 'failed'];

function seededEntry(i: number): LedgerEntry {
  const createdAt = START + i * 60_000;
  const status = FINISHED[i % FINISHED.length]!;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    actorTokenId: `act_${i.toString(36).padStart(10, '0')}`,
    profileId: `prof_${i % 4}`,
    profileName: `Instance ${i % 4}`,
    production: i % 4 === 0,
    subject: { id: `user_${i % 5000}`, name: `Customer ${i % 5000}`, email: `customer${i % 5000}@example.com` },
    operator: { clerkUserId: `user_op${i % 12}`, osUser: `agent${i % 12}` },
    reason: `SUP-${10_000 + i}: customer reports a problem with invoices`,
    tokenTtlSeconds: 600,
    sessionMaxSeconds: 1800,
    readOnly: i % 3 === 0,
    createdAt,
    tokenExpiresAt: createdAt + 600_000,
    status,
    sessionId: status === 'ended' || status === 'expired' ? `sess_${i.toString(36)}` : null,
    acceptedAt: status === 'ended' || status === 'expired' ? createdAt + 4_000 : null,
    endedAt: status === 'failed' ? null : createdAt + 300_000,
    endedBy: status === 'ended' ? { reason: 'operator', by: `agent${i % 12}` } : null,
    error: status === 'failed' ? 'Clerk was unreachable' : null,
  };
}

/**
 * Writes a history of `count` finished entries in the layout the ledger itself produces, with the
 * head half full (its average size in use), so appends are measured at a typical head size.
 */
function seed(dir: string, count: number, chunk = 500) {
  const documents = createElectronStoreDocuments(dir);
  const archives: string[] = [];
  const archived = count - Math.min(count, chunk / 2);
  let i = 0;
  for (let n = 1; i < archived; n++) {
    const name = `ledger-archive-${String(n).padStart(6, '0')}`;
    const entries = [];
    for (const end = Math.min(i + chunk, archived); i < end; i++) entries.push(seededEntry(i));
    documents(name).write({ version: 1, entries });
    archives.push(name);
  }
  const head = [];
  for (; i < count; i++) head.push(seededEntry(i));
  documents('ledger').write({ version: 1, archives, entries: head });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const newEntry = (i: number): NewLedgerEntry => ({
  profileId: 'prof_1',
  profileName: 'Instance 1',
  production: false,
  subject: { id: `user_new${i}`, name: 'New customer', email: null },
  operator: { clerkUserId: 'user_op1', osUser: 'agent1' },
  reason: 'SUP-1 bench',
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: false,
});

describe('ledger performance', () => {
  for (const size of [1_000, 10_000, 100_000]) {
    it(`appends and queries at ${size.toLocaleString('en')} entries`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'understudy-ledger-bench-'));
      dirs.push(dir);
      seed(dir, size);

      let clock = START + size * 60_000;
      let opened!: ReturnType<typeof Ledger.open>;
      const openMs = time(() => {
        opened = Ledger.open(createElectronStoreDocuments(dir), { now: () => (clock += 1000) });
      });
      const { ledger, notice } = opened;
      expect(notice).toBeNull();
      expect(ledger.size).toBe(size);

      // A full life each: begin (the measured append), then pending and ended, as in the app.
      const appends: number[] = [];
      const updates: number[] = [];
      for (let i = 0; i < 60; i++) {
        let entry!: LedgerEntry;
        appends.push(time(() => (entry = ledger.begin(newEntry(i)))));
        updates.push(time(() => ledger.update(entry.id, { status: 'pending', actorTokenId: `act_new${i}` })));
        ledger.update(entry.id, { status: 'ended', endedAt: clock, endedBy: { reason: 'operator', by: 'agent1' } });
      }

      const end = START + size * 60_000;
      const filters: Record<string, LedgerFilter> = {
        user: { userId: 'user_42' },
        operator: { operator: 'agent7' },
        'status+profile': { status: ['failed', 'revoked'], profileId: 'prof_2' },
        'last 7 days': { from: end - 7 * 86_400_000, to: end },
        'all (no filter)': {},
      };
      const queries: Record<string, string> = {};
      for (const [name, filter] of Object.entries(filters)) {
        let count = 0;
        const runs = Array.from({ length: 15 }, () => time(() => (count = ledger.query(filter).length)));
        expect(count).toBeGreaterThan(0);
        queries[name] = `${median(runs).toFixed(2)} ms (${count})`;
      }

      const report = {
        entries: size,
        open: `${openMs.toFixed(0)} ms`,
        'append median': `${median(appends).toFixed(2)} ms`,
        'append max': `${Math.max(...appends).toFixed(2)} ms`,
        'update median': `${median(updates).toFixed(2)} ms`,
        ...Object.fromEntries(Object.entries(queries).map(([k, v]) => [`query ${k}`, v])),
      };
      console.log(JSON.stringify(report, null, 1));

      expect(median(appends)).toBeLessThan(100);
      expect(median(updates)).toBeLessThan(100);
      for (const value of Object.values(queries)) expect(Number.parseFloat(value)).toBeLessThan(250);
      const reopened = Ledger.open(createElectronStoreDocuments(dir));
      expect(reopened.ledger.size).toBe(size + 60);
    }, 120_000);
  }
});
