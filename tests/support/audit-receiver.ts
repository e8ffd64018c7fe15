// An audit log on loopback, as strict as the specs it stands for: an OTLP/HTTP collector that decodes
// ExportLogsServiceRequest JSON against a schema written from opentelemetry-proto (logs.proto,
// common.proto, docs/specification.md "JSON Protobuf Encoding": lowerCamelCase keys, 64-bit integers
// as decimal strings, enums as integers, trace ids as hex), and a webhook receiver that verifies the
// HMAC signature and refuses timestamps outside its replay window. Tests script its answers (down,
// 500, 429 with Retry-After, accepted-but-answered-500) and read what arrived.
// (No @opentelemetry package is installed; @opentelemetry/otlp-transformer would be the better decoder.)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';

const int64 = z.string().regex(/^-?\d+$/, '64-bit integers are decimal strings in OTLP JSON');
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes, hex`);
type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: AnyValue[] } } | { kvlistValue: { values: KeyValue[] } };
type KeyValue = { key: string; value: AnyValue };
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.union([
    z.strictObject({ stringValue: z.string() }),
    z.strictObject({ boolValue: z.boolean() }),
    z.strictObject({ intValue: int64 }),
    z.strictObject({ doubleValue: z.number() }),
    z.strictObject({ arrayValue: z.strictObject({ values: z.array(anyValue) }) }),
    z.strictObject({ kvlistValue: z.strictObject({ values: z.array(keyValue) }) }),
  ]),
);
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.strictObject({ key: z.string().min(1), value: anyValue }));
const logRecord = z.strictObject({
  timeUnixNano: int64,
  observedTimeUnixNano: int64.optional(),
  severityNumber: z.number().int().min(0).max(24),
  severityText: z.string().optional(),
  eventName: z.string().optional(),
  body: anyValue.optional(),
  attributes: z.array(keyValue).optional(),
  droppedAttributesCount: z.number().int().optional(),
  flags: z.number().int().optional(),
  traceId: hex(16).optional(),
  spanId: hex(8).optional(),
});
export const exportLogsServiceRequest = z.strictObject({
  resourceLogs: z.array(
    z.strictObject({
      resource: z.strictObject({ attributes: z.array(keyValue), droppedAttributesCount: z.number().int().optional() }).optional(),
      scopeLogs: z.array(
        z.strictObject({
          scope: z.strictObject({ name: z.string(), version: z.string().optional(), attributes: z.array(keyValue).optional() }).optional(),
          logRecords: z.array(logRecord),
          schemaUrl: z.string().optional(),
        }),
      ),
      schemaUrl: z.string().optional(),
    }),
  ),
});

const webhookBody = z.strictObject({
  source: z.record(z.string(), z.string()),
  events: z.array(
    z.strictObject({
      id: z.string().uuid(),
      seq: z.number().int().positive(),
      name: z.string().startsWith('understudy.'),
      time: z.iso.datetime(),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    }),
  ),
});

/** One event as it arrived, whichever the sink. */
export interface Arrived {
  id: string;
  name: string;
  /** Time of the event, ms. */
  at: number;
  attributes: Record<string, string | number | boolean>;
  traceId?: string;
}

/** What the receiver answers to the next request; `accept` is a 200. */
export type Answer =
  | { kind: 'accept'; partial?: { rejected: number; message: string } }
  | { kind: 'status'; status: number; retryAfter?: string; keep?: boolean }
  /** Stores the events and never answers (the sender dies or times out before it knows). */
  | { kind: 'hang' };

export interface ReceiverRequest {
  path: string;
  at: number;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  problem?: string;
}

/** The replay window a webhook receiver allows between the signed timestamp and its own clock. */
export const REPLAY_WINDOW_S = 300;

export class AuditReceiver {
  readonly requests: ReceiverRequest[] = [];
  /** Every accepted event, duplicates included, in arrival order. */
  readonly arrived: Arrived[] = [];
  /** Answers for the next requests, in order; when empty, requests are accepted. */
  readonly script: Answer[] = [];
  readonly #secret: string;
  #server: Server | null = null;
  #sockets = new Set<Socket>();
  #port = 0;

  constructor(options: { webhookSecret?: string } = {}) {
    this.#secret = options.webhookSecret ?? '';
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (again on the same port after `down()`). */
  async up(): Promise<void> {
    const server = createServer((request, response) => void this.#handle(request, response));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The first arrival of each id, in arrival order (what a receiver keeps after de-duplication). */
  unique(): Arrived[] {
    const seen = new Set<string>();
    return this.arrived.filter((event) => (seen.has(event.id) ? false : (seen.add(event.id), true)));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const entry: ReceiverRequest = { path: request.url ?? '', at: Date.now(), status: 0, headers: request.headers, body };
    this.requests.push(entry);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    let events: Arrived[];
    try {
      events = request.url === '/v1/logs' ? this.#decodeOtlp(request, body) : this.#verifyWebhook(request, body);
    } catch (error) {
      entry.problem = (error as Error).message;
      return answer(request.url === '/v1/logs' ? 400 : 401, { message: entry.problem });
    }
    const next = this.script.shift() ?? { kind: 'accept' };
    if (next.kind === 'hang') {
      this.arrived.push(...events);
      return;
    }
    if (next.kind === 'status') {
      // `keep`: the data was stored but the answer says failure (a proxy timing out after the collector wrote it).
      if (next.keep) this.arrived.push(...events);
      return answer(next.status, { message: `scripted ${next.status}` }, next.retryAfter ? { 'retry-after': next.retryAfter } : {});
    }
    this.arrived.push(...events);
    return answer(200, next.partial ? { partialSuccess: { rejectedLogRecords: String(next.partial.rejected), errorMessage: next.partial.message } } : {});
  }

  #decodeOtlp(request: IncomingMessage, body: string): Arrived[] {
    if (request.method !== 'POST') throw new Error(`OTLP/HTTP takes POST, not ${request.method}`);
    if (request.headers['content-type'] !== 'application/json') throw new Error('OTLP/HTTP JSON must be sent as Content-Type: application/json');
    const parsed = exportLogsServiceRequest.parse(JSON.parse(body));
    return parsed.resourceLogs.flatMap((resourceLogs) =>
      resourceLogs.scopeLogs.flatMap((scopeLogs) =>
        scopeLogs.logRecords.map((record) => {
          const attributes = Object.fromEntries((record.attributes ?? []).map(({ key, value }) => [key, plain(value)]));
          const id = attributes['log.record.uid'];
          if (typeof id !== 'string') throw new Error('a log record without log.record.uid');
          return { id, name: record.eventName ?? '', at: Number(BigInt(record.timeUnixNano) / 1_000_000n), attributes, ...(record.traceId ? { traceId: record.traceId } : {}) };
        }),
      ),
    );
  }

  /** Verification as the README tells a receiver to do it. */
  #verifyWebhook(request: IncomingMessage, body: string): Arrived[] {
    const timestamp = String(request.headers['understudy-timestamp'] ?? '');
    const signature = String(request.headers['understudy-signature'] ?? '');
    if (!/^\d+$/.test(timestamp)) throw new Error('no Understudy-Timestamp');
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > REPLAY_WINDOW_S) throw new Error('timestamp outside the replay window');
    const expected = Buffer.from(`v1=${createHmac('sha256', this.#secret).update(`${timestamp}.${body}`).digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('signature does not match');
    return webhookBody.parse(JSON.parse(body)).events.map((event) => ({ id: event.id, name: event.name, at: Date.parse(event.time), attributes: event.attributes }));
  }
}

function plain(value: AnyValue): string | number | boolean {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  return JSON.stringify(value);
}
