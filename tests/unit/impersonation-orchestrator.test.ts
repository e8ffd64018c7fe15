// The orchestrator with the real ledger (in memory) and policy, a Clerk double that keeps tokens
// and sessions like Clerk does, a window host double, and a clock the test turns by hand.
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, Profile, SessionSummary } from '../../src/shared/domain.ts';
import { SessionTokenTimingError } from '../../src/main/clerk/gateway.ts';
import { AppError } from '../../src/shared/errors.ts';
import type { ClerkGateway, ClerkUser, LateMintAnswer, MintRequest, VerifiedSession } from '../../src/main/clerk/gateway.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';
import { diskHistory } from '../support/ledger-history.ts';
import { FINISHED_VISIBLE_MS, Orchestrator, SYSTEM_ACTOR, type Scheduler } from '../../src/main/impersonation/orchestrator.ts';
import { isNavigationAllowed, originForBanner } from '../../src/main/impersonation/window-policy.ts';
import type {
  BannerContent,
  Bounds,
  CookieChange,
  ImpersonationWindow,
  PartitionCookie,
  WindowEvents,
  WindowHost,
  WindowSpec,
} from '../../src/main/impersonation/window-host.ts';

// ─── doubles ──────────────────────────────────────────────────────────────────────────────────

class Clock implements Scheduler {
  time = 1_700_000_000_000;
  #timers: { at: number; callback: () => void; handle: number }[] = [];
  #next = 1;
  now = () => this.time;
  setTimer(callback: () => void, ms: number) {
    const handle = this.#next++;
    this.#timers.push({ at: this.time + ms, callback, handle });
    return handle;
  }
  clearTimer(handle: unknown) {
    this.#timers = this.#timers.filter((timer) => timer.handle !== handle);
  }
  pending() {
    return this.#timers.length;
  }
  /** Moves the clock, firing due timers in order (and those they arm, if due). */
  async advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

async function settle() {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

interface FakeToken {
  id: string;
  userId: string;
  actor: Record<string, string>;
  status: 'pending' | 'accepted' | 'revoked';
  ticket: string;
  expiresAt: number;
  sessionMax: number;
}

/** Just enough of Clerk: users, single-use actor tokens, sessions, and "JWTs" only it can vouch for. */
class FakeClerk implements ClerkGateway {
  readonly users = new Map<string, ClerkUser>();
  readonly tokens = new Map<string, FakeToken>();
  readonly sessions = new Map<string, SessionSummary>();
  readonly calls: string[] = [];
  requestTimeoutMs = 15_000;
  /** Runs before each mint; a late answer (after a timeout) is given through `onLateAnswer`. */
  mint: (request: MintRequest, onLateAnswer?: (answer: LateMintAnswer) => void) => Promise<void> = async () => undefined;
  verifyFailures: AppError[] = [];
  revokeSessionFailures: AppError[] = [];
  #n = 0;
  readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }

  addUser(id: string, name: string, extra: Partial<ClerkUser> = {}) {
    this.users.set(id, {
      id, name, username: null, primaryEmail: `${id}@example.com`, imageUrl: null, banned: false, locked: false, role: null,
      lastSignInAt: null, createdAt: 0, emails: [`${id}@example.com`], phoneNumbers: [], lastActiveAt: null, publicMetadata: {}, ...extra,
    });
  }
  async searchUsers() {
    return { users: [...this.users.values()], totalCount: this.users.size };
  }
  async countUsers() {
    return this.users.size;
  }
  async getUser(userId: string) {
    this.calls.push(`getUser ${userId}`);
    const user = this.users.get(userId);
    if (!user) throw new AppError({ kind: 'not-found', message: 'No such user' });
    return user;
  }
  async createActorToken(request: MintRequest, onLateAnswer?: (answer: LateMintAnswer) => void) {
    this.calls.push(`createActorToken ${request.userId}`);
    await this.mint(request, onLateAnswer);
    return this.addToken(request);
  }
  /** A token as Clerk creates it (also for a mint Clerk handles after the caller gave up). */
  addToken(request: MintRequest) {
    const id = `act_${++this.#n}`;
    const ticket = `ticket-${id}-secret`;
    this.tokens.set(id, {
      id, userId: request.userId, actor: { ...request.actor }, status: 'pending', ticket,
      expiresAt: this.clock.time + request.expiresInSeconds * 1000, sessionMax: request.sessionMaxDurationInSeconds,
    });
    return { id, status: 'pending' as const, userId: request.userId, url: `https://clerk.acme.test/v1/tickets/accept?ticket=${ticket}`, createdAt: this.clock.time };
  }
  async revokeActorToken(tokenId: string) {
    this.calls.push(`revokeActorToken ${tokenId}`);
    const token = this.tokens.get(tokenId);
    if (!token) throw new AppError({ kind: 'not-found', message: 'No such token' });
    if (token.status !== 'pending') throw new AppError({ kind: 'conflict', message: 'Only an unused (pending) token can be revoked.' });
    token.status = 'revoked';
    return { id: tokenId, status: 'revoked' };
  }
  async listSessions({ userId, status }: { userId: string; status?: SessionSummary['status'] }) {
    this.calls.push(`listSessions ${userId}`);
    return [...this.sessions.values()].filter((s) => s.userId === userId && (!status || s.status === status));
  }
  async getSession(sessionId: string) {
    this.calls.push(`getSession ${sessionId}`);
    const session = this.sessions.get(sessionId);
    if (!session) throw new AppError({ kind: 'not-found', message: 'No such session' });
    return session;
  }
  async revokeSession(sessionId: string) {
    this.calls.push(`revokeSession ${sessionId}`);
    const failure = this.revokeSessionFailures.shift();
    if (failure) throw failure;
    const session = await this.getSession(sessionId);
    session.status = 'revoked';
    return session;
  }
  async verifySessionToken(jwt: string): Promise<VerifiedSession> {
    this.calls.push('verifySessionToken');
    const failure = this.verifyFailures.shift();
    if (failure) throw failure;
    if (!jwt.endsWith('.signed')) throw new AppError({ kind: 'validation', message: 'The session token is not valid.' });
    return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as VerifiedSession;
  }

  /** What a browser visiting the ticket URL gets: the token is used up, a session exists, and its JWT. */
  acceptTicket(ticketUrl: string): string | null {
    const ticket = new URL(ticketUrl).searchParams.get('ticket');
    const token = [...this.tokens.values()].find((t) => t.ticket === ticket);
    if (!token || token.status !== 'pending' || this.clock.time >= token.expiresAt) return null;
    token.status = 'accepted';
    const session = this.addSession(token.userId, token.actor);
    return this.jwt({ sub: token.userId, sid: session.id, act: token.actor });
  }
  addSession(userId: string, actor: Record<string, unknown> | null, createdAt = this.clock.time): SessionSummary {
    const session: SessionSummary = {
      id: `sess_${++this.#n}`, userId, clientId: 'client_1', status: 'active', actor, createdAt, lastActiveAt: createdAt, expireAt: createdAt + 3_600_000,
    };
    this.sessions.set(session.id, session);
    return session;
  }
  jwt(claims: { sub: string; sid: string; act: Record<string, unknown> | null }, iss = 'https://clerk.acme.test') {
    return `header.${Buffer.from(JSON.stringify({ ...claims, iss, exp: 0 })).toString('base64url')}.signed`;
  }
}

class FakeWindow implements ImpersonationWindow {
  readonly impersonationId: string;
  readonly banners: BannerContent[] = [];
  jar: PartitionCookie[] = [];
  listeners = new Set<(change: CookieChange) => void>();
  closed = false;
  cleared = 0;
  focused = 0;
  bounds: Bounds | null = null;
  readonly spec: WindowSpec;
  readonly events: WindowEvents;
  constructor(spec: WindowSpec, events: WindowEvents) {
    this.spec = spec;
    this.events = events;
    this.impersonationId = spec.impersonationId;
    this.banners.push(spec.banner);
  }
  get banner() {
    return this.banners[this.banners.length - 1]!;
  }
  setCookie(name: string, value: string) {
    const cookie = { name, value, domain: 'app.acme.test', path: '/', secure: true, httpOnly: false };
    this.jar = [...this.jar.filter((c) => c.name !== name), cookie];
    for (const listener of this.listeners) listener({ cookie, removed: false });
  }
  async cookies() {
    return this.jar;
  }
  onCookieChanged(listener: (change: CookieChange) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  updateBanner(content: BannerContent) {
    this.banners.push(content);
  }
  focus() {
    this.focused += 1;
  }
  setBounds(bounds: Bounds) {
    this.bounds = bounds;
  }
  async clearData() {
    this.cleared += 1;
    this.jar = [];
  }
  async close() {
    this.userClose();
  }
  /** The window manager's close button (or `close()`): `onClosed` fires once. */
  userClose() {
    if (this.closed) return;
    this.closed = true;
    this.events.onClosed();
  }
  isClosed() {
    return this.closed;
  }
}

class FakeHost implements WindowHost {
  readonly windows: FakeWindow[] = [];
  failNext = false;
  /** Runs inside open(), before it returns. */
  during: (() => Promise<void>) | null = null;
  async open(spec: WindowSpec, events: WindowEvents) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('GPU process crashed');
    }
    const window = new FakeWindow(spec, events);
    this.windows.push(window);
    await this.during?.();
    return window;
  }
  workArea() {
    return { x: 0, y: 0, width: 1600, height: 900 };
  }
  byId(id: string) {
    const window = this.windows.find((w) => w.impersonationId === id);
    if (!window) throw new Error(`no window for ${id}`);
    return window;
  }
}


