// The audit outbox: every history event reaches every sink the organisation's policy names, at
// least once, in history order. Nothing is copied: the outbox of a sink is the history after that
// sink's cursor (ledger/audit-cursors.ts, same SQLite file), so an event recorded is an event queued,
// through crashes, offline stretches and restarts. New events wake the delivery; a failure waits
// (exponential backoff, or the sink's Retry-After) and tries again. Receivers de-duplicate by the
// event id (`log.record.uid` / `id`): a crash between a delivery and its cursor update re-sends.
//
// With `auditDelivery: "required"`, a start is refused while a sink "cannot be reached": its last
// delivery attempt failed (and none succeeded since), or it holds events older than `staleMs` that
// it has not confirmed (a sink that hangs, or is still catching up).
import { createHash } from 'node:crypto';
import type { AuditSinkStatus, AuditStatus } from '../../shared/domain.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Keychain } from '../credentials/keychain.ts';
import type { AuditCursor } from '../ledger/audit-cursors.ts';
import type { Logger } from '../log.ts';
import type { AuditSinkConfig } from '../policy/org-policy.ts';
import { redact } from '../redact.ts';
import { auditRecordOf, type AuditRecord } from './audit-record.ts';
import { displayTarget, type DeliveryOutcome } from './http-delivery.ts';
import { logsUrl, sendOtlp } from './otlp-sink.ts';
import { sendWebhook } from './webhook-sink.ts';

export interface AuditSink {
  /** Stable across starts (derived from the sink's type and address): the cursor's key. */
  id: string;
  kind: AuditSinkConfig['type'];
  target: string;
  send(records: AuditRecord[]): Promise<DeliveryOutcome>;
}

export interface OutboxTiming {
  /** Events per request. */
  batch: number;
  /** First wait after a retryable failure; doubles up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** Wait after a refusal OTLP calls non-retryable (400, 401, 500…): slow, but the events stay queued. */
  refusedRetryMs: number;
  /** Undelivered events older than this make a sink count as unreachable under `required`. */
  staleMs: number;
}

export const DEFAULT_TIMING: OutboxTiming = { batch: 100, firstRetryMs: 1_000, maxRetryMs: 300_000, refusedRetryMs: 300_000, staleMs: 30_000 };
/** A Retry-After beyond this is capped: the console would otherwise show a sink stuck for days. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface OutboxDeps {
  ledger: Pick<Ledger, 'eventsAfter' | 'get' | 'lastSeq' | 'onEvent' | 'auditCursors'>;
  sinks: AuditSink[];
  delivery: 'best-effort' | 'required';
  now?: () => number;
  log?: Logger;
  timing?: Partial<OutboxTiming>;
}

interface SinkState {
  sink: AuditSink;
  running: Promise<void> | null;
  again: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  nextAttemptAt: number | null;
  /** The sink asked us to wait (Retry-After) until then: no early attempt, even for a start. */
  heldUntil: number | null;
  failures: number;
}

