// Puts page timestamps on this process's clock. Chromium's and Node's performance.now() both run on
// the machine's monotonic clock, from different origins, so they differ by a constant. It is
// measured NTP-style: read the page clock between two local readings and keep the sample with the
// shortest round trip (the error is at most half of it). A navigation resets the page's origin:
// calibrate after the last one.
import type { Page } from 'playwright-core';

export interface PageClock {
  /** Converts a page `performance.now()` to this process's `performance.now()`. */
  toLocal(pageNow: number): number;
  /** Half the best round trip: the bound on the conversion error, ms. */
  uncertaintyMs: number;
}

export async function calibratePageClock(page: Page, samples = 25): Promise<PageClock> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < samples; i++) {
    const before = performance.now();
    const pageNow = await page.evaluate(() => performance.now());
    const after = performance.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageNow - (before + after) / 2 };
  }
  const { offset, rtt } = best;
  return { toLocal: (pageNow) => pageNow - offset, uncertaintyMs: rtt / 2 };
}
