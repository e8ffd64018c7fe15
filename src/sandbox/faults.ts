// Fault injection for the Backend API, per route, for a number of requests: added latency, an error
// status (429 with Retry-After, 5xx…), or a dropped connection (before or after doing the work, the
// latter being the "did my token get created?" ambiguity a client must survive). Faults apply
// before authentication and the rate limit, as an outage at Clerk's edge would.

export type FaultKind = 'latency' | 'status' | 'drop';

export interface FaultSpec {
  /** A Backend API route as the spec names it, e.g. `GET /users`, `POST /actor_tokens`, or `*`. */
  route: string;
  kind: FaultKind;
  /** latency: milliseconds added before the request is handled. */
  ms?: number;
  /** status: the HTTP status to answer (default 500). */
  status?: number;
  /** status: sets `Retry-After` (a 429 without it gets 1). */
  retryAfterSeconds?: number;
  /** status: replaces the default Clerk error body. */
  body?: unknown;
  /** drop: `true` performs the request first, then drops the connection instead of answering. */
  afterHandling?: boolean;
  /** How many matching requests are affected; default: every one until removed or cleared. */
  times?: number;
}

export interface FaultHandle {
  /** Matching requests affected so far. */
  readonly hits: number;
  /** Requests still to affect (Infinity when unlimited, 0 once used up or removed). */
  readonly remaining: number;
  remove(): void;
}

export interface Faults {
  inject(spec: FaultSpec): FaultHandle;
  clear(): void;
  /** Faults still waiting to fire. */
  readonly active: readonly FaultSpec[];
}

export interface FaultPlan {
  /** Total latency to add. */
  delayMs: number;
  /** The status or drop fault to apply, if any. */
  outcome: FaultSpec | null;
}

interface Entry {
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

export interface FaultController extends Faults {
  /** Consumes the faults that apply to one request on `route`. */
  take(route: string | null): FaultPlan;
}

export function createFaults(knownRoutes: readonly string[]): FaultController {
  let entries: Entry[] = [];

  const prune = (): void => {
    entries = entries.filter((entry) => entry.remaining > 0);
  };

  return {
    inject(spec) {
      if (spec.route !== '*' && !knownRoutes.includes(spec.route)) {
        throw new Error(`Unknown sandbox route "${spec.route}"; expected one of: *, ${knownRoutes.join(', ')}`);
      }
      if (spec.kind === 'latency' && !(typeof spec.ms === 'number' && spec.ms >= 0)) throw new Error('A latency fault needs ms >= 0');
      if (spec.times !== undefined && !(spec.times >= 1)) throw new Error('times must be at least 1');
      const entry: Entry = { spec: { ...spec }, remaining: spec.times ?? Infinity, hits: 0 };
      entries.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        get remaining() {
          return entry.remaining;
        },
        remove() {
          entry.remaining = 0;
          prune();
        },
      };
    },
    clear() {
      for (const entry of entries) entry.remaining = 0;
      entries = [];
    },
    get active() {
      return entries.map((entry) => entry.spec);
    },
    take(route) {
      const plan: FaultPlan = { delayMs: 0, outcome: null };
      for (const entry of entries) {
        if (entry.remaining <= 0 || (entry.spec.route !== '*' && entry.spec.route !== route)) continue;
        if (entry.spec.kind === 'latency') plan.delayMs += entry.spec.ms ?? 0;
        else if (plan.outcome) continue;
        else plan.outcome = entry.spec;
        entry.remaining -= 1;
        entry.hits += 1;
      }
      prune();
      return plan;
    },
  };
}

/** `ROUTE=KIND[:ARG]`: `status:503`, `latency:200`, `drop` or `drop:after` (performs the request, then drops). */
export function parseFault(text: string): FaultSpec {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new Error(`--fault ${text}: expected ROUTE=KIND[:ARG]`);
  const route = text.slice(0, at).trim();
  const [kind, arg] = text.slice(at + 1).split(':') as [string, string | undefined];
  const number = (name: string): number => {
    const value = Number(arg);
    if (arg === undefined || !Number.isInteger(value) || value < 0) throw new Error(`--fault ${text}: ${name} needs a non-negative integer`);
    return value;
  };
  if (kind === 'status') return { route, kind: 'status', status: number('status') };
  if (kind === 'latency') return { route, kind: 'latency', ms: number('latency') };
  if (kind === 'drop' && (arg === undefined || arg === 'after')) return { route, kind: 'drop', afterHandling: arg === 'after' };
  throw new Error(`--fault ${text}: KIND is status:N, latency:MS, drop or drop:after`);
}
