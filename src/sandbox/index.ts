// The Clerk sandbox: a local stand-in for everything Understudy touches at Clerk. Four loopback
// listeners with their own origins: the Backend API (point `createClerkClient({ apiUrl })` at it),
// the Frontend API (actor-token URLs, the sign-in calls clerk-js makes), the Account Portal (the
// hosted sign-in page) and a small customer app.
import { createHash } from 'node:crypto';
import { createActorTokenStore, type SandboxActorToken } from './actor-tokens.ts';
import { API_ROUTES, createBackendApi } from './backend-api.ts';
import { createAccountsPortal } from './accounts-portal.ts';
import { createCustomerApp, type FormSubmission, type InstanceType, type SignInMode } from './customer-app.ts';
import { createDevBrowserStore } from './dev-browser.ts';
import { createFaults, type FaultSpec, type Faults } from './faults.ts';
import { createFrontendApi } from './frontend-api.ts';
import { listen, type Listener } from './http.ts';
import { randomToken } from './ids.ts';
import { createSigningKey, publicJwk } from './jwt.ts';
import { createRateLimiter } from './rate-limit.ts';
import { withRequestLog, type RequestRecord } from './request-log.ts';
import { generateSeed } from './seed.ts';
import type { TokenIssuer } from './session-tokens.ts';
import { createSessionStore, sessionJson, type SandboxSession } from './sessions.ts';
import { createUserIndex } from './user-index.ts';
import { userJson, type Json, type SandboxUser } from './users.ts';

export { SANDBOX_FIXTURES, FIXTURE_PROFILES } from './seed.ts';
export { API_ROUTES, type ApiRoute } from './backend-api.ts';
export type { FaultSpec, FaultHandle, FaultKind, Faults } from './faults.ts';
export type { RequestRecord } from './request-log.ts';
export type { SandboxUser } from './users.ts';
export type { SandboxSession, SessionStatus } from './sessions.ts';
export type { SandboxActorToken } from './actor-tokens.ts';
export type { FormSubmission, InstanceType, SignInMode } from './customer-app.ts';
export { DEV_BROWSER_KEY } from './dev-browser.ts';

export interface SandboxOptions {
  /** Backend API port; 0 (default) picks a free one. The other two listeners are always ephemeral. */
  port?: number;
  /** Total users, fixtures included (default 200; up to 100,000 stays fast). */
  users?: number;
  /** Seed for the generated users (default 1). */
  seed?: number | string;
  /** Default: a random `sk_test_…` (`sk_live_…` for production) per start. */
  secretKey?: string;
  /**
   * Default development: the dev browser (`__clerk_db_jwt`) instead of `__client`, and the app on
   * `http://localhost:<port>`. Production: `__client` on the Frontend API, the app on 127.0.0.1.
   */
  instance?: InstanceType;
  /** The clock, in ms (default Date.now): token expiry, session expiry and timestamps follow it. */
  now?: () => number;
  /** Enforce Clerk's Backend API rate limit (100 / 10 s development, 1000 / 10 s production). Default off. */
  rateLimit?: boolean;
  /** Keep parsed request and response bodies in `requests` (for schema checks). Default off. */
  recordBodies?: boolean;
  /** Most records kept in each request log (default 10,000). */
  maxRequestLog?: number;
  /** Who consumes `__clerk_ticket`: the Account Portal (default), the app's `/sign-in`, or nobody. */
  signIn?: SignInMode;
  /** The sandbox's clock runs this many ms ahead of `now` (negative: behind). */
  clockSkewMs?: number;
  /** An impersonated session without a token refresh for this long ends (default 600000, Clerk's 10 minutes). */
  inactivityMs?: number;
  /** Impersonations allowed per calendar month; the next mint is refused with 422 as Clerk does. Default unlimited. */
  quota?: number;
  /** Faults injected from the start (same as `faults.inject`). */
  faults?: FaultSpec[];
  /** Sessions start `pending` (a session task outstanding), as with Clerk's session tasks. */
  sessionTasks?: boolean;
}

/** Read access for assertions; the API objects are the exact JSON the Backend API would return. */
export interface SandboxState {
  readonly users: readonly SandboxUser[];
  user(id: string): SandboxUser | undefined;
  userJson(id: string): Json | undefined;
  sessions(): SandboxSession[];
  session(id: string): SandboxSession | undefined;
  sessionJson(id: string): Json | undefined;
  /** Every actor token minted, with its ticket, expiry and resulting session. */
  actorTokens(): SandboxActorToken[];
  /** Forms posted on the customer app (`POST /account`). */
  readonly formSubmissions: readonly FormSubmission[];
  now(): number;
}