// ─── setup ────────────────────────────────────────────────────────────────────────────────────

const operator = { userId: 'user_op', name: 'Grace Hopper' };

function profile(overrides: Partial<Profile> = {}): Profile {
  return { id: 'acme', name: 'Acme', kind: 'clerk', production: false, keyHint: 'sk_test_…abcd', operator, policy: defaultPolicy(false), appOrigins: [], ...overrides };
}

let clock: Clock;
let clerk: FakeClerk;
let host: FakeHost;
let store: ReturnType<typeof diskHistory>;
let ledger: Ledger;
let profiles: Map<string, Profile>;
let orchestrator: Orchestrator;
let changes: number;

function build() {
  const orchestrator = new Orchestrator({
    profiles: { get: (id) => profiles.get(id), gateway: () => clerk },
    ledger,
    windowHost: host,
    now: clock.now,
    osUser: 'agent',
    sandboxOrigins: ['http://127.0.0.1:4100', 'http://127.0.0.1:4200'],
    scheduler: clock,
  });
  orchestrator.onChange(() => (changes += 1));
  return orchestrator;
}

beforeEach(() => {
  clock = new Clock();
  clerk = new FakeClerk(clock);
  clerk.addUser('user_ada', 'Ada Lovelace');
  clerk.addUser('user_bob', 'Bob Byte');
  clerk.addUser('user_op', 'Grace Hopper');
  host = new FakeHost();
  store = diskHistory();
  ledger = Ledger.open(store.store, { now: clock.now, database: store.database }).ledger;
  profiles = new Map([['acme', profile()]]);
  changes = 0;
  orchestrator = build();
});

const request = (overrides: Record<string, unknown> = {}) => ({
  profileId: 'acme', userId: 'user_ada', reason: 'Ticket SUP-42: checkout broken', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false, ...overrides,
});

/** The window's page follows the ticket URL and the app sets `__session`. */
async function signIn(window: FakeWindow) {
  const jwt = clerk.acceptTicket(window.spec.ticketUrl);
  if (!jwt) throw new Error('ticket refused');
  window.setCookie('__session', jwt);
  await settle();
  return jwt;
}

const entry = (id: string) => ledger.get(id) as LedgerEntry;

// ─── tests ────────────────────────────────────────────────────────────────────────────────────

