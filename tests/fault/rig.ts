// The real main-process services (createServices) on electron-store documents in a temp folder,
// reached through the real IPC registration and dispatch as the console's main frame. Used by the
// fault suites and the isolation test; the window host and the keychain are the caller's choice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { Channel } from '../../src/shared/contract.ts';
import type { ImpersonationView, LedgerEntry } from '../../src/shared/domain.ts';
import type { AppErrorData, Result } from '../../src/shared/errors.ts';
import { AvatarProxy } from '../../src/main/clerk/avatar-proxy.ts';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import type { GatewayOptions } from '../../src/main/clerk/gateway.ts';
import type { Keychain, KeychainEntry } from '../../src/main/credentials/keychain.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import type { ImpersonationWindow, WindowEvents, WindowHost, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { registerHandlers, type IpcListener } from '../../src/main/ipc/register.ts';
import { createLogger } from '../../src/main/log.ts';
import { createServices, type MainServices, type ServiceDeps } from '../../src/main/services.ts';
import { SANDBOX_FIXTURES, type Sandbox } from '../../src/sandbox/index.ts';

export const CONSOLE_SENDER = { frameUrl: 'understudy://console/index.html', isMainFrame: true, webContentsId: 1 };
const TRUSTED = { webContentsIds: new Set([1]), origin: 'understudy://console' };
export const OS_USER = 'support-agent';

/** A keychain in memory: for suites about Clerk and windows, where the keyring is beside the point. */
export class MemoryKeychain implements Keychain {
  readonly service = 'memory';
  readonly entries = new Map<string, string>();
  async get(account: string) {
    return this.entries.get(account) ?? null;
  }
  async set(account: string, secret: string) {
    this.entries.set(account, secret);
  }
  async delete(account: string) {
    return this.entries.delete(account);
  }
  async list(): Promise<KeychainEntry[]> {
    return [...this.entries].map(([account, secret]) => ({ account, secret }));
  }
}

/** Windows that never load anything: for cases where only the Clerk side matters. */
export class InertWindowHost implements WindowHost {
  readonly opened: WindowSpec[] = [];
  async open(spec: WindowSpec, events: WindowEvents): Promise<ImpersonationWindow> {
    this.opened.push(spec);
    let closed = false;
    return {
      impersonationId: spec.impersonationId,
      cookies: async () => [],
      onCookieChanged: () => () => undefined,
      updateBanner: () => undefined,
      focus: () => undefined,
      setBounds: () => undefined,
      clearData: async () => undefined,
      close: async () => {
        if (closed) return;
        closed = true;
        events.onClosed();
      },
      isClosed: () => closed,
    };
  }
  workArea() {
    return { x: 0, y: 0, width: 1600, height: 900 };
  }
}

export interface RigOptions {
  sandbox: Sandbox;
  windowHost: WindowHost;
  keychain?: Keychain;
  /** Reuse a data folder (a restart); otherwise a fresh temp folder, removed by `close()`. */
  dataDir?: string;
  /** Options added to every gateway the services build (sleep, random, timeout). */
  gateway?: Partial<Pick<GatewayOptions, 'sleep' | 'random' | 'requestTimeoutMs'>>;
  /** Skip setting the operator of the sandbox profile. */
  noOperator?: boolean;
  /** The IT-managed policy the services start with. */
  orgPolicy?: ServiceDeps['orgPolicy'];
  /** The backoff of ends Clerk did not confirm (default: the app's, 5 s doubling). */
  endRetryDelay?: ServiceDeps['endRetryDelay'];
}

