// The Backend API: the routes Understudy uses, at `{apiUrl}/v1/...`, with Clerk's authentication,
// pagination, error envelopes and resource shapes. Faults and the request log wrap every call.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorTokenJson, type ActorTokenStore } from './actor-tokens.ts';
import { parseActorTokenBody, parseSessionList, parseUserFilter, parseUserPage, type Query } from './api-params.ts';
import { errors, type ApiError } from './errors.ts';
import type { FaultController } from './faults.ts';
import { BodyError, queryObject, readJsonBody, sendJson } from './http.ts';
import type { Jwk } from './jwt.ts';
import type { RateLimiter } from './rate-limit.ts';
import { appendRecord, type RequestRecord } from './request-log.ts';
import { sessionJson, type SessionStore } from './sessions.ts';
import type { UserIndex } from './user-index.ts';
import { userJson } from './users.ts';

/** The operations served, named as in the spec (method + path template). */
export const API_ROUTES = [
  'GET /users',
  'GET /users/count',
  'GET /users/{user_id}',
  'POST /actor_tokens',
  'POST /actor_tokens/{actor_token_id}/revoke',
  'GET /sessions',
  'GET /sessions/{session_id}',
  'POST /sessions/{session_id}/revoke',
  'GET /jwks',
] as const;
export type ApiRoute = (typeof API_ROUTES)[number];

export interface ApiContext {
  secretKey: string;
  now: () => number;
  users: UserIndex;
  sessions: SessionStore;
  tokens: ActorTokenStore;
  jwks: () => Jwk[];
  appUrl: () => string;
  faults: FaultController;
  rateLimit: RateLimiter | null;
  requests: RequestRecord[];
  maxRecords: number;
  recordBodies: boolean;
  /** Impersonations allowed per calendar month (UTC); null: unlimited. Free plans get 5 (Clerk docs). */
  quota: number | null;
}

/** Tokens minted in the calendar month (UTC) of `now`: what Clerk's monthly quota counts. */
function mintsThisMonth(all: readonly { createdAt: number }[], now: number): number {
  const at = new Date(now);
  const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  return all.filter((token) => token.createdAt >= monthStart && token.createdAt <= now).length;
}

interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Call {
  route: ApiRoute;
  params: Record<string, string>;
  query: Query;
  body: unknown;
}

const fromError = (error: ApiError): ApiResult => ({ status: error.status, body: error.body, headers: error.headers });

/** Matches `/v1/...` against the route templates; returns the route and its path parameters. */
function match(method: string, pathname: string): { route: ApiRoute; params: Record<string, string> } | null {
  if (!pathname.startsWith('/v1/')) return null;
  const segments = pathname.slice(4).split('/').filter(Boolean).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  for (const route of API_ROUTES) {
    const [routeMethod, template] = route.split(' ') as [string, string];
    if (routeMethod !== method) continue;
    const parts = template.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = parts.every((part, index) => {
      const segment = segments[index] as string;
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segment;
        return true;
      }
      return part === segment;
    });
    // `/users/count` is its own route, not a user id.
    if (matched && !(route === 'GET /users/{user_id}' && params.user_id === 'count')) return { route, params };
  }
  return null;
}

