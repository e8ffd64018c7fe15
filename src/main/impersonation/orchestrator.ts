// The impersonation story, top to bottom:
//   start: load profile and user → policy → record (minting) → mint → record (pending + token id)
//          → open a hardened window on a fresh partition with the ticket URL → watch its cookies
//   sign-in: `__session` appears → verify the JWT at the instance (JWKS) → sub and act must match
//          → record (accepted + session id) → the banner counts down to the session cap
//   end:   revoke the Clerk session (or the unused token) → wipe the partition → close the window
//          → record (ended / revoked / expired / failed, with who and why)
//   recover: entries a crashed run left live are ended at Clerk and in the ledger.
// The ledger is written before every step that can leave something behind at Clerk.
import type { ImpersonationPhase, ImpersonationView, LedgerEntry, Operator, Profile, EndReason, SessionSummary, UnknownCheck } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { SessionTokenTimingError, type ClerkGateway, type ClerkUser, type LateMintAnswer, type VerifiedSession } from '../clerk/gateway.ts';
import type { ProfileService } from '../credentials/profile-service.ts';
import type { Ledger, LedgerPatch } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { actorClaims, checkStart, type StartRequest } from '../policy/policy.ts';
import { bannerText, CLERK_IMPERSONATION_IDLE_MS } from './banner-text.ts';
import { gridLayout } from './grid-layout.ts';
import { newPartitionName } from './partition.ts';
import type { CookieChange, ImpersonationWindow, NavigationPolicy, PageProblem, WindowHost } from './window-host.ts';
import { ticketErrorText } from './ticket-errors.ts';
import { nextPhase, type LifecycleEvent } from './lifecycle.ts';
import { isNavigationAllowed } from './window-policy.ts';
import { isSessionCookieName, issuerOf } from './session-cookie.ts';
import { SignInPacer } from './sign-in-pacer.ts';

export type TimerHandle = unknown;

