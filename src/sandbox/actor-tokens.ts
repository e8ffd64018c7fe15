// Actor tokens and their tickets. A ticket is an RS256 JWT naming the token id plus 32 random bytes,
// so it can be neither guessed nor forged; it is accepted at most once, before it expires, and never
// after revocation. The Backend API has no endpoint to list tokens: `all()` is for test assertions.
import { timingSafeEqual } from 'node:crypto';
import { newId, randomToken } from './ids.ts';
import { signJwt, verifyJwt, type SigningKey } from './jwt.ts';
import type { Json } from './users.ts';

export type ActorTokenStatus = 'pending' | 'accepted' | 'revoked';

export interface SandboxActorToken {
  id: string;
  userId: string;
  actor: Record<string, unknown>;
  status: ActorTokenStatus;
  /** The ticket JWT (also the `token` field of the API object). */
  ticket: string;
  url: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  sessionMaxDurationInSeconds: number;
  /** The session the ticket created, once accepted. */
  sessionId: string | null;
}

export interface NewActorToken {
  userId: string;
  actor: Record<string, unknown>;
  expiresInSeconds: number;
  sessionMaxDurationInSeconds: number;
}

export type TicketProblem = 'invalid' | 'unknown' | 'used' | 'revoked' | 'expired';
export type TicketCheck = { ok: true; token: SandboxActorToken } | { ok: false; problem: TicketProblem };

export interface ActorTokenStore {
  create(input: NewActorToken): SandboxActorToken;
  get(id: string): SandboxActorToken | undefined;
  /** `not-pending` when accepted or already revoked: only pending tokens can be revoked. */
  revoke(id: string): SandboxActorToken | 'not-found' | 'not-pending';
  /** Validates a ticket without consuming it. */
  check(ticket: string): TicketCheck;
  /** Validates and consumes a ticket: the one and only successful use. */
  accept(ticket: string): TicketCheck;
  all(): SandboxActorToken[];
}

export interface ActorTokenOptions {
  now: () => number;
  key: SigningKey;
  frontendApiUrl: () => string;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function createActorTokenStore({ now, key, frontendApiUrl }: ActorTokenOptions): ActorTokenStore {
  const tokens = new Map<string, SandboxActorToken>();

  function check(ticket: string): TicketCheck {
    const verified = verifyJwt(ticket, key, { nowSeconds: Math.floor(now() / 1000), issuer: frontendApiUrl(), ignoreExpiry: true });
    if (!verified.ok || verified.claims.st !== 'actor_token' || typeof verified.claims.sid !== 'string') return { ok: false, problem: 'invalid' };
    const token = tokens.get(verified.claims.sid);
    if (!token || !sameText(token.ticket, ticket)) return { ok: false, problem: 'unknown' };
    if (token.status === 'revoked') return { ok: false, problem: 'revoked' };
    if (token.status === 'accepted') return { ok: false, problem: 'used' };
    if (now() >= token.expiresAt) return { ok: false, problem: 'expired' };
    return { ok: true, token };
  }

  return {
    create({ userId, actor, expiresInSeconds, sessionMaxDurationInSeconds }) {
      const createdAt = now();
      const id = newId('act');
      const expiresAt = createdAt + expiresInSeconds * 1000;
      const iat = Math.floor(createdAt / 1000);
      const ticket = signJwt(
        { iss: frontendApiUrl(), sid: id, st: 'actor_token', iat, nbf: iat - 5, exp: Math.floor(expiresAt / 1000), jti: randomToken(32) },
        key,
      );
      const token: SandboxActorToken = {
        id,
        userId,
        actor,
        status: 'pending',
        ticket,
        url: `${frontendApiUrl()}/v1/tickets/accept?ticket=${ticket}`,
        createdAt,
        updatedAt: createdAt,
        expiresAt,
        sessionMaxDurationInSeconds,
        sessionId: null,
      };
      tokens.set(id, token);
      return token;
    },
    get: (id) => tokens.get(id),
    revoke(id) {
      const token = tokens.get(id);
      if (!token) return 'not-found';
      if (token.status !== 'pending') return 'not-pending';
      token.status = 'revoked';
      token.updatedAt = now();
      return token;
    },
    check,
    accept(ticket) {
      const result = check(ticket);
      if (result.ok) {
        result.token.status = 'accepted';
        result.token.updatedAt = now();
      }
      return result;
    },
    all: () => [...tokens.values()],
  };
}

/** The API object. `token` and `url` only on creation: later echoes of a ticket would only end up in logs. */
export function actorTokenJson(token: SandboxActorToken, withSecret: boolean): Json {
  return {
    object: 'actor_token',
    id: token.id,
    status: token.status,
    user_id: token.userId,
    actor: token.actor as Json,
    ...(withSecret ? { token: token.ticket, url: token.url } : {}),
    created_at: token.createdAt,
    updated_at: token.updatedAt,
  };
}
