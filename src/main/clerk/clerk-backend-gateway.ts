// The ClerkGateway over @clerk/backend. The secret key given here stays inside the SDK client and
// the token verifier; nothing this module returns or throws contains it.
import { createClerkClient, verifyToken, type Session, type User } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import type { ClerkSessionStatus, SessionSummary } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, SESSION_PAGE_SIZE, SessionTokenTimingError, type ClerkGateway, type ClerkUser, type GatewayOptions, type MintedToken, type VerifiedSession } from './gateway.ts';
import { RequestTimeoutError, toAppError, toRevokeTokenError, toWriteError } from './errors.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';

export const CLOCK_SKEW_MS = 60_000;

export function createClerkBackendGateway(options: GatewayOptions): ClerkGateway {
  const { secretKey, apiUrl } = options;
  const clerk = createClerkClient({ secretKey, apiUrl, telemetry: { disabled: true } });
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
  };

  /** One attempt: raced against a timer, since the SDK takes no AbortSignal. */
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(call(), timeoutMs);
    } catch (error) {
      throw toAppError(error, what);
    }
  };
  const read = <T>(what: string, call: () => Promise<T>): Promise<T> => withRetry(() => attempt(what, call), policy);

  return {
    requestTimeoutMs: timeoutMs,

    async searchUsers({ query, limit, offset }) {
      const trimmed = query.trim();
      // getUserList asks for the page and the total count (GET /users and GET /users/count).
      const page = await read('search users', () =>
        clerk.users.getUserList({ ...(trimmed ? { query: trimmed } : {}), limit, offset, orderBy: '-last_sign_in_at' }),
      );
      return { users: page.data.map(toClerkUser), totalCount: page.totalCount };
    },

    async getUser(userId) {
      return toClerkUser(await read('load the user', () => clerk.users.getUser(userId)));
    },

    async countUsers(query) {
      const trimmed = query?.trim();
      return read('count users', () => clerk.users.getCount(trimmed ? { query: trimmed } : {}));
    },

    // Never retried: if the request may have reached Clerk, repeating it could mint a second live
    // token. Any failure after sending (timeout, dropped connection, 5xx) is reported as ambiguous.
    async createActorToken(request, onLateAnswer) {
      const what = 'create the impersonation token';
      const call = clerk.actorTokens.create({
        userId: request.userId,
        // Clerk copies every key of `actor` into the session's `act` claim, not only `sub`.
        actor: { ...request.actor } as { sub: string },
        expiresInSeconds: request.expiresInSeconds,
        sessionMaxDurationInSeconds: request.sessionMaxDurationInSeconds,
      });
      let token;
      try {
        token = await withTimeout(call, timeoutMs);
      } catch (error) {
        // The request is still on its way: whatever Clerk makes of it is reported, never dropped.
        if (error instanceof RequestTimeoutError && onLateAnswer) {
          call.then(
            (late) => onLateAnswer({ outcome: 'minted', tokenId: late.id }),
            (late: unknown) => {
              const mapped = toWriteError(late, what);
              onLateAnswer(mapped.kind === 'ambiguous' ? { outcome: 'lost' } : { outcome: 'refused', message: mapped.message });
            },
          );
        }
        throw toWriteError(error, what);
      }
      if (!token.url) {
        throw new AppError({ kind: 'internal', message: `Clerk created token ${token.id} but sent no sign-in link for it; revoke it from the history.` });
      }
      const minted: MintedToken = { id: token.id, status: token.status, userId: token.userId, url: token.url, createdAt: token.createdAt };
      return minted;
    },

    // Retried only on 429, where Clerk refused before doing anything. After a dropped connection the
    // first revoke may have worked, and a repeat would then fail with "only pending tokens can be
    // revoked", misreporting a success as a refusal; the operator retries knowingly instead.
    async revokeActorToken(tokenId) {
      const what = 'revoke the impersonation token';
      const once = async () => {
        try {
          return await withTimeout(clerk.actorTokens.revoke(tokenId), timeoutMs);
        } catch (error) {
          throw error instanceof RequestTimeoutError ? toAppError(error, what) : toRevokeTokenError(error, what);
        }
      };
      const token = await withRetry(once, policy, (error) => error.kind === 'rate-limited');
      return { id: token.id, status: token.status };
    },

    async listSessions({ userId, status, offset }) {
      const page = await read('list the user’s sessions', () =>
        clerk.sessions.getSessionList({ userId, ...(status ? { status } : {}), limit: SESSION_PAGE_SIZE, ...(offset ? { offset } : {}) }),
      );
      return page.data.map(toSessionSummary);
    },

    async getSession(sessionId) {
      return toSessionSummary(await read('load the session', () => clerk.sessions.getSession(sessionId)));
    },

    // Retried like a read: revoking an already revoked or ended session answers with the session
    // unchanged, so a repeat after a lost answer is harmless and yields the same result.
    async revokeSession(sessionId) {
      return toSessionSummary(await read('end the session', () => clerk.sessions.revokeSession(sessionId)));
    },

    async verifySessionToken(token) {
      let payload;
      try {
        // The JWKS is fetched with the secret key and cached by the SDK (5 minutes).
        // 60 s of clock skew tolerated (the SDK's default is 5 s): a support agent's laptop clock
        // being a little off must not end impersonations (@clerk/backend verifyToken clockSkewInMs).
        payload = await withTimeout(verifyToken(token, { secretKey, apiUrl, clockSkewInMs: CLOCK_SKEW_MS }), timeoutMs);
      } catch (error) {
        throw verificationError(error);
      }
      const act = payload.act;
      const verified: VerifiedSession = {
        sub: payload.sub,
        sid: typeof payload.sid === 'string' ? payload.sid : '',
        act: act && typeof act === 'object' ? { ...(act as Record<string, unknown>) } : null,
        iss: payload.iss,
        exp: payload.exp,
      };
      if (!verified.sid) throw new AppError({ kind: 'validation', message: 'The session token names no session (sid).' });
      return verified;
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function verificationError(error: unknown): AppError {
  if (error instanceof RequestTimeoutError) return toAppError(error, 'verify the sign-in');
  if (error instanceof TokenVerificationError) {
    switch (error.reason) {
      case TokenVerificationErrorReason.InvalidSecretKey:
        return new AppError({ kind: 'invalid-key', message: 'Clerk rejected the secret key while the sign-in was being verified (JWKS).' });
      case TokenVerificationErrorReason.RemoteJWKFailedToLoad:
        return new AppError({ kind: 'network', message: 'The signing keys of the instance (JWKS) could not be loaded from Clerk, so the sign-in could not be verified.' });
      case TokenVerificationErrorReason.TokenExpired:
        return new SessionTokenTimingError('The session token has expired.');
      case TokenVerificationErrorReason.TokenNotActiveYet:
      case TokenVerificationErrorReason.TokenIatInTheFuture:
        return new SessionTokenTimingError('The session token is not valid yet (the clocks differ).');
      default:
        return new AppError({ kind: 'validation', message: `The session token could not be verified (${error.reason}).` });
    }
  }
  // Anything else comes from fetching the JWKS (the SDK's own retries included): Clerk unreachable.
  return new AppError({ kind: 'network', message: 'Clerk could not be reached to load the signing keys (JWKS), so the sign-in could not be verified.' });
}

function toClerkUser(user: User): ClerkUser {
  const primaryEmail = user.primaryEmailAddress?.emailAddress ?? user.emailAddresses[0]?.emailAddress ?? null;
  const fullName = [user.firstName, user.lastName].filter((part) => part && part.trim()).join(' ').trim();
  const role = user.publicMetadata['role'];
  return {
    id: user.id,
    name: fullName || user.username || primaryEmail || user.id,
    username: user.username,
    primaryEmail,
    imageUrl: user.imageUrl || null,
    banned: user.banned,
    locked: user.locked,
    role: typeof role === 'string' ? role : null,
    lastSignInAt: user.lastSignInAt,
    createdAt: user.createdAt,
    emails: user.emailAddresses.map((email) => email.emailAddress),
    phoneNumbers: user.phoneNumbers.map((phone) => phone.phoneNumber),
    lastActiveAt: user.lastActiveAt,
    publicMetadata: { ...user.publicMetadata },
  };
}

function toSessionSummary(session: Session): SessionSummary {
  return {
    id: session.id,
    userId: session.userId,
    clientId: session.clientId,
    status: session.status as ClerkSessionStatus,
    actor: session.actor ? { ...session.actor } : null,
    createdAt: session.createdAt,
    lastActiveAt: session.lastActiveAt,
    expireAt: session.expireAt,
  };
}
