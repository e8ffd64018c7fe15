// How much time Understudy adds between "start" and the impersonation window loading its ticket URL,
// beyond waiting for Clerk.
import type { WindowEvents, WindowSpec } from '../../src/main/impersonation/window-host.ts';
import { SANDBOX_PROFILE_ID } from '../../src/main/credentials/profile-service.ts';
import { requestTimer, startConsole } from '../lib/console.ts';
import { endImpersonation, impersonableUsers, startImpersonation, waitSignedIn } from '../lib/impersonate.ts';
import type { BenchResult } from '../lib/report.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface ImpersonationOverheadOptions {
  runs: number;
  warmup: number;
  goalMs: number;
  /** Pause after each impersonation ends, before the next starts. */
  settleMs: number;
}

interface Run {
  /** impersonation:start dispatched → the window's ticket URL load issued (page.goto). */
  raw: number;
  /** POST /actor_tokens: arrival at the sandbox → answer written. */
  mint: number;
  net: number;
  /** GET /users/{id} (the start re-reads the user before deciding): arrival → answer. */
  getUser: number;
  /** The Playwright window host's open(): new browser context + page + request routing (BrowserWindow in the app). */
  windowOpen: number;
  /** Client side of the two Backend API calls (gateway → @clerk/backend → fetch → parsed), both together. */
  clerkClient: number;
  /** Ledger writes during the start (begin + pending), each an atomic file replace. */
  ledger: number;
  /** raw − client-side API calls − ledger writes − window host: the rest of Understudy (IPC validation, policy, bookkeeping). */
  rest: number;
  /** raw − mint − window host: what is left once Clerk's mint and the harness's window creation are taken out. */
  netWithoutWindow: number;
  /** raw − both Backend API round trips as main sees them − window host: Understudy's own code path. */
  own: number;
  /** Ticket load issued → Chromium's request event reached us (CDP). */
  requestSeen: number;
}

