// Clerk's Backend API rate limit, opt-in: 100 requests per 10 s on development instances, 1000 on
// production ones, sliding window, on the sandbox clock. Answers how long to wait, or 0.

export interface RateLimiter {
  /** Records one request; returns 0 when allowed, else the seconds to wait (for Retry-After). */
  hit(): number;
}

export function createRateLimiter(limit: number, windowMs: number, now: () => number): RateLimiter {
  const times: number[] = [];
  return {
    hit() {
      const at = now();
      while (times.length && (times[0] as number) <= at - windowMs) times.shift();
      if (times.length >= limit) return Math.max(1, Math.ceil(((times[0] as number) + windowMs - at) / 1000));
      times.push(at);
      return 0;
    },
  };
}
