// Policy changes recorded in the history, as the History screen and exports read them: only the
// settings that differ, who and when, filtered like impersonations, and no audit-sink credentials.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { policyDifference } from '../../src/main/ledger/policy-changes.ts';
import { diskHistory } from '../support/ledger-history.ts';

const POLICY = { requireReason: true, maxTokenTtlSeconds: 600, maxSessionSeconds: 1800, protectedRoles: ['admin'], protectBanned: true, protectedUserIds: [], confirmProduction: true };

function history() {
  let clock = Date.UTC(2025, 0, 1);
  const disk = diskHistory();
  const { ledger } = Ledger.open(disk.store, { database: disk.database, now: () => (clock += 60_000) });
  return ledger;
}

describe('policy changes in the history', () => {
  it('lists each change newest first with only what differs, and filters them like the rest', () => {
    const ledger = history();
    ledger.record('policy_changed', { source: 'local', profileId: 'acme', profileName: 'Acme', by: 'Sam', operatorId: 'user_op1', before: POLICY, after: { ...POLICY, requireReason: false } });
    ledger.record('policy_changed', { source: 'organisation', from: '/etc/understudy/policy.json', observedBy: 'sam', before: null, after: { maxSessionSeconds: 900 } });
    ledger.record('policy_changed', { source: 'local', profileId: 'beta', profileName: 'Beta', by: 'kim', operatorId: null, before: POLICY, after: { ...POLICY, protectedRoles: [] } });

    const all = ledger.policyChanges({}, 0, 10);
    expect(all.total).toBe(3);
    expect(all.changes.map((change) => change.profileName ?? change.source)).toEqual(['Beta', 'organisation', 'Acme']);
    expect(all.changes[2]).toMatchObject({ source: 'local', by: 'Sam', operatorId: 'user_op1', changes: [{ key: 'requireReason', before: true, after: false }] });
    expect(all.changes[1]).toMatchObject({ source: 'organisation', by: null, origin: '/etc/understudy/policy.json', changes: [{ key: 'maxSessionSeconds', before: null, after: 900 }] });

    // The operator filter matches a local change's author by OS user or Clerk user id, any case.
    expect(ledger.policyChanges({ operator: 'SAM' }).changes.map((c) => c.profileName)).toEqual(['Acme']);
    expect(ledger.policyChanges({ operator: 'user_OP1' }).changes.map((c) => c.profileName)).toEqual(['Acme']);
    expect(ledger.policyChanges({ profileId: 'beta' }).changes.map((c) => c.profileName)).toEqual(['Beta']);
    const second = all.changes[1]!.at;
    expect(ledger.policyChanges({ from: second, to: second }).changes.map((c) => c.source)).toEqual(['organisation']);
    // A filter about customers or statuses is about impersonations only.
    expect(ledger.policyChanges({ userId: 'user_1' })).toMatchObject({ total: 0, changes: [] });
    expect(ledger.policyChanges({ status: ['ended'] })).toMatchObject({ total: 0, changes: [] });
    // Paged.
    expect(ledger.policyChanges({}, 1, 1).changes.map((c) => c.source)).toEqual(['organisation']);
    ledger.close();
  });

  it('never shows an audit sink’s headers, which may hold a collector’s credentials', () => {
    const sink = { type: 'otlp', endpoint: 'https://collector.example/v1/logs', headers: { Authorization: 'Bearer s3cr3t' } };
    const changes = policyDifference({ auditSinks: [] }, { auditSinks: [sink] });
    expect(changes).toEqual([{ key: 'auditSinks', before: [], after: ['otlp https://collector.example/v1/logs'] }]);
    expect(JSON.stringify(changes)).not.toContain('s3cr3t');
  });
});
