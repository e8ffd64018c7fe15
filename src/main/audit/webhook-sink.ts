// A webhook receiving the audit events as JSON, signed with HMAC-SHA256 so the receiver knows they
// come from a computer holding the organisation's secret and were not replayed later:
//   Understudy-Timestamp: <unix seconds>
//   Understudy-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// (the scheme of Stripe's and Svix's webhooks; the README says how to verify). The secret is read
// from the environment variable the policy names, at each delivery, and is never logged or shown.
import { createHmac } from 'node:crypto';
import type { AuditRecord } from './audit-record.ts';
import { displayTarget, post, refusal, unreachable, type DeliveryOutcome } from './http-delivery.ts';

export const TIMESTAMP_HEADER = 'understudy-timestamp';
export const SIGNATURE_HEADER = 'understudy-signature';

export interface WebhookSinkOptions {
  url: string;
  secretEnv: string;
  env: Record<string, string | undefined>;
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
  const secret = options.env[options.secretEnv];
  if (!secret) {
    return {
      ok: false,
      retryable: false,
      retryAfterMs: null,
      problem: `The signing secret for ${target} is missing: the environment variable ${options.secretEnv} that your organisation's policy names is not set for Understudy.`,
    };
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
