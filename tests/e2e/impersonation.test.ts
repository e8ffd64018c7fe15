// The impersonation lifecycle end to end: the real orchestrator, the real Clerk gateway
// (@clerk/backend) against the sandbox, the real ledger on disk (electron-store), and real Chromium, where each
// impersonation partition is its own browser context.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Cookie } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import type { ImpersonationView, Profile } from '../../src/shared/domain.ts';
import { createClerkBackendGateway } from '../../src/main/clerk/clerk-backend-gateway.ts';
import type { ClerkGateway } from '../../src/main/clerk/gateway.ts';
import { Orchestrator, type Scheduler } from '../../src/main/impersonation/orchestrator.ts';
import type { WindowEvents, WindowHost, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import { Ledger } from '../../src/main/ledger/ledger.ts';
import { defaultPolicy } from '../../src/main/policy/policy.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { EmulatedWindowHost, type EmulatedImpersonationWindow } from '../support/emulated-window-host.ts';

const [ADA, ALAN, KATHERINE] = SANDBOX_FIXTURES.plain;
const OPERATOR = SANDBOX_FIXTURES.operator;

/**
 * Real timers for short waits (banner ticks, verification retries); long ones (token expiry, session
 * cap) are held until the test fires them, after moving the sandbox clock. The orchestrator re-arms
 * a timer that fires before its time, so firing early is always safe.
 */
class HeldScheduler implements Scheduler {
  readonly held = new Set<{ callback: () => void }>();
  setTimer(callback: () => void, ms: number) {
    if (ms <= 5_000) return setTimeout(callback, ms);
    const handle = { callback };
    this.held.add(handle);
    return handle;
  }
  clearTimer(handle: unknown) {
    if (!this.held.delete(handle as { callback: () => void })) clearTimeout(handle as NodeJS.Timeout);
  }
  fireHeld() {
    const due = [...this.held];
    this.held.clear();
    due.forEach((handle) => handle.callback());
  }
}

/** A window host whose owner can "crash": events stop reaching the dead orchestrator. */
class CrashableHost implements WindowHost {
  dead = false;
  readonly inner: EmulatedWindowHost;
  constructor(inner: EmulatedWindowHost) {
    this.inner = inner;
  }
  open(spec: WindowSpec, events: WindowEvents) {
    const alive = (call: () => void) => () => {
      if (!this.dead) call();
    };
    return this.inner.open(spec, { onEndRequested: alive(events.onEndRequested), onClosed: alive(events.onClosed) });
  }
  workArea() {
    return this.inner.workArea();
  }
}

let sandbox: Sandbox;
let browser: Browser;
let gateway: ClerkGateway;
let dataDir: string;
let clockOffset = 0;
const now = () => Date.now() + clockOffset;
const profile: Profile = {
  id: 'sandbox',
  name: 'Sandbox',
  kind: 'sandbox',
  production: false,
  keyHint: 'sk_test_…',
  operator: { userId: OPERATOR, name: 'Morgan Reyes' },
  policy: defaultPolicy(false),
  appOrigins: [],
};

function setup(host: WindowHost, documentsDir: string, scheduler: Scheduler = new HeldScheduler()) {
  mkdirSync(documentsDir, { recursive: true });
  const { ledger } = Ledger.open(createElectronStoreDocuments(documentsDir), { now });
  const orchestrator = new Orchestrator({
    profiles: { get: (id) => (id === profile.id ? profile : undefined), gateway: () => gateway },
    ledger,
    windowHost: host,
    now,
    osUser: 'agent',
    sandboxOrigins: sandbox.origins,
    scheduler,
  });
  return { ledger, orchestrator, scheduler };
}

const request = (userId: string, extra: Record<string, unknown> = {}) => ({
  profileId: 'sandbox', userId, reason: 'SUP-1234 checkout fails', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false, ...extra,
});

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

/** The code of the Clerk JSON error a page shows (Chromium renders a JSON answer as text). */
async function clerkErrorCode(page: import('playwright-core').Page): Promise<string | undefined> {
  try {
    return (JSON.parse(await page.locator('body').innerText()) as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

async function sessionCookies(context: BrowserContext): Promise<Cookie[]> {
  return (await context.cookies()).filter((cookie) => cookie.name === '__session' && cookie.value !== '');
}

async function signedIn(orchestrator: Orchestrator, ids: string[]) {
  await vi.waitFor(
    () => {
      const phases = orchestrator.list().filter((v) => ids.includes(v.id)).map((v) => v.phase);
      expect(phases).toEqual(ids.map(() => 'signed-in'));
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** A fresh browser that has nothing but the given cookies: what someone holding them would see. */
async function appAs(cookies: Cookie[]) {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(sandbox.appUrl);
  const signedOut = await page.$('[data-testid="signed-out"]');
  const result = signedOut
    ? { signedIn: false as const, reason: await signedOut.getAttribute('data-reason') }
    : { signedIn: true as const, subject: await page.textContent('[data-testid="subject-id"]') };
  await context.close();
  return result;
}

async function showsSubject(window: EmulatedImpersonationWindow, subject: string) {
  await window.page.waitForSelector('[data-testid="subject-id"]', { timeout: 10_000 });
  expect(await window.page.textContent('[data-testid="subject-id"]')).toBe(subject);
  expect(await window.page.textContent('[data-testid="actor-sub"]')).toBe(OPERATOR);
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([
    startSandbox({ users: 50, now }),
    launchChromium(),
  ]);
  gateway = createClerkBackendGateway({ secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl });
  dataDir = mkdtempSync(join(tmpdir(), 'understudy-impersonation-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('impersonation, end to end', () => {
  it('runs three impersonations at once, each in its own partition, and ends one without touching the others', async () => {
    const host = new EmulatedWindowHost();
    const { orchestrator, ledger } = setup(host, join(dataDir, 'three'));

    const views = await Promise.all([ADA, ALAN, KATHERINE].map((user) => orchestrator.start(request(user!))));
    const ids = views.map((v) => v.id);
    await signedIn(orchestrator, ids);

    const windows = ids.map((id) => host.window(id));
    const subjects = [ADA!, ALAN!, KATHERINE!];
    const saved: Cookie[][] = [];
    for (const [index, window] of windows.entries()) {
      // Each partition holds exactly one session: its own subject's, acted by the operator. On a
      // development instance the portal's host and the app's (localhost) each keep its token, the
      // app's once its page has loaded.
      await showsSubject(window, subjects[index]!);
      const cookies = await sessionCookies(window.context);
      expect(cookies.map((cookie) => cookie.domain).sort()).toEqual([new URL(sandbox.accountsUrl).hostname, new URL(sandbox.appUrl).hostname].sort());
      expect(new Set(cookies.map((cookie) => claimsOf(cookie.value).sid)).size).toBe(1);
      const claims = claimsOf(cookies[0]!.value);
      expect(claims.sub).toBe(subjects[index]);
      expect((claims.act as Record<string, unknown>).sub).toBe(OPERATOR);
      expect(claims.sid).toBe(ledger.get(ids[index]!)!.sessionId);
      saved.push(await window.context.cookies());
    }
    // And the operator's own browser (the console's context) holds no session at all.
    const consoleContext = await browser.newContext();
    const consolePage = await consoleContext.newPage();
    await consolePage.goto(sandbox.appUrl);
    expect(await consolePage.getAttribute('[data-testid="signed-out"]', 'data-reason')).toBe('no-session');
    expect(await sessionCookies(consoleContext)).toEqual([]);
    await consoleContext.close();

    // The ledger knows all three as accepted, with their Clerk sessions; no ticket is written down.
    for (const id of ids) expect(ledger.get(id)).toMatchObject({ status: 'accepted', actorTokenId: expect.stringMatching(/^act_/) });

    // End Ada's from the banner.
    const ada = windows[0]!;
    const adaSession = ledger.get(ids[0]!)!.sessionId!;
    await ada.pressEnd();
    await vi.waitFor(() => expect(ledger.get(ids[0]!)!.status).toBe('ended'), { timeout: 10_000, interval: 50 });
    expect(ledger.get(ids[0]!)!.endedBy).toEqual({ reason: 'operator', by: 'agent' });
    expect(sandbox.state.session(adaSession)!.status).toBe('revoked');
    expect(ada.isClosed()).toBe(true);
    expect(ada.clearedCount).toBe(1);
    // Even with the cookies it had, the app now says signed out.
    expect(await appAs(saved[0]!)).toEqual({ signedIn: false, reason: 'revoked' });

    // The other two are still signed in, in their windows and at Clerk.
    for (const [index, window] of windows.entries()) {
      if (index === 0) continue;
      await window.page.reload();
      await showsSubject(window, subjects[index]!);
      expect(sandbox.state.session(ledger.get(ids[index]!)!.sessionId!)!.status).toBe('active');
    }
    expect(orchestrator.list().map((v) => v.phase)).toEqual(['ended', 'signed-in', 'signed-in']);

    // App quit ends the rest.
    const ended = await orchestrator.endAll('app-quit', 'agent');
    expect(ended.map((v: ImpersonationView) => v.phase)).toEqual(['ended', 'ended']);
    for (const id of ids.slice(1)) {
      expect(ledger.get(id)).toMatchObject({ status: 'ended', endedBy: { reason: 'app-quit' } });
      expect(sandbox.state.session(ledger.get(id)!.sessionId!)!.status).toBe('revoked');
    }
    expect(await appAs(saved[1]!)).toMatchObject({ signedIn: false });
  });

  it('never signs anyone in with a revoked ticket', async () => {
    const host = new EmulatedWindowHost();
    const { orchestrator, ledger } = setup(host, join(dataDir, 'revoked'));
    let release!: () => void;
    host.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));

    const view = await orchestrator.start(request(ADA!));
    const window = host.window(view.id);
    const tokenId = ledger.get(view.id)!.actorTokenId!;
    const revoked = await orchestrator.revokePendingToken(view.id, 'agent');
    release();

    expect(revoked).toMatchObject({ status: 'revoked', sessionId: null, acceptedAt: null, endedBy: { reason: 'revoked-token', by: 'agent' } });
    expect(window.isClosed()).toBe(true);
    // Even if the link had leaked, it signs nobody in.
    const elsewhere = await browser.newContext();
    const page = await elsewhere.newPage();
    const answer = await page.goto(window.spec.ticketUrl);
    // Clerk answers a revoked ticket with its JSON error (clerk-docs data/api_errors.json).
    expect(answer?.status()).toBe(400);
    expect(await clerkErrorCode(page)).toBe('actor_token_revoked_code');
    expect(await sessionCookies(elsewhere)).toEqual([]);
    await elsewhere.close();
    const token = sandbox.state.actorTokens().find((t) => t.id === tokenId)!;
    expect(token).toMatchObject({ status: 'revoked', sessionId: null });
  });

  it('never signs anyone in with an expired ticket, and records it expired with Clerk’s reason', async () => {
    const host = new EmulatedWindowHost();
    const scheduler = new HeldScheduler();
    const { orchestrator, ledger } = setup(host, join(dataDir, 'expired'), scheduler);
    let release!: () => void;
    host.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));

    const view = await orchestrator.start(request(ALAN!, { tokenTtlSeconds: 60 }));
    const window = host.window(view.id);
    try {
      clockOffset += 61_000; // the sandbox and the orchestrator share this clock
      release();
      await vi.waitFor(async () => expect(await clerkErrorCode(window.page)).toBe('ticket_expired_code'), { timeout: 10_000, interval: 100 });
      expect(await sessionCookies(window.context)).toEqual([]);
      // Clerk's code, read from its error body in the window, ends it at once and says why in plain
      // words (not just "status 400").
      const expired = 'This sign-in link has expired. Clerk: “This ticket has expired and cannot be used anymore.”';
      await vi.waitFor(() => expect(ledger.get(view.id)!.error ?? '').toContain(expired), { timeout: 10_000, interval: 50 });

      scheduler.fireHeld(); // the token's expiry timer
      await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('expired'), { timeout: 5_000, interval: 50 });
    } finally {
      clockOffset = 0;
    }
    expect(ledger.get(view.id)).toMatchObject({ sessionId: null, acceptedAt: null, endedBy: { reason: 'token-expired' } });
    expect(window.isClosed()).toBe(true);
    const tokenId = ledger.get(view.id)!.actorTokenId!;
    expect(sandbox.state.actorTokens().find((t) => t.id === tokenId)!.sessionId).toBeNull();
  });

  it('closes the window and records a failure when the session in it is not the one minted', async () => {
    const host = new EmulatedWindowHost();
    const { orchestrator, ledger } = setup(host, join(dataDir, 'mismatch'));

    // A genuine, valid session token, but of another impersonation (another user).
    const other = await orchestrator.start(request(KATHERINE!));
    await signedIn(orchestrator, [other.id]);
    const [foreign] = await sessionCookies(host.window(other.id).context);

    let release!: () => void;
    host.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));
    const view = await orchestrator.start(request(ADA!));
    const window = host.window(view.id);
    await window.context.addCookies([foreign!]);

    await vi.waitFor(() => expect(ledger.get(view.id)!.status).toBe('failed'), { timeout: 10_000, interval: 50 });
    release();
    expect(ledger.get(view.id)).toMatchObject({ endedBy: { reason: 'verification-failed' }, sessionId: null });
    expect(ledger.get(view.id)!.error).toMatch(/different user/);
    expect(window.isClosed()).toBe(true);
    expect(orchestrator.list().find((v) => v.id === view.id)).toMatchObject({ phase: 'failed' });
    // Its own ticket was revoked unused; the other impersonation was not touched.
    const tokenId = ledger.get(view.id)!.actorTokenId!;
    expect(sandbox.state.actorTokens().find((t) => t.id === tokenId)!.status).toBe('revoked');
    expect(sandbox.state.session(ledger.get(other.id)!.sessionId!)!.status).toBe('active');
    await orchestrator.endAll('end-all', 'agent');
  });

  it('blocks writes to the app in read-only mode', async () => {
    const host = new EmulatedWindowHost();
    const { orchestrator } = setup(host, join(dataDir, 'read-only'));
    const view = await orchestrator.start(request(ALAN!, { readOnly: true }));
    await signedIn(orchestrator, [view.id]);
    const window = host.window(view.id);
    // Signed in is known from the cookie, while the page may still follow its last redirect home.
    await window.page.waitForSelector('[data-testid="subject-id"]');
    await window.page.goto(`${sandbox.appUrl}/account`);
    const before = sandbox.state.formSubmissions.length;
    await window.page.fill('[data-testid="display-name"]', 'Changed by support');
    await window.page.click('[data-testid="account-submit"]').catch(() => undefined);
    // The app's own onBeforeRequest listener cancelled it: Chromium shows its blocked-request page.
    await vi.waitFor(async () => expect(await window.page.evaluate(() => document.documentElement.innerHTML)).toMatch(/ERR_BLOCKED_BY_CLIENT/), { timeout: 5_000 });
    expect(sandbox.state.formSubmissions.length).toBe(before);
    await orchestrator.endAll('end-all', 'agent');
  });

  it('after a crash, the next start ends the leftovers at Clerk and in the history', async () => {
    const documents = join(dataDir, 'crash');
    const inner = new EmulatedWindowHost();
    const crashing = new CrashableHost(inner);
    const first = setup(crashing, documents);

    const signed = await first.orchestrator.start(request(ADA!));
    await signedIn(first.orchestrator, [signed.id]);
    // Signed in is known from the portal's cookie; the app's own token follows once its page has loaded.
    await showsSubject(inner.window(signed.id), ADA!);
    const cookies = await inner.window(signed.id).context.cookies();
    let release!: () => void;
    inner.beforeTicket = () => new Promise<void>((resolve) => (release = resolve));
    const waiting = await first.orchestrator.start(request(ALAN!));
    const sessionId = first.ledger.get(signed.id)!.sessionId!;
    const tokenId = first.ledger.get(waiting.id)!.actorTokenId!;

    // The process dies: its windows go with it, nothing is ended.
    crashing.dead = true;
    for (const window of inner.all()) await window.close();
    release();
    expect(sandbox.state.session(sessionId)!.status).toBe('active');

    // Next start, same history file.
    const next = setup(new EmulatedWindowHost(), documents);
    expect(next.ledger.live().map((e) => e.id).sort()).toEqual([signed.id, waiting.id].sort());
    await next.orchestrator.recover();

    expect(next.ledger.get(signed.id)).toMatchObject({ status: 'ended', endedBy: { reason: 'recovery', by: 'understudy' } });
    expect(next.ledger.get(waiting.id)).toMatchObject({ status: 'revoked', endedBy: { reason: 'recovery', by: 'understudy' } });
    expect(next.ledger.live()).toEqual([]);
    expect(sandbox.state.session(sessionId)!.status).toBe('revoked');
    expect(sandbox.state.actorTokens().find((t) => t.id === tokenId)!.status).toBe('revoked');
    expect(await appAs(cookies)).toEqual({ signedIn: false, reason: 'revoked' });
  });
});
