// Maps what @clerk/backend throws to AppError kinds the console can act on. Clerk's own wording is
// kept where it helps (validation), masked like a log line: no message may carry a key or a token.
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { AppError } from '../../shared/errors.ts';
import { redact } from '../redact.ts';

/** Raised by the gateway's own timer: the SDK cannot abort a request. */
export class RequestTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`No answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'RequestTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

interface ClerkErrorItem {
  code?: string;
  message?: string;
  longMessage?: string;
}

function clerkMessage(items: readonly ClerkErrorItem[], fallback: string): string {
  const first = items[0];
  const text = first?.longMessage || first?.message;
  return text ? redact(text).slice(0, 300) : fallback;
}

// The SDK drops an error's `meta` (limit/used) except for a fixed list of keys, so the monthly
// impersonation quota is recognised by its code or wording, and used/limit read from Clerk's long
// message: `Your application has reached the impersonation limit for your plan (%d/%d). …`
// (clerk-docs data/api_errors.json, ImpersonationLimitExceeded, 422 `impersonation_limit_exceeded`).
const QUOTA = /quota|limit_reached|limit_exceeded|monthly limit|exceeded/i;
const USED_OF_LIMIT = /\((\d+)\s*\/\s*(\d+)\)/;

/**
 * Clerk's codes for "this actor token can no longer be revoked" (it was used, or already revoked):
 * today's `actor_token_cannot_be_revoked_code` (clerk-docs data/api_errors.json, ActorTokenCannotBeRevoked)
 * and the older spelling without the suffix.
 */
export const CANNOT_REVOKE_CODES: ReadonlySet<string> = new Set(['actor_token_cannot_be_revoked_code', 'actor_token_cannot_be_revoked']);

/** `what` names the operation for messages, e.g. "search users". */
export function toAppError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof RequestTimeoutError) {
    return new AppError({
      kind: 'network',
      message: `Clerk did not answer in time (${Math.round(error.timeoutMs / 1000)} s) while trying to ${what}. Check the connection and try again.`,
    });
  }
  if (!isClerkAPIResponseError(error)) {
    return new AppError(
      { kind: 'internal', message: `Clerk gave an answer Understudy did not understand while trying to ${what}.` },
      { cause: error },
    );
  }
  const status = error.status as number | undefined;
  const items = error.errors as readonly ClerkErrorItem[];
  const code = items[0]?.code ?? '';

  if (status === undefined) {
    return new AppError({
      kind: 'network',
      message: `Clerk is unreachable (the connection failed or was dropped) while trying to ${what}. Check the network and try again.`,
    });
  }
  if (status === 401) {
    return new AppError({
      kind: 'invalid-key',
      message: 'Clerk rejected the secret key of this instance (it may have been rolled or deleted). Add the instance again with a current key.',
    });
  }
  if (status === 402) {
    // clerk/cli impersonate: 402 means impersonation is not enabled on the plan (an add-on).
    return new AppError({
      kind: 'quota',
      message: `Impersonation is not on this instance's Clerk plan (Clerk: ${clerkMessage(items, 'payment required')}). An admin can add it in the Clerk Dashboard (Billing).`,
    });
  }
  if (status === 404) {
    return new AppError({ kind: 'not-found', message: clerkMessage(items, `Clerk could not find what was asked for (${what}).`) });
  }
  if (status === 422 && (QUOTA.test(code) || QUOTA.test(items[0]?.message ?? '') || QUOTA.test(items[0]?.longMessage ?? ''))) {
    const counted = USED_OF_LIMIT.exec(items[0]?.longMessage ?? '');
    const usage = counted ? `${counted[1]} of ${counted[2]} impersonations used this billing period` : 'quota reached';
    return new AppError({
      kind: 'quota',
      message: `The impersonation quota of this Clerk instance is used up (${usage}). It resets at the start of the next billing period, or an admin can raise it in the Clerk Dashboard (Billing).`,
    });
  }
  if (status === 403) {
    return new AppError({ kind: 'validation', message: `Clerk forbids this (${what}): ${clerkMessage(items, 'forbidden')}` });
  }
  if (status === 400 && CANNOT_REVOKE_CODES.has(code)) {
    return new AppError({ kind: 'conflict', message: 'Only an unused (pending) token can be revoked; this one was already used or revoked.' });
  }
  if (status === 400 || status === 403 || status === 409 || status === 422) {
    return new AppError({ kind: 'validation', message: `Clerk refused to ${what}: ${clerkMessage(items, `status ${status}`)}` });
  }
  if (status === 429) {
    const retryAfter = typeof error.retryAfter === 'number' && error.retryAfter >= 0 ? error.retryAfter : undefined;
    return new AppError({
      kind: 'rate-limited',
      message: `Clerk is limiting requests for this instance.${retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Try again shortly.'}`,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (status >= 500) {
    return new AppError({
      kind: 'network',
      message: `Clerk had a server problem (status ${status}) while trying to ${what}. Try again in a moment.`,
    });
  }
  return new AppError({ kind: 'validation', message: `Clerk refused to ${what} (status ${status}): ${clerkMessage(items, 'no details')}` });
}

/**
 * For writes that must not be repeated blindly (minting a token): a failure after the request may
 * have reached Clerk means it may have happened. Clean refusals (4xx) keep their own kind.
 */
export function toWriteError(error: unknown, what: string): AppError {
  const mapped = toAppError(error, what);
  if (mapped.kind !== 'network') return mapped;
  const why =
    error instanceof RequestTimeoutError
      ? 'Clerk did not answer in time'
      : isClerkAPIResponseError(error) && typeof error.status === 'number'
        ? `Clerk answered with a server error (status ${error.status})`
        : 'the connection to Clerk failed or was dropped';
  return new AppError({
    kind: 'ambiguous',
    message: `Unclear whether Clerk managed to ${what}: ${why} before confirming. It was not retried, so nothing was done twice.`,
  });
}

/**
 * Revoking an actor token: any 400 means "maybe used" (clerk/cli impersonate revoke treats every 400
 * as not revocable and looks for the session instead), whatever code Clerk gives it.
 */
export function toRevokeTokenError(error: unknown, what: string): AppError {
  if (isClerkAPIResponseError(error) && error.status === 400) {
    const items = error.errors as readonly ClerkErrorItem[];
    return new AppError({ kind: 'conflict', message: `The token can no longer be revoked; it was probably used (Clerk: ${clerkMessage(items, 'cannot revoke')}).` });
  }
  return toAppError(error, what);
}
