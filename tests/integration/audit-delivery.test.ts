// The audit outbox on a real history file, delivering to receivers on loopback that decode OTLP/JSON
// against the spec and verify webhook signatures: a sink down for a while, answering 500, 503 and
// 429 with Retry-After, a collector that stored a batch but answered 500, a writer killed between
// the event and its delivery. Every event arrives exactly once after de-duplication by id, in order
// per impersonation, and nothing secret is shipped.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditOutbox, sinksFromPolicy, type OutboxTiming } from '../../src/main/audit/outbox.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger, type NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import type { AuditSinkConfig } from '../../src/main/policy/org-policy.ts';
import { AuditReceiver, type Arrived } from '../support/audit-receiver.ts';

const COLLECTOR_KEY = 'collector-api-key-7f3a9c';
const HOOK_SECRET = 'whsec-test-5b1d0e';
const FAST: Partial<OutboxTiming> = { batch: 5, firstRetryMs: 20, maxRetryMs: 100, refusedRetryMs: 50, staleMs: 600_000 };

let dir: string;
const cleanups: (() => unknown)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-audit-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const newEntry = (n: number): NewLedgerEntry => ({
  profileId: 'prof_1',
  profileName: 'Acme Live',
  production: true,
  subject: { id: `user_${n}`, name: `Customer ${n}`, email: `c${n}@example.com` },
  operator: { clerkUserId: 'user_op', osUser: 'olga' },
  reason: `SUP-${100 + n} billing page broken`,
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: false,
});

function openLedger(): Ledger {
  const { ledger } = Ledger.open(createElectronStoreDocuments(join(dir, 'data')));
  cleanups.push(() => ledger.close());
  return ledger;
}

async function receiver(options: { webhookSecret?: string } = {}): Promise<AuditReceiver> {
  const sink = new AuditReceiver(options);
  await sink.up();
  cleanups.push(() => sink.down());
  return sink;
}

function outbox(
  ledger: Ledger,
  sinks: AuditSinkConfig[],
  over: { env?: Record<string, string>; keychain?: Keychain; now?: () => number; delivery?: 'best-effort' | 'required' } = {},
): AuditOutbox {
  const now = over.now ?? Date.now;
  const secrets = { env: over.env ?? {}, ...(over.keychain ? { keychain: over.keychain } : {}) };
  const box = new AuditOutbox({
    ledger,
    sinks: sinksFromPolicy(sinks, { secrets, resource: { 'service.name': 'understudy', 'host.name': 'desk-7' }, now }),
    delivery: over.delivery ?? 'required',
    now,
    timing: FAST,
  });
  cleanups.push(() => box.stop());
  return box;
}

/** Three impersonations whose events interleave: started A, started B, minted A, … */
function interleavedImpersonations(ledger: Ledger): string[] {
  const ids = [1, 2, 3].map((n) => ledger.begin(newEntry(n)).id);
  ids.forEach((id, n) => ledger.update(id, { status: 'pending', actorTokenId: `act_${n}` }));
  ids.forEach((id, n) => ledger.update(id, { status: 'accepted', sessionId: `sess_${n}`, acceptedAt: Date.now() }));
  ids.forEach((id) => ledger.update(id, { status: 'ended', endedAt: Date.now(), endedBy: { reason: 'operator', by: 'olga' } }));
  return ids;
}

