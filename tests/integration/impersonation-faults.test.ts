// The orchestrator against the sandbox through the real gateway, when Clerk misbehaves: dropped
// and refused mints, unreachable revocations, a failing JWKS, and the race where a ticket is used
// at the moment the operator ends. The window is a cookie-keeping HTTP client that follows the
// ticket like a browser would (no Chromium needed for these).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../src/shared/domain.ts';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import type { ClerkGateway } from '../../src/main/clerk/gateway.ts';
import { Orchestrator } from '../../src/main/impersonation/orchestrator.ts';
import type {
  BannerContent,
  CookieChange,
  ImpersonationWindow,
  PartitionCookie,
  WindowEvents,
  WindowHost,
  WindowSpec,
} from '../../src/main/impersonation/window-host.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CookieJar, signInWithTicket } from '../sandbox/helpers.ts';

const [ADA] = SANDBOX_FIXTURES.plain;

/** Follows the ticket URL with fetch, keeping cookies per window, as a browser partition would. */
class HttpWindow implements ImpersonationWindow {
  readonly impersonationId: string;
  readonly jar = new Map<string, string>();
  readonly banners: BannerContent[] = [];
  readonly listeners = new Set<(change: CookieChange) => void>();
  /** When false, cookies are stored but no change is reported (the watcher has not seen them yet). */
  reportCookies = true;
  closed = false;
  cleared = false;
  readonly spec: WindowSpec;
  readonly events: WindowEvents;
  constructor(spec: WindowSpec, events: WindowEvents) {
    this.spec = spec;
    this.events = events;
    this.impersonationId = spec.impersonationId;
  }
  /**
   * Follows the ticket URL as a partition whose page runs JavaScript: the redirects to the sign-in
   * page, the ticket sign-in its script makes (clerk-js), then the app. Returns the final status.
   */
  async visitTicket(): Promise<number> {
    const jar = new CookieJar();
    for (const [name, value] of this.jar) jar.cookies.set(name, decodeURIComponent(value));
    const landed = await signInWithTicket(this.spec.ticketUrl, jar, { frontendApiUrl: new URL(this.spec.ticketUrl).origin });
    for (const [name, value] of jar.cookies) if (this.jar.get(name) !== encodeURIComponent(value)) this.#store(`${name}=${encodeURIComponent(value)}`);
    return landed.status;
  }
  #store(line: string) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    this.jar.set(name, value);
    const cookie = this.#cookie(name, value);
    if (this.reportCookies) for (const listener of this.listeners) listener({ cookie, removed: false });
  }
  #cookie(name: string, value: string): PartitionCookie {
    return { name, value: decodeURIComponent(value), domain: '127.0.0.1', path: '/', secure: false, httpOnly: name === '__client' };
  }
  async cookies() {
    return [...this.jar].map(([name, value]) => this.#cookie(name, value));
  }
  onCookieChanged(listener: (change: CookieChange) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  updateBanner(content: BannerContent) {
    this.banners.push(content);
  }
  focus() {}
  setBounds() {}
  async clearData() {
    this.cleared = true;
    this.jar.clear();
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    this.events.onClosed();
  }
  isClosed() {
    return this.closed;
  }
}

class HttpWindowHost implements WindowHost {
  readonly windows = new Map<string, HttpWindow>();
  autoVisit = true;
  async open(spec: WindowSpec, events: WindowEvents) {
    const window = new HttpWindow(spec, events);
    this.windows.set(spec.impersonationId, window);
    if (this.autoVisit) void window.visitTicket();
    return window;
  }
  workArea() {
    return { x: 0, y: 0, width: 1600, height: 900 };
  }
}

let sandbox: Sandbox;
let gateway: ClerkGateway;
let dir: string;
let host: HttpWindowHost;
const profile: Profile = {
  id: 'sandbox', name: 'Sandbox', kind: 'sandbox', production: false, keyHint: 'sk_test_…',
  operator: { userId: SANDBOX_FIXTURES.operator, name: 'Morgan Reyes' }, policy: defaultPolicy(false), appOrigins: [],
};

function build() {
  const { ledger } = Ledger.open(createElectronStoreDocuments(dir));
  const orchestrator = new Orchestrator({
    profiles: { get: () => profile, gateway: () => gateway },
    ledger,
    windowHost: host,
    now: Date.now,
    osUser: 'agent',
    sandboxOrigins: sandbox.origins,
  });
  return { ledger, orchestrator };
}

const request = { profileId: 'sandbox', userId: ADA!, reason: 'SUP-9 billing', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false };

beforeAll(async () => {
  sandbox = await startSandbox({ users: 20 });
  // Backoff waits skipped: the retries themselves still happen.
  gateway = createClerkBackendGateway({ secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, sleep: async () => undefined });
});
afterAll(() => sandbox?.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-impersonation-faults-'));
  host = new HttpWindowHost();
});
afterEach(() => {
  sandbox.faults.clear();
  rmSync(dir, { recursive: true, force: true });
});

