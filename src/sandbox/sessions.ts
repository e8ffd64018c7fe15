// Clients and sessions. A client is one browser (the `__client` cookie); a session belongs to one
// client and one user and, when impersonated, records the actor. Status is derived lazily from the
// injected clock, so fast-forwarding the clock expires sessions without any timer.
import { newId, randomToken } from './ids.ts';
import type { Json } from './users.ts';

export const SESSION_STATUSES = ['active', 'revoked', 'ended', 'expired', 'removed', 'abandoned', 'replaced', 'pending'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SandboxSession {
  id: string;
  userId: string;
  clientId: string;
  /** The actor-token `actor` object for impersonated sessions, else null. */
  actor: Record<string, unknown> | null;
  actorTokenId: string | null;
  status: SessionStatus;
  createdAt: number;
  updatedAt: number;
  lastActiveAt: number;
  expireAt: number;
  abandonAt: number;
}

export interface SandboxClient {
  id: string;
  /** The `__client` cookie value: only its holder can mint session tokens. */
  secret: string;
  sessionIds: string[];
  lastActiveSessionId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewSession {
  userId: string;
  client: SandboxClient;
  actor?: Record<string, unknown> | null;
  actorTokenId?: string | null;
  /** Impersonated sessions end after the token's session_max_duration_in_seconds. */
  maxDurationMs?: number;
  createdAt?: number;
  /** `pending` while the session has tasks outstanding (Clerk session tasks). */
  status?: 'active' | 'pending';
}

export interface SessionFilter {
  userId?: string;
  clientId?: string;
  status?: SessionStatus;
}

export interface SessionStore {
  createClient(): SandboxClient;
  clientBySecret(secret: string): SandboxClient | undefined;
  create(input: NewSession): SandboxSession;
  get(id: string): SandboxSession | undefined;
  /** Newest first. */
  list(filter: SessionFilter): SandboxSession[];
  /** Moves an active session to `status` (revoked by the API, ended by signing out). */
  finish(id: string, status: 'revoked' | 'ended'): SandboxSession | undefined;
  touch(session: SandboxSession): void;
  all(): SandboxSession[];
}

const DAY = 86_400_000;
/** Clerk's defaults for ordinary sessions. */
const DEFAULT_LIFETIME_MS = 7 * DAY;
const ABANDON_AFTER_MS = 30 * DAY;

/** Clerk ends an impersonated session after 10 minutes without activity (Clerk impersonation docs). */
export const IMPERSONATION_INACTIVITY_MS = 600_000;

export function createSessionStore(now: () => number, inactivityMs = IMPERSONATION_INACTIVITY_MS): SessionStore {
  const sessions = new Map<string, SandboxSession>();
  const byUser = new Map<string, SandboxSession[]>();
  const clients = new Map<string, SandboxClient>();
  const clientsBySecret = new Map<string, SandboxClient>();

  /**
   * Applies the passage of time: a live session past its expiry is expired, and so is an
   * impersonated one without activity (a token refresh) for `inactivityMs`.
   */
  function refresh(session: SandboxSession): SandboxSession {
    if (session.status !== 'active' && session.status !== 'pending') return session;
    const idleAt = session.actor ? session.lastActiveAt + inactivityMs : Infinity;
    const endAt = Math.min(session.expireAt, idleAt);
    if (now() >= endAt) {
      session.status = 'expired';
      session.updatedAt = endAt;
    }
    return session;
  }

  return {
    createClient() {
      const at = now();
      const client: SandboxClient = { id: newId('client'), secret: randomToken(32), sessionIds: [], lastActiveSessionId: null, createdAt: at, updatedAt: at };
      clients.set(client.id, client);
      clientsBySecret.set(client.secret, client);
      return client;
    },
    clientBySecret: (secret) => clientsBySecret.get(secret),
    create({ userId, client, actor = null, actorTokenId = null, maxDurationMs, createdAt = now(), status = 'active' }) {
      const impersonated = maxDurationMs !== undefined;
      const expireAt = createdAt + (maxDurationMs ?? DEFAULT_LIFETIME_MS);
      const session: SandboxSession = {
        id: newId('sess'),
        userId,
        clientId: client.id,
        actor,
        actorTokenId,
        status,
        createdAt,
        updatedAt: createdAt,
        lastActiveAt: createdAt,
        expireAt,
        abandonAt: impersonated ? expireAt : createdAt + ABANDON_AFTER_MS,
      };
      sessions.set(session.id, session);
      const list = byUser.get(userId) ?? [];
      list.push(session);
      byUser.set(userId, list);
      client.sessionIds.push(session.id);
      client.lastActiveSessionId = session.id;
      client.updatedAt = createdAt;
      return session;
    },
    get(id) {
      const session = sessions.get(id);
      return session && refresh(session);
    },
    list({ userId, clientId, status }) {
      let found: SandboxSession[];
      if (userId !== undefined) found = byUser.get(userId) ?? [];
      else if (clientId !== undefined) found = (clients.get(clientId)?.sessionIds ?? []).map((id) => sessions.get(id) as SandboxSession);
      else found = [...sessions.values()];
      return found
        .map(refresh)
        .filter((session) => (clientId === undefined || session.clientId === clientId) && (status === undefined || session.status === status))
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    },
    finish(id, status) {
      const session = sessions.get(id);
      if (!session) return undefined;
      refresh(session);
      if (session.status === 'active' || session.status === 'pending') {
        session.status = status;
        session.updatedAt = now();
      }
      return session;
    },
    touch(session) {
      session.lastActiveAt = now();
      session.updatedAt = session.lastActiveAt;
    },
    all: () => [...sessions.values()].map(refresh),
  };
}

export function sessionJson(session: SandboxSession): Json {
  return {
    object: 'session',
    id: session.id,
    user_id: session.userId,
    client_id: session.clientId,
    actor: session.actor as Json,
    status: session.status,
    last_active_organization_id: null,
    last_active_at: session.lastActiveAt,
    latest_activity: {
      object: 'session_activity',
      id: `sess_activity_${session.id.slice(5)}`,
      device_type: 'Macintosh',
      is_mobile: false,
      browser_name: 'Chrome',
      browser_version: '136.0.0.0',
      ip_address: '127.0.0.1',
      city: 'Localhost',
      country: 'ZZ',
    },
    expire_at: session.expireAt,
    abandon_at: session.abandonAt,
    updated_at: session.updatedAt,
    created_at: session.createdAt,
    tasks: null,
  };
}
