// Fuzzes every IPC channel through the real registration and dispatch, in front of the real
// services: keytar under the test keyring (run under scripts/with-keyring.mjs), electron-store
// documents in a temp folder, the Clerk sandbox, and an in-memory window host. Thousands of
// malformed inputs, generated from a description of each channel's fields plus a seeded generator,
// must each resolve to `invalid-input` without any handler running; every call from a foreign
// sender must resolve to `forbidden-sender`, even with a valid input. Afterwards nothing is
// polluted, the files on disk reopen cleanly and the console still works.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contract, ledgerFilterSchema, policySchema, type Channel } from '../../src/shared/contract.ts';
import type { ErrorKind, Result } from '../../src/shared/errors.ts';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { createKeytarKeychain } from '../../src/main/credentials/keytar-keychain.ts';
import type { Keychain } from '../../src/main/credentials/keychain.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import type { ImpersonationWindow, WindowHost, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { registerHandlers, type Handlers, type IpcListener } from '../../src/main/ipc/register.ts';
import type { IpcSender } from '../../src/main/ipc/sender.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { createLogger } from '../../src/main/log.ts';
import { createServices, type MainServices } from '../../src/main/services.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import {
  ANY_TYPE,
  deepArray,
  deepObject,
  HUGE_ASCII,
  HUGE_EMOJI,
  jsType,
  pollutingKeys,
  prototypeSnapshot,
  Rng,
  STRANGE_TEXT,
  wrongTypes,
  type JsType,
  type Labelled,
} from '../support/fuzz.ts';

const SEED = 0x5eed_1234;
const CALL_TIMEOUT_MS = 10_000;
const [ADA] = SANDBOX_FIXTURES.plain;

// ─── the error kinds, checked against the type so a new kind cannot be forgotten here ────────────
const ERROR_KINDS = [
  'invalid-input', 'forbidden-sender', 'invalid-key', 'not-found', 'validation', 'quota', 'rate-limited',
  'network', 'ambiguous', 'keychain-unavailable', 'keychain-denied', 'policy', 'audit-unreachable', 'conflict', 'internal',
] as const satisfies readonly ErrorKind[];
const allKinds: [Exclude<ErrorKind, (typeof ERROR_KINDS)[number]>] extends [never] ? true : never = true;
const KINDS = new Set<string>(ERROR_KINDS);

// ─── what each channel takes, described once; a test keeps this in step with the contract ────────
type Field = { optional?: true } & (
  | { kind: 'id'; prefix?: string }
  /** nonEmpty: `trimmed` when the schema trims before its min(1) check. */
  | { kind: 'text'; max: number; nonEmpty?: 'raw' | 'trimmed' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; of: Field; max: number }
  | { kind: 'object'; fields: Record<string, Field> }
);
const id: Field = { kind: 'id' };
const userId: Field = { kind: 'id', prefix: 'user_' };
const seconds: Field = { kind: 'int', min: 1, max: 30 * 24 * 3600 };
const STATUSES = ['minting', 'pending', 'accepted', 'ending', 'ended', 'revoked', 'expired', 'failed', 'unknown'] as const;
const filter: Field = {
  kind: 'object',
  fields: {
    userId: { ...id, optional: true },
    operator: { kind: 'text', max: 200, optional: true },
    status: { kind: 'array', of: { kind: 'enum', values: STATUSES }, max: 9, optional: true },
    profileId: { ...id, optional: true },
    from: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, optional: true },
    to: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, optional: true },
  },
};
const policy: Field = {
  kind: 'object',
  fields: {
    requireReason: { kind: 'bool' },
    maxTokenTtlSeconds: seconds,
    maxSessionSeconds: seconds,
    protectedRoles: { kind: 'array', of: { kind: 'text', max: 64, nonEmpty: 'raw' }, max: 50 },
    protectBanned: { kind: 'bool' },
    protectedUserIds: { kind: 'array', of: userId, max: 1000 },
    confirmProduction: { kind: 'bool' },
  },
};
const FIELDS: Record<Channel, Record<string, Field>> = {
  'app:getState': {},
  'app:dismissNotice': { index: { kind: 'int', min: 0, max: 1000 } },
  'app:openLogFolder': {},
  'profiles:add': { name: { kind: 'text', max: 80, nonEmpty: 'trimmed' }, secretKey: { kind: 'text', max: 512 } },
  'profiles:rename': { profileId: id, name: { kind: 'text', max: 80, nonEmpty: 'trimmed' } },
  'profiles:remove': { profileId: id },
  'profiles:select': { profileId: id },
  'profiles:setOperator': { profileId: id, userId },
  'profiles:setPolicy': { profileId: id, policy },
  'profiles:setAppOrigins': { profileId: id, appOrigins: { kind: 'array', of: { kind: 'text', max: 2048 }, max: 100 } },
  'users:search': { profileId: id, query: { kind: 'text', max: 200 }, limit: { kind: 'int', min: 1, max: 100 }, offset: { kind: 'int', min: 0, max: 1_000_000 } },
  'users:get': { profileId: id, userId },
  'users:sessions': { profileId: id, userId },
  'impersonation:start': {
    profileId: id,
    userId,
    reason: { kind: 'text', max: 200 },
    tokenTtlSeconds: seconds,
    sessionMaxSeconds: seconds,
    readOnly: { kind: 'bool' },
    confirmation: { kind: 'text', max: 80, optional: true },
  },
  'impersonation:list': {},
  'impersonation:focus': { id },
  'impersonation:end': { id },
  'impersonation:endAll': {},
  'impersonation:retryEnd': { id },
  'impersonation:arrange': {},
  'ledger:query': { filter },
  'ledger:revokeToken': { entryId: id },
  'ledger:export': { format: { kind: 'enum', values: ['csv', 'json'] }, filter },
  'ledger:page': {
    filter,
    order: { kind: 'enum', values: ['newest', 'oldest'], optional: true },
    offset: { kind: 'int', min: 0, max: 10_000_000 },
    limit: { kind: 'int', min: 1, max: 500 },
  },
  'ledger:policyChanges': { filter, offset: { kind: 'int', min: 0, max: 10_000_000 }, limit: { kind: 'int', min: 1, max: 100 } },
  'ledger:checkUnknown': { entryId: id },
  'ledger:verify': {},
  'audit:status': {},
  'deepLink:take': {},
  'clerk:check': { from: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, to: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER } },
  'clerk:endSession': { checkId: id, sessionId: { kind: 'id', prefix: 'sess_' } },
  'clerk:exportCheck': { checkId: id, format: { kind: 'enum', values: ['csv', 'json'] } },
};