describe('start', () => {
  it('records minting before asking Clerk, then pending with the token id, then opens a hardened window', async () => {
    let seenWhileMinting: LedgerEntry[] = [];
    clerk.mint = async () => {
      seenWhileMinting = ledger.live();
    };
    const view = await orchestrator.start(request());

    expect(seenWhileMinting).toHaveLength(1);
    expect(seenWhileMinting[0]!.status).toBe('minting');
    expect(seenWhileMinting[0]!.actorTokenId).toBeNull();

    const recorded = entry(view.id);
    expect(recorded).toMatchObject({
      status: 'pending', actorTokenId: 'act_1', subject: { id: 'user_ada', name: 'Ada Lovelace', email: 'user_ada@example.com' },
      operator: { clerkUserId: 'user_op', osUser: 'agent' }, tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false,
    });
    expect(view).toMatchObject({ phase: 'waiting', subject: { id: 'user_ada' }, operatorUserId: 'user_op', sessionId: null });

    const token = clerk.tokens.get('act_1')!;
    expect(token.actor).toEqual({ sub: 'user_op', ticket: 'SUP-42', ref: view.id });
    expect(token.sessionMax).toBe(900);

    const window = host.byId(view.id);
    expect(window.spec.partition).toMatch(/^understudy-impersonation-/);
    expect(window.spec.ticketUrl).toContain(token.ticket);
    // A development instance (sk_test_): its app may run on http://localhost.
    expect(window.spec.navigation).toEqual({ allowedOrigins: [], frontendApiOrigin: 'https://clerk.acme.test', allowLoopbackHttp: true });
    expect(window.spec.banner).toMatchObject({ headline: 'Impersonating Ada Lovelace (user_ada@example.com)', canEnd: true });
    expect(window.banner).toMatchObject({ status: 'Signing in…', timeLeft: null });
    // Neither the ticket nor its URL is ever written down.
    expect(store.bytes()).not.toContain(token.ticket);
    expect(store.bytes()).not.toContain('tickets/accept');
    expect(orchestrator.list().map((v) => v.phase)).toEqual(['waiting']);
  });

  it('gives every impersonation its own partition', async () => {
    const a = await orchestrator.start(request());
    const b = await orchestrator.start(request({ userId: 'user_bob' }));
    expect(host.byId(a.id).spec.partition).not.toBe(host.byId(b.id).spec.partition);
  });

  it('refuses what policy refuses, before recording or minting anything', async () => {
    profiles.set('acme', profile({ operator: null }));
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'policy' });
    await expect(build().start(request({ userId: 'user_op' }))).rejects.toMatchObject({ kind: 'policy' });
    expect(ledger.live()).toEqual([]);
    expect(clerk.calls.filter((c) => c.startsWith('createActorToken'))).toEqual([]);
  });

  it('records an ambiguous mint as unknown and tells the console', async () => {
    clerk.mint = async () => {
      throw new AppError({ kind: 'ambiguous', message: 'Unclear whether Clerk managed to create the token.' });
    };
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'ambiguous' });
    const [recorded] = ledger.query();
    expect(recorded).toMatchObject({ status: 'unknown', actorTokenId: null, error: 'Unclear whether Clerk managed to create the token.' });
    expect(host.windows).toEqual([]);
    expect(orchestrator.list()).toEqual([]);
  });

  describe('the "expires by" of a mint', () => {
    const TTL = request().tokenTtlSeconds * 1000;

    it('is a true upper bound for an unanswered mint: Clerk may have handled it as late as the request timeout', async () => {
      clerk.requestTimeoutMs = 20_000;
      const sentAt = clock.time;
      let handledAt = 0;
      clerk.mint = async (minted) => {
        // Clerk handles the mint just before the gateway gives up, then the answer is lost.
        await clock.advance(19_999);
        handledAt = clock.time;
        clerk.addToken(minted);
        await clock.advance(1);
        throw new AppError({ kind: 'ambiguous', message: 'Unclear whether Clerk managed to create the token.' });
      };
      await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'ambiguous' });
      const [recorded] = ledger.query();
      const clerkExpiry = [...clerk.tokens.values()][0]!.expiresAt;
      expect(clerkExpiry).toBe(handledAt + TTL);
      expect(recorded!.tokenExpiresAt).toBeGreaterThanOrEqual(clerkExpiry);
      expect(recorded!.tokenExpiresAt).toBe(sentAt + 20_000 + TTL);
    });

    it('narrows to the answer time plus the TTL once Clerk answered', async () => {
      clerk.mint = async () => clock.advance(3_000);
      const view = await orchestrator.start(request());
      expect(entry(view.id).tokenExpiresAt).toBe(clock.time + TTL);
      expect(entry(view.id).tokenExpiresAt).toBeGreaterThanOrEqual(clerk.tokens.get(entry(view.id).actorTokenId!)!.expiresAt);
    });

    /** A mint Understudy gave up on (recorded unknown), and the token Clerk created from it after all. */
    async function mintAnsweredLate() {
      let late: ((answer: LateMintAnswer) => void) | undefined;
      clerk.mint = async (_request, onLateAnswer) => {
        late = onLateAnswer;
        throw new AppError({ kind: 'ambiguous', message: 'Clerk did not answer in time.' });
      };
      await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'ambiguous' });
      const unknown = ledger.query()[0]!;
      const token = clerk.addToken({ userId: 'user_ada', actor: { sub: 'user_op' }, expiresInSeconds: 600, sessionMaxDurationInSeconds: 900 });
      return { unknown, token, late: late! };
    }

    it('records and revokes a link Clerk created after Understudy stopped waiting', async () => {
      const { unknown, token, late } = await mintAnsweredLate();
      expect(unknown.status).toBe('unknown');
      late({ outcome: 'minted', tokenId: token.id });
      await settle();
      expect(clerk.tokens.get(token.id)!.status).toBe('revoked');
      expect(entry(unknown.id)).toMatchObject({ status: 'revoked', actorTokenId: token.id, endedBy: { reason: 'revoked-token' }, error: expect.stringMatching(/answered after Understudy had stopped waiting.*revoked it/) });
      expect(ledger.eventsAfter(0).filter((event) => event.entryId === unknown.id).map((event) => event.type)).toEqual(['started', 'unknown', 'updated', 'revoked']);
    });

    it('when revoking a late link failed, Check at Clerk revokes it by its id', async () => {
      const { unknown, token, late } = await mintAnsweredLate();
      const revoke = clerk.revokeActorToken.bind(clerk);
      clerk.revokeActorToken = async () => {
        throw new AppError({ kind: 'network', message: 'Clerk is unreachable.' });
      };
      late({ outcome: 'minted', tokenId: token.id });
      await settle();
      expect(entry(unknown.id)).toMatchObject({ status: 'unknown', actorTokenId: token.id, error: expect.stringMatching(/revoking it failed/) });
      clerk.revokeActorToken = revoke;
      expect(await orchestrator.checkUnknownAtClerk(unknown.id, 'agent')).toMatchObject({ outcome: 'revoked', sessionsEnded: 0 });
      expect(clerk.tokens.get(token.id)!.status).toBe('revoked');
      expect(entry(unknown.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator', by: 'agent' } });
    });

    it('closes it as failed when Clerk refuses late, and moves the bound out when the request is lost later than assumed', async () => {
      const lates: ((answer: LateMintAnswer) => void)[] = [];
      clerk.mint = async (_request, onLateAnswer) => {
        lates.push(onLateAnswer!);
        throw new AppError({ kind: 'ambiguous', message: 'Clerk did not answer in time.' });
      };
      await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'ambiguous' });
      await expect(orchestrator.start(request({ userId: 'user_ada' }))).rejects.toMatchObject({ kind: 'ambiguous' });
      const [second, first] = ledger.query();
      lates[0]!({ outcome: 'refused', message: 'Clerk refused to create the impersonation token: quota.' });
      await settle();
      expect(entry(first!.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/refused: no sign-in link was created/) });

      await clock.advance(10 * 60_000);
      lates[1]!({ outcome: 'lost' });
      await settle();
      expect(entry(second!.id)).toMatchObject({ status: 'unknown', tokenExpiresAt: clock.time + TTL, error: expect.stringMatching(/ended without an answer only later/) });
      expect(entry(second!.id).tokenExpiresAt).toBeGreaterThan(second!.tokenExpiresAt);
    });
  });

  it('closes an unknown entry as expired when checked at Clerk after its link can no longer be used, and leaves it open before', async () => {
    clerk.mint = async () => {
      throw new AppError({ kind: 'ambiguous', message: 'Unclear whether Clerk managed to create the token.' });
    };
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'ambiguous' });
    const [unknown] = ledger.query();
    expect(await orchestrator.checkUnknownAtClerk(unknown!.id, 'agent')).toMatchObject({ outcome: 'open', sessionsEnded: 0, entry: { status: 'unknown' } });
    await clock.advance(unknown!.tokenExpiresAt - clock.time);
    const checked = await orchestrator.checkUnknownAtClerk(unknown!.id, 'agent');
    expect(checked).toMatchObject({ outcome: 'expired', sessionsEnded: 0, checkedAt: clock.time });
    expect(ledger.get(unknown!.id)).toMatchObject({ status: 'expired', endedAt: clock.time, endedBy: { reason: 'operator', by: 'agent' } });
  });

  it('records a refused mint as failed', async () => {
    clerk.mint = async () => {
      throw new AppError({ kind: 'quota', message: 'The monthly impersonation quota is used up.' });
    };
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'quota' });
    expect(ledger.query()[0]).toMatchObject({ status: 'failed', error: 'The monthly impersonation quota is used up.' });
    expect(ledger.query()[0]!.endedAt).toBe(clock.time);
  });

  it('revokes the token when the window cannot open', async () => {
    host.failNext = true;
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'internal' });
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(ledger.query()[0]).toMatchObject({ status: 'failed', actorTokenId: 'act_1' });
    expect(orchestrator.list()).toEqual([]);
  });

  it('allows the sandbox loopback origins for the sandbox profile only', async () => {
    profiles.set('sandbox', profile({ id: 'sandbox', kind: 'sandbox' }));
    const view = await orchestrator.start(request({ profileId: 'sandbox' }));
    expect(host.byId(view.id).spec.navigation.allowedOrigins).toEqual(['http://127.0.0.1:4100', 'http://127.0.0.1:4200']);
  });

  it('refuses to open a ticket URL that is not https on a real instance, and revokes it', async () => {
    const mint = clerk.createActorToken.bind(clerk);
    clerk.createActorToken = async (r) => ({ ...(await mint(r)), url: 'http://clerk.acme.test/v1/tickets/accept?ticket=x' });
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'policy' });
    expect(host.windows).toEqual([]);
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(ledger.query()[0]!.status).toBe('failed');
  });

  it('lets the windows of a development instance open its listed app origins over http, and shows any other refused page with its origin', async () => {
    profiles.set('acme', profile({ appOrigins: ['http://dev-box.internal:3000'] }));
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    const rule = window.spec.navigation;
    expect(rule.allowedOrigins).toEqual(['http://dev-box.internal:3000']);
    for (const url of ['http://dev-box.internal:3000/dashboard?tab=1', 'http://DEV-BOX.internal:3000/', 'http://localhost:3000/', 'https://app.acme.test/']) {
      expect(isNavigationAllowed(url, rule), url).toBe(true);
    }
    const unlisted = 'http://other-box.internal:3000/orders';
    for (const url of [unlisted, 'http://dev-box.internal:3001/', 'http://dev-box.internal/', 'http://x@dev-box.internal:3000/']) {
      expect(isNavigationAllowed(url, rule), url).toBe(false);
    }
    // What the window host reports for a refused main-frame navigation, and what the banner makes of it.
    window.events.onPageProblem!({ kind: 'navigation-blocked', origin: originForBanner(unlisted) });
    await settle();
    expect(window.banner.error).toBe(
      'Blocked a page at http://other-box.internal:3000: only https addresses, this computer’s own (localhost) and the app addresses listed in Settings → Instances open here.',
    );
    expect(entry(view.id).status).toBe('pending');
  });

  it('never opens a ticket on a listed app origin: those are for the app, Clerk is https', async () => {
    profiles.set('acme', profile({ appOrigins: ['http://clerk.acme.test'] }));
    const mint = clerk.createActorToken.bind(clerk);
    clerk.createActorToken = async (r) => ({ ...(await mint(r)), url: 'http://clerk.acme.test/v1/tickets/accept?ticket=x' });
    await expect(orchestrator.start(request())).rejects.toMatchObject({ kind: 'policy' });
    expect(host.windows).toEqual([]);
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
  });

  it('gives a production instance no http origins, whatever its profile lists', async () => {
    profiles.set('acme', profile({ production: true, appOrigins: ['http://dev-box.internal:3000'] }));
    const view = await orchestrator.start(request());
    expect(host.byId(view.id).spec.navigation).toMatchObject({ allowedOrigins: [], allowLoopbackHttp: false });
  });

  it('opens read-only windows when asked', async () => {
    const view = await orchestrator.start(request({ readOnly: true }));
    expect(host.byId(view.id).spec.readOnly).toBe(true);
    expect(host.byId(view.id).banner.detail).toContain('read-only');
  });
});

