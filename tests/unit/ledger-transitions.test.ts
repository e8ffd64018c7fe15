import { describe, expect, it } from 'vitest';
import { Ledger, type NewLedgerEntry } from '../../src/main/ledger/ledger.ts';
import { TRANSITIONS } from '../../src/main/ledger/transitions.ts';
import { diskHistory } from '../support/ledger-history.ts';
import type { LedgerStatus } from '../../src/shared/domain.ts';
import { AppError } from '../../src/shared/errors.ts';

const newEntry = (over: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  profileId: 'prof_1',
  profileName: 'Acme Dev',
  production: false,
  subject: { id: 'user_1', name: 'Jane Doe', email: 'jane@example.com' },
  operator: { clerkUserId: 'user_op', osUser: 'olga' },
  reason: 'SUP-1 billing',
  tokenTtlSeconds: 600,
  sessionMaxSeconds: 1800,
  readOnly: false,
  ...over,
});

/** A ledger on a real database file; `store.text` is what is on disk. */
function open(store = diskHistory(), start = 1_000_000) {
  let time = start;
  const { ledger, notice } = Ledger.open(store.store, { now: () => time, database: store.database });
  return { ledger, notice, store, tick: (ms = 1000) => (time += ms) };
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

const ALL: LedgerStatus[] = ['minting', 'pending', 'accepted', 'ending', 'ended', 'revoked', 'expired', 'failed', 'unknown'];

/** Drives a fresh entry to `status` along legal moves. */
const PATH_TO: Record<LedgerStatus, LedgerStatus[]> = {
  minting: [],
  pending: ['pending'],
  accepted: ['pending', 'accepted'],
  ending: ['pending', 'accepted', 'ending'],
  unknown: ['unknown'],
  ended: ['pending', 'ended'],
  revoked: ['pending', 'revoked'],
  expired: ['pending', 'expired'],
  failed: ['failed'],
};

describe('Ledger.begin', () => {
  it('records a minting entry with a fresh id, times from the clock, and nothing else set', () => {
    const { ledger, store } = open();
    const entry = ledger.begin(newEntry({ readOnly: true }));
    expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry).toEqual({
      id: entry.id,
      actorTokenId: null,
      ...newEntry({ readOnly: true }),
      createdAt: 1_000_000,
      tokenExpiresAt: 1_000_000 + 600_000,
      status: 'minting',
      sessionId: null,
      acceptedAt: null,
      endedAt: null,
      endedBy: null,
      error: null,
    });
    // On disk before begin returned.
    expect(JSON.parse(store.text!).entries).toEqual([entry]);
    expect(ledger.begin(newEntry()).id).not.toBe(entry.id);
  });

  it('hands out frozen entries, so callers cannot change the history behind its back', () => {
    const { ledger } = open();
    const entry = ledger.begin(newEntry());
    expect(() => ((entry as { status: string }).status = 'ended')).toThrow(TypeError);
    expect(() => ((entry.subject as { name: string }).name = 'x')).toThrow(TypeError);
  });

  it('leaves memory untouched when the write fails', () => {
    const { ledger, store } = open();
    store.failWrites = true;
    const error = thrown(() => ledger.begin(newEntry()));
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/could not be saved/);
    expect(ledger.query({})).toEqual([]);
  });
});

describe('Ledger.update transitions', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      if (from === to) continue;
      const legal = TRANSITIONS[from].includes(to);
      it(`${from} → ${to} is ${legal ? 'allowed' : 'a conflict'}`, () => {
        const { ledger, store } = open();
        let entry = ledger.begin(newEntry());
        for (const step of PATH_TO[from]) entry = ledger.update(entry.id, { status: step });
        expect(entry.status).toBe(from);
        const before = store.text;
        if (legal) {
          expect(ledger.update(entry.id, { status: to }).status).toBe(to);
          expect(JSON.parse(store.text!).entries[0].status).toBe(to);
        } else {
          expect(thrown(() => ledger.update(entry.id, { status: to })).kind).toBe('conflict');
          expect(store.text).toBe(before);
          expect(ledger.get(entry.id)!.status).toBe(from);
        }
      });
    }
  }

  it('matches the documented life of an entry', () => {
    expect(TRANSITIONS).toEqual({
      minting: ['pending', 'failed', 'unknown'],
      pending: ['accepted', 'revoked', 'expired', 'failed', 'ended', 'ending'],
      accepted: ['ended', 'expired', 'ending'],
      ending: ['ended', 'revoked', 'expired', 'failed'],
      unknown: ['expired', 'revoked', 'ended', 'failed'],
      ended: [],
      revoked: [],
      expired: [],
      failed: [],
    });
  });

  it('sets the other fields, keeps the rest, and freezes finished entries for good', () => {
    const { ledger, tick } = open();
    const entry = ledger.begin(newEntry());
    tick();
    const pending = ledger.update(entry.id, { status: 'pending', actorTokenId: 'act_123' });
    const accepted = ledger.update(entry.id, { status: 'accepted', sessionId: 'sess_1', acceptedAt: 1_001_000 });
    expect(accepted).toMatchObject({ actorTokenId: 'act_123', sessionId: 'sess_1', acceptedAt: 1_001_000, reason: 'SUP-1 billing' });
    expect(pending.status).toBe('pending'); // the earlier object is not changed
    const ended = ledger.update(entry.id, { status: 'ended', endedAt: 1_002_000, endedBy: { reason: 'operator', by: 'olga' } });
    expect(ended.endedBy).toEqual({ reason: 'operator', by: 'olga' });
    const error = thrown(() => ledger.update(entry.id, { error: 'late' }));
    expect(error.kind).toBe('conflict');
    expect(error.message).toMatch(/already ended/);
  });

  it('allows changes without a status move on unfinished entries', () => {
    const { ledger } = open();
    const entry = ledger.begin(newEntry());
    expect(ledger.update(entry.id, { status: 'minting', error: null }).status).toBe('minting');
    expect(ledger.update(entry.id, { actorTokenId: 'act_9' }).actorTokenId).toBe('act_9');
  });

  it('reports an unknown id as not found', () => {
    const { ledger } = open();
    expect(thrown(() => ledger.update('nope', { status: 'failed' })).kind).toBe('not-found');
    expect(ledger.get('nope')).toBeNull();
  });
});