// ─── generating invalid values ─────────────────────────────────────────────────────────────────
const MARK = 'FUZZMARK';
const DEEP = 10_000;
/** Strings that can never pass an id check (outside [A-Za-z0-9_-]). */
const ID_BREAKERS = STRANGE_TEXT.filter(({ value }) => !/^[A-Za-z0-9_-]+$/.test(value));

function typeOf(field: Field): JsType {
  switch (field.kind) {
    case 'id': case 'text': case 'enum': return 'string';
    case 'int': return 'number';
    case 'bool': return 'boolean';
    case 'array': return 'array';
    case 'object': return 'object';
  }
}

/** A value the schema accepts, used as the base every mutation starts from. */
function validValue(field: Field, name: string): unknown {
  switch (field.kind) {
    case 'id': return field.prefix === 'user_' ? ADA : field.prefix ? `${field.prefix}fuzz1` : name === 'profileId' ? 'fuzz-co' : 'entry-1';
    case 'text': return field.nonEmpty ? 'Fuzz Co' : 'ada';
    case 'int': return Math.max(field.min, Math.min(field.max, 60));
    case 'bool': return false;
    case 'enum': return field.values[0];
    case 'array': return [];
    case 'object': return Object.fromEntries(Object.entries(field.fields).filter(([, f]) => !f.optional).map(([key, f]) => [key, validValue(f, key)]));
  }
}

/**
 * zod's object check accepts any non-array object: a Date, Map or Error has no own keys, so where
 * every field is optional it reads as `{}` (and the handler gets a fresh plain `{}`, see the test).
 */
const readsAsEmpty = (value: unknown) => jsType(value) === 'other' && typeof value === 'object' && value !== null && Object.keys(value).length === 0;
const allOptional = (fields: Record<string, Field>) => Object.values(fields).every((field) => field.optional);
const EMPTY_LOOKING = ANY_TYPE.filter(({ value }) => readsAsEmpty(value));

/** Wrong types for a field, minus the key-less objects an all-optional object schema accepts. */
function wrongFor(field: Field): Labelled[] {
  const wrong = wrongTypes(typeOf(field), { optional: field.optional });
  return field.kind === 'object' && allOptional(field.fields) ? wrong.filter(({ value }) => !readsAsEmpty(value)) : wrong;
}

