import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';
import { DEFAULT_RETRY, retryDelayMs, withRetry, type RetryPolicy } from '../../src/main/clerk/retry.ts';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { ...DEFAULT_RETRY, random: () => 0.5, sleep: async (ms) => void waits.push(ms), waits, ...overrides };
}

const network = () => new AppError({ kind: 'network', message: 'down' });
const limited = (seconds?: number) =>
  new AppError({ kind: 'rate-limited', message: 'slow', ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}) });

function failing(errors: AppError[], value = 'ok') {
  let calls = 0;
  const call = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return value;
  };
  return { call, calls: () => calls };
}

describe('withRetry', () => {
  it('backs off exponentially with jitter until it succeeds', async () => {
    const p = policy();
    const { call, calls } = failing([network(), network(), network()]);
    expect(await withRetry(call, p)).toBe('ok');
    expect(calls()).toBe(4);
    // base 300 ms doubling; equal jitter at random = 0.5 → 75 % of the backoff.
    expect(p.waits).toEqual([225, 450, 900]);
  });

  it('jitters between half and all of the backoff', () => {
    const error = network();
    expect(retryDelayMs(3, error, { ...DEFAULT_RETRY, random: () => 0 })).toBe(600);
    expect(retryDelayMs(3, error, { ...DEFAULT_RETRY, random: () => 0.999999 })).toBe(1200);
    expect(retryDelayMs(20, error, { ...DEFAULT_RETRY, random: () => 0.999999 })).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('waits at least Retry-After', async () => {
    const p = policy();
    const { call } = failing([limited(2), limited(1)]);
    await withRetry(call, p);
    expect(p.waits).toEqual([2000, 1000]);
  });

  it('gives up after the attempt limit with the last error', async () => {
    const p = policy();
    const last = network();
    const { call, calls } = failing([network(), network(), network(), last]);
    await expect(withRetry(call, p)).rejects.toBe(last);
    expect(calls()).toBe(4);
    expect(p.waits).toHaveLength(3);
  });

  it('does not wait past the total budget', async () => {
    const p = policy({ maxTotalWaitMs: 5_000 });
    const tooLong = limited(30);
    const { call, calls } = failing([tooLong]);
    await expect(withRetry(call, p)).rejects.toBe(tooLong);
    expect(calls()).toBe(1);
    expect(p.waits).toEqual([]);
  });

  it('never retries other kinds, nor what the caller excludes', async () => {
    const p = policy();
    const invalid = new AppError({ kind: 'validation', message: 'no' });
    const one = failing([invalid]);
    await expect(withRetry(one.call, p)).rejects.toBe(invalid);
    expect(one.calls()).toBe(1);

    const two = failing([network()]);
    await expect(withRetry(two.call, p, (error) => error.kind === 'rate-limited')).rejects.toMatchObject({ kind: 'network' });
    expect(two.calls()).toBe(1);
    expect(p.waits).toEqual([]);
  });
});