describe('no secret ever reaches the history', () => {
  it('refuses unknown fields such as a ticket URL or a token, naming the field but not the value', () => {
    const { ledger, store } = open();
    const withUrl = { ...newEntry(), url: 'https://accounts.example.com/v1/tickets/accept?ticket=eyJSECRET' } as NewLedgerEntry;
    const error = thrown(() => ledger.begin(withUrl));
    expect(error.message).toMatch(/url/);
    expect(error.message).not.toMatch(/eyJSECRET|tickets/);
    expect(store.text).toBeUndefined();

    const entry = ledger.begin(newEntry());
    const before = store.text;
    for (const patch of [{ token: 'eyJSECRET' }, { url: 'https://x?ticket=eyJSECRET' }, { status: 'pending', secretKey: 'sk_live_SECRET' }]) {
      const refused = thrown(() => ledger.update(entry.id, patch as never));
      expect(refused.message).not.toMatch(/SECRET/);
    }
    expect(thrown(() => ledger.begin({ ...newEntry(), subject: { ...newEntry().subject, token: 'x' } } as never)).kind).toBe('internal');
    expect(store.text).toBe(before);
    expect(store.text).not.toMatch(/SECRET/);
    expect(store.bytes()).not.toMatch(/SECRET/);
  });

  it('redacts keys, JWTs and ticket URLs pasted into the reason or an error', () => {
    const { ledger, store } = open();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl';
    const entry = ledger.begin(newEntry({ reason: `SUP-2 key sk_live_abcDEF123 and ${jwt}` }));
    expect(entry.reason).toBe('SUP-2 key [redacted] and [redacted]');
    const failed = ledger.update(entry.id, { status: 'failed', error: 'Opening https://acme.accounts.dev/v1/tickets/accept?__clerk_ticket=abc123 failed' });
    expect(failed.error).toBe('Opening [redacted] failed');
    expect(store.text).not.toMatch(/sk_live|eyJ|__clerk_ticket/);
    expect(store.bytes()).not.toMatch(/sk_live|eyJ|__clerk_ticket/);
  });
});

describe('Ledger queries', () => {
  it('filters by user, operator (id or OS user), status, profile and time, newest first', () => {
    const { ledger, tick } = open();
    const a = ledger.begin(newEntry());
    tick();
    const b = ledger.begin(newEntry({ subject: { id: 'user_2', name: 'Ann', email: null }, operator: { clerkUserId: 'user_op2', osUser: 'Piet' } }));
    tick();
    const c = ledger.begin(newEntry({ profileId: 'prof_2' }));
    ledger.update(b.id, { status: 'failed' });

    const ids = (filter: Parameters<Ledger['query']>[0]) => ledger.query(filter).map((e) => e.id);
    expect(ids({})).toEqual([c.id, b.id, a.id]);
    expect(ids({ userId: 'user_1' })).toEqual([c.id, a.id]);
    expect(ids({ operator: 'user_op2' })).toEqual([b.id]);
    expect(ids({ operator: 'piet' })).toEqual([b.id]);
    expect(ids({ operator: 'olga' })).toEqual([c.id, a.id]);
    expect(ids({ status: ['failed'] })).toEqual([b.id]);
    expect(ids({ status: ['minting', 'failed'] })).toEqual([c.id, b.id, a.id]);
    expect(ids({ status: [] })).toEqual([c.id, b.id, a.id]);
    expect(ids({ profileId: 'prof_2' })).toEqual([c.id]);
    expect(ids({ from: a.createdAt + 1 })).toEqual([c.id, b.id]);
    expect(ids({ to: b.createdAt })).toEqual([b.id, a.id]);
    expect(ids({ from: b.createdAt, to: b.createdAt })).toEqual([b.id]);
    expect(ids({ userId: 'user_1', status: ['minting'], from: b.createdAt })).toEqual([c.id]);
    expect(ledger.live().map((e) => e.id)).toEqual([c.id, a.id]);
  });

  it('keeps time order when the clock goes back', () => {
    const { ledger, tick } = open();
    const a = ledger.begin(newEntry());
    tick(-500);
    const b = ledger.begin(newEntry());
    tick(1000);
    const c = ledger.begin(newEntry());
    expect(ledger.query({}).map((e) => e.id)).toEqual([c.id, a.id, b.id]);
    ledger.update(b.id, { status: 'failed' });
    expect(ledger.query({ status: ['failed'] }).map((e) => e.id)).toEqual([b.id]);
    expect(ledger.query({ to: b.createdAt }).map((e) => e.id)).toEqual([b.id]);
  });

  it('tells listeners after the change is on disk, and stops when unsubscribed', () => {
    const { ledger, store } = open();
    const seen: string[] = [];
    const off = ledger.onChange((entry) => seen.push(`${entry.status}:${JSON.parse(store.text!).entries.at(-1).status}`));
    ledger.onChange(() => {
      throw new Error('a broken listener does not break the ledger');
    });
    const entry = ledger.begin(newEntry());
    ledger.update(entry.id, { status: 'pending' });
    off();
    ledger.update(entry.id, { status: 'ended' });
    expect(seen).toEqual(['minting:minting', 'pending:pending']);
  });
});