describe('sign-in', () => {
  it('trusts the session only once its JWT is verified and matches subject and operator', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);

    const session = [...clerk.sessions.values()][0]!;
    expect(entry(view.id)).toMatchObject({ status: 'accepted', sessionId: session.id, acceptedAt: clock.time });
    const [listed] = orchestrator.list();
    expect(listed).toMatchObject({ phase: 'signed-in', sessionId: session.id, sessionExpiresAt: clock.time + 900_000 });
    expect(window.banner).toMatchObject({ status: 'Signed in · ends after 10 min idle', timeLeft: '15:00', canEnd: true });
  });

  it('counts down in the banner, once a second', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    await clock.advance(61_000);
    expect(window.banner.timeLeft).toBe('13:59');
  });

  it('counts idle time from the last fresh token, and a fresh token resets it', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    const jwt = await signIn(window);
    await clock.advance(61_000);
    expect(window.banner.status).toBe('Signed in · idle 1 min, ends at 10');
    // The page's next refresh: a new token of the same session.
    window.setCookie('__session', jwt.replace('header.', 'header2.'));
    await settle();
    await clock.advance(1_000);
    expect(window.banner.status).toBe('Signed in · ends after 10 min idle');
  });

  it('reads a session cookie that was already there when watching began', async () => {
    host.during = async () => {
      const window = host.windows[host.windows.length - 1]!;
      window.jar = [{ name: '__session', value: clerk.acceptTicket(window.spec.ticketUrl)!, domain: 'app', path: '/', secure: true, httpOnly: false }];
    };
    const view = await orchestrator.start(request());
    await settle();
    expect(entry(view.id).status).toBe('accepted');
  });

  it('fails, revokes and closes when the session is of another user', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    clerk.acceptTicket(window.spec.ticketUrl);
    const stray = clerk.addSession('user_bob', { sub: 'user_op', ticket: 'SUP-42' });
    window.setCookie('__session', clerk.jwt({ sub: 'user_bob', sid: stray.id, act: { sub: 'user_op', ticket: 'SUP-42' } }));
    await settle();

    const recorded = entry(view.id);
    expect(recorded.status).toBe('failed');
    expect(recorded.endedBy).toEqual({ reason: 'verification-failed', by: SYSTEM_ACTOR });
    expect(recorded.error).toMatch(/different user/);
    // The ticket was used: the session it created is found and revoked.
    const created = [...clerk.sessions.values()].find((s) => s.userId === 'user_ada')!;
    expect(created.status).toBe('revoked');
    expect(window.cleared).toBe(1);
    expect(window.closed).toBe(true);
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'failed' });
    expect(orchestrator.list()[0]!.error).toMatch(/different user/);
  });

  it('fails when the actor is not this operator, or not this impersonation', async () => {
    const a = await orchestrator.start(request());
    const wa = host.byId(a.id);
    clerk.acceptTicket(wa.spec.ticketUrl);
    const other = clerk.addSession('user_ada', { sub: 'user_someone_else', ticket: 'SUP-42' });
    wa.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid: other.id, act: { sub: 'user_someone_else', ticket: 'SUP-42' } }));
    await settle();
    expect(entry(a.id).status).toBe('failed');

    const b = await orchestrator.start(request({ reason: 'SUP-77' }));
    const wb = host.byId(b.id);
    wb.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid: 'sess_x', act: { sub: 'user_op', ticket: 'SUP-1' } }));
    await settle();
    expect(entry(b.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/someone or something else/) });

    const c = await orchestrator.start(request());
    const wc = host.byId(c.id);
    wc.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid: 'sess_y', act: null }));
    await settle();
    expect(entry(c.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not an impersonation/) });
  });

  it('fails on a token that does not verify, and revokes the unused ticket', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    window.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid: 'sess_f', act: null }).replace(/\.signed$/, '.forged'));
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not be verified/) });
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(window.closed).toBe(true);
  });

  it('retries a verification that failed for network reasons', async () => {
    const view = await orchestrator.start(request());
    clerk.verifyFailures.push(new AppError({ kind: 'network', message: 'JWKS could not be loaded' }));
    await signIn(host.byId(view.id));
    expect(entry(view.id).status).toBe('pending');
    await clock.advance(1_000);
    expect(entry(view.id).status).toBe('accepted');
  });

  it('ends the impersonation when another session replaces the verified one in the window', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    const sessionId = entry(view.id).sessionId!;
    window.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid: 'sess_other', act: { sub: 'user_op', ticket: 'SUP-42', ref: view.id } }));
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'verification-failed' } });
    expect(clerk.sessions.get(sessionId)!.status).toBe('revoked');
    expect(window.closed).toBe(true);
  });

  it('ignores refreshes of the same session', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    const sid = entry(view.id).sessionId!;
    window.setCookie('__session', clerk.jwt({ sub: 'user_ada', sid, act: { sub: 'user_op', ticket: 'SUP-42', ref: view.id } }));
    await settle();
    expect(entry(view.id).status).toBe('accepted');
    expect(window.closed).toBe(false);
  });
});