function authenticate(request: IncomingMessage, secretKey: string): ApiError | null {
  const header = request.headers.authorization;
  const [scheme, key] = (header ?? '').split(' ');
  if (!header || scheme !== 'Bearer' || !key) return errors.missingAuthorization();
  const given = Buffer.from(key);
  const expected = Buffer.from(secretKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return errors.invalidSecretKey();
  return null;
}

function handle(context: ApiContext, call: Call): ApiResult {
  const { users, sessions, tokens } = context;
  switch (call.route) {
    case 'GET /users': {
      const parsed = parseUserPage(call.query);
      if (!parsed.ok) return fromError(parsed.error);
      return { status: 200, body: users.page(parsed.value).map((user) => userJson(user, context.appUrl())) };
    }
    case 'GET /users/count': {
      const parsed = parseUserFilter(call.query);
      if (!parsed.ok) return fromError(parsed.error);
      return { status: 200, body: { object: 'total_count', total_count: users.count(parsed.value) } };
    }
    case 'GET /users/{user_id}': {
      const user = users.get(call.params.user_id as string);
      return user ? { status: 200, body: userJson(user, context.appUrl()) } : fromError(errors.notFound('User'));
    }
    case 'POST /actor_tokens': {
      const parsed = parseActorTokenBody(call.body);
      if (!parsed.ok) return fromError(parsed.error);
      if (!users.get(parsed.value.userId)) return fromError(errors.notFound('User'));
      if (context.quota !== null) {
        const used = mintsThisMonth(tokens.all(), context.now());
        if (used >= context.quota) return fromError(errors.impersonationLimit(used, context.quota));
      }
      return { status: 200, body: actorTokenJson(tokens.create(parsed.value), true) };
    }
    case 'POST /actor_tokens/{actor_token_id}/revoke': {
      const result = tokens.revoke(call.params.actor_token_id as string);
      if (result === 'not-found') return fromError(errors.notFound('Actor token'));
      if (result === 'not-pending') return fromError(errors.cannotRevoke(tokens.get(call.params.actor_token_id as string)?.status ?? 'unknown'));
      return { status: 200, body: actorTokenJson(result, false) };
    }
    case 'GET /sessions': {
      const parsed = parseSessionList(call.query);
      if (!parsed.ok) return fromError(parsed.error);
      const { userId, clientId, status, paginated, limit, offset } = parsed.value;
      const found = sessions.list({ userId, clientId, status });
      const data = found.slice(offset, offset + limit).map(sessionJson);
      return { status: 200, body: paginated ? { data, total_count: found.length } : data };
    }
    case 'GET /sessions/{session_id}': {
      const session = sessions.get(call.params.session_id as string);
      return session ? { status: 200, body: sessionJson(session) } : fromError(errors.notFound('Session'));
    }
    case 'POST /sessions/{session_id}/revoke': {
      // Revoking a session that already ended returns it unchanged: ending is idempotent.
      const session = sessions.finish(call.params.session_id as string, 'revoked');
      return session ? { status: 200, body: sessionJson(session) } : fromError(errors.notFound('Session'));
    }
    case 'GET /jwks':
      return { status: 200, body: { keys: context.jwks() } };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createBackendApi(context: ApiContext) {
  return async function backendApi(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const matched = match(method, url.pathname);
    const query = queryObject(url.searchParams);
    const record: RequestRecord = {
      server: 'api',
      method,
      path: url.pathname,
      route: matched?.route ?? null,
      query,
      time: context.now(),
      status: 0,
      durationMs: 0,
    };
    appendRecord(context.requests, record, context.maxRecords);
    const finish = (result: ApiResult): void => {
      record.status = result.status;
      record.durationMs = performance.now() - started;
      if (context.recordBodies) record.responseBody = result.body;
      sendJson(response, result.status, result.body, result.headers);
    };
    const drop = (): void => {
      record.durationMs = performance.now() - started;
      request.socket.destroy();
    };

    let body: unknown;
    try {
      body = method === 'GET' || method === 'HEAD' ? undefined : await readJsonBody(request);
    } catch (error) {
      if (error instanceof BodyError) return finish(fromError(errors.malformedBody(error.message)));
      throw error;
    }
    if (context.recordBodies && body !== undefined) record.requestBody = body;

    const plan = context.faults.take(matched?.route ?? null);
    if (plan.delayMs > 0) {
      record.fault = 'latency';
      await sleep(plan.delayMs);
    }
    const outcome = plan.outcome;
    if (outcome) record.fault = outcome.kind === 'drop' ? 'drop' : 'status';
    if (outcome?.kind === 'drop' && !outcome.afterHandling) return drop();
    if (outcome?.kind === 'status') {
      const status = outcome.status ?? 500;
      const retryAfter = outcome.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
      const fallback = status === 429 ? errors.tooManyRequests(retryAfter ?? 1) : status >= 500 ? errors.server(status) : errors.injected(status);
      return finish({
        status,
        body: outcome.body ?? fallback.body,
        headers: retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
      });
    }

    const authError = authenticate(request, context.secretKey);
    if (authError) return finish(fromError(authError));
    if (context.rateLimit && matched?.route !== 'GET /jwks') {
      const wait = context.rateLimit.hit();
      if (wait > 0) return finish(fromError(errors.tooManyRequests(wait)));
    }
    const result = matched
      ? handle(context, { route: matched.route, params: matched.params, query, body })
      : fromError(errors.notFound('Resource'));
    if (outcome?.kind === 'drop') return drop();
    finish(result);
  };
}