export async function impersonationOverhead(options: ImpersonationOverheadOptions): Promise<BenchResult> {
  const harness = await startConsole({ users: 200 });
  try {
    const { sandbox, windowHost } = harness;
    const timing = requestTimer(sandbox.requests);
    let ticketAt = Number.NaN;
    let requestAt = Number.NaN;
    let openMs = Number.NaN;
    windowHost.beforeTicket = async (spec: WindowSpec) => {
      ticketAt = performance.now();
      windowHost.window(spec.impersonationId).page.once('request', () => (requestAt = performance.now()));
    };
    const open = windowHost.open.bind(windowHost);
    windowHost.open = async (spec: WindowSpec, events: WindowEvents) => {
      const t0 = performance.now();
      const window = await open(spec, events);
      openMs = performance.now() - t0;
      return window;
    };

    // Time spent inside the gateway and the ledger, wrapped on the instances the orchestrator holds.
    let clerkMs = 0;
    let ledgerMs = 0;
    const gateway = harness.services.profiles.gateway(SANDBOX_PROFILE_ID);
    for (const name of ['getUser', 'createActorToken'] as const) {
      const call = gateway[name].bind(gateway) as (...args: unknown[]) => Promise<never>;
      (gateway as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await call(...args);
        } finally {
          clerkMs += performance.now() - t0;
        }
      };
    }
    const { ledger } = harness.services;
    for (const name of ['begin', 'update'] as const) {
      const call = ledger[name].bind(ledger) as (...args: unknown[]) => never;
      (ledger as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return call(...args);
        } finally {
          ledgerMs += performance.now() - t0;
        }
      };
    }

    const users = impersonableUsers(harness, options.runs + options.warmup);
    const runs: Run[] = [];
    for (const [index, userId] of users.entries()) {
      ticketAt = requestAt = openMs = Number.NaN;
      clerkMs = ledgerMs = 0;
      const before = sandbox.requests.length;
      const t0 = performance.now();
      const view = await startImpersonation(harness, userId);
      const clerkDuringStart = clerkMs;
      const ledgerDuringStart = ledgerMs;
      const records = sandbox.requests.slice(before);
      const mint = records.find((r) => r.route === 'POST /actor_tokens');
      const getUser = records.find((r) => r.route === 'GET /users/{user_id}');
      if (!mint || !getUser) throw new Error(`Expected a user read and a mint, saw ${records.map((r) => r.route).join(', ')}`);
      // Signed in and ended before the next one, so runs do not overlap.
      await waitSignedIn(harness, [view.id]);
      await endImpersonation(harness, view.id);
      // Let Chromium finish tearing the context down: on two cores it competes with the next start.
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      if (index < options.warmup) continue;
      const raw = ticketAt - t0;
      const mintMs = timing.answeredAt(mint) - timing.arrivedAt(mint);
      const getUserMs = timing.answeredAt(getUser) - timing.arrivedAt(getUser);
      runs.push({
        raw,
        mint: mintMs,
        net: raw - mintMs,
        getUser: getUserMs,
        windowOpen: openMs,
        netWithoutWindow: raw - mintMs - openMs,
        own: raw - clerkDuringStart - openMs,
        clerkClient: clerkDuringStart,
        ledger: ledgerDuringStart,
        rest: raw - clerkDuringStart - ledgerDuringStart - openMs,
        requestSeen: requestAt - ticketAt,
      });
    }

    const s = Object.fromEntries((Object.keys(runs[0]!) as (keyof Run)[]).map((key) => [key, summarize(runs.map((run) => run[key]))])) as Record<keyof Run, Summary>;
    const cell = (x: Summary) => `${x.median.toFixed(1)} (p90 ${x.p90.toFixed(1)})`;
    const labels: [keyof Run, string][] = [
      ['raw', 'raw: start → ticket load issued'],
      ['mint', 'mint round trip at the sandbox (POST /actor_tokens)'],
      ['net', 'net: raw − mint'],
      ['getUser', 'user re-read at the sandbox (GET /users/{id})'],
      ['windowOpen', 'window host open (Playwright context + page)'],
      ['netWithoutWindow', 'net without the window host: raw − mint − window host'],
      ['clerkClient', 'both API calls as the gateway saw them (SDK + HTTP)'],
      ['own', "Understudy's own path: raw − both API round trips (as main sees them) − window host"],
      ['ledger', 'ledger writes (begin + pending, atomic file replace)'],
      ['rest', 'rest: raw − gateway calls − ledger writes − window host'],
      ['requestSeen', 'ticket request seen by Playwright after load issued'],
    ];
    return {
      id: 'impersonation',
      title: 'Impersonation start overhead',
      method:
        `${s.raw.n} impersonations in a row (after ${options.warmup} warm-up) through the real IPC dispatch, orchestrator, gateway (@clerk/backend), ` +
        `ledger on disk and the Chromium window host, each signed in and ended, then ${options.settleMs} ms of rest, before the next. Ticket load = the window host's beforeTicket hook, ` +
        'which runs just before page.goto(ticket URL). Backend API times: arrival → answer written, at the sandbox. ms, median (p90).',
      columns: ['measure', 'ms', 'goal'],
      rows: labels.map(([key, label]) => [
        label,
        cell(s[key]),
        key === 'net' || key === 'netWithoutWindow' || key === 'own' ? `< ${options.goalMs} ms: ${s[key].median < options.goalMs ? 'pass' : 'FAIL'}` : '',
      ]),
      goals: [
        {
          what: "Understudy's own overhead: start → ticket load, minus the Backend API round trips and the window host's creation",
          goal: `< ${options.goalMs} ms`,
          actual: `${s.own.median.toFixed(1)} ms`,
          pass: s.own.median < options.goalMs,
        },
        { what: 'net overhead, median (start → ticket load − mint)', goal: `< ${options.goalMs} ms`, actual: `${s.net.median.toFixed(1)} ms`, pass: s.net.median < options.goalMs },
        {
          what: 'the same without the window host\'s context creation (a BrowserWindow in the app, not measurable here)',
          goal: `< ${options.goalMs} ms`,
          actual: `${s.netWithoutWindow.median.toFixed(1)} ms`,
          pass: s.netWithoutWindow.median < options.goalMs,
        },
      ],
      notes: ['the window host here opens a Playwright browser context, where the app creates a BrowserWindow with a fresh partition'],
      data: { stats: s, runs: runs.map((run) => Object.fromEntries(Object.entries(run).map(([k, v]) => [k, round(v, 2)]))) },
    };
  } finally {
    await harness.close();
  }
}