export interface Sandbox {
  /** Backend API base, without `/v1` (as `createClerkClient({ apiUrl })` expects). */
  apiUrl: string;
  frontendApiUrl: string;
  /** The Account Portal: the instance's hosted sign-in page. */
  accountsUrl: string;
  /** `http://localhost:<port>` on development instances (where dev apps commonly run), else 127.0.0.1. */
  appUrl: string;
  /** Every origin a browser signing in visits (Frontend API, Account Portal, app): loopback http. */
  origins: string[];
  secretKey: string;
  publishableKey: string;
  instance: InstanceType;
  faults: Faults;
  /** Backend API requests, oldest first. */
  requests: RequestRecord[];
  /** Frontend API and customer-app requests (tickets redacted). */
  pageRequests: RequestRecord[];
  state: SandboxState;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const baseNow = options.now ?? Date.now;
  const skew = options.clockSkewMs ?? 0;
  const now = skew === 0 ? baseNow : () => baseNow() + skew;
  const instance = options.instance ?? 'development';
  const secretKey = options.secretKey ?? `${instance === 'production' ? 'sk_live' : 'sk_test'}_${randomToken(30)}`;
  const maxRecords = options.maxRequestLog ?? 10_000;
  const urls = { api: '', frontendApi: '', accounts: '', app: '' };
  const signIn = options.signIn ?? 'portal';

  const key = await createSigningKey();
  const jwks = () => [publicJwk(key)];
  const seed = generateSeed({ count: options.users ?? 200, seed: options.seed ?? 1, anchor: now() });
  const users = createUserIndex(seed.users);
  const sessions = createSessionStore(now, options.inactivityMs);
  const seedClient = sessions.createClient();
  for (const planned of seed.sessions) sessions.create({ userId: planned.userId, client: seedClient, createdAt: planned.createdAt });
  const tokens = createActorTokenStore({ now, key, frontendApiUrl: () => urls.frontendApi });
  const issuer: TokenIssuer = { now, key, frontendApiUrl: () => urls.frontendApi, appUrl: () => urls.app };
  const faults = createFaults(API_ROUTES);
  for (const spec of options.faults ?? []) faults.inject(spec);
  const requests: RequestRecord[] = [];
  const pageRequests: RequestRecord[] = [];
  const submissions: FormSubmission[] = [];

  const listeners: Listener[] = [];
  const closeAll = () => Promise.all(listeners.map((listener) => listener.close())).then(() => undefined);
  try {
    const api = await listen(
      createBackendApi({
        secretKey, now, users, sessions, tokens, jwks, faults, requests, maxRecords,
        appUrl: () => urls.app,
        rateLimit: options.rateLimit ? createRateLimiter(instance === 'production' ? 1000 : 100, 10_000, now) : null,
        recordBodies: options.recordBodies ?? false,
        quota: options.quota ?? null,
      }),
      options.port ?? 0,
    );
    listeners.push(api);
    const frontendApi = await listen(
      withRequestLog('frontend-api', pageRequests, maxRecords, now, createFrontendApi({
        tokens, sessions, users, issuer, jwks,
        signInUrl: () => (signIn === 'portal' ? `${urls.accounts}/sign-in` : `${urls.app}/sign-in`),
        browserOrigins: () => [urls.accounts, urls.app],
        sessionTasks: options.sessionTasks ?? false,
        devBrowsers: instance === 'development' ? createDevBrowserStore(sessions) : null,
      })),
    );
    listeners.push(frontendApi);
    urls.frontendApi = frontendApi.url;
    const cookieSuffix = sessionCookieSuffix(publishableKeyFor(instance, urls.frontendApi));
    const accounts = await listen(withRequestLog('accounts', pageRequests, maxRecords, now, createAccountsPortal({ issuer, cookieSuffix, instance, afterSignInUrl: () => `${urls.app}/` })));
    listeners.push(accounts);
    const app = await listen(
      withRequestLog('app', pageRequests, maxRecords, now, createCustomerApp({ now, users, sessions, issuer, submissions, signIn, cookieSuffix, instance })),
      0,
      instance === 'development' ? 'localhost' : '127.0.0.1',
    );
    listeners.push(app);
    urls.api = api.url;
    urls.accounts = accounts.url;
    urls.app = app.url;
  } catch (error) {
    await closeAll();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    apiUrl: urls.api,
    frontendApiUrl: urls.frontendApi,
    accountsUrl: urls.accounts,
    appUrl: urls.app,
    origins: [urls.frontendApi, urls.accounts, urls.app],
    secretKey,
    publishableKey: publishableKeyFor(instance, urls.frontendApi),
    instance,
    faults,
    requests,
    pageRequests,
    state: {
      users: seed.users,
      user: (id) => users.get(id),
      userJson: (id) => {
        const user = users.get(id);
        return user && userJson(user, urls.app);
      },
      sessions: () => sessions.all(),
      session: (id) => sessions.get(id),
      sessionJson: (id) => {
        const session = sessions.get(id);
        return session && sessionJson(session);
      },
      actorTokens: () => tokens.all(),
      formSubmissions: submissions,
      now,
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}

function publishableKeyFor(instance: InstanceType, frontendApiUrl: string): string {
  return `${instance === 'production' ? 'pk_live' : 'pk_test'}_${Buffer.from(`${new URL(frontendApiUrl).host}$`).toString('base64')}`;
}

/** clerk-js suffixes cookies with 8 characters of base64url(SHA-1(publishable key)) (clerk/javascript shared keys.ts getCookieSuffix). */
export function sessionCookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}
