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
// impersonation quota is recognised by its code or wording.
const QUOTA = /quota|limit_reached|limit_exceeded|monthly limit|exceeded/i;

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
    return new AppError({
      kind: 'quota',
      message: 'Impersonation is not on your Clerk plan. An admin can enable it in the Clerk Dashboard (Billing).',
    });
  }
  if (status === 404) {
    return new AppError({ kind: 'not-found', message: clerkMessage(items, `Clerk could not find what was asked for (${what}).`) });
  }
  if (status === 422 && (QUOTA.test(code) || QUOTA.test(items[0]?.message ?? '') || QUOTA.test(items[0]?.longMessage ?? ''))) {
    return new AppError({
      kind: 'quota',
      message: `The monthly impersonation quota of this Clerk instance is used up (${clerkMessage(items, 'quota reached')}). It resets next month, or an admin can raise it in the Clerk Dashboard.`,
    });
  }
  if (status === 400 && code === 'actor_token_cannot_be_revoked') {
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