/** Timers, injected so tests can run the clock. */
export interface Scheduler {
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const realScheduler: Scheduler = {
  // Unref'd: a pending cap or a finished item's display time never keeps a process alive by itself.
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface OrchestratorDeps {
  profiles: Pick<ProfileService, 'get' | 'gateway'>;
  ledger: Pick<Ledger, 'begin' | 'update' | 'get' | 'live'>;
  windowHost: WindowHost;
  now: () => number;
  /** The operating-system account of the operator, recorded with every start and end. */
  osUser: string;
  /** The built-in sandbox's loopback http origins: allowed for navigation in sandbox profiles only. */
  sandboxOrigins?: readonly string[];
  log?: Logger;
  scheduler?: Scheduler;
  /** How long the window may take to produce a verified session before it is ended (default 90 s). */
  signInTimeoutMs?: number;
  /**
   * Asked after the policy allowed a start and before anything is recorded: why it must not start
   * now (the organisation requires audit delivery and its audit log cannot be reached), or null.
   */
  startGate?: () => Promise<string | null>;
  /** The wait before the n-th retry of an end Clerk did not confirm (default endRetryDelay). */
  endRetryDelay?: (attempt: number) => number;
}

/** Backoff for ending while Clerk is unreachable: 5 s, 10 s, 20 s… up to 5 minutes between attempts. */
export function endRetryDelay(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/** Who ends an impersonation when no person did. */
export const SYSTEM_ACTOR = 'understudy';

/** How long a finished impersonation stays in the console's list. */
export const FINISHED_VISIBLE_MS = 60_000;
/** Transient failures verifying the first session token are retried this many times, this far apart. */
const VERIFY_ATTEMPTS = 3;
const VERIFY_RETRY_MS = 1_000;

/** Signed in but no fresh session token for this long: ask Clerk whether the session still lives. */
export const LIVENESS_CHECK_MS = 120_000;
/** Default sign-in watchdog: long enough for a slow sign-in page, far below a token's lifetime. */
export const SIGN_IN_TIMEOUT_MS = 90_000;
/** Clerk's guide for sign-in pages that must consume `__clerk_ticket` themselves. */
const CUSTOM_FLOW_GUIDE = 'https://clerk.com/docs/guides/development/custom-flows/account-updates/user-impersonation';

interface Live {
  id: string;
  profile: Profile;
  gateway: ClerkGateway;
  subject: LedgerEntry['subject'];
  operator: Operator;
  expectedActor: { sub: string } & Record<string, string>;
  readOnly: boolean;
  tokenTtlSeconds: number;
  sessionMaxSeconds: number;
  startedAt: number;
  tokenExpiresAt: number;
  /** The ticket URL's origin: Clerk's Frontend API for this instance, the `iss` of its session tokens. */
  frontendApiOrigin: string;
  phase: ImpersonationPhase;
  tokenId: string | null;
  sessionId: string | null;
  sessionExpiresAt: number | null;
  error: string | null;
  window: ImpersonationWindow | null;
  timers: Set<TimerHandle>;
  stopWatching: (() => void) | null;
  /** Serialises verifications; the last cookie value handed to it. */
  verifying: Promise<void>;
  lastSessionToken: string | null;
  /** When the last verified token of the session arrived, and when Clerk was last asked about it. */
  lastFreshTokenAt: number;
  lastLivenessCheckAt: number;
  /** Asked to end while still opening: `#mintAndOpen` finishes the job. */
  cancel: { reason: EndReason; by: string; error?: string } | null;
  /** Queued behind Clerk's sign-in limit (when its window opens, if known), and how to wake it early. */
  queued: { until: number | null } | null;
  wakeQueued: (() => void) | null;
  /** Answers the start once its window waits in the queue (set by `start`). */
  onQueued: (() => void) | null;
  /** The start already answered (queued): a later failure is shown on the Active screen, not thrown to anyone. */
  answered: boolean;
  /** Holds one of the sign-in slots (sign-in-pacer.ts) until its sign-in is over. */
  pacing: boolean;
  /** Shown in the banner when nothing is wrong with the impersonation itself (a refused navigation). */
  notice: string | null;
  /** Settles when the opening is over (window open, failed or cancelled), also after a queued start answered. */
  opened: Promise<unknown>;
  ending: Promise<ImpersonationView> | null;
  /** Why and by whom it is being ended, once asked. */
  endRequest: EndRequest | null;
  /** Clerk has not confirmed the end yet: the failed attempts, the scheduled next one, the one running. */
  retry: { attempts: number; problem: string; nextAttemptAt: number | null; timer: TimerHandle | null; running: Promise<ImpersonationView> | null } | null;
}

interface EndRequest {
  reason: EndReason;
  by: string;
  /** Why it ended, when something went wrong with the impersonation itself (shown and recorded). */
  error: string | null;
}

/** What Clerk confirmed: the entry's final status (and the session found from a used token). */
interface CleanUpOutcome {
  status: 'ended' | 'revoked' | 'expired' | 'failed';
  sessionId?: string;
}

/** Ends where the impersonation itself failed, recorded as `failed` once Clerk confirmed it is over. */
const FAILURE_REASONS: readonly EndReason[] = ['verification-failed', 'ticket-error', 'open-failed'];

type Listener = (views: ImpersonationView[]) => void;

export class Orchestrator {
  readonly #deps: OrchestratorDeps;
  readonly #scheduler: Scheduler;
  readonly #live = new Map<string, Live>();
  readonly #listeners = new Set<Listener>();
  /** Set when quitting: no background retry is scheduled any more. */
  #stopped = false;
  readonly #pacer: SignInPacer;

  constructor(deps: OrchestratorDeps) {
    this.#deps = deps;
    this.#scheduler = deps.scheduler ?? realScheduler;
    this.#pacer = new SignInPacer(deps.now);
  }

  // ─── start ──────────────────────────────────────────────────────────────────────────────────

  async start(request: StartRequest): Promise<ImpersonationView> {
    const { ledger } = this.#deps;
    const profile = this.#profile(request.profileId);
    const gateway = this.#deps.profiles.gateway(profile.id);
    const user = await gateway.getUser(request.userId);
    const decision = checkStart(request, profile, user);
    const gate = await this.#deps.startGate?.();
    if (gate) throw new AppError({ kind: 'audit-unreachable', message: gate });

    // Recorded before Clerk is asked: a crash or an ambiguous answer from here on is never lost.
    const entry = ledger.begin({
      profileId: profile.id,
      profileName: profile.name,
      production: profile.production,
      subject: subjectOf(user),
      operator: { clerkUserId: decision.actor.userId, osUser: this.#deps.osUser },
      reason: request.reason,
      tokenTtlSeconds: decision.tokenTtlSeconds,
      sessionMaxSeconds: decision.sessionMaxSeconds,
      readOnly: request.readOnly,
    }, gateway.requestTimeoutMs);
    const live = newLive({
      id: entry.id,
      profile,
      gateway,
      subject: entry.subject,
      operator: decision.actor,
      // `ref` is this impersonation's own id: sessions are matched by it, never by time alone.
      expectedActor: { ...actorClaims(decision.actor.userId, request.reason, entry.id), ref: entry.id },
      readOnly: request.readOnly,
      tokenTtlSeconds: entry.tokenTtlSeconds,
      sessionMaxSeconds: entry.sessionMaxSeconds,
      startedAt: entry.createdAt,
      tokenExpiresAt: entry.tokenExpiresAt,
      phase: 'opening',
      opened: Promise.resolve(),
    });
    this.#live.set(live.id, live);
    this.#emit();
    const queued = new Promise<ImpersonationView>((resolve) => {
      live.onQueued = () => {
        live.answered = true;
        resolve(view(live));
      };
    });
    const opening = this.#mintAndOpen(live, request.userId);
    live.opened = opening.then(
      () => undefined,
      () => undefined,
    );
    // Answers once the window opened, or as soon as it waits for a sign-in slot: a queued start is
    // listed as such on the Active screen and opens in its turn (a failure then shows there).
    return Promise.race([opening, queued]);
  }

  async #mintAndOpen(live: Live, userId: string): Promise<ImpersonationView> {
    const { ledger } = this.#deps;
    let token;
    try {
      token = await live.gateway.createActorToken(
        {
          userId,
          actor: live.expectedActor,
          expiresInSeconds: live.tokenTtlSeconds,
          sessionMaxDurationInSeconds: live.sessionMaxSeconds,
        },
        (answer) => void this.#settleLateMint(live, answer).catch((error: unknown) => this.#warn('Settling a late answer from Clerk failed', error)),
      );
    } catch (error) {
      const failure = asAppError(error, 'create the sign-in link');
      // Ambiguous: a token may exist at Clerk without its id being known; it dies by tokenExpiresAt,
      // which the History shows in local time. A late answer is settled by #settleLateMint.
      const status = failure.kind === 'ambiguous' ? 'unknown' : 'failed';
      this.#record(live.id, { status, error: failure.message, ...(status === 'failed' ? { endedAt: this.#deps.now() } : {}) });
      this.#forget(live, failure.message);
      throw failure;
    }

    live.tokenId = token.id;
    // Clerk handled the mint before it answered: from now, the TTL is a tighter bound that still holds.
    live.tokenExpiresAt = Math.min(live.tokenExpiresAt, this.#deps.now() + live.tokenTtlSeconds * 1000);
    try {
      ledger.update(live.id, { status: 'pending', actorTokenId: token.id, tokenExpiresAt: live.tokenExpiresAt });
    } catch (error) {
      // Not recorded, so not left behind: the token dies now.
      await live.gateway.revokeActorToken(token.id).catch(() => undefined);
      this.#forget(live, 'The sign-in link could not be recorded.');
      throw asAppError(error, 'record the sign-in link');
    }
    this.#at(live, live.tokenExpiresAt, () => {
      if (live.phase === 'opening') {
        live.cancel ??= { reason: 'token-expired', by: SYSTEM_ACTOR };
        live.wakeQueued?.();
      } else if (live.phase === 'waiting') void this.#end(live, 'token-expired', SYSTEM_ACTOR);
    });

    const navigation = this.#navigationFor(live.profile, token.url);
    if (navigation) live.frontendApiOrigin = navigation.frontendApiOrigin;
    // Clerk's Frontend API is always https; loopback http and the listed app origins are for a
    // development app only, never for the ticket (the sandbox's own origins serve its ticket).
    const ticketRule = navigation && { ...navigation, allowedOrigins: this.#sandboxOriginsOf(live.profile), allowLoopbackHttp: false };
    if (!ticketRule || !isNavigationAllowed(token.url, ticketRule)) {
      return this.#abortOpening(live, 'policy', 'The sign-in link of this instance is not an https address, so it was not opened.');
    }
    if (live.cancel) return this.#cancelOpening(live);
    await this.#waitForSignInSlot(live);
    if (live.cancel) return this.#cancelOpening(live);

    let window: ImpersonationWindow;
    try {
      window = await this.#deps.windowHost.open(
        {
          impersonationId: live.id,
          partition: newPartitionName(),
          ticketUrl: token.url,
          navigation,
          readOnly: live.readOnly,
          title: `Impersonating ${live.subject.name || live.subject.id} — ${live.profile.name}`,
          banner: this.#banner(live),
        },
        {
          onEndRequested: () => void this.end(live.id, 'operator', this.#deps.osUser).catch((error: unknown) => this.#warn('Ending from the banner failed', error)),
          onClosed: () => this.#windowClosed(live),
          onPageProblem: (problem) => this.#pageProblem(live, problem),
        },
      );
    } catch (error) {
      this.#warn('The impersonation window could not be opened', error);
      return this.#abortOpening(live, 'internal', 'The impersonation window could not be opened.');
    }
    live.window = window;
    if (live.cancel) return this.#cancelOpening(live);
    if (window.isClosed()) {
      await this.#end(live, 'window-closed', this.#deps.osUser);
      throw new AppError({ kind: 'conflict', message: 'The impersonation window was closed before it finished opening.' });
    }

    this.#move(live, 'window-opened');
    this.#watchSignIn(live, window);
    this.#after(live, this.#deps.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS, () => {
      if (live.phase !== 'waiting') return;
      const seconds = Math.round((this.#deps.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS) / 1000);
      void this.#end(
        live,
        'sign-in-timeout',
        SYSTEM_ACTOR,
        `No signed-in session appeared within ${seconds} s, so the impersonation was ended and its sign-in link revoked. ` +
          `The instance's sign-in page probably does not complete the \`__clerk_ticket\` sign-in (a custom sign-in page must do it itself: ${CUSTOM_FLOW_GUIDE}).`,
      );
    });
    this.#refresh(live);
    return view(live);
  }

  /** Ends what opened through the one clean-up path (the token is revoked, the window closed), and throws. */
  async #abortOpening(live: Live, kind: AppError['kind'], why: string): Promise<never> {
    const ended = await this.#end(live, 'open-failed', SYSTEM_ACTOR, why);
    if (ended.phase === 'ending') {
      // The token may still be usable at Clerk: it stays listed as ending and is retried in the background.
      throw new AppError({ kind, message: `${why} Revoking the sign-in link at Clerk failed too; Understudy keeps retrying (the Active screen shows it).` });
    }
    // A queued start answered long ago: its row stays among the recently finished, saying why.
    if (!live.answered) this.#forget(live);
    throw new AppError({ kind, message: `${why} The sign-in link was revoked.` });
  }

  /**
   * Beyond Clerk's sign-in limit the window waits for a slot, listed as queued (with when it opens,
   * once that can be known), until one is free or the start is cancelled.
   */
  async #waitForSignInSlot(live: Live): Promise<void> {
    const origin = live.frontendApiOrigin;
    for (;;) {
      const answer = this.#pacer.take(origin);
      if (answer.granted) {
        live.pacing = true;
        break;
      }
      live.queued = { until: answer.retryAt };
      this.#refresh(live);
      live.onQueued?.();
      let stop = () => undefined as unknown;
      await new Promise<void>((resolve) => {
        live.wakeQueued = resolve;
        stop = this.#pacer.onDone(origin, resolve);
        if (answer.retryAt !== null) this.#at(live, answer.retryAt, resolve);
      });
      stop();
      live.wakeQueued = null;
      if (live.cancel) break;
    }
    live.queued = null;
  }