describe('end', () => {
  it('End in the banner revokes the session, wipes the partition, closes the window and records who', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    const sessionId = entry(view.id).sessionId!;

    window.events.onEndRequested();
    await settle();

    expect(clerk.sessions.get(sessionId)!.status).toBe('revoked');
    expect(window.cleared).toBe(1);
    expect(window.closed).toBe(true);
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedAt: clock.time, endedBy: { reason: 'operator', by: 'agent' }, error: null });
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'ended' });
    // Cleared before closed: nothing of the session survives in the partition.
    expect(clerk.calls.indexOf(`revokeSession ${sessionId}`)).toBeGreaterThan(-1);
  });

  it('revokes the unused token when ended before sign-in', async () => {
    const view = await orchestrator.start(request());
    const ended = await orchestrator.end(view.id, 'operator', 'agent');
    expect(ended.phase).toBe('ended');
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(entry(view.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator', by: 'agent' } });
  });

  it('revokes the session a just-used token created, when Clerk says it can no longer be revoked', async () => {
    const view = await orchestrator.start(request());
    // The page signed in at Clerk, but the cookie has not been seen yet.
    clerk.acceptTicket(host.byId(view.id).spec.ticketUrl);
    const session = [...clerk.sessions.values()][0]!;
    await orchestrator.end(view.id, 'operator', 'agent');
    expect(session.status).toBe('revoked');
    expect(entry(view.id)).toMatchObject({ status: 'ended', sessionId: session.id });
  });

  it('ends when the operator closes the window', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    window.userClose();
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'window-closed', by: 'agent' } });
    expect(window.cleared).toBe(1);
  });

  it('ends at the session cap', async () => {
    const view = await orchestrator.start(request({ sessionMaxSeconds: 120 }));
    const window = host.byId(view.id);
    await signIn(window);
    await clock.advance(119_000);
    expect(entry(view.id).status).toBe('accepted');
    await clock.advance(1_000);
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'session-cap', by: SYSTEM_ACTOR } });
    expect(window.closed).toBe(true);
  });

  it('marks the token expired when nobody signed in before it expired', async () => {
    const view = await orchestrator.start(request({ tokenTtlSeconds: 60 }));
    await clock.advance(60_000);
    expect(entry(view.id)).toMatchObject({ status: 'expired', endedBy: { reason: 'token-expired', by: SYSTEM_ACTOR } });
    expect(host.byId(view.id).closed).toBe(true);
    // The session cap does not start before sign-in, and the token expiry does not end a signed-in session.
    const signedIn = await orchestrator.start(request({ tokenTtlSeconds: 60 }));
    await signIn(host.byId(signedIn.id));
    await clock.advance(120_000);
    expect(entry(signedIn.id).status).toBe('accepted');
  });

  it('ends everything on endAll, with the reason given', async () => {
    const a = await orchestrator.start(request());
    const b = await orchestrator.start(request({ userId: 'user_bob' }));
    await signIn(host.byId(a.id));
    const views = await orchestrator.endAll('app-quit', 'agent');
    expect(views.map((v) => v.phase)).toEqual(['ended', 'ended']);
    expect(entry(a.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'app-quit' } });
    expect(entry(b.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'app-quit' } });
    expect(host.windows.every((w) => w.closed && w.cleared === 1)).toBe(true);
  });

  it('finishes an impersonation ended while its token was being minted', async () => {
    let release!: () => void;
    clerk.mint = () => new Promise<void>((resolve) => (release = resolve));
    const started = orchestrator.start(request());
    await settle();
    const ending = orchestrator.endAll('app-quit', 'agent');
    release();
    await expect(started).rejects.toMatchObject({ kind: 'conflict' });
    await ending;
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(ledger.query()[0]).toMatchObject({ status: 'revoked', endedBy: { reason: 'app-quit' } });
    expect(host.windows).toEqual([]);
  });

  it('stays ending while Clerk cannot be reached, retries with backoff, and says ended only once Clerk confirmed it', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    const sessionId = entry(view.id).sessionId!;
    const cap = entry(view.id).acceptedAt! + 900_000;
    const unreachable = () => new AppError({ kind: 'network', message: 'Clerk is unreachable.' });
    clerk.revokeSessionFailures.push(unreachable(), unreachable());
    const ended = await orchestrator.end(view.id, 'operator', 'agent');

    // Not ended: the window is wiped and gone, the record and the console say "ending".
    expect(ended).toMatchObject({ phase: 'ending', error: null, ending: { attempts: 1, nextAttemptAt: clock.now() + 5_000, problem: 'Clerk is unreachable.', clerkEndsBy: cap } });
    expect(window.closed).toBe(true);
    expect(window.cleared).toBe(1);
    expect(entry(view.id)).toMatchObject({ status: 'ending', endedBy: { reason: 'operator', by: 'agent' }, endedAt: null });
    expect(entry(view.id).error).toMatch(/^Not ended at Clerk yet \(attempt 1: Clerk is unreachable\.\); still trying\. Clerk ends it by itself by \d{4}-.+Z\.$/);
    expect(clerk.sessions.get(sessionId)!.status).toBe('active');

    await clock.advance(4_999);
    expect(orchestrator.list()[0]!.ending!.attempts).toBe(1);
    await clock.advance(1);
    // The second attempt failed too: twice the wait.
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'ending', ending: { attempts: 2, nextAttemptAt: clock.now() + 10_000 } });
    await clock.advance(10_000);
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'ended', ending: null, error: null });
    expect(clerk.sessions.get(sessionId)!.status).toBe('revoked');
    expect(entry(view.id)).toMatchObject({
      status: 'ended',
      endedBy: { reason: 'operator', by: 'agent' },
      error: 'Ending at Clerk failed 2 times (last: Clerk is unreachable.); Clerk confirmed it at attempt 3.',
    });
    const types = ledger.eventsAfter(0).filter((event) => event.entryId === view.id).map((event) => event.type);
    expect(types).toEqual(['started', 'minted', 'signed_in', 'ending', 'end_retried', 'ended']);
  });

  it('tries at once on Retry, and End on an ending one does the same', async () => {
    const view = await orchestrator.start(request());
    await signIn(host.byId(view.id));
    clerk.revokeSessionFailures.push(new AppError({ kind: 'network', message: 'Clerk is unreachable.' }), new AppError({ kind: 'network', message: 'Clerk is unreachable.' }));
    await orchestrator.end(view.id, 'operator', 'agent');
    expect(await orchestrator.end(view.id, 'operator', 'agent')).toMatchObject({ phase: 'ending', ending: { attempts: 2 } });
    expect(await orchestrator.retryEnd(view.id)).toMatchObject({ phase: 'ended' });
    expect(clock.pending()).toBeGreaterThan(0); // only the finished item's display timer is left
    await expect(orchestrator.retryEnd(view.id)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('records honestly that Clerk ended it by itself when its expiry passed before Clerk could be reached', async () => {
    const view = await orchestrator.start(request({ sessionMaxSeconds: 60 }));
    await signIn(host.byId(view.id));
    const cap = entry(view.id).acceptedAt! + 60_000;
    for (let i = 0; i < 10; i++) clerk.revokeSessionFailures.push(new AppError({ kind: 'network', message: 'Clerk is unreachable.' }));
    await orchestrator.end(view.id, 'operator', 'agent');
    await clock.advance(cap - clock.now() - 1);
    expect(orchestrator.list()[0]!.phase).toBe('ending');
    // The last attempt is made at the expiry itself, and fails: over at Clerk by its own cap.
    await clock.advance(1);
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'ended', ending: null });
    expect(entry(view.id)).toMatchObject({ status: 'expired', endedAt: cap, endedBy: { reason: 'operator', by: 'agent' } });
    expect(entry(view.id).error).toMatch(/^Understudy could not reach Clerk to end it \(\d+ times; last: Clerk is unreachable\.\)\. Clerk ended it by itself: its session cap ran out by /);
  });

  it('is idempotent, and says so when the impersonation is unknown', async () => {
    const view = await orchestrator.start(request());
    const [first, second] = await Promise.all([orchestrator.end(view.id, 'operator', 'agent'), orchestrator.end(view.id, 'end-all', 'agent')]);
    expect(first).toEqual(second);
    expect(clerk.calls.filter((c) => c.startsWith('revokeActorToken'))).toHaveLength(1);
    await expect(orchestrator.end('nope', 'operator', 'agent')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('lists a finished impersonation for a minute, then drops it', async () => {
    const view = await orchestrator.start(request());
    await orchestrator.end(view.id, 'operator', 'agent');
    expect(orchestrator.list()).toHaveLength(1);
    await clock.advance(FINISHED_VISIBLE_MS);
    expect(orchestrator.list()).toEqual([]);
    expect(changes).toBeGreaterThan(3);
  });
});

describe('real instances', () => {
  it('ends a sign-in that never completes after 90 s, revokes the token and explains why', async () => {
    const view = await orchestrator.start(request());
    await clock.advance(89_000);
    expect(entry(view.id).status).toBe('pending');
    await clock.advance(1_000);
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
    expect(entry(view.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'sign-in-timeout', by: SYSTEM_ACTOR } });
    expect(entry(view.id).error).toMatch(/__clerk_ticket/);
    expect(orchestrator.list()[0]).toMatchObject({ phase: 'failed', error: expect.stringMatching(/custom-flows/) });
    expect(host.byId(view.id).closed).toBe(true);
  });

  it('ends at once, in plain words, when Clerk refuses the ticket in the window', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    window.events.onPageProblem!({ kind: 'ticket-error', status: 400, code: 'actor_token_already_used_code', message: 'This actor token has already been used. Each token can only be used once.' });
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'failed', endedBy: { reason: 'ticket-error', by: SYSTEM_ACTOR } });
    expect(entry(view.id).error).toMatch(/already used; each link works once/);
    expect(window.closed).toBe(true);
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked'); // it was still pending here: revoked all the same
  });

  it('records an expired ticket refused in the window as expired', async () => {
    const view = await orchestrator.start(request());
    host.byId(view.id).events.onPageProblem!({ kind: 'ticket-error', status: 400, code: 'ticket_expired_code', message: null });
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'expired', endedBy: { reason: 'token-expired' } });
  });

  it('shows a refused main-frame navigation in the banner, with its origin, and keeps going', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    window.events.onPageProblem!({ kind: 'navigation-blocked', origin: 'http://intranet.acme.test' });
    await settle();
    expect(window.banner.error).toMatch(/Blocked a page at http:\/\/intranet\.acme\.test/);
    expect(entry(view.id).status).toBe('pending');
    await signIn(window);
    expect(entry(view.id).status).toBe('accepted');
  });

  it('asks Clerk after 2 minutes without a fresh token, and ends here when Clerk has ended the session', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    await signIn(window);
    const session = clerk.sessions.get(entry(view.id).sessionId!)!;
    await clock.advance(60_000);
    expect(clerk.calls.filter((call) => call.startsWith('getSession'))).toHaveLength(0);
    session.status = 'expired'; // 10 minutes without activity, at Clerk
    await clock.advance(61_000);
    await settle();
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'ended-at-clerk', by: SYSTEM_ACTOR } });
    expect(entry(view.id).error).toMatch(/10 minutes without activity/);
    expect(window.closed).toBe(true);
  });

  it('keeps a session Clerk still has, however quiet the window', async () => {
    const view = await orchestrator.start(request({ sessionMaxSeconds: 900 }));
    await signIn(host.byId(view.id));
    await clock.advance(300_000);
    expect(entry(view.id).status).toBe('accepted');
    expect(clerk.calls.filter((call) => call.startsWith('getSession')).length).toBeGreaterThan(0);
  });

  it('takes the watchdog time from its deps', async () => {
    orchestrator = new Orchestrator({ profiles: { get: (id) => profiles.get(id), gateway: () => clerk }, ledger, windowHost: host, now: clock.now, osUser: 'agent', scheduler: clock, signInTimeoutMs: 30_000 });
    const view = await orchestrator.start(request());
    await clock.advance(30_000);
    expect(entry(view.id).endedBy?.reason).toBe('sign-in-timeout');
  });

  it('ignores __session cookies issued by another instance, and reads the suffixed cookie of this one', async () => {
    const view = await orchestrator.start(request());
    const window = host.byId(view.id);
    window.setCookie('__session', clerk.jwt({ sub: 'user_eve', sid: 'sess_iframe', act: null }, 'https://clerk.other-app.test'));
    window.setCookie('__session', 'not-a-jwt-from-some-other-framework');
    await settle();
    expect(clerk.calls.filter((call) => call === 'verifySessionToken')).toHaveLength(0);
    expect(entry(view.id).status).toBe('pending');
    const jwt = clerk.acceptTicket(window.spec.ticketUrl)!;
    window.setCookie('__session_a_B-c_9d', jwt);
    await settle();
    expect(entry(view.id).status).toBe('accepted');
  });

  it('waits for the next token when one is not yet valid or already expired (clock skew)', async () => {
    const view = await orchestrator.start(request());
    clerk.verifyFailures.push(new SessionTokenTimingError('The session token is not valid yet (the clocks differ).'));
    const window = host.byId(view.id);
    const jwt = await signIn(window);
    expect(entry(view.id).status).toBe('pending');
    // The page's next refresh: a new token of the same session.
    window.setCookie('__session', jwt.replace('header.', 'header2.'));
    await settle();
    expect(entry(view.id).status).toBe('accepted');
  });

  it('matches sessions by the impersonation’s own reference, never by time: ending one leaves the other’s session alone', async () => {
    const first = await orchestrator.start(request());
    const second = await orchestrator.start(request());
    // Both pages signed in at Clerk; neither cookie has been seen yet.
    clerk.acceptTicket(host.byId(first.id).spec.ticketUrl);
    clerk.acceptTicket(host.byId(second.id).spec.ticketUrl);
    const [firstSession, secondSession] = [...clerk.sessions.values()];
    expect([firstSession!.actor!['ref'], secondSession!.actor!['ref']]).toEqual([first.id, second.id]);
    await orchestrator.end(first.id, 'operator', 'agent');
    expect(firstSession!.status).toBe('revoked');
    expect(secondSession!.status).toBe('active');
    expect(entry(first.id)).toMatchObject({ status: 'ended', sessionId: firstSession!.id });
  });

  it('counts pending sessions (session tasks outstanding) when looking for the session a token created', async () => {
    const view = await orchestrator.start(request());
    clerk.acceptTicket(host.byId(view.id).spec.ticketUrl);
    const session = [...clerk.sessions.values()][0]!;
    session.status = 'pending';
    await orchestrator.end(view.id, 'operator', 'agent');
    expect(session.status).toBe('revoked');
    expect(entry(view.id)).toMatchObject({ status: 'ended', sessionId: session.id });
  });
});

