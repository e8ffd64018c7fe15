// Typing a 9-character query into the real console: how many searches reach main and the sandbox,
// and how long the answer takes to appear once the sandbox has sent it.
import type { Page } from 'playwright-core';
import { SEARCH_DEBOUNCE_MS } from '../../src/renderer/src/data/search-controller.ts';
import type { RequestRecord } from '../../src/sandbox/index.ts';
import { RESULT_ROWS, requestTimer, searchBox, stampPushes, startConsole, type IpcRecord } from '../lib/console.ts';
import { calibratePageClock } from '../lib/page-clock.ts';
import { emailPrefixQueries } from '../lib/queries.ts';
import type { BenchResult } from '../lib/report.ts';
import { median, round, summarize, type Summary } from '../lib/stats.ts';

export interface SearchTypingOptions {
  users: number;
  /** Typing speeds (ms between keys) and the runs at each. */
  speeds: { delayMs: number; runs: number }[];
}

interface Run {
  delayMs: number;
  query: string;
  ipcSearches: number;
  getUsers: number;
  /** Sandbox answered (the later of GET /users and GET /users/count) → main's handler returned. */
  responseToMain: number;
  /** Sandbox answered → result rows of this query in the DOM (MutationObserver); null when an earlier prefix already showed the same rows. */
  responseToDom: number | null;
  /** Sandbox answered → first animation frame after that DOM change. */
  responseToFrame: number | null;
  /** Last keystroke's input event → rows in the DOM (includes the debounce). */
  lastKeyToDom: number | null;
  /** Median and longest time between the input events of this run, as the page saw them. */
  keyInterval: number;
  longestGap: number;
}

/** Installed in the console page: one entry per DOM change, with the user ids the rows show then. */
function installRowObserver(page: Page, rowsSelector: string) {
  return page.evaluate((selector) => {
    type Entry = { at: number; frameAt: number; ids: string };
    const state = { entries: [] as Entry[], inputs: [] as number[] };
    (window as unknown as { __bench: typeof state }).__bench = state;
    const idsNow = () =>
      [...document.querySelectorAll(selector)]
        .map((row) => /user_[A-Za-z0-9]+/.exec(`${row.getAttribute('aria-label') ?? ''} ${row.textContent ?? ''}`)?.[0] ?? '?')
        .join(',');
    let last = idsNow();
    new MutationObserver(() => {
      const ids = idsNow();
      if (ids === last) return;
      last = ids;
      const entry: Entry = { at: performance.now(), frameAt: Number.NaN, ids };
      state.entries.push(entry);
      requestAnimationFrame(() => (entry.frameAt = performance.now()));
    }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });
    document.addEventListener('input', () => state.inputs.push(performance.now()), true);
  }, rowsSelector);
}

type PageState = { entries: { at: number; frameAt: number; ids: string }[]; inputs: number[] };
const pageState = (page: Page) => page.evaluate(() => (window as unknown as { __bench: PageState }).__bench);
const resetPageState = (page: Page) =>
  page.evaluate(() => {
    const state = (window as unknown as { __bench: PageState }).__bench;
    state.entries = [];
    state.inputs = [];
  });

const isSearch = (record: IpcRecord, query?: string) =>
  record.channel === 'users:search' && (query === undefined || (record.input as { query?: string }).query === query);
const idsOf = (record: IpcRecord) => {
  const output = record.output as { ok: boolean; value?: { users: { id: string }[] } };
  return output.ok ? (output.value?.users ?? []).map((user) => user.id).join(',') : null;
};

/**
 * Presses one key every `delayMs`, on a schedule: a slow CDP round trip delays one key, not every
 * key after it (keyboard.type's `delay` holds each key down that long, so keys land further apart).
 */