async function until(what: string, condition: () => boolean, detail: () => string = () => '', ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Still waiting for ${what} ${detail()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Exactly once after de-duplication, and in history order within each impersonation. */
function expectEveryEventOnceInOrder(ledger: Ledger, sink: AuditReceiver): Arrived[] {
  const all = ledger.eventsAfter(0, 10_000);
  const unique = sink.unique();
  expect(unique.map((event) => event.id).sort()).toEqual(all.map((event) => event.id).sort());
  const byImpersonation = new Map<string, number[]>();
  for (const event of unique) {
    const id = event.attributes['understudy.impersonation.id'];
    if (typeof id === 'string') byImpersonation.set(id, [...(byImpersonation.get(id) ?? []), Number(event.attributes['understudy.event.seq'])]);
  }
  for (const seqs of byImpersonation.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  return unique;
}

describe('OpenTelemetry logs over OTLP/HTTP', () => {
  it('delivers every event once after a sink that was down, then answered 500, 503 and 429', async () => {
    const ledger = openLedger();
    const collector = await receiver();
    await collector.down();
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: collector.origin, headers: { 'x-api-key': COLLECTOR_KEY } }]);
    box.start();
    const ids = interleavedImpersonations(ledger);
    ledger.record('policy_changed', { source: 'organisation', observedBy: 'olga', after: { auditSinks: [{ type: 'otlp-http', endpoint: collector.origin, headers: { 'x-api-key': COLLECTOR_KEY } }] } });

    await until('the outbox to record the failure', () => box.status().sinks[0]!.failingSince !== null);
    const down = box.status().sinks[0]!;
    expect(down).toMatchObject({ kind: 'otlp-http', target: `${collector.origin}/v1/logs`, queued: 13, lastDeliveryAt: null, lastError: expect.stringContaining('could not be reached') });
    expect(await box.refusal()).toMatch(/^Impersonation is paused: .*\/v1\/logs has not accepted audit events .*could not be reached.*13 waiting events/);

    // Back, but: stored and answered 500 (the batch comes again), 503, then 429 asking for a second.
    collector.script.push({ kind: 'status', status: 500, keep: true }, { kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '1' });
    await collector.up();
    await until('every event delivered', () => box.status().sinks[0]!.queued === 0);

    const unique = expectEveryEventOnceInOrder(ledger, collector);
    expect(collector.arrived.length).toBeGreaterThan(unique.length); // the 500 batch arrived twice
    const statuses = collector.requests.map((request) => request.status);
    expect(statuses.slice(0, 3)).toEqual([500, 503, 429]);
    const after429 = collector.requests[3]!.at - collector.requests[2]!.at;
    expect(after429).toBeGreaterThanOrEqual(950); // Retry-After: 1 honoured
    expect(collector.requests.every((request) => request.headers['x-api-key'] === COLLECTOR_KEY && !request.problem)).toBe(true);
    expect(box.status().sinks[0]).toMatchObject({ failingSince: null, lastError: null, lastDeliveryAt: expect.any(Number) });
    expect(await box.refusal()).toBeNull();

    // The schema: names, identity, the chain, and the impersonation as the trace.
    const first = unique.find((event) => event.attributes['understudy.impersonation.id'] === ids[0])!;
    expect(first).toMatchObject({
      name: 'understudy.impersonation.started',
      traceId: ids[0]!.replace(/-/g, ''),
      attributes: {
        'event.name': 'understudy.impersonation.started',
        'enduser.id': 'user_1',
        'understudy.actor.id': 'user_op',
        'understudy.os_user': 'olga',
        'understudy.instance': 'Acme Live',
        'understudy.production': true,
        'understudy.reason': 'SUP-101 billing page broken',
        'understudy.ticket': 'SUP-101',
        'understudy.event.prev_hash': expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    const names = unique.filter((event) => event.attributes['understudy.impersonation.id'] === ids[1]).map((event) => event.name);
    expect(names).toEqual(['understudy.impersonation.started', 'understudy.impersonation.token_minted', 'understudy.impersonation.signed_in', 'understudy.impersonation.ended']);
    const chain = ledger.eventsAfter(0, 100);
    for (const event of unique) {
      const recorded = chain.find((candidate) => candidate.id === event.id)!;
      expect(event.attributes).toMatchObject({ 'understudy.event.hash': recorded.hash, 'understudy.event.prev_hash': recorded.prevHash });
      expect(event.at).toBe(recorded.at);
    }
    const policy = unique.find((event) => event.name === 'understudy.policy.changed')!;
    expect(policy.attributes['understudy.details']).toContain('"x-api-key":"[set]"');
    // Never a secret: the collector's key goes in its header only.
    expect(collector.requests.map((request) => request.body).join('\n')).not.toContain(COLLECTOR_KEY);
  });

  it('takes a partial success as delivered, says what was rejected, and does not send it again', async () => {
    const ledger = openLedger();
    const collector = await receiver();
    collector.script.push({ kind: 'accept', partial: { rejected: 1, message: 'attribute too long' } });
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: `${collector.origin}/` }]);
    box.start();
    ledger.begin(newEntry(1));
    await until('the delivery', () => box.status().sinks[0]!.queued === 0);
    await box.settled();
    expect(collector.requests).toHaveLength(1);
    expect(box.status().sinks[0]).toMatchObject({ failingSince: null, lastError: expect.stringContaining('rejected 1 of 1: attribute too long') });
  });
});

