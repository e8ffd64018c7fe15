import { describe, expect, it } from 'vitest';
import { csvCell, historyToJson, toCsv } from '../../src/main/ledger/export.ts';
import type { LedgerEntry, PolicyChange } from '../../src/shared/domain.ts';

const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: 'e1',
  actorTokenId: 'act_1',
  profileId: 'prof_1',
  profileName: 'Acme Live',
  production: true,
  subject: { id: 'user_1', name: 'Jane Doe', email: 'jane@example.com' },
  operator: { clerkUserId: 'user_op', osUser: 'olga' },
  reason: 'SUP-1 billing',
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: true,
  createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  tokenExpiresAt: Date.UTC(2025, 0, 2, 3, 14, 5),
  status: 'ended',
  sessionId: 'sess_1',
  acceptedAt: Date.UTC(2025, 0, 2, 3, 4, 9),
  endedAt: Date.UTC(2025, 0, 2, 3, 20, 0),
  endedBy: { reason: 'operator', by: 'olga' },
  error: null,
  ...over,
});

/** A small RFC 4180 reader, so the tests check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('toCsv', () => {
  it('writes a header row and one CRLF-terminated row per entry with ISO times', () => {
    const text = toCsv([entry(), entry({ id: 'e2', status: 'pending', endedAt: null, endedBy: null, acceptedAt: null })]);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, first, second] = parseCsv(text);
    expect(header).toEqual([
      'record', 'id', 'created_at', 'status', 'profile_id', 'profile_name', 'production', 'user_id', 'user_name', 'user_email',
      'operator_user_id', 'operator_os_user', 'reason', 'read_only', 'token_ttl_seconds', 'session_max_seconds',
      'token_expires_at', 'actor_token_id', 'session_id', 'accepted_at', 'ended_at', 'ended_reason', 'ended_by', 'error',
      'policy_source', 'policy_changes',
    ]);
    const row = Object.fromEntries(header!.map((h, i) => [h, first![i]]));
    expect(row).toMatchObject({
      record: 'impersonation',
      id: 'e1',
      created_at: '2025-01-02T03:04:05.000Z',
      ended_at: '2025-01-02T03:20:00.000Z',
      production: 'true',
      read_only: 'true',
      token_ttl_seconds: '600',
      ended_reason: 'operator',
      error: '',
    });
    expect(second![header!.indexOf('ended_at')]).toBe('');
    expect(toCsv([])).toBe(`${header!.join(',')}\r\n`);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and reads back exactly', () => {
    const reason = 'said "it, broke"\nthen\r\nleft';
    const rows = parseCsv(toCsv([entry({ reason, subject: { id: 'user_1', name: 'Doe, Jane', email: null } })]));
    expect(rows).toHaveLength(2);
    const header = rows[0]!;
    expect(rows[1]![header.indexOf('reason')]).toBe(reason);
    expect(rows[1]![header.indexOf('user_name')]).toBe('Doe, Jane');
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('neutralises cells that a spreadsheet would run as formulas', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const cell = parseCsv(`${csvCell(evil)}\r\n`)[0]![0]!;
      expect(cell, JSON.stringify(evil)).toBe(`'${evil}`);
    }
    const rows = parseCsv(toCsv([entry({ reason: '=cmd|"/c calc"!A1', subject: { id: 'user_1', name: '@admin', email: '+x@example.com' } })]));
    const header = rows[0]!;
    expect(rows[1]![header.indexOf('reason')]).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[1]![header.indexOf('user_name')]).toBe(`'@admin`);
    expect(rows[1]![header.indexOf('user_email')]).toBe(`'+x@example.com`);
    // Harmless text and the app's own values are left alone.
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(600)).toBe('600');
  });
});

const change: PolicyChange = {
  id: 'ev9',
  at: Date.UTC(2025, 0, 3, 9, 0, 0),
  source: 'local',
  profileId: 'prod',
  profileName: 'Acme production',
  by: 'sam',
  operatorId: 'user_op1',
  origin: null,
  changes: [
    { key: 'requireReason', before: true, after: false },
    { key: 'protectedRoles', before: ['admin'], after: [] },
  ],
};

describe('policy changes in exports', () => {
  it('adds a policy change as its own kind of row, with who, when and before → after', () => {
    const [header, first, second] = parseCsv(toCsv([entry()], [change]));
    expect(first![header!.indexOf('record')]).toBe('impersonation');
    const row = Object.fromEntries(header!.map((h, i) => [h, second![i]]));
    expect(row).toMatchObject({
      record: 'policy_change',
      id: 'ev9',
      created_at: '2025-01-03T09:00:00.000Z',
      profile_id: 'prod',
      operator_user_id: 'user_op1',
      operator_os_user: 'sam',
      policy_source: 'local',
      policy_changes: 'requireReason: true → false; protectedRoles: ["admin"] → []',
      status: '',
      user_id: '',
    });
  });
});

describe('historyToJson', () => {
  it('round-trips entries and policy changes exactly, apart', () => {
    const entries = [entry(), entry({ id: 'e2', reason: 'ünïcode "quotes"\n', endedBy: null, error: 'Clerk was unreachable' })];
    expect(JSON.parse(historyToJson(entries, [change]))).toEqual({ impersonations: entries, policyChanges: [change] });
    expect(JSON.parse(historyToJson([]))).toEqual({ impersonations: [], policyChanges: [] });
  });
});