export class AuditOutbox {
  readonly #deps: OutboxDeps;
  readonly #now: () => number;
  readonly #timing: OutboxTiming;
  readonly #states: SinkState[];
  readonly #listeners = new Set<(status: AuditStatus) => void>();
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.#states = deps.sinks.map((sink) => ({ sink, running: null, again: false, timer: null, nextAttemptAt: null, heldUntil: null, failures: 0 }));
  }

  /** Catches every sink up from its cursor, then follows new events. */
  start(): void {
    if (this.#states.length === 0 || this.#unsubscribe) return;
    this.#unsubscribe = this.#deps.ledger.onEvent(() => {
      for (const state of this.#states) if (!state.timer) void this.#drain(state);
      this.#changed();
    });
    for (const state of this.#states) void this.#drain(state);
  }

  /**
   * Stops delivering (quit, tests) without waiting for a request in flight: its answer is ignored and
   * what it carried stays queued for the next start.
   */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const state of this.#states) if (state.timer) clearTimeout(state.timer);
  }

  /** Settles once every sink has tried to deliver everything queued (tests, the start gate). */
  async settled(): Promise<void> {
    await Promise.all(this.#states.map((state) => state.running));
  }

  onChange(listener: (status: AuditStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): AuditStatus {
    const sinks = this.#states.map((state) => this.#sinkStatus(state));
    return { delivery: this.#deps.delivery, sinks, blocking: this.#deps.delivery === 'required' ? this.#blocking(sinks) : null };
  }

  /**
   * Under `required`: why a start must be refused now, or null. A sink that looks unreachable is
   * tried once more first (unless it asked to wait), so a sink that came back lets the start go at once.
   */
  async refusal(): Promise<string | null> {
    if (this.#deps.delivery !== 'required') return null;
    const now = this.#now();
    const retry = this.#states.filter((state) => this.#unhealthy(this.#sinkStatus(state)) && !(state.heldUntil !== null && state.heldUntil > now));
    await Promise.all(
      retry.map((state) => {
        if (state.timer) clearTimeout(state.timer);
        state.timer = null;
        state.nextAttemptAt = null;
        return this.#drain(state);
      }),
    );
    return this.#blocking(this.#states.map((state) => this.#sinkStatus(state)));
  }

  #drain(state: SinkState): Promise<void> {
    if (state.running) {
      state.again = true;
      return state.running;
    }
    state.running = this.#deliverAll(state).finally(() => {
      state.running = null;
      if (state.again && !state.timer && !this.#stopped) {
        state.again = false;
        void this.#drain(state);
      }
    });
    return state.running;
  }

  async #deliverAll(state: SinkState): Promise<void> {
    const { ledger } = this.#deps;
    const { sink } = state;
    while (!this.#stopped) {
      state.again = false;
      const cursor = ledger.auditCursors.get(sink.id);
      const events = ledger.eventsAfter(cursor.deliveredSeq, this.#timing.batch);
      if (events.length === 0) return;
      const records = events.map((event) => auditRecordOf(event, event.entryId ? ledger.get(event.entryId) : null));
      const attemptAt = this.#now();
      let outcome: DeliveryOutcome;
      try {
        outcome = await sink.send(records);
      } catch (error) {
        outcome = { ok: false, retryable: true, retryAfterMs: null, problem: `Delivery to ${sink.target} failed (${(error as Error).message}).` };
      }
      // Stopped meanwhile (quit): the history may be closed; the batch is sent again next time.
      if (this.#stopped) return;
      const at = this.#now();
      if (outcome.ok) {
        state.failures = 0;
        state.heldUntil = null;
        state.nextAttemptAt = null;
        if (outcome.warning) this.#deps.log?.warn(`Audit delivery: ${outcome.warning}`);
        this.#save(sink.id, { deliveredSeq: events[events.length - 1]!.seq, lastDeliveryAt: at, lastAttemptAt: attemptAt, failingSince: null, lastError: outcome.warning ? redact(outcome.warning) : null });
        this.#changed();
        continue;
      }
      state.failures++;
      const wait = this.#wait(state, outcome);
      state.heldUntil = outcome.retryAfterMs !== null ? at + wait : null;
      state.nextAttemptAt = at + wait;
      state.timer = setTimeout(() => {
        state.timer = null;
        state.nextAttemptAt = null;
        void this.#drain(state);
      }, wait);
      state.timer.unref?.();
      const failed: AuditCursor = { ...cursor, lastAttemptAt: attemptAt, failingSince: cursor.failingSince ?? attemptAt, lastError: redact(outcome.problem) };
      this.#save(sink.id, failed);
      this.#deps.log?.warn(`Audit delivery: ${failed.lastError} ${records.length} event(s) stay queued; next attempt in ${Math.round(wait / 1000)} s.`);
      this.#changed();
      return;
    }
  }

  #wait(state: SinkState, outcome: Extract<DeliveryOutcome, { ok: false }>): number {
    if (outcome.retryAfterMs !== null) return Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS);
    if (!outcome.retryable) return this.#timing.refusedRetryMs;
    const backoff = Math.min(this.#timing.maxRetryMs, this.#timing.firstRetryMs * 2 ** Math.min(state.failures - 1, 20));
    // Jitter: many laptops coming back online together do not hit the collector in step.
    return Math.round(backoff * (0.75 + Math.random() * 0.5));
  }

  #save(sink: string, cursor: AuditCursor): void {
    try {
      this.#deps.ledger.auditCursors.put(sink, cursor);
    } catch (error) {
      // The events stay queued (the cursor did not move): they are sent again, never lost.
      this.#deps.log?.error('Audit delivery: the outbox cursor could not be saved', error);
    }
  }

  #sinkStatus(state: SinkState): AuditSinkStatus {
    const cursor = this.#deps.ledger.auditCursors.get(state.sink.id);
    const oldest = this.#deps.ledger.eventsAfter(cursor.deliveredSeq, 1)[0];
    return {
      id: state.sink.id,
      kind: state.sink.kind,
      target: state.sink.target,
      queued: Math.max(0, this.#deps.ledger.lastSeq - cursor.deliveredSeq),
      oldestQueuedAt: oldest?.at ?? null,
      lastDeliveryAt: cursor.lastDeliveryAt,
      lastAttemptAt: cursor.lastAttemptAt,
      failingSince: cursor.failingSince,
      lastError: cursor.lastError,
      nextAttemptAt: state.nextAttemptAt,
    };
  }

  #unhealthy(sink: AuditSinkStatus): boolean {
    return sink.failingSince !== null || (sink.oldestQueuedAt !== null && this.#now() - sink.oldestQueuedAt > this.#timing.staleMs);
  }

  #blocking(sinks: AuditSinkStatus[]): string | null {
    const down = sinks.find((sink) => this.#unhealthy(sink));
    if (!down) return null;
    const now = this.#now();
    const what =
      down.failingSince !== null
        ? `${down.target} has not accepted audit events for ${ago(now - down.failingSince)} (${(down.lastError ?? 'no answer').replace(/\.$/, '')})`
        : `${down.target} has not confirmed audit events waiting for ${ago(now - (down.oldestQueuedAt ?? now))}`;
    const next = down.nextAttemptAt !== null ? ` (next attempt in ${ago(Math.max(0, down.nextAttemptAt - now))})` : '';
    return (
      `Impersonation is paused: your organisation requires every impersonation to reach its audit log, and ${what}. ` +
      `Understudy keeps the ${down.queued} waiting event${down.queued === 1 ? '' : 's'} and keeps trying${next}; nothing is lost. ` +
      'Check your network or VPN, or tell IT the audit log is unreachable; Settings › Audit delivery shows when it works again, and you can then start.'
    );
  }

  #changed(): void {
    if (this.#listeners.size === 0) return;
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}