/** Values that must fail `field`'s schema, whatever else is in the input. */
function invalidValues(field: Field, name: string): Labelled[] {
  const deep: Labelled[] = [
    { label: `deep object (${DEEP})`, value: deepObject(DEEP) },
    { label: `deep array (${DEEP})`, value: deepArray(DEEP) },
  ];
  const out: Labelled[] = [...wrongFor(field), ...deep];
  switch (field.kind) {
    case 'id':
      out.push(
        { label: 'too long (129)', value: `${MARK}${'a'.repeat(121)}` },
        { label: '1 MiB', value: HUGE_ASCII },
        { label: '1 MiB emoji', value: HUGE_EMOJI },
        ...ID_BREAKERS,
        { label: 'space inside', value: `${MARK} x` },
        { label: 'dot', value: 'a.b' },
        { label: 'empty', value: '' },
      );
      if (field.prefix) out.push({ label: 'other prefix', value: `usr_${MARK}` }, { label: 'upper-case prefix', value: `USER_${MARK}` }, { label: 'no prefix', value: MARK });
      break;
    case 'text':
      out.push(
        { label: `too long (${field.max + 1})`, value: `${MARK}${'x'.repeat(field.max + 1 - MARK.length)}` },
        // zod counts code points: max + 1 astral characters.
        { label: 'too long in emoji', value: '🔑'.repeat(field.max + 1) },
        { label: '1 MiB', value: HUGE_ASCII },
        { label: '1 MiB emoji', value: HUGE_EMOJI },
      );
      if (field.nonEmpty) out.push({ label: 'empty', value: '' });
      if (field.nonEmpty === 'trimmed') out.push({ label: 'only whitespace', value: ' \t\n ' });
      break;
    case 'int':
      out.push(
        { label: 'NaN', value: Number.NaN },
        { label: 'Infinity', value: Number.POSITIVE_INFINITY },
        { label: '-Infinity', value: Number.NEGATIVE_INFINITY },
        { label: `below ${field.min}`, value: field.min - 1 },
        { label: 'fraction', value: field.min + 0.5 },
      );
      if (field.max < Number.MAX_SAFE_INTEGER) out.push({ label: `above ${field.max}`, value: field.max + 1 });
      else out.push({ label: 'unsafe integer', value: 2 ** 60 });
      break;
    case 'bool':
      break;
    case 'enum':
      out.push(
        { label: 'upper case', value: field.values[0]!.toUpperCase() },
        { label: 'trailing space', value: `${field.values[0]} ` },
        { label: 'with NUL', value: `${field.values[0]}\u0000` },
        { label: 'unknown', value: `${MARK}-value` },
        { label: 'empty', value: '' },
        { label: '1 MiB', value: HUGE_ASCII },
      );
      break;
    case 'array': {
      const element = validValue(field.of, name);
      out.push({ label: `too many (${field.max + 1})`, value: Array.from({ length: field.max + 1 }, () => element) });
      for (const bad of invalidValues(field.of, name).filter((bad) => bad.value !== undefined).slice(0, 40)) {
        out.push({ label: `element ${bad.label}`, value: [element, bad.value] });
      }
      break;
    }
    case 'object': {
      const base = validValue(field, name) as Record<string, unknown>;
      for (const [key, sub] of Object.entries(field.fields)) {
        if (!sub.optional) out.push({ label: `missing ${key}`, value: omit(base, key) });
        for (const bad of invalidValues(sub, key)) out.push({ label: `${key}=${bad.label}`, value: { ...base, [key]: bad.value } });
      }
      out.push({ label: 'extra key', value: { ...base, [`${MARK}_extra`]: 1 } });
      for (const polluted of pollutingKeys(base)) out.push(polluted);
      out.push({ label: 'self-similar nesting', value: deepObject(DEEP, name) });
      break;
    }
  }
  return out;
}

function omit(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

interface Case {
  channel: Channel;
  label: string;
  input: unknown;
}

/** Every invalid input of one channel: systematic ones, then random combinations. */
function invalidCases(channel: Channel, rng: Rng): Case[] {
  const fields = FIELDS[channel];
  const base = validValue({ kind: 'object', fields }, channel) as Record<string, unknown>;
  const cases: Case[] = [];
  const add = (label: string, input: unknown) => cases.push({ channel, label, input });

  for (const wrong of wrongFor({ kind: 'object', fields })) add(`input=${wrong.label}`, wrong.value);
  add('input=deep object', deepObject(DEEP));
  add('input=deep array', deepArray(DEEP));
  add('input=valid base in an array', [base]);
  add('extra field', { ...base, extra: 1 });
  add('extra isAdmin', { ...base, isAdmin: true });
  if (!('secretKey' in fields)) add('extra secretKey', { ...base, secretKey: `sk_live_${MARK}${'x'.repeat(40)}` });
  add('extra field holding deep nesting', { ...base, extra: deepObject(DEEP) });
  add('1 MiB key name', { ...base, [HUGE_ASCII]: 1 });
  for (const polluted of pollutingKeys(base)) add(polluted.label, polluted.value);

  const perField: { key: string; bad: Labelled }[] = [];
  for (const [key, field] of Object.entries(fields)) {
    if (!field.optional) add(`missing ${key}`, omit(base, key));
    for (const bad of invalidValues(field, key)) {
      perField.push({ key, bad });
      add(`${key}=${bad.label}`, { ...base, [key]: bad.value });
    }
  }
  // Several broken fields at once, plus a harmless strange string elsewhere: still invalid.
  for (let i = 0; perField.length > 0 && i < 60; i++) {
    const picks = rng.sample(perField, 1 + rng.int(3));
    const input: Record<string, unknown> = { ...base };
    for (const { key, bad } of picks) input[key] = bad.value;
    if (rng.next() < 0.5) input[`extra_${rng.int(1000)}`] = rng.pick(STRANGE_TEXT).value;
    add(`random ${picks.map(({ key, bad }) => `${key}=${bad.label}`).join(' + ')}`, input);
  }
  return cases;
}

// ─── the services under test ───────────────────────────────────────────────────────────────────
class MemoryWindow implements ImpersonationWindow {
  readonly impersonationId: string;
  #closed = false;
  readonly #onClosed: () => void;
  constructor(spec: WindowSpec, onClosed: () => void) {
    this.impersonationId = spec.impersonationId;
    this.#onClosed = onClosed;
  }
  async cookies() {
    return [];
  }
  onCookieChanged() {
    return () => undefined;
  }
  updateBanner() {}
  focus() {}
  setBounds() {}
  async clearData() {}
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed();
  }
  isClosed() {
    return this.#closed;
  }
}