export interface Rig {
  sandbox: Sandbox;
  /** Every main → renderer event, in order. */
  emitted: { event: string; payload: unknown }[];
  services: MainServices;
  dataDir: string;
  logLines: string[];
  /** Every wait the gateways' retry loops asked for, in ms. */
  sleeps: number[];
  call(channel: Channel, input: unknown): Promise<Result<unknown>>;
  /** Calls and insists on success. */
  ok<T = unknown>(channel: Channel, input: unknown): Promise<T>;
  /** Calls and insists on failure. */
  error(channel: Channel, input: unknown): Promise<AppErrorData>;
  startImpersonation(userId: string, extra?: Record<string, unknown>): Promise<Result<unknown>>;
  waitForPhase(id: string, phase: ImpersonationView['phase'], timeoutMs?: number): Promise<ImpersonationView>;
  entry(id: string): LedgerEntry;
  /** Stands for the process dying: `close()` then ends nothing (a dead app cannot). */
  crash(): void;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions): Promise<Rig> {
  const { sandbox } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-rig-'));
  const logLines: string[] = [];
  const emitted: { event: string; payload: unknown }[] = [];
  const sleeps: number[] = [];
  const log = createLogger((level, line) => logLines.push(`${level} ${line}`));
  const sleep = options.gateway?.sleep;
  const services = await createServices({
    keychain: options.keychain ?? new MemoryKeychain(),
    documents: createElectronStoreDocuments(dataDir),
    windowHost: options.windowHost,
    avatars: new AvatarProxy(),
    saveFile: async () => null,
    emit: (event, payload) => void emitted.push({ event, payload }),
    osUser: OS_USER,
    log,
    defaultApiUrl: sandbox.apiUrl,
    gatewayFactory: (gateway) =>
      createClerkBackendGateway({
        ...gateway,
        ...options.gateway,
        sleep: async (ms) => {
          sleeps.push(ms);
          await (sleep ? sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms)));
        },
      }),
    sandbox: { secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, origins: sandbox.origins },
    orgPolicy: options.orgPolicy,
    endRetryDelay: options.endRetryDelay,
  });
  const listeners = new Map<Channel, IpcListener>();
  registerHandlers(
    { handle: (channel, listener) => void listeners.set(channel, listener), removeHandler: (channel) => void listeners.delete(channel) },
    services.handlers,
    () => TRUSTED,
    log,
  );
  const call = (channel: Channel, input: unknown) => listeners.get(channel)!(CONSOLE_SENDER, input);
  let crashed = false;

  const rig: Rig = {
    sandbox,
    services,
    dataDir,
    logLines,
    emitted,
    sleeps,
    call: (channel, input) => call(channel, input),
    async ok<T>(channel: Channel, input: unknown) {
      const result = await call(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.kind}: ${result.error.message}`);
      return result.value as T;
    },
    async error(channel, input) {
      const result = await call(channel, input);
      if (result.ok) throw new Error(`${channel} succeeded where it should have failed`);
      return result.error;
    },
    startImpersonation: (userId, extra = {}) =>
      call('impersonation:start', {
        profileId: 'sandbox', userId, reason: 'SUP-77 fault drill', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false, ...extra,
      }),
    async waitForPhase(id, phase, timeoutMs = 30_000) {
      let found: ImpersonationView | undefined;
      await vi.waitFor(
        async () => {
          const list = await rig.ok<ImpersonationView[]>('impersonation:list', {});
          found = list.find((view) => view.id === id);
          if (found?.phase !== phase) throw new Error(`${id} is ${found?.phase ?? 'gone'}, not ${phase}`);
        },
        { timeout: timeoutMs, interval: 50 },
      );
      return found!;
    },
    entry(id) {
      const entry = services.ledger.get(id);
      if (!entry) throw new Error(`no ledger entry ${id}`);
      return entry;
    },
    crash() {
      crashed = true;
      // A dead process retries nothing.
      services.orchestrator.stopBackgroundRetries();
    },
    async close() {
      if (!crashed) await services.shutdown().catch(() => undefined);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (!options.noOperator) await rig.ok('profiles:setOperator', { profileId: 'sandbox', userId: SANDBOX_FIXTURES.operator });
  return rig;
}

/**
 * Nothing is lost: every actor token the sandbox minted is in the ledger with a status that tells
 * the truth about it at Clerk, and no session created by one is still active unless the ledger
 * says it is live. Tokens minted without an answer (id unknown) must have an `unknown` entry.
 */
export function expectNothingLost(sandbox: Sandbox, entries: readonly LedgerEntry[], expect: typeof import('vitest').expect): void {
  const byToken = new Map(entries.filter((entry) => entry.actorTokenId).map((entry) => [entry.actorTokenId!, entry]));
  for (const token of sandbox.state.actorTokens()) {
    const entry = byToken.get(token.id);
    if (!entry) {
      // Its answer was lost: an `unknown` entry for that user covers it, and it dies before that entry
      // says; or a check at Clerk found the session it created, ended it, and recorded that session.
      const ended = token.sessionId ? entries.find((candidate) => candidate.actorTokenId === null && candidate.sessionId === token.sessionId) : undefined;
      if (ended) {
        expect(ended.status, `${token.id}'s session was found from an unknown entry`).toBe('ended');
        expect(sandbox.state.session(token.sessionId!)!.status, `${token.id}'s session is over`).not.toBe('active');
        continue;
      }
      const cover = entries.find((candidate) => candidate.status === 'unknown' && candidate.actorTokenId === null && candidate.subject.id === token.userId);
      expect(cover, `token ${token.id} is in the ledger`).toBeDefined();
      expect(token.expiresAt).toBeLessThanOrEqual(cover!.tokenExpiresAt + 1000);
      continue;
    }
    const session = token.sessionId ? sandbox.state.session(token.sessionId) : undefined;
    switch (token.status) {
      case 'pending':
        // Still usable at Clerk: the ledger must say so, so it is retried (or it expired).
        expect(['pending', 'ending', 'expired'], `${token.id} pending at Clerk`).toContain(entry.status);
        break;
      case 'revoked':
        // `ending`: revoked at Clerk, but the answer was lost, so it is not recorded as over yet.
        expect(['revoked', 'expired', 'failed', 'ending'], `${token.id} revoked at Clerk`).toContain(entry.status);
        break;
      case 'accepted':
        expect(session, `${token.id} has a session`).toBeDefined();
        if (session!.status === 'active') expect(['accepted', 'ending'], `${token.id}'s session is active`).toContain(entry.status);
        else expect(['ended', 'expired', 'failed'], `${token.id}'s session is over`).toContain(entry.status);
        if (entry.sessionId !== null) expect(entry.sessionId).toBe(token.sessionId);
        break;
    }
  }
}
