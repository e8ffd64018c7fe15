// The port every service uses to reach one Clerk instance. The adapter over `@clerk/backend`
// (clerk-backend-gateway.ts) is the only code that sees the secret key after credentials hands it over.
import type { SessionSummary, UserDetail } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';

/** A user as Clerk describes it; policy adds `protection` before it reaches the console. */
export type ClerkUser = Omit<UserDetail, 'protection'>;

export interface UserQuery {
  query: string;
  limit: number;
  offset: number;
}

export interface MintRequest {
  userId: string;
  /** Copied by Clerk into the session JWT's `act` claim: `sub` plus short, non-personal claims. */
  actor: { sub: string } & Record<string, string>;
  expiresInSeconds: number;
  sessionMaxDurationInSeconds: number;
}

export interface MintedToken {
  id: string;
  status: 'pending' | 'accepted' | 'revoked';
  userId: string;
  /** The ticket URL: single-use, signs its visitor in as the user. Never stored or logged. */
  url: string;
  createdAt: number;
}

export interface VerifiedSession {
  sub: string;
  sid: string;
  act: Record<string, unknown> | null;
  iss: string;
  exp: number;
}

/**
 * What became of a mint Understudy stopped waiting for: the SDK cannot abort a request, so Clerk may
 * still answer it. `minted`: a link exists after all (its id, to revoke it). `refused`: Clerk answered
 * with a clean refusal, nothing was created. `lost`: the request ended without an answer; it may
 * have been done up to that moment.
 */
export type LateMintAnswer = { outcome: 'minted'; tokenId: string } | { outcome: 'refused'; message: string } | { outcome: 'lost' };

/** How long one request may take before it counts as failed, unless a gateway is given another. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** How many sessions one `listSessions` call asks for: a full page means there may be more. */
export const SESSION_PAGE_SIZE = 100;

export interface ClerkGateway {
  searchUsers(query: UserQuery): Promise<{ users: ClerkUser[]; totalCount: number }>;
  getUser(userId: string): Promise<ClerkUser>;
  countUsers(query?: string): Promise<number>;
  /**
   * How long a request may wait for Clerk's answer. With a token's TTL it bounds when the link of an
   * unanswered mint can have expired.
   */
  readonly requestTimeoutMs: number;
  /**
   * Never retried: an ambiguous failure throws AppError kind `ambiguous`. When Understudy stopped
   * waiting (timeout) while the request was still on its way, `onLateAnswer` hears how it ended.
   */
  createActorToken(request: MintRequest, onLateAnswer?: (answer: LateMintAnswer) => void): Promise<MintedToken>;
  revokeActorToken(tokenId: string): Promise<{ id: string; status: string }>;
  /**
   * Newest first, at most SESSION_PAGE_SIZE from `offset` (default 0). Clerk's status filter does
   * not accept `pending` (BAPI GetSessionList): pending sessions are found unfiltered.
   */
  listSessions(filter: { userId: string; status?: Exclude<SessionSummary['status'], 'pending'>; offset?: number }): Promise<SessionSummary[]>;
  getSession(sessionId: string): Promise<SessionSummary>;
  revokeSession(sessionId: string): Promise<SessionSummary>;
  /** Verifies a session JWT against the instance's JWKS (RS256); throws AppError on any failure. */
  verifySessionToken(token: string): Promise<VerifiedSession>;
}

export interface GatewayOptions {
  secretKey: string;
  apiUrl: string;
  /** Injected for tests: backoff waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: backoff jitter, in [0, 1). */
  random?: () => number;
  /** How long one request may take before it counts as failed (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export type GatewayFactory = (options: GatewayOptions) => ClerkGateway;

/** A session token that is not yet valid or already expired: the page's next refresh brings another. */
export class SessionTokenTimingError extends AppError {
  constructor(message: string) {
    super({ kind: 'validation', message });
    this.name = 'SessionTokenTimingError';
  }
}