async function typeAtPace(page: Page, text: string, delayMs: number): Promise<void> {
  const start = performance.now();
  for (const [index, char] of [...text].entries()) {
    const wait = start + index * delayMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await page.keyboard.press(char);
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 8_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function searchTyping(options: SearchTypingOptions): Promise<BenchResult> {
  const harness = await startConsole({ users: options.users });
  try {
    const { page, sandbox, ipcLog } = harness;
    const timing = requestTimer(sandbox.requests);
    const handled = stampPushes(ipcLog);
    const box = await searchBox(page);
    await page.waitForSelector(RESULT_ROWS, { timeout: 15_000 });
    await installRowObserver(page, RESULT_ROWS);
    const clock = await calibratePageClock(page);
    const totalRuns = options.speeds.reduce((sum, speed) => sum + speed.runs, 0);
    const queries = emailPrefixQueries(sandbox.state.users, totalRuns + 1);
    const runs: Run[] = [];

    // Warm-up (first React render of a new result set, JIT): not recorded.
    const plan: { delayMs: number; query: string; record: boolean }[] = [{ delayMs: 60, query: queries.pop()!, record: false }];
    for (const { delayMs, runs: count } of options.speeds) {
      for (let i = 0; i < count; i++) plan.push({ delayMs, query: queries.pop()!, record: true });
    }

    for (const { delayMs, query, record } of plan) {
      // Start each run from an empty box whose search has settled.
      const before = ipcLog.length;
      await box.fill('');
      await waitFor('the empty search to settle', () => (ipcLog.slice(before).some((r) => isSearch(r, '')) ? true : undefined)).catch(() => undefined);
      await page.waitForTimeout(400);
      await resetPageState(page);

      const ipcStart = ipcLog.length;
      const requestStart = sandbox.requests.length;
      await box.focus();
      await typeAtPace(page, query, delayMs);
      const final = await waitFor('the search for the typed query', () => ipcLog.slice(ipcStart).findLast((r) => isSearch(r, query)));
      const expected = idsOf(final);
      if (!expected) throw new Error(`The search for "${query}" failed: ${JSON.stringify(final.output)}`);
      const newRequests = () => sandbox.requests.slice(requestStart);
      const answered = newRequests().filter((r: RequestRecord) => r.query['query'] === query && (r.route === 'GET /users' || r.route === 'GET /users/count'));
      const answeredAt = Math.max(...answered.map((r) => timing.answeredAt(r)));
      // The rows of this answer, drawn after it arrived: an earlier prefix may have had the same
      // rows, and then this answer changes nothing on screen (no latency to measure).
      const drawn = (entries: PageState['entries']) => entries.find((entry) => entry.ids === expected && clock.toLocal(entry.at) >= answeredAt - clock.uncertaintyMs);
      const onScreen = async () => (await pageState(page)).entries.some((entry) => entry.ids === expected) || undefined;
      await waitFor('the rows of the typed query', onScreen);
      // Anything still to come (a late debounce, a retry) would count: give it time to show up.
      await page.waitForTimeout(600);
      const { entries, inputs } = await pageState(page);
      if (inputs.length !== query.length) throw new Error(`Typed ${query.length} characters, the page saw ${inputs.length} input events`);
      const after = drawn(entries);
      const lastInputAt = inputs[inputs.length - 1]!;
      const gaps = inputs.slice(1).map((at, i) => at - inputs[i]!);
      if (!record) continue;
      runs.push({
        delayMs,
        query,
        ipcSearches: ipcLog.slice(ipcStart).filter((r) => isSearch(r)).length,
        getUsers: newRequests().filter((r) => r.route === 'GET /users').length,
        responseToMain: (handled.get(final) ?? Number.NaN) - answeredAt,
        responseToDom: after ? clock.toLocal(after.at) - answeredAt : null,
        responseToFrame: after ? clock.toLocal(after.frameAt) - answeredAt : null,
        lastKeyToDom: after ? after.at - lastInputAt : null,
        keyInterval: median(gaps),
        longestGap: Math.max(...gaps),
      });
    }

    const stats = options.speeds.map(({ delayMs }) => {
      const mine = runs.filter((run) => run.delayMs === delayMs);
      const pick = (key: keyof Run) => summarize(mine.map((run) => run[key]).filter((value): value is number => typeof value === 'number'));
      return {
        delayMs,
        n: mine.length,
        ipcSearches: pick('ipcSearches'),
        getUsers: pick('getUsers'),
        responseToMain: pick('responseToMain'),
        responseToDom: pick('responseToDom'),
        responseToFrame: pick('responseToFrame'),
        lastKeyToDom: pick('lastKeyToDom'),
        keyInterval: pick('keyInterval'),
        longestGap: pick('longestGap'),
      };
    });
    const cell = (s: Summary) => `${s.median.toFixed(1)} (p90 ${s.p90.toFixed(1)})`;
    const counts = (s: Summary) => (s.min === s.max ? `${s.max}` : `${s.min}–${s.max}`);
    const requestsOf = (run: Run) => Math.max(run.ipcSearches, run.getUsers);
    // The goal is about typing at a steady pace. A run where the loaded machine stalled one key past
    // the debounce is a typing pause, and a search then is right: such runs are shown, not judged.
    const paced = runs.filter((run) => run.longestGap < SEARCH_DEBOUNCE_MS);
    const maxPaced = Math.max(...paced.map(requestsOf));
    const goalMet = paced.length > 0 && maxPaced <= 2;
    const verdict = (delayMs: number) => {
      const mine = paced.filter((run) => run.delayMs === delayMs);
      if (mine.length === 0) return 'no steady run';
      return `${Math.max(...mine.map(requestsOf)) <= 2 ? 'pass' : 'FAIL'} (${mine.length} steady)`;
    };

    return {
      id: 'search',
      title: `Search while typing (console in Chromium, sandbox of ${options.users.toLocaleString('en')} users)`,
      method:
        'A distinct 9-character query per run, typed into the Users search box of the real console by Playwright key presses on a fixed schedule ' +
        '(brackets: median and longest gap between the input events the page saw). Requests counted from the first key to 600 ms after the rows showed. ' +
        'Latency from the sandbox writing its answer (arrival + durationMs, bench clock) to the rows of that answer in the DOM (MutationObserver, page clock ' +
        `calibrated to the bench clock) and to the next animation frame; "last key" includes the ${SEARCH_DEBOUNCE_MS} ms debounce. ms, median (p90).`,
      columns: ['keys every (measured median; longest gap)', 'n', 'users:search', 'GET /users', 'response → main', 'response → DOM', 'response → frame', 'last key → DOM', 'goal ≤ 2 requests (steady runs)'],
      rows: stats.map((s) => [
        `${s.delayMs} ms (${s.keyInterval.median.toFixed(0)}; ${s.longestGap.max.toFixed(0)})`,
        s.responseToDom.n === s.n ? s.n : `${s.n} (${s.responseToDom.n})`,
        counts(s.ipcSearches),
        counts(s.getUsers),
        cell(s.responseToMain),
        cell(s.responseToDom),
        cell(s.responseToFrame),
        cell(s.lastKeyToDom),
        verdict(s.delayMs),
      ]),
      goals: [
        {
          what: `requests per typed query (max over the ${paced.length} of ${runs.length} runs with every key gap under the ${SEARCH_DEBOUNCE_MS} ms debounce)`,
          goal: '≤ 2',
          actual: paced.length > 0 ? String(maxPaced) : 'no steady run',
          pass: goalMet,
        },
      ],
      notes: [
        `page clock calibrated to ±${round(clock.uncertaintyMs, 2)} ms; the harness carries IPC over a Playwright binding (CDP), which Electron's IPC would replace`,
        'n (m): m runs had a latency to measure; in the others an earlier prefix had drawn the same rows already',
        `a key gap over the ${SEARCH_DEBOUNCE_MS} ms debounce (the machine stalled a key) is a pause, and rightly searches: such runs count in the columns, not in the goal`,
        'each search is GET /users + GET /users/count (getUserList asks for both)',
      ],
      data: { users: options.users, debounceMs: SEARCH_DEBOUNCE_MS, steadyRuns: paced.length, clockUncertaintyMs: round(clock.uncertaintyMs, 3), stats, runs },
    };
  } finally {
    await harness.close();
  }
}