  /** Its sign-in is over (signed in, refused, or ended): it counts against Clerk's limit from now. */
  #signInOver(live: Live): void {
    if (!live.pacing) return;
    live.pacing = false;
    this.#pacer.done(live.frontendApiOrigin);
  }

  async #cancelOpening(live: Live): Promise<never> {
    const cancel = live.cancel!;
    await this.#end(live, cancel.reason, cancel.by, cancel.error);
    throw new AppError({ kind: 'conflict', message: 'The impersonation was ended before its window finished opening.' });
  }

  // ─── sign-in ────────────────────────────────────────────────────────────────────────────────

  #watchSignIn(live: Live, window: ImpersonationWindow): void {
    const seen = (change: CookieChange) => {
      const { cookie } = change;
      if (change.removed || !isSessionCookieName(cookie.name) || cookie.value === '' || cookie.value === live.lastSessionToken) return;
      // Another Clerk instance (an iframe) or a non-Clerk app may set `__session` too: only tokens
      // issued by this instance's Frontend API (the ticket URL's origin) are this impersonation's.
      if (issuerOf(cookie.value) !== live.frontendApiOrigin) return;
      live.lastSessionToken = cookie.value;
      const token = cookie.value;
      live.verifying = live.verifying.then(() => this.#verify(live, token, 1));
    };
    live.stopWatching = window.onCookieChanged(seen);
    // A cookie set before the subscription took effect would otherwise be missed.
    void window.cookies().then(
      (cookies) => cookies.forEach((cookie) => seen({ cookie, removed: false })),
      () => undefined,
    );
  }

  async #verify(live: Live, sessionToken: string, attempt: number): Promise<void> {
    if (live.phase !== 'waiting' && live.phase !== 'signed-in') return;
    let verified: VerifiedSession;
    try {
      verified = await live.gateway.verifySessionToken(sessionToken);
    } catch (error) {
      // Not yet valid or just expired (clocks differ): the page's next refresh brings another.
      if (error instanceof SessionTokenTimingError) return;
      const failure = asAppError(error, 'verify the sign-in');
      if (live.phase === 'signed-in') {
        // A refresh we cannot read changes nothing about the session we verified; the next one is checked again.
        this.#warn('A refreshed session token could not be verified', failure);
        return;
      }
      if ((failure.kind === 'network' || failure.kind === 'rate-limited') && attempt < VERIFY_ATTEMPTS) {
        this.#after(live, VERIFY_RETRY_MS, () => {
          live.verifying = live.verifying.then(() => this.#verify(live, sessionToken, attempt + 1));
        });
        return;
      }
      await this.#end(live, 'verification-failed', SYSTEM_ACTOR, `The sign-in could not be verified: ${failure.message}`);
      return;
    }
    if (live.phase !== 'waiting' && live.phase !== 'signed-in') return;

    const mismatch = this.#mismatch(live, verified);
    if (mismatch) {
      await this.#end(live, 'verification-failed', SYSTEM_ACTOR, mismatch);
      return;
    }
    live.lastFreshTokenAt = this.#deps.now();
    if (live.phase === 'waiting') this.#accept(live, verified);
  }

  /**
   * Clerk may end the session without the window noticing (10 minutes of inactivity, revoked
   * elsewhere): after LIVENESS_CHECK_MS without a fresh token, ask Clerk, and end here if it is over.
   */
  async #checkLiveness(live: Live): Promise<void> {
    const now = this.#deps.now();
    if (!live.sessionId || now - live.lastFreshTokenAt < LIVENESS_CHECK_MS || now - live.lastLivenessCheckAt < LIVENESS_CHECK_MS) return;
    live.lastLivenessCheckAt = now;
    const session = await live.gateway.getSession(live.sessionId).catch(() => null); // unreachable: ask again later
    if (!session || session.status === 'active' || session.status === 'pending' || live.phase !== 'signed-in') return;
    await this.#end(
      live,
      'ended-at-clerk',
      SYSTEM_ACTOR,
      `Clerk ended the session (status ${session.status}): an impersonated session ends after ${CLERK_IMPERSONATION_IDLE_MS / 60_000} minutes without activity, or it was revoked elsewhere.`,
    );
  }

  /** Why the verified session is not the one this impersonation should have produced, or null. */
  #mismatch(live: Live, verified: VerifiedSession): string | null {
    if (verified.sub !== live.subject.id) return 'The window signed in as a different user than the one being impersonated. It was closed.';
    const act = verified.act;
    if (!act || typeof act['sub'] !== 'string') return 'The window signed in to a session that is not an impersonation. It was closed.';
    for (const [claim, expected] of Object.entries(live.expectedActor)) {
      if (act[claim] !== expected) return 'The window signed in to an impersonation started by someone or something else. It was closed.';
    }
    if (live.sessionId !== null && verified.sid !== live.sessionId) return 'A different session appeared in the window. It was closed.';
    return null;
  }

  #accept(live: Live, verified: VerifiedSession): void {
    this.#signInOver(live);
    const acceptedAt = this.#deps.now();
    this.#record(live.id, { status: 'accepted', sessionId: verified.sid, acceptedAt });
    this.#move(live, 'session-verified');
    live.sessionId = verified.sid;
    // The session cap counts from sign-in; the token's lifetime no longer matters.
    live.sessionExpiresAt = acceptedAt + live.sessionMaxSeconds * 1000;
    this.#clearTimers(live);
    this.#at(live, live.sessionExpiresAt, () => void this.#end(live, 'session-cap', SYSTEM_ACTOR));
    this.#tick(live);
    this.#refresh(live);
  }

  /** The banner's countdown, once a second while signed in. */
  #tick(live: Live): void {
    this.#after(live, 1000, () => {
      if (live.phase !== 'signed-in') return;
      live.window?.updateBanner(this.#banner(live));
      void this.#checkLiveness(live);
      this.#tick(live);
    });
  }

  /** A refused navigation is shown in the banner; Clerk refusing the ticket ends the impersonation at once. */
  #pageProblem(live: Live, problem: PageProblem): void {
    if (problem.kind === 'navigation-blocked') {
      live.notice = `Blocked a page at ${problem.origin}: ${allowedHere(live.profile)} open here.`;
      this.#refresh(live);
      return;
    }
    const message = ticketErrorText(problem);
    // An expired ticket is recorded as what it is: the token expired.
    const reason: EndReason = problem.code === 'ticket_expired_code' || this.#deps.now() >= live.tokenExpiresAt ? 'token-expired' : 'ticket-error';
    if (live.phase === 'opening') live.cancel ??= { reason, by: SYSTEM_ACTOR, error: message };
    else if (live.phase === 'waiting') void this.#end(live, reason, SYSTEM_ACTOR, message);
  }

  #windowClosed(live: Live): void {
    if (live.ending || live.phase === 'ended' || live.phase === 'failed') return;
    // Closed while opening: `#mintAndOpen` sees it once the host returns.
    if (live.phase === 'opening') return;
    void this.#end(live, 'window-closed', this.#deps.osUser).catch((error: unknown) => this.#warn('Ending after the window closed failed', error));
  }

  // ─── end ────────────────────────────────────────────────────────────────────────────────────

  /** Ends one impersonation of this run. Resolves with its final view (phase `ended`, or `failed` with the reason). */
  async end(id: string, reason: EndReason, by: string): Promise<ImpersonationView> {
    const live = this.#live.get(id);
    if (!live) throw new AppError({ kind: 'not-found', message: 'That impersonation is not open in this Understudy.' });
    if (live.phase === 'ending' && live.retry) return this.#retryEnd(live);
    if (live.phase === 'opening' && !live.ending) {
      live.cancel ??= { reason, by };
      live.wakeQueued?.();
      await live.opened.catch(() => undefined);
      return view(live);
    }
    return this.#end(live, reason, by);
  }

  /** `impersonation:retryEnd`: the Retry button of an end Clerk has not confirmed yet. */
  async retryEnd(id: string): Promise<ImpersonationView> {
    const live = this.#live.get(id);
    if (!live) throw new AppError({ kind: 'not-found', message: 'That impersonation is not open in this Understudy.' });
    if (live.phase !== 'ending' || !live.retry) {
      throw new AppError({ kind: 'conflict', message: 'This impersonation is not waiting for Clerk to confirm its end.' });
    }
    return this.#retryEnd(live);
  }

  /** Ends every impersonation of this run (End all, app quit). */
  async endAll(reason: EndReason, by: string): Promise<ImpersonationView[]> {
    const open = [...this.#live.values()].filter((live) => live.phase !== 'ended' && live.phase !== 'failed');
    return Promise.all(open.map((live) => this.end(live.id, reason, by).catch(() => view(live))));
  }

  #end(live: Live, reason: EndReason, by: string, error?: string): Promise<ImpersonationView> {
    if (!live.ending) {
      live.endRequest = { reason, by, error: error ?? null };
      this.#move(live, 'end-requested');
      live.ending = this.#endOnce(live);
    }
    return live.ending;
  }

  /**
   * Ends it at Clerk (once; the gateway retries what is safe to repeat), then locally: the window's
   * storage is wiped and the window closed whatever Clerk said. If Clerk did not confirm, it stays
   * `ending` and is retried in the background (#retryEnd) until Clerk confirms or its own expiry passes.
   */
  async #endOnce(live: Live): Promise<ImpersonationView> {
    this.#signInOver(live);
    live.error = live.endRequest!.error;
    this.#clearTimers(live);
    live.stopWatching?.();
    this.#refresh(live);

    const result = await this.#attemptCleanUp(live);
    await this.#closeWindow(live);
    this.#conclude(live, result);
    return view(live);
  }

  /** One attempt at the one Clerk clean-up path: what Clerk confirmed, or why it could not. */
  async #attemptCleanUp(live: Live): Promise<{ outcome: CleanUpOutcome } | { problem: string }> {
    try {
      return { outcome: await this.#cleanUpAtClerk(live, live.endRequest!.reason) };
    } catch (problem) {
      this.#warn('Ending at Clerk failed', problem);
      return { problem: asAppError(problem, 'end the session').message };
    }
  }

  #conclude(live: Live, result: { outcome: CleanUpOutcome } | { problem: string }): void {
    if ('outcome' in result) this.#finish(live, result.outcome);
    else if (this.#deps.now() >= clerkEndsBy(live)) this.#endedByClerkExpiry(live, result.problem);
    else this.#keepEnding(live, result.problem);
    this.#refresh(live);
  }

  /** Clerk confirmed it: the record says so (and how many attempts it took), then it leaves the list. */
  #finish(live: Live, outcome: CleanUpOutcome): void {
    const { reason, by, error } = live.endRequest!;
    const retried = live.retry
      ? `Ending at Clerk failed ${times(live.retry.attempts)} (last: ${live.retry.problem}); Clerk confirmed it at attempt ${live.retry.attempts + 1}.`
      : null;
    this.#stopRetrying(live);
    this.#record(live.id, {
      status: outcome.status,
      endedAt: this.#deps.now(),
      endedBy: { reason, by },
      error: [error, retried].filter(Boolean).join(' ') || null,
      ...(outcome.sessionId ? { sessionId: outcome.sessionId } : {}),
    });
    live.error = error;
    this.#move(live, outcome.status === 'failed' || error ? 'ended-with-problem' : 'ended-at-clerk');
    this.#after(live, FINISHED_VISIBLE_MS, () => this.#forget(live));
  }

  /** Not confirmed: still `ending`, in the record too, and the next attempt is scheduled with backoff. */
  #keepEnding(live: Live, problem: string): void {
    const { reason, by, error } = live.endRequest!;
    const attempts = (live.retry?.attempts ?? 0) + 1;
    const until = clerkEndsBy(live);
    const nextAttemptAt = Math.min(this.#deps.now() + (this.#deps.endRetryDelay ?? endRetryDelay)(attempts), until);
    this.#stopRetrying(live);
    live.retry = { attempts, problem, nextAttemptAt, timer: null, running: null };
    // The console shows the attempts from the view (`ending`); the history keeps them in words.
    live.error = error;
    this.#record(live.id, {
      status: 'ending',
      endedBy: { reason, by },
      error:
        `${error ? `${error} ` : ''}${NOT_CONFIRMED} (attempt ${attempts}: ${problem}); still trying. Clerk ends it by itself by ${iso(until)}.`,
    });
    if (this.#stopped) return; // quitting: the next start picks it up (recover)
    live.retry.timer = this.#scheduler.setTimer(() => void this.#retryEnd(live), Math.max(0, nextAttemptAt - this.#deps.now()));
  }

  /**
   * Clerk was never reached, but its own expiry has passed: the session cap (or the link's expiry and
   * the cap of any session made from it) ended it at Clerk by itself. Recorded as exactly that.
   */
  #endedByClerkExpiry(live: Live, problem: string): void {
    const { reason, by, error } = live.endRequest!;
    const attempts = (live.retry?.attempts ?? 0) + 1;
    this.#stopRetrying(live);
    live.error =
      `${error ? `${error} ` : ''}Understudy could not reach Clerk to end it (${times(attempts)}; last: ${problem}). ` +
      `Clerk ended it by itself: its ${live.sessionId ? 'session cap' : 'sign-in link and any session made from it'} ran out by ${iso(clerkEndsBy(live))}.`;
    this.#record(live.id, { status: 'expired', endedAt: this.#deps.now(), endedBy: { reason, by }, error: live.error });
    this.#move(live, 'clerk-expiry-passed');
    this.#after(live, FINISHED_VISIBLE_MS, () => this.#forget(live));
  }

  /** The next attempt at an end Clerk did not confirm: on schedule, or now (Retry). */
  #retryEnd(live: Live): Promise<ImpersonationView> {
    const retry = live.retry;
    if (live.phase !== 'ending' || !retry) return Promise.resolve(view(live));
    retry.running ??= (async () => {
      if (retry.timer !== null) this.#scheduler.clearTimer(retry.timer);
      retry.timer = null;
      retry.nextAttemptAt = null;
      this.#refresh(live);
      this.#conclude(live, await this.#attemptCleanUp(live));
      return view(live);
    })();
    return retry.running;
  }

  #stopRetrying(live: Live): void {
    if (live.retry?.timer != null) this.#scheduler.clearTimer(live.retry.timer);
    live.retry = null;
  }

  /**
   * The one Clerk clean-up path, for ending, recovery and revoking a link from the history. Resolves
   * once Clerk confirmed the session (or the unused token) is over; throws when it could not.
   * A known session is revoked. Otherwise the token is revoked while unused; if Clerk says it can no
   * longer be revoked (or it expired), it may have been used: the session it made is found by this
   * impersonation's reference and revoked.
   */
  async #cleanUpAtClerk(live: Live, reason: EndReason): Promise<CleanUpOutcome> {
    const now = this.#deps.now();
    const failed = FAILURE_REASONS.includes(reason);
    if (live.sessionId) {
      await this.#revokeSession(live.gateway, live.sessionId);
      // A session that was signed in ended (with the problem, if any, in the record's error).
      const capped = reason === 'recovery' && live.sessionExpiresAt !== null && now >= live.sessionExpiresAt;
      return { status: capped ? 'expired' : 'ended' };
    }
    if (!live.tokenId) throw new AppError({ kind: 'internal', message: 'Understudy does not know which sign-in link to revoke.' });
    let used = now >= live.tokenExpiresAt;
    if (!used) {
      try {
        await live.gateway.revokeActorToken(live.tokenId);
        return { status: reason === 'token-expired' ? 'expired' : failed ? 'failed' : 'revoked' };
      } catch (error) {
        if (!(error instanceof AppError) || error.kind !== 'conflict') throw error;
        used = true;
      }
    }
    const sessions = await this.#sessionsFrom(live.gateway, { subjectId: live.subject.id, operatorUserId: live.operator.userId, ref: live.id });
    for (const session of sessions) await this.#revokeSession(live.gateway, session);
    if (sessions[0]) return { status: failed ? 'failed' : 'ended', sessionId: sessions[0] };
    return { status: now >= live.tokenExpiresAt ? 'expired' : failed ? 'failed' : reason === 'token-expired' ? 'expired' : 'revoked' };
  }

  async #revokeSession(gateway: ClerkGateway, sessionId: string): Promise<void> {
    try {
      await gateway.revokeSession(sessionId);
    } catch (error) {
      // Already over at Clerk (revoked, ended, expired) counts as done; anything else is a failure.
      const session = await gateway.getSession(sessionId).catch(() => null);
      if (session && session.status !== 'active' && session.status !== 'pending') return;
      throw error;
    }
  }

  /**
   * Live sessions (`active`, or `pending` with session tasks outstanding) of the subject whose actor
   * is the operator AND carries this impersonation's reference: two impersonations of the same user
   * by the same operator never take each other's session.
   */
  async #sessionsFrom(gateway: ClerkGateway, match: { subjectId: string; operatorUserId: string; ref: string }): Promise<string[]> {
    const mine = new Set([...this.#live.values()].filter((live) => live.id !== match.ref).map((live) => live.sessionId).filter((id): id is string => id !== null));
    // Clerk's list filters by `active` but not by `pending` (BAPI GetSessionList): a pending session
    // is among the newest, so it is taken from the first unfiltered page.
    const [active, newest] = await Promise.all([
      gateway.listSessions({ userId: match.subjectId, status: 'active' }),
      gateway.listSessions({ userId: match.subjectId }),
    ]);
    return [...active, ...newest.filter((session) => session.status === 'pending')]
      .filter((session) => session.actor?.['sub'] === match.operatorUserId && session.actor['ref'] === match.ref && !mine.has(session.id))
      .map((session) => session.id);
  }

  async #closeWindow(live: Live): Promise<void> {
    const window = live.window;
    if (!window) return;
    try {
      await window.clearData();
    } catch (error) {
      this.#warn('Clearing the impersonation partition failed', error);
    }
    await window.close().catch((error: unknown) => this.#warn('Closing the impersonation window failed', error));
  }

  // ─── history ────────────────────────────────────────────────────────────────────────────────

  /** `ledger:revokeToken`: revokes an unused token from the history (ending its window if open here). */
  async revokePendingToken(entryId: string, by: string): Promise<LedgerEntry> {
    const live = this.#live.get(entryId);
    if (live && live.phase !== 'ended' && live.phase !== 'failed') {
      if (live.phase === 'signed-in') {
        throw new AppError({ kind: 'conflict', message: 'This sign-in link was already used: end the impersonation instead.' });
      }
      await this.end(entryId, 'revoked-token', by);
      return this.#entry(entryId);
    }
    const entry = this.#entry(entryId);
    if (entry.status !== 'pending' || !entry.actorTokenId) {
      throw new AppError({ kind: 'conflict', message: `Only an unused sign-in link can be revoked; this one is ${entry.status}.` });
    }
    // Asked from the history: a failure is the operator's to see (and retry); the record stays as it was.
    const leftover = this.#fromLedger(entry, { reason: 'revoked-token', by, error: null });
    this.#finish(leftover, await this.#cleanUpAtClerk(leftover, 'revoked-token'));
    return this.#entry(entryId);
  }

  /**
   * A mint Understudy stopped waiting for (timeout), answered after all. A link Clerk created is
   * recorded and revoked at once: the operator was told it failed and nobody holds its URL. A clean
   * refusal closes the entry as failed. A request that ended without an answer later than the
   * bound assumed moves "expires by" out, so it stays a true upper bound.
   */
  async #settleLateMint(live: Live, answer: LateMintAnswer): Promise<void> {
    const entry = this.#deps.ledger.get(live.id);
    if (!entry) return;
    const open = entry.status === 'unknown';
    const late = 'Clerk answered after Understudy had stopped waiting';
    if (answer.outcome === 'lost') {
      const bound = this.#deps.now() + live.tokenTtlSeconds * 1000;
      if (open && bound > entry.tokenExpiresAt) {
        this.#record(entry.id, {
          tokenExpiresAt: bound,
          error: `${entry.error ?? ''} The request to Clerk ended without an answer only later, so its link, if Clerk created one, could be used until later too.`.trim(),
        });
      }
      return;
    }
    if (answer.outcome === 'refused') {
      if (open) this.#record(entry.id, { status: 'failed', endedAt: this.#deps.now(), error: `${late}, and refused: no sign-in link was created. ${answer.message}` });
      return;
    }
    if (open) this.#record(entry.id, { actorTokenId: answer.tokenId, error: `${late}: the sign-in link exists after all. Revoking it.` });
    try {
      await live.gateway.revokeActorToken(answer.tokenId);
      if (open) {
        this.#record(entry.id, {
          status: 'revoked',
          endedAt: this.#deps.now(),
          endedBy: { reason: 'revoked-token', by: SYSTEM_ACTOR },
          error: `${late}: the sign-in link existed after all. Understudy revoked it before anyone could use it.`,
        });
      }
    } catch (error) {
      const why = asAppError(error, 'revoke the sign-in link').message;
      this.#warn('Revoking a late-answered sign-in link failed', error);
      if (open) this.#record(entry.id, { error: `${late}: the sign-in link exists after all, and revoking it failed (${why}). Use Check with Clerk in the History.` });
    }
  }

  /**
   * `ledger:checkUnknown`: a mint whose answer was lost may have left a link at Clerk. Its id is not
   * known, so the link cannot be revoked; a session created from it is found by this impersonation's
   * actor reference (as recovery does) and ended through the same clean-up path. The entry closes
   * once nothing can remain: sessions ended, or the link expired without one.
   */
  async checkUnknownAtClerk(entryId: string, by: string): Promise<UnknownCheck> {
    const entry = this.#entry(entryId);
    if (entry.status !== 'unknown') {
      throw new AppError({ kind: 'conflict', message: `Only an impersonation whose sign-in link Clerk never confirmed can be checked; this one is ${entry.status}.` });
    }
    const gateway = this.#deps.profiles.gateway(entry.profileId);
    // Clerk answered after all and its revoke failed then: the link is known, so it is revoked now.
    // A 400 means it was used: its session is found below like any other.
    if (entry.actorTokenId) {
      const revoked = await gateway.revokeActorToken(entry.actorTokenId).then(
        () => true,
        (error: unknown) => {
          if (error instanceof AppError && error.kind === 'conflict') return false;
          throw error;
        },
      );
      if (revoked) {
        const at = this.#deps.now();
        const closed = this.#deps.ledger.update(entry.id, { status: 'revoked', endedAt: at, endedBy: { reason: 'operator', by } });
        return { entry: closed, sessionsEnded: 0, outcome: 'revoked', checkedAt: at };
      }
    }
    const sessions = await this.#sessionsFrom(gateway, { subjectId: entry.subject.id, operatorUserId: entry.operator.clerkUserId, ref: entry.id });
    for (const session of sessions) await this.#revokeSession(gateway, session);
    const checkedAt = this.#deps.now();
    const endedBy = { reason: 'operator' as const, by };
    // Recorded directly (not #record): if the history cannot be written, the agent must hear it.
    const { ledger } = this.#deps;
    if (sessions[0]) {
      const ended = ledger.update(entry.id, { status: 'ended', sessionId: sessions[0], endedAt: checkedAt, endedBy });
      return { entry: ended, sessionsEnded: sessions.length, outcome: 'ended', checkedAt };
    }
    if (checkedAt >= entry.tokenExpiresAt) {
      const expired = ledger.update(entry.id, { status: 'expired', endedAt: checkedAt, endedBy });
      return { entry: expired, sessionsEnded: 0, outcome: 'expired', checkedAt };
    }
    return { entry, sessionsEnded: 0, outcome: 'open', checkedAt };
  }

  /**
   * At start: entries a previous run left live (it crashed, quit while Clerk was unreachable, or was
   * still retrying an end) are ended through the same clean-up path. Pending tokens are revoked (or
   * marked expired), sessions revoked at Clerk, unfinished mints marked unknown. What Clerk does not
   * confirm stays `ending`, is listed on the Active screen and retried in the background.
   */
  async recover(): Promise<void> {
    for (const entry of this.#deps.ledger.live()) {
      if (this.#live.has(entry.id)) continue;
      if (entry.status === 'minting') {
        this.#record(entry.id, {
          status: 'unknown',
          endedBy: { reason: 'recovery', by: SYSTEM_ACTOR },
          error: `Understudy stopped while Clerk was creating the sign-in link; a link may exist without its id being known. It expires by ${iso(entry.tokenExpiresAt)}.`,
        });
        continue;
      }
      // An end asked for in an earlier run is finished on behalf of whoever asked, for the same cause.
      const request: EndRequest =
        entry.status === 'ending' && entry.endedBy ? { ...entry.endedBy, error: causeOf(entry.error) } : { reason: 'recovery', by: SYSTEM_ACTOR, error: null };
      let leftover: Live;
      try {
        leftover = this.#fromLedger(entry, request);
      } catch (error) {
        this.#warn('Recovering a leftover impersonation failed', error);
        this.#record(entry.id, { error: `Could not be ended at the last start: ${asAppError(error, 'end a leftover impersonation').message}` });
        continue;
      }
      leftover.ending = this.#endOnce(leftover);
      await leftover.ending;
      if (leftover.phase === 'ending') {
        this.#live.set(leftover.id, leftover);
        this.#emit();
      }
    }
  }

  /** Quitting: no further background attempts. What is still ending stays so in the history for the next start. */
  stopBackgroundRetries(): void {
    this.#stopped = true;
    for (const live of this.#live.values()) {
      if (live.retry?.timer != null) this.#scheduler.clearTimer(live.retry.timer);
      if (live.retry) live.retry.timer = null;
    }
  }

  /** A live entry of an earlier run (or of the history), as this run's clean-up path needs it. */
  #fromLedger(entry: LedgerEntry, request: EndRequest): Live {
    const profile = this.#profile(entry.profileId);
    const live = newLive({
      id: entry.id,
      profile,
      gateway: this.#deps.profiles.gateway(profile.id),
      subject: entry.subject,
      operator: { userId: entry.operator.clerkUserId, name: '' },
      expectedActor: { sub: entry.operator.clerkUserId, ref: entry.id },
      readOnly: entry.readOnly,
      tokenTtlSeconds: entry.tokenTtlSeconds,
      sessionMaxSeconds: entry.sessionMaxSeconds,
      startedAt: entry.createdAt,
      tokenExpiresAt: entry.tokenExpiresAt,
      phase: 'ending',
      opened: Promise.resolve(),
    });
    live.tokenId = entry.actorTokenId;
    live.sessionId = entry.sessionId;
    live.sessionExpiresAt = entry.acceptedAt !== null ? entry.acceptedAt + entry.sessionMaxSeconds * 1000 : null;
    live.endRequest = request;
    return live;
  }

  /**
   * Ends a session Clerk still has live although its impersonation is over here ("Check with
   * Clerk"), by the same path every ending takes, and returns the session as Clerk then reports it:
   * the console says "ended" only from that answer.
   */
  async endSessionAtClerk(profileId: string, sessionId: string): Promise<SessionSummary> {
    const gateway = this.#deps.profiles.gateway(profileId);
    await this.#revokeSession(gateway, sessionId);
    return gateway.getSession(sessionId);
  }

  // ─── the console's view ─────────────────────────────────────────────────────────────────────

  list(): ImpersonationView[] {
    return [...this.#live.values()].map(view);
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  focus(id: string): void {
    const live = this.#live.get(id);
    if (!live?.window || live.window.isClosed()) throw new AppError({ kind: 'not-found', message: 'That impersonation window is no longer open.' });
    live.window.focus();
  }

  /** Lays the open impersonation windows out side by side, oldest first; returns how many. */
  arrange(): number {
    const windows = [...this.#live.values()]
      .filter((live) => live.window && !live.window.isClosed() && (live.phase === 'waiting' || live.phase === 'signed-in'))
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((live) => live.window!);
    const bounds = gridLayout(windows.length, this.#deps.windowHost.workArea());
    windows.forEach((window, index) => window.setBounds(bounds[index]!));
    return windows.length;
  }

  // ─── helpers ────────────────────────────────────────────────────────────────────────────────

  #profile(id: string): Profile {
    const profile = this.#deps.profiles.get(id);
    if (!profile) throw new AppError({ kind: 'not-found', message: 'That instance is no longer configured.' });
    return profile;
  }

  #entry(id: string): LedgerEntry {
    const entry = this.#deps.ledger.get(id);
    if (!entry) throw new AppError({ kind: 'not-found', message: 'That impersonation is not in the history.' });
    return entry;
  }

  #navigationFor(profile: Profile, ticketUrl: string): NavigationPolicy | null {
    let frontendApiOrigin: string;
    try {
      frontendApiOrigin = new URL(ticketUrl).origin;
    } catch {
      return null;
    }
    // A production profile never has app origins; checked again here so none could loosen it.
    const appOrigins = profile.kind === 'clerk' && !profile.production ? profile.appOrigins : [];
    return {
      allowedOrigins: [...this.#sandboxOriginsOf(profile), ...appOrigins],
      frontendApiOrigin,
      allowLoopbackHttp: !profile.production,
    };
  }

  #sandboxOriginsOf(profile: Profile): string[] {
    return profile.kind === 'sandbox' ? [...(this.#deps.sandboxOrigins ?? [])] : [];
  }

  #banner(live: Live) {
    return bannerText(
      {
        subject: live.subject,
        operator: { userId: live.operator.userId, name: live.operator.name || null },
        instance: { name: live.profile.name, production: live.profile.production },
        readOnly: live.readOnly,
        phase: live.phase,
        sessionExpiresAt: live.sessionExpiresAt,
        lastActivityAt: live.lastFreshTokenAt || null,
        error: live.error ?? live.notice,
      },
      this.#deps.now(),
    );
  }

  /** After a phase change: the banner and the console see it. */
  #refresh(live: Live): void {
    if (live.window && !live.window.isClosed()) live.window.updateBanner(this.#banner(live));
    this.#emit();
  }

  #record(id: string, patch: LedgerPatch): void {
    try {
      this.#deps.ledger.update(id, patch);
    } catch (error) {
      this.#warn('Recording in the impersonation history failed', error);
    }
  }

  /** Runs `callback` once the injected clock reaches `time` (re-arming if the timer fired early). */
  #at(live: Live, time: number, callback: () => void): void {
    const arm = () =>
      this.#after(live, Math.max(0, time - this.#deps.now()), () => {
        if (this.#deps.now() < time) arm();
        else callback();
      });
    arm();
  }

  #after(live: Live, ms: number, callback: () => void): void {
    const handle = this.#scheduler.setTimer(() => {
      live.timers.delete(handle);
      callback();
    }, ms);
    live.timers.add(handle);
  }

  /** Every phase change goes through the lifecycle table (lifecycle.ts); a move it forbids is a bug, logged. */
  #move(live: Live, event: LifecycleEvent): void {
    const next = nextPhase(live.phase, event);
    if (next === null) {
      this.#deps.log?.warn('Impersonation lifecycle: move not allowed', { from: live.phase, event });
      return;
    }
    live.phase = next;
  }

  #clearTimers(live: Live): void {
    for (const handle of live.timers) this.#scheduler.clearTimer(handle);
    live.timers.clear();
  }

  /** Drops it from the list; with `failure`, it failed before it could be listed as finished. */
  #forget(live: Live, failure?: string): void {
    if (failure !== undefined) {
      // Failed before a window existed (opening), or while undoing the opening (ending).
      this.#move(live, 'open-failed');
      live.error = failure;
    }
    this.#clearTimers(live);
    live.stopWatching?.();
    if (this.#live.get(live.id) === live) this.#live.delete(live.id);
    this.#emit();
  }

  #emit(): void {
    const views = this.list();
    for (const listener of this.#listeners) {
      try {
        listener(views);
      } catch {
        // A listener's failure must not stop an impersonation from ending.
      }
    }
  }

  #warn(message: string, error: unknown): void {
    this.#deps.log?.warn(message, error instanceof AppError ? { kind: error.kind, message: error.message } : error instanceof Error ? error.name : undefined);
  }
}