/** Opens nothing: records that it was asked. Malformed inputs must never get this far. */
class MemoryWindowHost implements WindowHost {
  readonly opened: WindowSpec[] = [];
  async open(spec: WindowSpec, events: { onClosed(): void }) {
    this.opened.push(spec);
    return new MemoryWindow(spec, () => events.onClosed());
  }
  workArea() {
    return { x: 0, y: 0, width: 1600, height: 900 };
  }
}

const TRUSTED = { webContentsIds: new Set([1]), origin: 'understudy://console' };
const CONSOLE: IpcSender = { frameUrl: 'understudy://console/index.html', isMainFrame: true, webContentsId: 1 };

let sandbox: Sandbox;
let dataDir: string;
let keychain: Keychain;
let services: MainServices;
const listeners = new Map<Channel, IpcListener>();
const handlerCalls: { channel: Channel; input: unknown }[] = [];
const keychainWrites: string[] = [];
const logLines: string[] = [];
const host = new MemoryWindowHost();
let calls = 0;
let slowestMs = 0;

function servicesDeps(dir: string) {
  return {
    keychain,
    documents: createElectronStoreDocuments(dir),
    windowHost: host,
    avatars: new AvatarProxy(),
    saveFile: async () => join(dir, 'export-not-written'),
    emit: () => undefined,
    osUser: 'fuzz-agent',
    log: createLogger((level, line) => logLines.push(`${level} ${line}`)),
    defaultApiUrl: sandbox.apiUrl,
    sandbox: { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: sandbox.origins },
  };
}

/** One IPC call as ipcMain would deliver it; fails the test if it throws or does not settle. */
async function call(channel: Channel, input: unknown, sender: IpcSender | null = CONSOLE): Promise<Result<unknown>> {
  const listener = listeners.get(channel);
  if (!listener) throw new Error(`${channel} is not registered`);
  calls += 1;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), CALL_TIMEOUT_MS)));
  try {
    const result = await Promise.race([listener(sender, input), hung]);
    if (result === 'hung') throw new Error(`${channel} did not settle within ${CALL_TIMEOUT_MS} ms`);
    return result;
  } finally {
    clearTimeout(timer);
    slowestMs = Math.max(slowestMs, performance.now() - started);
  }
}

function expectError(result: Result<unknown>, kind: ErrorKind, label: string): void {
  expect(result.ok, label).toBe(false);
  if (result.ok) return;
  expect(Object.keys(result.error).sort(), label).toEqual(expect.arrayContaining(['kind', 'message']));
  expect(KINDS.has(result.error.kind), label).toBe(true);
  expect(result.error.kind, label).toBe(kind);
  expect(typeof result.error.message, label).toBe('string');
  expect(result.error.message.length, label).toBeGreaterThan(0);
  // Structured-clone safe: it is plain data.
  expect(structuredClone(result), label).toEqual(result);
}

