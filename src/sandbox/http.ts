// Small HTTP helpers over node:http. JSON responses carry exactly `application/json`: with a charset
// parameter @clerk/backend treats the body as text and silently loses it.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

const NO_STORE = { 'Cache-Control': 'no-store' };

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...NO_STORE, ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...NO_STORE, ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

export function redirect(response: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(303, { ...NO_STORE, ...headers, Location: location, 'Content-Length': 0 });
  response.end();
}

export class BodyError extends Error {}

/** Reads a request body of at most `limit` bytes and parses it as JSON (empty body → undefined). */
export async function readJsonBody(request: IncomingMessage, limit = 1_000_000): Promise<unknown> {
  const text = await readBody(request, limit);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError('Request body is not valid JSON');
  }
}

export async function readBody(request: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyError('Request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // A malformed cookie is ignored, as browsers' servers usually do.
    }
  }
  return cookies;
}

export interface CookieOptions {
  httpOnly?: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge?: number;
}

export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  let cookie = `${name}=${encodeURIComponent(value)}; Path=/; SameSite=Lax`;
  if (options.httpOnly) cookie += '; HttpOnly';
  if (options.maxAge !== undefined) cookie += `; Max-Age=${options.maxAge}`;
  return cookie;
}

/** Query parameters; a key seen more than once (or written `key[]`) becomes an array. */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of search) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const existing = out[key];
    if (existing === undefined) out[key] = rawKey.endsWith('[]') ? [value] : value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export interface Listener {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on loopback only; a handler that throws answers 500 instead of crashing the process.
 * `urlHost` is how the URL names the loopback interface: `localhost` reaches 127.0.0.1 too.
 */
export async function listen(handler: Handler, port = 0, urlHost: '127.0.0.1' | 'localhost' = '127.0.0.1'): Promise<Listener> {
  const listener: RequestListener = (request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, 'text/plain', `Sandbox error: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  };
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${urlHost}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