describe('the signed webhook', () => {
  it('is verified by the receiver, and a wrong secret or a stale timestamp keeps the events queued', async () => {
    const ledger = openLedger();
    const hook = await receiver({ webhookSecret: HOOK_SECRET });
    const env: Record<string, string> = {};
    const config: AuditSinkConfig = { type: 'webhook', url: `${hook.origin}/audit`, secretEnv: 'UNDERSTUDY_AUDIT_SECRET' };

    // No secret set: nothing is sent unsigned.
    const unsigned = outbox(ledger, [config], { env });
    unsigned.start();
    interleavedImpersonations(ledger);
    await until('the missing secret to show', () => unsigned.status().sinks[0]!.failingSince !== null);
    expect(unsigned.status().sinks[0]!.lastError).toBe(
      `The signing secret for ${hook.origin}/audit is missing: your organisation's policy says it is in the environment variable UNDERSTUDY_AUDIT_SECRET, and it is not there.`,
    );
    expect(hook.requests).toHaveLength(0);
    unsigned.stop();

    // The wrong secret: the receiver refuses the signature.
    env['UNDERSTUDY_AUDIT_SECRET'] = 'not-the-secret';
    const wrong = outbox(ledger, [config], { env });
    wrong.start();
    await until('the refusal', () => hook.requests.length > 0 && wrong.status().sinks[0]!.lastError?.includes('401') === true);
    expect(hook.requests[0]!.problem).toBe('signature does not match');
    expect(wrong.status().sinks[0]!.queued).toBe(12);
    wrong.stop();

    // A signature made ten minutes ago is outside the receiver's replay window.
    env['UNDERSTUDY_AUDIT_SECRET'] = HOOK_SECRET;
    const stale = outbox(ledger, [config], { env, now: () => Date.now() - 600_000 });
    stale.start();
    await until('the stale refusal', () => hook.requests.some((request) => request.problem === 'timestamp outside the replay window'));
    stale.stop();
    expect(hook.arrived).toHaveLength(0);

    const right = outbox(ledger, [config], { env });
    right.start();
    await until('every event delivered', () => right.status().sinks[0]!.queued === 0);
    expectEveryEventOnceInOrder(ledger, hook);
    const accepted = hook.requests.filter((request) => request.status === 200);
    expect(accepted.length).toBe(3); // 12 events, batches of 5
    expect(accepted.every((request) => /^v1=[0-9a-f]{64}$/.test(String(request.headers['understudy-signature'])))).toBe(true);
    expect(hook.requests.map((request) => request.body).join('\n')).not.toContain(HOOK_SECRET);
  });

  it('reads its secret from the keychain item IT provisioned', async () => {
    const ledger = openLedger();
    const hook = await receiver({ webhookSecret: HOOK_SECRET });
    const service = `understudy-audit-test-${randomBytes(6).toString('hex')}`;
    const keychain = createKeytarKeychain(service);
    cleanups.push(() => keychain.delete('desk-hook'));
    const config: AuditSinkConfig = { type: 'webhook', url: `${hook.origin}/audit`, secretKeychain: 'desk-hook' };

    const before = outbox(ledger, [config], { keychain });
    before.start();
    ledger.begin(newEntry(1));
    await until('the missing secret to show', () => before.status().sinks[0]!.failingSince !== null);
    expect(before.status().sinks[0]!.lastError).toBe(
      `The signing secret for ${hook.origin}/audit is missing: your organisation's policy says it is in the keychain under “${service}”, account “desk-hook”, and it is not there.`,
    );
    before.stop();

    await keychain.set('desk-hook', HOOK_SECRET); // what IT's provisioning does (README)
    const after = outbox(ledger, [config], { keychain });
    after.start();
    await until('the delivery', () => after.status().sinks[0]!.queued === 0);
    expectEveryEventOnceInOrder(ledger, hook);
  });
});

