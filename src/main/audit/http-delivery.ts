// One POST to an audit sink and what its answer means for the outbox. Through the global `fetch`:
// in the app that is Chromium's network (src/main/network.ts), so the system proxy and the OS
// certificate store apply. Retryable answers follow OTLP/HTTP (429, 502, 503, 504, and no answer at
// all), honouring Retry-After; any other refusal is not retried at the fast pace, but the events stay
// in the outbox: an audit record is never dropped (see outbox.ts).

export type DeliveryOutcome =
  | { ok: true; /** The sink accepted the request but said something worth showing (OTLP partial success). */ warning: string | null }
  | { ok: false; retryable: boolean; /** From Retry-After, when the sink said when to come back. */ retryAfterMs: number | null; problem: string };

export interface HttpAnswer {
  status: number;
  text: string;
  retryAfter: string | null;
}

/** The OTLP/HTTP retryable statuses (opentelemetry-proto docs/specification.md, "Retryable Response Codes"). */
const RETRYABLE = new Set([429, 502, 503, 504]);
/** Responses are read up to this size (the OTLP spec's recommended client limit is 4 MiB). */
const MAX_RESPONSE_CHARS = 4 * 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 15_000;

export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<HttpAnswer> {
  const request = (async () => {
    // No redirects: a POST turned into a GET somewhere else would lose the events silently.
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = (await response.text()).slice(0, MAX_RESPONSE_CHARS);
    return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
  })();
  // The signal is not honoured by every fetch (the Electron emulation's): a hung sink must not hang the outbox.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a failed request (no HTTP answer) means: always worth retrying. */
export function unreachable(target: string, error: unknown): DeliveryOutcome {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  // The first line only: some network stacks append a request log, headers (a collector's API key) included.
  const detail = cause ?? (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
  return { ok: false, retryable: true, retryAfterMs: null, problem: `${target} could not be reached (${detail}).` };
}

/** What a non-2xx answer means. */
export function refusal(target: string, answer: HttpAnswer, now: number): DeliveryOutcome {
  const retryable = RETRYABLE.has(answer.status);
  const said = answer.text.trim().slice(0, 200);
  return {
    ok: false,
    retryable,
    retryAfterMs: retryable ? retryAfterMs(answer.retryAfter, now) : null,
    problem: `${target} answered HTTP ${answer.status}${said ? `: ${said}` : ''}.`,
  };
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A sink's address as shown in the console and messages: no query string, no credentials. */
export function displayTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
