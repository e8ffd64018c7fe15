// A webhook receiving the audit events as JSON, signed with HMAC-SHA256 so the receiver knows they
// come from a computer holding the organisation's secret and were not replayed later:
//   Understudy-Timestamp: <unix seconds>
//   Understudy-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// (the scheme of Stripe's and Svix's webhooks; the README says how to verify). The secret is read
// where the policy says IT provisioned it (keychain item or environment variable), at each delivery,
// and is never logged or shown.
import { createHmac } from 'node:crypto';
import type { AuditRecord } from './audit-record.ts';
import { displayTarget, post, refusal, unreachable, type DeliveryOutcome } from './http-delivery.ts';

export const TIMESTAMP_HEADER = 'understudy-timestamp';
export const SIGNATURE_HEADER = 'understudy-signature';

export interface WebhookSinkOptions {
  url: string;
  /** The signing secret, or null when it is not provisioned; may throw (keychain locked). */
  secret: () => Promise<string | null>;
  /** Where the secret should be, in words (for the message when it is missing). */
  secretSource: string;
  /** Where the events come from (service, host), sent with every batch. */
  source: Record<string, string>;
  now: () => number;
}

export function webhookBody(records: AuditRecord[], source: Record<string, string>): string {
  return JSON.stringify({
    source,
    events: records.map((record) => ({ id: record.id, seq: record.seq, name: record.name, time: new Date(record.at).toISOString(), attributes: record.attributes })),
  });
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function sendWebhook(options: WebhookSinkOptions, records: AuditRecord[]): Promise<DeliveryOutcome> {
  const target = displayTarget(options.url);
  let secret: string | null;
  try {
    secret = await options.secret();
  } catch (error) {
    return { ok: false, retryable: false, retryAfterMs: null, problem: `The signing secret for ${target} could not be read from ${options.secretSource}: ${(error as Error).message}` };
  }
  if (!secret) {
    return { ok: false, retryable: false, retryAfterMs: null, problem: `The signing secret for ${target} is missing: your organisation's policy says it is ${options.secretSource}, and it is not there.` };
  }
  const body = webhookBody(records, options.source);
  const timestamp = Math.floor(options.now() / 1000);
  let answer;
  try {
    answer = await post(options.url, body, {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signature(secret, timestamp, body),
    });
  } catch (error) {
    return unreachable(target, error);
  }
  if (answer.status < 200 || answer.status > 299) return refusal(target, answer, options.now());
  return { ok: true, warning: null };
}