describe('a writer killed between the event and its delivery', () => {
  it('delivers everything at the next start, the batch in flight de-duplicated', async () => {
    const collector = await receiver();
    collector.script.push({ kind: 'hang' }); // stores the first batch and never answers: the cursor never moves
    const child = join(dir, 'writer.mts');
    const src = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);
    writeFileSync(
      child,
      `import { writeSync } from 'node:fs';
import { createElectronStoreDocuments } from ${src('src/main/electron/electron-store-document.ts')};
import { Ledger } from ${src('src/main/ledger/ledger.ts')};
import { AuditOutbox, sinksFromPolicy } from ${src('src/main/audit/outbox.ts')};
const { ledger } = Ledger.open(createElectronStoreDocuments(process.argv[2]));
const sinks = sinksFromPolicy([{ type: 'otlp-http', endpoint: process.argv[3] }], { secrets: { env: {} }, resource: {}, now: Date.now });
new AuditOutbox({ ledger, sinks, delivery: 'best-effort', timing: { batch: 5 } }).start();
for (let n = 1; n <= 4; n++) {
  const entry = ledger.begin(${JSON.stringify(newEntry(1))});
  ledger.update(entry.id, { status: 'failed', error: 'Clerk said no', endedAt: Date.now() });
}
writeSync(1, 'recorded\\n');
setInterval(() => {}, 1000);
`,
    );
    const proc = spawn(process.execPath, ['--no-warnings', '--import', resolve('scripts/register-electron-stub.mjs'), child, join(dir, 'data'), collector.origin], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk));
    await until('the child to record and send', () => out.includes('recorded') && collector.requests.length > 0, () => `${out}\n${err}`);
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('close', r));
    expect(err).toBe('');
    expect(collector.arrived.length).toBeGreaterThan(0);

    const ledger = openLedger();
    expect(ledger.lastSeq).toBe(8);
    expect(ledger.auditCursors.get(sinksFromPolicy([{ type: 'otlp-http', endpoint: collector.origin }], { secrets: { env: {} }, resource: {}, now: Date.now })[0]!.id).deliveredSeq).toBe(0);
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: collector.origin }]);
    box.start();
    await until('every event delivered', () => box.status().sinks[0]!.queued === 0);
    expectEveryEventOnceInOrder(ledger, collector);
    expect(collector.arrived.length).toBeGreaterThan(8); // the batch in flight when it died came again

    // The cursor is on disk: after another restart only what is new is sent.
    box.stop();
    ledger.close();
    const reopened = openLedger();
    const again = outbox(reopened, [{ type: 'otlp-http', endpoint: collector.origin }]);
    const before = collector.arrived.length;
    again.start();
    reopened.begin(newEntry(2));
    await until('the new event delivered', () => again.status().sinks[0]!.queued === 0 && collector.arrived.length > before);
    await again.settled();
    expect(collector.arrived.slice(before).map((event) => event.name)).toEqual(['understudy.impersonation.started']);
  });
});

describe('auditDelivery', () => {
  it('"required" waits for the Retry-After a sink asked for before trying again for a start', async () => {
    const ledger = openLedger();
    const collector = await receiver();
    collector.script.push({ kind: 'status', status: 429, retryAfter: '120' });
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: collector.origin }]);
    box.start();
    ledger.begin(newEntry(1));
    await until('the 429', () => box.status().sinks[0]!.failingSince !== null);
    const refusal = await box.refusal();
    expect(refusal).toContain('answered HTTP 429');
    expect(refusal).toMatch(/next attempt in (119|120) s|next attempt in 2 min/);
    expect(collector.requests).toHaveLength(1);
  });

  /** One event recorded while the only sink is down, its failure seen. */
  async function failingSink(delivery: 'best-effort' | 'required') {
    const ledger = openLedger();
    const collector = await receiver();
    await collector.down();
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: collector.origin }], { delivery });
    box.start();
    ledger.begin(newEntry(1));
    await until('the failure', () => box.status().sinks[0]!.failingSince !== null);
    return { box, collector };
  }

  it('"required" tries a sink that came back at once, so the start can go', async () => {
    const { box, collector } = await failingSink('required');
    expect(box.status().blocking).toContain('could not be reached');
    await collector.up();
    expect(await box.refusal()).toBeNull();
    expect(box.status()).toMatchObject({ blocking: null, sinks: [{ queued: 0 }] });
  });

  it('"required" counts a sink that holds events unconfirmed too long as unreachable (it hangs)', async () => {
    const ledger = openLedger();
    const collector = await receiver();
    collector.script.push({ kind: 'hang' });
    let clock = Date.now();
    const box = outbox(ledger, [{ type: 'otlp-http', endpoint: collector.origin }], { now: () => clock });
    box.start();
    ledger.begin(newEntry(1));
    await until('the request in flight', () => collector.requests.length === 1);
    expect(box.status().blocking).toBeNull(); // waiting a moment is normal
    clock += (FAST.staleMs ?? 0) + 1_000;
    expect(box.status()).toMatchObject({ sinks: [{ failingSince: null, queued: 1 }], blocking: expect.stringContaining('has not confirmed audit events waiting for') });
  });

  it('"best-effort" never refuses a start, and still queues', async () => {
    const { box } = await failingSink('best-effort');
    expect(await box.refusal()).toBeNull();
    expect(box.status()).toMatchObject({ delivery: 'best-effort', blocking: null, sinks: [{ queued: 1 }] });
  });
});
