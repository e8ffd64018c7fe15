// What the sandbox received, so tests can count calls and check what a client sent and got back.
// Request headers are never recorded: they carry the secret key.

export interface RequestRecord {
  /** `api` is the Backend API; `frontend-api` and `app` are what a browser visits. */
  server: 'api' | 'frontend-api' | 'accounts' | 'app';
  method: string;
  path: string;
  /** The spec's route (`GET /users/{user_id}`), or null when nothing matched. */
  route: string | null;
  query: Record<string, string | string[]>;
  /** Sandbox clock, ms. */
  time: number;
  /** 0 while in flight and when the connection was dropped. */
  status: number;
  durationMs: number;
  fault?: 'latency' | 'status' | 'drop';
  /** Parsed JSON bodies, only with `recordBodies: true`. */
  requestBody?: unknown;
  responseBody?: unknown;
}

/** Keeps the newest `max` records in place, so a long-running demo instance does not grow forever. */
export function appendRecord(log: RequestRecord[], record: RequestRecord, max: number): void {
  log.push(record);
  if (log.length > max) log.splice(0, log.length - max);
}

type NodeHandler = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => Promise<void> | void;

/** Wraps a browser-facing handler so each request lands in the log with its final status. */
export function withRequestLog(server: RequestRecord['server'], log: RequestRecord[], max: number, now: () => number, handler: NodeHandler): NodeHandler {
  return (request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    // Tickets and dev browsers are credentials: keep them out of the log.
    for (const key of ['ticket', '__clerk_ticket', '__clerk_db_jwt']) if (key in query) query[key] = '[redacted]';
    const record: RequestRecord = { server, method: request.method ?? 'GET', path: url.pathname, route: null, query, time: now(), status: 0, durationMs: 0 };
    appendRecord(log, record, max);
    response.on('finish', () => {
      record.status = response.statusCode;
      record.durationMs = performance.now() - started;
    });
    return handler(request, response);
  };
}