/** What a window of this profile may open, for the banner's "Blocked a page" notice: with the way to allow more. */
function allowedHere(profile: Profile): string {
  if (profile.production) return 'only https addresses';
  if (profile.kind === 'sandbox') return 'only https addresses and this computer’s own (localhost)';
  return 'only https addresses, this computer’s own (localhost) and the app addresses listed in Settings → Instances';
}

function subjectOf(user: ClerkUser): LedgerEntry['subject'] {
  return { id: user.id, name: user.name, email: user.primaryEmail };
}

function view(live: Live): ImpersonationView {
  return {
    id: live.id,
    profileId: live.profile.id,
    profileName: live.profile.name,
    production: live.profile.production,
    subject: { ...live.subject },
    operatorUserId: live.operator.userId,
    phase: live.phase,
    readOnly: live.readOnly,
    startedAt: live.startedAt,
    tokenExpiresAt: live.tokenExpiresAt,
    sessionExpiresAt: live.sessionExpiresAt,
    sessionId: live.sessionId,
    error: live.error,
    queued: live.queued ? { ...live.queued } : null,
    ending: live.retry
      ? { attempts: live.retry.attempts, nextAttemptAt: live.retry.nextAttemptAt, problem: live.retry.problem, clerkEndsBy: clerkEndsBy(live) }
      : null,
  };
}

