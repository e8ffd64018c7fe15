// Query-string and body parsing for the Backend API, with Clerk's 422 errors for bad values.
import { errors, type ApiError } from './errors.ts';
import { SESSION_STATUSES, type SessionStatus } from './sessions.ts';
import { ORDER_FIELDS, type OrderField, type UserFilter, type UserOrder, type UserPageRequest } from './user-index.ts';

export type Query = Record<string, string | string[]>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: ApiError): Parsed<never> => ({ ok: false, error });

/** First value of a parameter: Clerk keeps only the first of repeated scalars. */
function first(query: Query, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[0] : value;
}

function all(query: Query, key: string): string[] | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).filter((item) => item !== '');
}

function integer(query: Query, key: string, fallback: number | undefined, min?: number, max?: number): Parsed<number | undefined> {
  const text = first(query, key);
  if (text === undefined || text === '') return ok(fallback);
  if (!/^-?\d+$/.test(text)) return fail(errors.paramInvalid(key, 'must be an integer.'));
  const value = Number(text);
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    return fail(errors.paramInvalid(key, max === undefined ? `must be at least ${min}.` : `must be between ${min} and ${max}.`));
  }
  return ok(value);
}

function boolean(query: Query, key: string): Parsed<boolean | undefined> {
  const text = first(query, key);
  if (text === undefined || text === '') return ok(undefined);
  if (text !== 'true' && text !== 'false') return fail(errors.paramInvalid(key, 'must be true or false.'));
  return ok(text === 'true');
}

export function parseUserFilter(query: Query): Parsed<UserFilter> {
  const banned = boolean(query, 'banned');
  if (!banned.ok) return banned;
  const filter: UserFilter = {
    query: first(query, 'query'),
    emailAddresses: all(query, 'email_address'),
    phoneNumbers: all(query, 'phone_number'),
    usernames: all(query, 'username'),
    userIds: all(query, 'user_id'),
    externalIds: all(query, 'external_id'),
    banned: banned.value,
    emailAddressQuery: first(query, 'email_address_query'),
    phoneNumberQuery: first(query, 'phone_number_query'),
    usernameQuery: first(query, 'username_query'),
    nameQuery: first(query, 'name_query'),
  };
  const times = [
    ['created_at_before', 'createdAtBefore'],
    ['created_at_after', 'createdAtAfter'],
    ['last_active_at_before', 'lastActiveAtBefore'],
    ['last_active_at_after', 'lastActiveAtAfter'],
    ['last_active_at_since', 'lastActiveAtAfter'],
    ['last_sign_in_at_before', 'lastSignInAtBefore'],
    ['last_sign_in_at_after', 'lastSignInAtAfter'],
  ] as const;
  for (const [param, field] of times) {
    const value = integer(query, param, undefined);
    if (!value.ok) return value;
    if (value.value !== undefined) filter[field] = value.value;
  }
  for (const list of ['email_address', 'phone_number', 'username', 'user_id', 'external_id'] as const) {
    if ((all(query, list)?.length ?? 0) > 100) return fail(errors.paramInvalid(list, 'accepts up to 100 values.'));
  }
  return ok(filter);
}

export function parseOrder(text: string | undefined): Parsed<UserOrder> {
  const raw = text === undefined || text === '' ? '-created_at' : text;
  const descending = raw.startsWith('-');
  const field = raw.replace(/^[+-]/, '');
  if (!(ORDER_FIELDS as readonly string[]).includes(field)) {
    return fail(errors.paramInvalid('order_by', `must be one of ${ORDER_FIELDS.join(', ')}, optionally prefixed with + or -.`));
  }
  return ok({ field: field as OrderField, descending });
}