describe('recover', () => {
  /** A run that crashes: impersonations started, never ended, the orchestrator dropped. */
  async function crashedRun() {
    const pending = await orchestrator.start(request());
    const accepted = await orchestrator.start(request({ userId: 'user_bob' }));
    await signIn(host.byId(accepted.id));
    const expired = await orchestrator.start(request({ tokenTtlSeconds: 60 }));
    const minting = ledger.begin({
      profileId: 'acme', profileName: 'Acme', production: false, subject: { id: 'user_ada', name: 'Ada', email: null },
      operator: { clerkUserId: 'user_op', osUser: 'agent' }, reason: '', tokenTtlSeconds: 60, sessionMaxSeconds: 60, readOnly: false,
    });
    return { pending: pending.id, accepted: accepted.id, expired: expired.id, minting: minting.id };
  }

  it('ends what a crashed run left live, at Clerk and in the history', async () => {
    const ids = await crashedRun();
    const acceptedSession = entry(ids.accepted).sessionId!;
    clock.time += 61_000; // no timers: that run is gone

    const next = build();
    await next.recover();

    expect(entry(ids.pending)).toMatchObject({ status: 'revoked', endedBy: { reason: 'recovery', by: SYSTEM_ACTOR } });
    expect(clerk.tokens.get(entry(ids.pending).actorTokenId!)!.status).toBe('revoked');
    expect(entry(ids.accepted)).toMatchObject({ status: 'ended', endedBy: { reason: 'recovery' } });
    expect(clerk.sessions.get(acceptedSession)!.status).toBe('revoked');
    expect(entry(ids.expired)).toMatchObject({ status: 'expired', endedBy: { reason: 'recovery' } });
    expect(entry(ids.minting)).toMatchObject({ status: 'unknown', endedBy: { reason: 'recovery' } });
    expect(entry(ids.minting).error).toMatch(/may exist/);
    expect(ledger.live()).toEqual([]);
  });

  it('finds the session of a token used just before the crash', async () => {
    const view = await orchestrator.start(request());
    clerk.acceptTicket(host.byId(view.id).spec.ticketUrl); // used, never verified
    const session = [...clerk.sessions.values()][0]!;
    const unrelated = clerk.addSession('user_ada', { sub: 'user_other_agent' });
    const older = clerk.addSession('user_ada', { sub: 'user_op' }, clock.time - 3_600_000);

    await build().recover();

    expect(session.status).toBe('revoked');
    expect(unrelated.status).toBe('active');
    expect(older.status).toBe('active');
    expect(entry(view.id)).toMatchObject({ status: 'ended', sessionId: session.id });
  });

  it('leaves alone the impersonations open in this run', async () => {
    const view = await orchestrator.start(request());
    await orchestrator.recover();
    expect(entry(view.id).status).toBe('pending');
    expect(clerk.tokens.get('act_1')!.status).toBe('pending');
  });

  it('keeps a leftover Clerk did not confirm ending, lists it, and retries it in the background', async () => {
    const view = await orchestrator.start(request());
    await signIn(host.byId(view.id));
    clerk.revokeSessionFailures.push(new AppError({ kind: 'network', message: 'Clerk is unreachable.' }));
    const next = build();
    await next.recover();
    // Still ending: listed for the console with its next attempt, and retried in the background.
    expect(entry(view.id)).toMatchObject({ status: 'ending', endedBy: { reason: 'recovery' }, error: expect.stringMatching(/Clerk is unreachable/) });
    expect(next.list()).toEqual([expect.objectContaining({ id: view.id, phase: 'ending', ending: expect.objectContaining({ attempts: 1 }) })]);
    await clock.advance(5_000);
    expect(entry(view.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'recovery' } });
    expect(next.list()[0]!.phase).toBe('ended');
  });
});