/** The strings of an answer (keys and values), to check that input values are not echoed. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => stringsOf(item, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => (out.push(key), stringsOf(item, out)));
  return out;
}
const ECHO_PROBES = [MARK, HUGE_ASCII.slice(0, 64), HUGE_EMOJI.slice(0, 32), ...STRANGE_TEXT.filter(({ value }) => value.trim().length >= 5).map(({ value }) => value)];
function expectNoValueEcho(result: Result<unknown>, label: string): void {
  // Issue messages may name unknown KEYS (zod's "Unrecognized key"), so only the error message and
  // issue messages built from values are checked, minus the unknown-key wording.
  const texts = stringsOf(result).filter((text) => !text.startsWith('Unrecognized key'));
  for (const probe of ECHO_PROBES) expect(texts.some((text) => text.includes(probe)), `${label} echoes ${JSON.stringify(probe.slice(0, 20))}`).toBe(false);
}

const sideEffects = () => ({
  handlers: handlerCalls.length,
  keychainWrites: keychainWrites.length,
  clerkRequests: sandbox.requests.length,
  windows: host.opened.length,
  ledgerSize: services.ledger.size,
  settings: readFileSync(join(dataDir, 'settings.json'), 'utf8'),
  ledgerEvents: services.ledger.lastSeq,
});

let prototypesBefore: string;

beforeAll(async () => {
  prototypesBefore = prototypeSnapshot();
  sandbox = await startSandbox({ users: 30 });
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-ipc-fuzz-'));
  const real = createKeytarKeychain(`understudy-test-${randomBytes(6).toString('hex')}`);
  keychain = {
    service: real.service,
    get: (account) => real.get(account),
    list: () => real.list(),
    set: (account, secret) => (keychainWrites.push(`set ${account}`), real.set(account, secret)),
    delete: (account) => (keychainWrites.push(`delete ${account}`), real.delete(account)),
  };
  services = await createServices(servicesDeps(dataDir));
  const spied = Object.fromEntries(
    channels.map((channel) => [
      channel,
      (input: unknown) => {
        handlerCalls.push({ channel, input });
        return (services.handlers[channel] as (value: unknown) => unknown)(input);
      },
    ]),
  ) as unknown as Handlers;
  registerHandlers(
    { handle: (channel, listener) => void listeners.set(channel, listener), removeHandler: (channel) => void listeners.delete(channel) },
    spied,
    () => TRUSTED,
    createLogger((level, line) => logLines.push(`${level} ${line}`)),
  );

  // Real state to protect: a keyed profile in the keychain, an operator, and a history entry.
  const added = await call('profiles:add', { name: 'Fuzz Co', secretKey: sandbox.secretKey });
  expect(added).toMatchObject({ ok: true, value: { id: 'fuzz-co' } });
  expect(await call('profiles:setOperator', { profileId: 'fuzz-co', userId: SANDBOX_FIXTURES.operator })).toMatchObject({ ok: true });
  // Keyed profiles open https sign-in links only; the sandbox's are loopback http, so the
  // impersonation goes through the built-in sandbox profile (same sandbox, same Clerk calls).
  expect(await call('profiles:setOperator', { profileId: 'sandbox', userId: SANDBOX_FIXTURES.operator })).toMatchObject({ ok: true });
  const started = await call('impersonation:start', {
    profileId: 'sandbox', userId: ADA, reason: 'SUP-1 fuzz baseline', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false,
  });
  expect(started).toMatchObject({ ok: true, value: { phase: 'waiting' } });
  const ended = await call('impersonation:end', { id: (started as { value: { id: string } }).value.id });
  expect(ended).toMatchObject({ ok: true, value: { phase: 'ended' } });
  expect(services.ledger.query({})).toEqual([expect.objectContaining({ status: 'revoked' })]);
}, 60_000);

afterAll(async () => {
  await services?.shutdown();
  if (keychain) for (const entry of await keychain.list().catch(() => [])) await keychain.delete(entry.account).catch(() => false);
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('IPC fuzzing', () => {
  it('describes exactly the fields of every channel in the contract', () => {
    expect(allKinds).toBe(true);
    const keysOf = (schema: unknown) => Object.keys((schema as { shape: Record<string, unknown> }).shape).sort();
    for (const channel of channels) expect(Object.keys(FIELDS[channel]).sort(), channel).toEqual(keysOf(contract[channel].input));
    const nested = (field: Field) => (field.kind === 'object' ? Object.keys(field.fields).sort() : []);
    expect(nested(filter)).toEqual(keysOf(ledgerFilterSchema));
    expect(nested(policy)).toEqual(keysOf(policySchema));
    // The pollution payloads really carry the dangerous names as own keys, on ordinary objects.
    for (const { label, value } of pollutingKeys({ a: 1 })) {
      expect(Object.keys(value).some((key) => ['__proto__', 'constructor', 'prototype'].includes(key)), label).toBe(true);
      expect(Object.getPrototypeOf(value), label).toBe(Object.prototype);
    }
    // Each channel's base input is valid, so a mutation is what makes a case invalid.
    for (const channel of channels) {
      const base = validValue({ kind: 'object', fields: FIELDS[channel] }, channel);
      expect(contract[channel].input.safeParse(base).success, channel).toBe(true);
    }
  });

  it('answers every malformed input on every channel with invalid-input, and runs no handler', async () => {
    const rng = new Rng(SEED);
    const before = sideEffects();
    const from = calls;
    const perChannel: Record<string, number> = {};
    for (const channel of channels) {
      const cases = invalidCases(channel, rng);
      perChannel[channel] = cases.length;
      for (const { label, input } of cases) {
        const result = await call(channel, input);
        expectError(result, 'invalid-input', `${channel} › ${label}`);
        if (!result.ok) {
          expect(result.error.message, `${channel} › ${label}`).toBe(`Invalid request for ${channel}.`);
          expect(result.error.issues?.length, `${channel} › ${label}`).toBeGreaterThan(0);
          expect(result.error.issues!.length).toBeLessThanOrEqual(20);
        }
        if (!label.startsWith('1 MiB key')) expect(JSON.stringify(result).length, `${channel} › ${label}`).toBeLessThan(16_000);
        expectNoValueEcho(result, `${channel} › ${label}`);
      }
    }
    // A burst of them at once settles too.
    const burst = channels.flatMap((channel) => invalidCases(channel, new Rng(SEED + 1)).slice(0, 12));
    const answers = await Promise.all(burst.map(({ channel, input }) => call(channel, input)));
    answers.forEach((answer, index) => expectError(answer, 'invalid-input', `burst ${burst[index]!.channel} › ${burst[index]!.label}`));

    expect(sideEffects()).toEqual(before);
    if (process.env['FUZZ_REPORT']) console.info(JSON.stringify({ perChannel, calls: calls - from }));
    expect(Math.min(...Object.values(perChannel))).toBeGreaterThanOrEqual(25);
    expect(calls - from).toBeGreaterThan(3000);
  }, 120_000);

  it('refuses every channel from a foreign sender, valid input or not, before any work', async () => {
    const foreign: Labelled<IpcSender | null>[] = [
      { label: 'no sender', value: null },
      { label: 'destroyed frame', value: { ...CONSOLE, frameUrl: null } },
      { label: 'sub-frame of the console', value: { ...CONSOLE, isMainFrame: false } },
      { label: 'another webContents (an impersonation window)', value: { ...CONSOLE, webContentsId: 2 } },
      { label: 'webContents id 0', value: { ...CONSOLE, webContentsId: 0 } },
      { label: 'customer app origin', value: { ...CONSOLE, frameUrl: `${sandbox.appUrl}/` } },
      { label: 'Frontend API origin', value: { ...CONSOLE, frameUrl: `${sandbox.frontendApiUrl}/v1/tickets/accept` } },
      { label: 'https origin', value: { ...CONSOLE, frameUrl: 'https://evil.example/index.html' } },
      { label: 'look-alike host', value: { ...CONSOLE, frameUrl: 'understudy://console.evil/index.html' } },
      { label: 'other host on the scheme', value: { ...CONSOLE, frameUrl: 'understudy://evil/index.html' } },
      { label: 'credentials in the URL', value: { ...CONSOLE, frameUrl: 'understudy://user:pass@console/index.html' } },
      { label: 'port on the host', value: { ...CONSOLE, frameUrl: 'understudy://console:443/index.html' } },
      { label: 'dev-server origin', value: { ...CONSOLE, frameUrl: 'http://127.0.0.1:5173/index.html' } },
      { label: 'file URL', value: { ...CONSOLE, frameUrl: 'file:///work/main/out/renderer/index.html' } },
      { label: 'about:blank', value: { ...CONSOLE, frameUrl: 'about:blank' } },
      { label: 'data URL', value: { ...CONSOLE, frameUrl: 'data:text/html,<script>1</script>' } },
      { label: 'javascript URL', value: { ...CONSOLE, frameUrl: 'javascript:void(0)' } },
      { label: 'empty URL', value: { ...CONSOLE, frameUrl: '' } },
      { label: 'not a URL', value: { ...CONSOLE, frameUrl: 'understudy console' } },
    ];
    const rng = new Rng(SEED + 2);
    const before = sideEffects();
    const warnings = logLines.length;
    let refused = 0;
    for (const channel of channels) {
      const valid = validValue({ kind: 'object', fields: FIELDS[channel] }, channel);
      const inputs = [{ label: 'valid input', input: valid }, ...rng.sample(invalidCases(channel, rng), 2)];
      for (const sender of foreign) {
        for (const { label, input } of inputs) {
          const result = await call(channel, input, sender.value);
          expectError(result, 'forbidden-sender', `${channel} from ${sender.label} with ${label}`);
          if (!result.ok) expect(result.error).toEqual({ kind: 'forbidden-sender', message: 'This request did not come from the Understudy console.' });
          refused += 1;
        }
      }
    }
    expect(sideEffects()).toEqual(before);
    expect(refused).toBe(channels.length * foreign.length * 3);
    // Each refusal is logged with the frame URL only, never the input.
    const refusals = logLines.slice(warnings);
    expect(refusals).toHaveLength(refused);
    for (const line of refusals) {
      expect(line).toMatch(/^warn Refused [A-Za-z]+:[A-Za-z]+ from an untrusted sender/);
      for (const probe of ECHO_PROBES) expect(line.includes(probe)).toBe(false);
    }
  }, 60_000);

  it('runs handlers for strange but well-formed input, and each answers with a Result of a known kind', async () => {
    const weird = STRANGE_TEXT.filter(({ value }) => value.trim() !== '');
    const rng = new Rng(SEED + 3);
    const tokensBefore = sandbox.state.actorTokens().length;
    const windowsBefore = host.opened.length;
    const expectations: { channel: Channel; input: unknown; label: string; expect: 'ok' | ErrorKind }[] = [];
    const add = (channel: Channel, label: string, input: unknown, outcome: 'ok' | ErrorKind) => expectations.push({ channel, input, label, expect: outcome });

    for (const text of weird) {
      add('users:search', `query ${text.label}`, { profileId: 'fuzz-co', query: text.value, limit: 5, offset: 0 }, 'ok');
      add('ledger:query', `operator ${text.label}`, { filter: { operator: text.value } }, 'ok');
      add('profiles:add', `key ${text.label}`, { name: text.value, secretKey: text.value }, 'invalid-input');
      add('profiles:rename', `name ${text.label}`, { profileId: 'fuzz-co', name: text.value }, 'ok');
      add('impersonation:start', `protected user, reason ${text.label}`, {
        profileId: 'fuzz-co', userId: SANDBOX_FIXTURES.admin, reason: text.value, tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: rng.next() < 0.5, confirmation: text.value,
      }, 'policy');
    }
    add('users:search', 'query at the 200 limit', { profileId: 'fuzz-co', query: 'q'.repeat(200), limit: 100, offset: 1_000_000 }, 'ok');
    add('users:search', 'unknown profile', { profileId: 'no-such-profile', query: '', limit: 1, offset: 0 }, 'not-found');
    add('users:get', 'unknown user', { profileId: 'fuzz-co', userId: `user_${'Z'.repeat(120)}` }, 'not-found');
    add('users:sessions', 'unknown user', { profileId: 'fuzz-co', userId: 'user_nobody' }, 'ok');
    add('profiles:add', 'a key that looks real but is unknown to Clerk', { name: 'Nope', secretKey: `sk_test_${'n'.repeat(40)}` }, 'invalid-key');
    // Within the schema's 80 (code points) but over the service's 80 (UTF-16 units): refused there.
    add('profiles:add', 'a name of 41 emoji', { name: '🔑'.repeat(41), secretKey: sandbox.secretKey }, 'invalid-input');
    add('profiles:add', 'a publishable key', { name: 'Nope', secretKey: `pk_test_${'n'.repeat(40)}` }, 'invalid-input');
    add('profiles:add', 'the same key again', { name: 'Twice', secretKey: sandbox.secretKey }, 'conflict');
    add('profiles:select', 'unknown profile', { profileId: 'no-such-profile' }, 'not-found');
    add('profiles:remove', 'unknown profile', { profileId: 'no-such-profile' }, 'not-found');
    add('profiles:remove', 'the built-in sandbox', { profileId: 'sandbox' }, 'conflict');
    add('profiles:setOperator', 'unknown user', { profileId: 'fuzz-co', userId: 'user_nobody' }, 'not-found');
    add('impersonation:start', 'unknown profile', { profileId: 'nope', userId: ADA, reason: '', tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: false }, 'not-found');
    add('impersonation:start', 'unknown user', { profileId: 'fuzz-co', userId: 'user_nobody', reason: '', tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: false }, 'not-found');
    add('impersonation:start', 'banned user', { profileId: 'fuzz-co', userId: SANDBOX_FIXTURES.banned, reason: '', tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: false }, 'policy');
    add('impersonation:start', 'oneself', { profileId: 'fuzz-co', userId: SANDBOX_FIXTURES.operator, reason: '', tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: false }, 'policy');
    add('impersonation:start', 'beyond the TTL cap', { profileId: 'fuzz-co', userId: ADA, reason: '', tokenTtlSeconds: 30 * 24 * 3600, sessionMaxSeconds: 60, readOnly: false }, 'policy');
    add('impersonation:focus', 'unknown id', { id: 'no-such-impersonation' }, 'not-found');
    add('impersonation:end', 'unknown id', { id: 'no-such-impersonation' }, 'not-found');
    add('impersonation:retryEnd', 'unknown id', { id: 'no-such-impersonation' }, 'not-found');
    add('ledger:revokeToken', 'unknown entry', { entryId: 'no-such-entry' }, 'not-found');
    add('ledger:revokeToken', 'an entry already revoked', { entryId: services.ledger.query({})[0]!.id }, 'conflict');
    add('ledger:checkUnknown', 'unknown entry', { entryId: 'no-such-entry' }, 'not-found');
    add('ledger:checkUnknown', 'an entry that is not unknown', { entryId: services.ledger.query({})[0]!.id }, 'conflict');
    add('app:dismissNotice', 'index past the end', { index: 1000 }, 'ok');
    add('ledger:export', 'json of nothing', { format: 'json', filter: { userId: 'user_nobody', status: ['failed', 'failed'] } }, 'ok');

    for (const { channel, input, label, expect: outcome } of expectations) {
      const result = await call(channel, input);
      if (outcome === 'ok') expect(result, `${channel} › ${label}`).toMatchObject({ ok: true });
      else expectError(result, outcome, `${channel} › ${label}`);
      // A refused key is never quoted back (the conflict message names the profile, not the key).
      if (channel === 'profiles:add' && !result.ok) {
        const key = (input as { secretKey: string }).secretKey;
        if (key.trim().length >= 5) expect(JSON.stringify(result).includes(key) || stringsOf(result).some((text) => text.includes(key)), label).toBe(false);
      }
    }
    // A name full of strange characters survived the round trip through the settings file.
    expect(services.profiles.get('fuzz-co')?.name).toBe(weird.at(-1)!.value.trim());
    expect(await call('profiles:rename', { profileId: 'fuzz-co', name: 'Fuzz Co' })).toMatchObject({ ok: true });
    // Nothing was minted and no window opened: every refusal came before Clerk was asked.
    expect(sandbox.state.actorTokens()).toHaveLength(tokensBefore);
    expect(host.opened).toHaveLength(windowsBefore);
    expect((await keychain.list()).map((entry) => entry.account)).toEqual(['fuzz-co']);
  }, 60_000);

  it('refuses a key-less object (Date, Map, Error…) as the input itself, and hands a fresh plain {} for one nested in an all-optional field', async () => {
    const from = handlerCalls.length;
    for (const { label, value } of EMPTY_LOOKING) {
      expect(await call('app:getState', value), label).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
      expect(await call('impersonation:list', value), label).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
      expect(await call('ledger:query', { filter: value }), label).toMatchObject({ ok: true, value: [expect.any(Object)] });
    }
    const seen = handlerCalls.slice(from);
    expect(seen).toHaveLength(EMPTY_LOOKING.length);
    for (const { input } of seen) {
      const inner = (input as { filter?: unknown }).filter;
      expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
      expect(inner).toEqual({});
      for (const { value } of EMPTY_LOOKING) expect(inner).not.toBe(value);
    }
  });

  it('leaves no pollution, readable files, and a console that still works', async () => {
    expect(prototypeSnapshot()).toBe(prototypesBefore);
    const plain: Record<string, unknown> = {};
    for (const key of ['polluted', 'isAdmin', 'leaf']) expect(plain[key], key).toBeUndefined();
    expect(Object.keys(services.handlers).sort()).toEqual([...channels].sort());

    // The history on disk reopens cleanly and says exactly what the running app knows.
    const reopened = Ledger.open(createElectronStoreDocuments(dataDir));
    expect(reopened.notice).toBeNull();
    expect(reopened.ledger.query({})).toEqual(services.ledger.query({}));
    expect(reopened.ledger.query({})).toHaveLength(1);
    expect(await reopened.ledger.verify()).toMatchObject({ intact: true, events: services.ledger.lastSeq });

    // A second start on the same files and keychain finds everything, with nothing to report.
    const again = await createServices(servicesDeps(dataDir));
    expect(again.handlers['app:getState']({} as never)).toMatchObject({ notices: [], activeProfileId: 'fuzz-co' });
    expect(again.profiles.get('fuzz-co')).toMatchObject({ name: 'Fuzz Co', operator: { userId: SANDBOX_FIXTURES.operator } });

    // Main is alive: ordinary calls answer as usual.
    expect(await call('app:getState', {})).toMatchObject({ ok: true, value: { activeProfileId: 'fuzz-co' } });
    const search = await call('users:search', { profileId: 'fuzz-co', query: 'ada', limit: 5, offset: 0 });
    expect(search).toMatchObject({ ok: true, value: { users: expect.arrayContaining([expect.objectContaining({ id: ADA })]) } });
    if (process.env['FUZZ_REPORT']) console.info(JSON.stringify({ totalCalls: calls, slowestMs: Math.round(slowestMs) }));
    expect(calls).toBeGreaterThan(5000);
    expect(slowestMs).toBeLessThan(CALL_TIMEOUT_MS);
  });
});
