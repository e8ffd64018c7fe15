// Retries for requests that are safe to repeat (reads, idempotent revokes): on 429 and on network
// failures (5xx, dropped connection, timeout), with exponential backoff and jitter, never sooner
// than Clerk's Retry-After, and within a bounded number of attempts and total wait.
import { AppError } from '../../shared/errors.ts';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound of all waits together: past it, the last error is returned instead of waiting. */
  maxTotalWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1); injected by tests. */
  random: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  maxTotalWaitMs: 15_000,
  sleep: defaultSleep,
  random: Math.random,
};

export function isRetryable(error: unknown): error is AppError {
  return error instanceof AppError && (error.kind === 'rate-limited' || error.kind === 'network');
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): backoff with "equal jitter"
 * (half fixed, half random) so clients that failed together do not retry together, and at least
 * Retry-After when Clerk gave one.
 */
export function retryDelayMs(attempt: number, error: AppError, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = backoff / 2 + (policy.random() * backoff) / 2;
  const floor = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
  return Math.round(Math.max(jittered, floor));
}

/** Runs `call` (which must throw AppErrors) until it succeeds, fails for good, or the budget is spent. */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  retryable: (error: AppError) => boolean = () => true,
): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || !retryable(error) || attempt >= policy.attempts) throw error;
      const delay = retryDelayMs(attempt, error, policy);
      // A Retry-After beyond the budget: say so now rather than keep the operator waiting.
      if (waited + delay > policy.maxTotalWaitMs) throw error;
      waited += delay;
      await policy.sleep(delay);
    }
  }
}