/** A live record with nothing of its run yet (no window, timers or end). */
function newLive(
  identity: Pick<Live, 'id' | 'profile' | 'gateway' | 'subject' | 'operator' | 'expectedActor' | 'readOnly' | 'tokenTtlSeconds' | 'sessionMaxSeconds' | 'startedAt' | 'tokenExpiresAt' | 'phase' | 'opened'>,
): Live {
  return {
    ...identity,
    frontendApiOrigin: '',
    tokenId: null,
    sessionId: null,
    sessionExpiresAt: null,
    error: null,
    window: null,
    timers: new Set(),
    stopWatching: null,
    verifying: Promise.resolve(),
    lastSessionToken: null,
    lastFreshTokenAt: 0,
    lastLivenessCheckAt: 0,
    cancel: null,
    queued: null,
    wakeQueued: null,
    onQueued: null,
    answered: false,
    pacing: false,
    notice: null,
    ending: null,
    endRequest: null,
    retry: null,
  };
}

/**
 * By then Clerk has ended it by itself whatever Understudy could do: the session cap once signed in;
 * before that, the link's expiry plus the cap of a session the link may have made just before it expired.
 */
function clerkEndsBy(live: Pick<Live, 'sessionExpiresAt' | 'tokenExpiresAt' | 'sessionMaxSeconds'>): number {
  return live.sessionExpiresAt ?? live.tokenExpiresAt + live.sessionMaxSeconds * 1000;
}

/** Instants in messages are UTC ISO: the console shows them in local time with a relative time. */
function iso(time: number): string {
  return new Date(time).toISOString();
}

/** How an `ending` record says Clerk has not confirmed it; what comes before is the end's own cause. */
const NOT_CONFIRMED = 'Not ended at Clerk yet';

function causeOf(endingError: string | null): string | null {
  const index = endingError?.indexOf(NOT_CONFIRMED) ?? -1;
  return index > 0 ? endingError!.slice(0, index).trim() : null;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function asAppError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  return new AppError({ kind: 'internal', message: `Understudy failed to ${what}.` }, { cause: error });
}