describe('revokePendingToken', () => {
  it('revokes an unused token left in the history', async () => {
    const view = await orchestrator.start(request());
    const next = build();
    const revoked = await next.revokePendingToken(view.id, 'agent');
    expect(revoked).toMatchObject({ status: 'revoked', endedBy: { reason: 'revoked-token', by: 'agent' } });
    expect(clerk.tokens.get('act_1')!.status).toBe('revoked');
  });

  it('ends the window of a token revoked in this run', async () => {
    const view = await orchestrator.start(request());
    const revoked = await orchestrator.revokePendingToken(view.id, 'agent');
    expect(revoked.status).toBe('revoked');
    expect(host.byId(view.id).closed).toBe(true);
  });

  it('refuses used tokens', async () => {
    const view = await orchestrator.start(request());
    await signIn(host.byId(view.id));
    await expect(orchestrator.revokePendingToken(view.id, 'agent')).rejects.toMatchObject({ kind: 'conflict' });
    await expect(build().revokePendingToken(view.id, 'agent')).rejects.toMatchObject({ kind: 'conflict' });
  });
});

describe('windows', () => {
  it('focuses one, and arranges the open ones side by side', async () => {
    const a = await orchestrator.start(request());
    const b = await orchestrator.start(request({ userId: 'user_bob' }));
    orchestrator.focus(b.id);
    expect(host.byId(b.id).focused).toBe(1);
    orchestrator.arrange();
    expect(host.byId(a.id).bounds).toEqual({ x: 0, y: 0, width: 800, height: 900 });
    expect(host.byId(b.id).bounds).toEqual({ x: 800, y: 0, width: 800, height: 900 });
    await orchestrator.end(a.id, 'operator', 'agent');
    expect(() => orchestrator.focus(a.id)).toThrow(AppError);
  });
});

