// The real console (built renderer in Chromium + real main services, tests/support/harness.ts),
// past onboarding: the built-in sandbox chosen and the operator set, so it opens on the Users screen.
import type { Locator, Page } from 'playwright-core';
import { SANDBOX_PROFILE_ID } from '../../src/main/credentials/profile-service.ts';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import type { RequestRecord } from '../../src/sandbox/index.ts';
import { startHarness, type Harness, type HarnessOptions, type IpcRecord } from '../../tests/support/harness.ts';

export async function startConsole(options: HarnessOptions = {}): Promise<Harness> {
  const harness = await startHarness(options);
  try {
    const { profiles } = harness.services;
    await profiles.select(SANDBOX_PROFILE_ID);
    await profiles.setOperator(SANDBOX_PROFILE_ID, { userId: SANDBOX_FIXTURES.operator, name: 'Morgan Reyes' });
    await harness.page.reload();
    return harness;
  } catch (error) {
    await harness.close();
    throw error;
  }
}

/**
 * The user search box. Found by role first (the combobox of the Users screen), then by type, so a
 * renamed label in the renderer does not break the benchmark.
 */
export async function searchBox(page: Page): Promise<Locator> {
  const candidates = [page.getByRole('combobox', { name: /search/i }), page.locator('input[type="search"]')];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    for (const candidate of candidates) {
      if ((await candidate.count()) > 0 && (await candidate.first().isVisible())) return candidate.first();
    }
    await page.waitForTimeout(100);
  }
  throw new Error('The console never showed a user search box (is out/renderer built, and did onboarding change?)');
}

/** Result rows of the search: options of the listbox. */
export const RESULT_ROWS = '[role="listbox"] [role="option"]';

/** performance.now() of this process when each record is appended to a log array (push is wrapped). */
export function stampPushes<T extends object>(log: T[]): WeakMap<T, number> {
  const stamps = new WeakMap<T, number>();
  const push = log.push.bind(log);
  log.push = (...items: T[]) => {
    const at = performance.now();
    for (const item of items) stamps.set(item, at);
    return push(...items);
  };
  return stamps;
}

/** Sandbox request timing on this process's clock: arrival (logged) and response written (arrival + duration). */
export function requestTimer(requests: RequestRecord[]) {
  const arrived = stampPushes(requests);
  return {
    arrivedAt: (record: RequestRecord) => arrived.get(record) ?? Number.NaN,
    answeredAt: (record: RequestRecord) => (arrived.get(record) ?? Number.NaN) + record.durationMs,
  };
}

export type { Harness, IpcRecord };