export function parseUserPage(query: Query): Parsed<UserPageRequest> {
  const filter = parseUserFilter(query);
  if (!filter.ok) return filter;
  const limit = integer(query, 'limit', 10, 1, 500);
  if (!limit.ok) return limit;
  const offset = integer(query, 'offset', 0, 0);
  if (!offset.ok) return offset;
  const order = parseOrder(first(query, 'order_by'));
  if (!order.ok) return order;
  const startingAfter = first(query, 'starting_after') || undefined;
  if (startingAfter !== undefined) {
    if (order.value.field !== 'created_at') return fail(errors.paramInvalid('starting_after', 'requires ordering by created_at.'));
    if (offset.value) return fail(errors.paramInvalid('starting_after', 'cannot be combined with a non-zero offset.'));
  }
  return ok({ filter: filter.value, order: order.value, limit: limit.value as number, offset: offset.value as number, startingAfter });
}

/**
 * The statuses `GET /v1/sessions?status=` accepts: the spec's GetSessionList enum, which lacks
 * `pending` although a session can be pending (Session.status). Asking for it is a bad request.
 */
const SESSION_LIST_STATUSES = SESSION_STATUSES.filter((status) => status !== 'pending');

export interface SessionListRequest {
  userId?: string;
  clientId?: string;
  status?: SessionStatus;
  paginated: boolean;
  limit: number;
  offset: number;
}

export function parseSessionList(query: Query): Parsed<SessionListRequest> {
  const status = first(query, 'status') || undefined;
  if (status !== undefined && !(SESSION_LIST_STATUSES as readonly string[]).includes(status)) {
    return fail(errors.paramInvalid('status', `must be one of ${SESSION_LIST_STATUSES.join(', ')}.`));
  }
  const paginated = boolean(query, 'paginated');
  if (!paginated.ok) return paginated;
  const limit = integer(query, 'limit', 10, 1, 500);
  if (!limit.ok) return limit;
  const offset = integer(query, 'offset', 0, 0);
  if (!offset.ok) return offset;
  return ok({
    userId: first(query, 'user_id') || undefined,
    clientId: first(query, 'client_id') || undefined,
    status: status as SessionStatus | undefined,
    paginated: paginated.value === true,
    limit: limit.value as number,
    offset: offset.value as number,
  });
}

export interface ActorTokenRequest {
  userId: string;
  actor: Record<string, unknown>;
  expiresInSeconds: number;
  sessionMaxDurationInSeconds: number;
}

const ACTOR_TOKEN_FIELDS = ['user_id', 'actor', 'expires_in_seconds', 'session_max_duration_in_seconds'];

/** CreateActorToken's body: `additionalProperties: false`, `actor.sub` required, defaults 3600 / 1800. */
export function parseActorTokenBody(body: unknown): Parsed<ActorTokenRequest> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail(errors.paramMissing('user_id'));
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !ACTOR_TOKEN_FIELDS.includes(key));
  if (unknown) return fail(errors.paramUnknown(unknown));
  if (fields.user_id === undefined || fields.user_id === '') return fail(errors.paramMissing('user_id'));
  if (typeof fields.user_id !== 'string') return fail(errors.paramInvalid('user_id', 'must be a string.'));
  const actor = fields.actor;
  if (actor === undefined || actor === null) return fail(errors.paramMissing('actor'));
  if (typeof actor !== 'object' || Array.isArray(actor)) return fail(errors.paramInvalid('actor', 'must be an object.'));
  const sub = (actor as Record<string, unknown>).sub;
  if (typeof sub !== 'string' || sub === '') return fail(errors.paramInvalid('actor', 'must include a "sub" string claim.'));
  const seconds = (key: string, fallback: number): Parsed<number> => {
    const value = fields[key];
    if (value === undefined) return ok(fallback);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) return fail(errors.paramInvalid(key, 'must be a positive integer.'));
    return ok(value);
  };
  const expiresInSeconds = seconds('expires_in_seconds', 3600);
  if (!expiresInSeconds.ok) return expiresInSeconds;
  const sessionMax = seconds('session_max_duration_in_seconds', 1800);
  if (!sessionMax.ok) return sessionMax;
  return ok({
    userId: fields.user_id,
    actor: actor as Record<string, unknown>,
    expiresInSeconds: expiresInSeconds.value,
    sessionMaxDurationInSeconds: sessionMax.value,
  });
}
