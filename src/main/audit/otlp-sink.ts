// OpenTelemetry logs over OTLP/HTTP with JSON encoding (opentelemetry-proto docs/specification.md,
// "OTLP/HTTP" and "JSON Protobuf Encoding"): POST {endpoint}/v1/logs with an ExportLogsServiceRequest;
// lowerCamelCase keys, 64-bit integers as decimal strings, enums as integers, trace ids as hex.
// Each record's trace id is its impersonation's id (a UUID is 16 bytes), so a backend that groups
// by trace shows one impersonation's events together.
import type { AuditRecord, AttributeValue } from './audit-record.ts';
import { displayTarget, post, refusal, unreachable, type DeliveryOutcome } from './http-delivery.ts';

/** SeverityNumber INFO (logs.proto). */
const SEVERITY_INFO = 9;
export const SCOPE_NAME = 'understudy.audit';

export interface OtlpSinkOptions {
  endpoint: string;
  headers?: Record<string, string>;
  /** Resource attributes: service.name, host.name… */
  resource: Record<string, string>;
  now: () => number;
}

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

export function logsUrl(endpoint: string): string {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/logs`;
  return url.href;
}

export function exportLogsRequest(records: AuditRecord[], resource: Record<string, string>, observedAt: number): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resource) },
        scopeLogs: [
          {
            scope: { name: SCOPE_NAME },
            logRecords: records.map((record) => {
              const traceId = traceIdOf(record.attributes['understudy.impersonation.id']);
              return {
                timeUnixNano: unixNano(record.at),
                observedTimeUnixNano: unixNano(observedAt),
                severityNumber: SEVERITY_INFO,
                severityText: 'INFO',
                eventName: record.name,
                body: { stringValue: record.name },
                attributes: keyValues(record.attributes),
                ...(traceId ? { traceId } : {}),
              };
            }),
          },
        ],
      },
    ],
  };
}

export async function sendOtlp(options: OtlpSinkOptions, records: AuditRecord[]): Promise<DeliveryOutcome> {
  const url = logsUrl(options.endpoint);
  const target = displayTarget(url);
  const body = JSON.stringify(exportLogsRequest(records, options.resource, options.now()));
  let answer;
  try {
    answer = await post(url, body, { ...options.headers, 'content-type': 'application/json' });
  } catch (error) {
    return unreachable(target, error);
  }
  if (answer.status < 200 || answer.status > 299) return refusal(target, answer, options.now());
  // Partial success: the collector kept the rest and said why; the spec forbids sending it again.
  const partial = partialSuccessOf(answer.text);
  if (partial && (partial.rejected > 0 || partial.message)) {
    return { ok: true, warning: `${target} accepted the events but rejected ${partial.rejected} of ${records.length}${partial.message ? `: ${partial.message.slice(0, 200)}` : ''}.` };
  }
  return { ok: true, warning: null };
}

function partialSuccessOf(text: string): { rejected: number; message: string } | null {
  try {
    const partial = (JSON.parse(text) as { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } }).partialSuccess;
    if (!partial) return null;
    return { rejected: Number(partial.rejectedLogRecords ?? 0) || 0, message: partial.errorMessage ?? '' };
  } catch {
    return null; // a 2xx without a JSON body (a plain proxy) still means accepted
  }
}

function keyValues(attributes: Record<string, AttributeValue>): { key: string; value: AnyValue }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: AttributeValue): AnyValue {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: value };
}

function unixNano(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}

function traceIdOf(impersonationId: AttributeValue | undefined): string | null {
  if (typeof impersonationId !== 'string') return null;
  const hex = impersonationId.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : null;
}