/** Where webhook signing secrets are read: the environment, and the keychain IT provisions them in. */
export interface SecretSources {
  env: Record<string, string | undefined>;
  keychain?: Pick<Keychain, 'service' | 'get'>;
}

/** The sinks the policy names, with their network clients. */
export function sinksFromPolicy(
  configs: readonly AuditSinkConfig[],
  context: { secrets: SecretSources; resource: Record<string, string>; now: () => number },
): AuditSink[] {
  return configs.map((config) => {
    if (config.type === 'otlp-http') {
      return {
        id: sinkId(config.type, config.endpoint),
        kind: config.type,
        target: displayTarget(logsUrl(config.endpoint)),
        send: (records) => sendOtlp({ endpoint: config.endpoint, headers: config.headers, resource: context.resource, now: context.now }, records),
      };
    }
    return {
      id: sinkId(config.type, config.url),
      kind: config.type,
      target: displayTarget(config.url),
      send: (records) => sendWebhook({ url: config.url, ...secretOf(config, context.secrets), source: context.resource, now: context.now }, records),
    };
  });
}

function secretOf(config: Extract<AuditSinkConfig, { type: 'webhook' }>, sources: SecretSources): { secret: () => Promise<string | null>; secretSource: string } {
  const account = config.secretKeychain;
  if (account !== undefined) {
    const keychain = sources.keychain;
    return {
      secret: async () => (keychain ? keychain.get(account) : null),
      secretSource: `in the keychain under “${keychain?.service ?? 'Understudy Audit Webhook Secrets'}”, account “${account}”`,
    };
  }
  const name = config.secretEnv ?? '';
  return { secret: async () => sources.env[name] || null, secretSource: `in the environment variable ${name}` };
}

function sinkId(type: string, address: string): string {
  return `${type}:${createHash('sha256').update(address).digest('hex').slice(0, 16)}`;
}

function ago(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