describe('impersonation when Clerk misbehaves', () => {
  it('signs in through the real ticket flow and verifies the session at the instance', async () => {
    const { orchestrator, ledger } = build();
    const view = await orchestrator.start(request);
    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('accepted'), { timeout: 5_000, interval: 20 });
    const sessionId = ledger.get(view.id)!.sessionId!;
    expect(sandbox.state.session(sessionId)).toMatchObject({ userId: ADA, status: 'active', actor: { sub: SANDBOX_FIXTURES.operator, ticket: 'SUP-9' } });
    await orchestrator.end(view.id, 'operator', 'agent');
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
  });

  it('records a mint whose answer was lost as unknown: the token exists at Clerk, its id does not in the ledger', async () => {
    const { orchestrator, ledger } = build();
    const before = sandbox.state.actorTokens().length;
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    await expect(orchestrator.start(request)).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(sandbox.state.actorTokens().length).toBe(before + 1);
    const [entry] = ledger.query();
    expect(entry).toMatchObject({ status: 'unknown', actorTokenId: null });
    expect(entry!.error).toMatch(/Unclear whether Clerk/);
    expect(host.windows.size).toBe(0);
  });

  it('records a refused mint as failed, with Clerk’s reason in plain words', async () => {
    const { orchestrator, ledger } = build();
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 402, times: 1 });
    await expect(orchestrator.start(request)).rejects.toMatchObject({ kind: 'quota' });
    expect(ledger.query()[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/not on this instance's Clerk plan/) });
  });

  it('verifies again when the JWKS stayed unavailable through all of the SDK’s own attempts', async () => {
    // A sandbox of its own: a signing key the SDK has not cached yet (it keeps a JWKS for 5 minutes).
    const fresh = await startSandbox({ users: 10 });
    try {
      const freshGateway = createClerkBackendGateway({ secretKey: fresh.secretKey, apiUrl: fresh.apiUrl, sleep: async () => undefined });
      const { ledger } = Ledger.open(createElectronStoreDocuments(dir));
      const orchestrator = new Orchestrator({
        profiles: { get: () => profile, gateway: () => freshGateway },
        ledger,
        windowHost: host,
        now: Date.now,
        osUser: 'agent',
        sandboxOrigins: fresh.origins,
      });
      // @clerk/backend tries the JWKS 5 times (about 3 s) before giving up on a verification.
      const fault = fresh.faults.inject({ route: 'GET /jwks', kind: 'status', status: 503, times: 5 });
      const view = await orchestrator.start(request);
      await vi.waitFor(() => expect(fault.hits).toBe(5), { timeout: 8_000, interval: 50 });
      expect(ledger.get(view.id)!.status).toBe('pending');
      await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('accepted'), { timeout: 8_000, interval: 50 });
      await orchestrator.end(view.id, 'operator', 'agent');
    } finally {
      await fresh.close();
    }
  });

  it('revokes the session of a ticket used at the very moment the operator ends', async () => {
    host.autoVisit = false;
    const { orchestrator, ledger } = build();
    const view = await orchestrator.start(request);
    const window = host.windows.get(view.id)!;
    window.reportCookies = false;
    await window.visitTicket(); // signed in at Clerk; the watcher has not seen the cookie
    const token = sandbox.state.actorTokens().find((t) => t.id === ledger.get(view.id)!.actorTokenId)!;
    expect(token.status).toBe('accepted');

    await orchestrator.end(view.id, 'operator', 'agent');
    expect(sandbox.state.session(token.sessionId!)!.status).toBe('revoked');
    expect(ledger.get(view.id)).toMatchObject({ status: 'ended', sessionId: token.sessionId });
  });

  it('keeps an impersonation it could not end at Clerk as ending, never ended, and ends it at the next start', async () => {
    const { orchestrator, ledger } = build();
    const view = await orchestrator.start(request);
    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('accepted'), { timeout: 5_000, interval: 20 });
    const sessionId = ledger.get(view.id)!.sessionId!;

    sandbox.faults.inject({ route: 'POST /sessions/{session_id}/revoke', kind: 'status', status: 503 });
    const ended = await orchestrator.end(view.id, 'operator', 'agent');
    // Not "ended" (Clerk did not confirm), not "failed" (Understudy keeps trying): ending.
    expect(ended.phase).toBe('ending');
    expect(host.windows.get(view.id)).toMatchObject({ closed: true, cleared: true });
    expect(ledger.get(view.id)!.status).toBe('ending');
    expect(sandbox.state.session(sessionId)!.status).toBe('active');
    orchestrator.stopBackgroundRetries();

    sandbox.faults.clear();
    const next = build();
    await next.orchestrator.recover();
    // Finished for whoever asked, once Clerk confirmed.
    expect(next.ledger.get(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'operator', by: 'agent' } });
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
  });

  it('never writes the ticket or its URL to the history database', async () => {
    const { orchestrator, ledger } = build();
    const view = await orchestrator.start(request);
    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('accepted'), { timeout: 5_000, interval: 20 });
    await orchestrator.end(view.id, 'operator', 'agent');
    const ticket = new URL(host.windows.get(view.id)!.spec.ticketUrl).searchParams.get('ticket')!;
    // The database and its write-ahead log, where recent commits live until a checkpoint.
    const file = ['history.sqlite', 'history.sqlite-wal'].map((name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'latin1') : '')).join('');
    expect(file).toContain(view.id);
    expect(file).not.toContain(ticket);
    expect(file).not.toContain('tickets/accept');
    expect(file).not.toContain(sandbox.secretKey);
  });
});