describe('pacing window openings within Clerk’s sign-in limit (5 per 10 s)', () => {
  const queuedViews = () => orchestrator.list().filter((view) => view.queued !== null);

  it('queues the 6th and 7th starts while five sign-ins are in flight, and opens them a full window after those are over', async () => {
    const starts = Array.from({ length: 7 }, () => orchestrator.start(request()));
    await settle();
    expect(host.windows).toHaveLength(5);
    // Five windows are signing in at moments Understudy cannot see: when the others open is not known yet.
    expect(queuedViews().map((view) => [view.phase, view.queued])).toEqual([['opening', { until: null }], ['opening', { until: null }]]);
    for (const window of host.windows.slice(0, 2)) await signIn(window);
    const over = clock.now();
    // Two sign-ins over: each queued one opens a full window (plus the margin) after one of them.
    expect(queuedViews().map((view) => view.queued!.until)).toEqual([over + 11_000, over + 11_000]);
    await clock.advance(10_999);
    expect(host.windows).toHaveLength(5);
    // Each start answered without waiting for its window: five opened, two queued (the dialog is free).
    const views = await Promise.all(starts);
    expect(views.map((view) => [view.phase, view.queued !== null])).toEqual([...Array.from({ length: 5 }, () => ['waiting', false]), ['opening', true], ['opening', true]]);
    await clock.advance(1);
    expect(host.windows).toHaveLength(7);
    expect(orchestrator.list().map((view) => view.queued)).toEqual(Array.from({ length: 7 }, () => null));
    expect(orchestrator.list().filter((view) => view.phase === 'waiting')).toHaveLength(5);
  });

  it('opens a queued window as soon as a sign-in in flight is over and has aged out, not before', async () => {
    for (let i = 0; i < 5; i++) await orchestrator.start(request());
    const sixth = orchestrator.start(request());
    await settle();
    const queuedBefore = queuedViews()[0]?.id;
    await clock.advance(60_000);
    expect(host.windows).toHaveLength(5); // still five in flight: no time is enough
    await signIn(host.windows[0]!);
    await clock.advance(11_000);
    const answered = await sixth;
    expect(answered).toMatchObject({ id: queuedBefore, queued: { until: null } });
    expect(orchestrator.list().find((view) => view.id === answered.id)).toMatchObject({ phase: 'waiting', queued: null });
    expect(host.windows).toHaveLength(6);
  });

  it('a queued start whose window then cannot open stays listed as failed, saying why, its link revoked', async () => {
    for (let i = 0; i < 5; i++) await orchestrator.start(request());
    const sixth = await orchestrator.start(request());
    expect(sixth.queued).not.toBeNull();
    host.failNext = true;
    await signIn(host.windows[0]!);
    await clock.advance(11_000);
    expect(orchestrator.list().find((view) => view.id === sixth.id)).toMatchObject({ phase: 'failed', error: expect.stringMatching(/could not be opened/) });
    expect(clerk.tokens.get(entry(sixth.id).actorTokenId!)!.status).toBe('revoked');
  });

  it('a queued start can be cancelled: its link is revoked, no window opens', async () => {
    for (let i = 0; i < 5; i++) await orchestrator.start(request());
    const sixth = orchestrator.start(request());
    await settle();
    const [queued] = queuedViews();
    const tokenId = entry(queued!.id).actorTokenId!;
    // The start answered as queued; cancelling it later ends it through the one clean-up path.
    expect(await sixth).toMatchObject({ id: queued!.id, phase: 'opening', queued: { until: null } });
    const ended = await orchestrator.end(queued!.id, 'operator', 'agent');
    expect(ended.phase).toBe('ended');
    expect(clerk.tokens.get(tokenId)!.status).toBe('revoked');
    expect(entry(queued!.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'operator', by: 'agent' } });
    expect(host.windows).toHaveLength(5);
  });
});
