// Profiles: one per Clerk instance. The non-secret part (name, production flag, key hint, operator,
// policy) lives in the settings document; the secret key lives in the keychain under the profile id
// and leaves this module only inside the Clerk gateway built from it.
import { isDeepStrictEqual } from 'node:util';
import type { Operator, Policy, Profile, ProfileId } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, type ClerkGateway, type GatewayFactory } from '../clerk/gateway.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import { openDocument } from '../storage/open-document.ts';
import { parseAppOrigins } from '../impersonation/app-origins.ts';
import type { Keychain, KeychainEntry } from './keychain.ts';
import {
  allowedAppOrigins,
  appOriginsOutsideOrg,
  effectivePolicy,
  lockedKeys,
  looserThanOrg,
  orgRefusal,
  type OrgPolicy,
  type OrgPolicyState,
} from '../policy/org-policy.ts';
import { isProductionKey, keyHint, parseSecretKey } from './secret-key.ts';
import { emptySettings, PROFILE_ID, settingsMigrations, settingsSchema, type Settings, type StoredProfile } from './settings.ts';

export const SANDBOX_PROFILE_ID = 'sandbox';
const SANDBOX_NAME = 'Sandbox (demo instance)';

export interface ProfileServiceDeps {
  keychain: Keychain;
  settings: DocumentStore;
  gatewayFactory: GatewayFactory;
  /** Backend API for profiles added by key: https://api.clerk.com, or the sandbox in tests. */
  defaultApiUrl: string;
  defaultPolicy: (production: boolean) => Policy;
  /** The built-in demo instance: listed as `sandbox`, its key is never stored. */
  sandbox?: { secretKey: string; apiUrl: string } | undefined;
  now?: () => number;
  /** The IT-managed policy, read once at start (org-policy.ts). */
  orgPolicy?: OrgPolicyState;
}

export class ProfileService {
  readonly #deps: ProfileServiceDeps;
  readonly #now: () => number;
  #settings: Settings = emptySettings();
  /** Ids whose key was found in the keychain (the sandbox needs none). */
  readonly #usable = new Set<ProfileId>();
  readonly #gateways = new Map<ProfileId, ClerkGateway>();
  /** Set when the settings file cannot be written safely (written by a newer Understudy). */
  #readOnly: AppError | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: ProfileServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Reads the settings and the keychain. Keys provisioned by IT straight into the keychain become
   * profiles; profiles whose key has gone are hidden and reported. Returns notices for the operator.
   */
  async load(): Promise<string[]> {
    const notices: string[] = [];
    this.#usable.clear();
    this.#gateways.clear();
    this.#readOnly = null;
    try {
      const opened = openDocument(this.#deps.settings, {
        schema: settingsSchema,
        migrations: settingsMigrations,
        empty: emptySettings,
        now: this.#now,
        label: 'instance settings',
      });
      this.#settings = opened.value;
      if (opened.notice) notices.push(`${opened.notice} Secret keys are kept in the keychain and were not affected.`);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.#settings = emptySettings();
      this.#readOnly = error;
      notices.push(error.message);
    }

    let entries: KeychainEntry[];
    try {
      entries = await this.#deps.keychain.list();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const hidden = Object.values(this.#settings.profiles).filter((profile) => profile.kind === 'clerk').length;
      notices.push(hidden > 0 ? `${error.message} Until then, ${hidden} configured instance(s) cannot be used.` : error.message);
      if (this.#deps.sandbox) this.#usable.add(SANDBOX_PROFILE_ID);
      return notices;
    }

    let changed = false;
    const present = new Set<string>();
    for (const { account, secret } of entries) {
      if (!PROFILE_ID.test(account) || account === SANDBOX_PROFILE_ID) {
        notices.push(
          `The keychain entry "${account.slice(0, 80)}" was ignored: its account must be a profile id made of letters, digits, - and _ (and not "${SANDBOX_PROFILE_ID}").`,
        );
        continue;
      }
      try {
        parseSecretKey(secret);
      } catch {
        notices.push(`The keychain entry "${account}" was ignored: it does not hold a Clerk secret key (sk_test_… or sk_live_…).`);
        continue;
      }
      present.add(account);
      const production = isProductionKey(secret);
      const hint = keyHint(secret);
      const stored = this.#settings.profiles[account];
      if (!stored || stored.kind !== 'clerk') {
        this.#settings.profiles[account] = this.#fresh(account, production, hint);
        changed = true;
      } else if (stored.production !== production || stored.keyHint !== hint) {
        // The key was replaced outside Understudy. A test↔live switch resets the policy, so a
        // production instance never runs on the relaxed rules of a development one.
        if (stored.production !== production) {
          stored.policy = this.#deps.defaultPolicy(production);
          // Plain-http app origins are for development instances only.
          const dropped = production && stored.appOrigins.length > 0;
          stored.appOrigins = [];
          notices.push(
            `The key of "${stored.name}" was replaced by a ${production ? 'production (sk_live_)' : 'development (sk_test_)'} key; its rules were reset to the defaults for that kind of instance${dropped ? ', and its http app addresses were removed (production instances open https only)' : ''}.`,
          );
        }
        stored.production = production;
        stored.keyHint = hint;
        changed = true;
      }
      this.#usable.add(account);
    }

    for (const [id, profile] of Object.entries(this.#settings.profiles)) {
      if (profile.kind === 'clerk' && !present.has(id)) {
        notices.push(
          `The secret key of "${profile.name}" is no longer in the keychain, so this instance is hidden. Add it again with its key to use it.`,
        );
      }
    }
    if (this.#deps.sandbox) this.#usable.add(SANDBOX_PROFILE_ID);
    if (changed && !this.#readOnly) this.#save(this.#settings);
    return notices;
  }

  list(): Profile[] {
    const profiles = [...this.#usable].map((id) => this.#profile(id));
    return profiles.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  get(id: ProfileId): Profile | undefined {
    return this.#usable.has(id) ? this.#profile(id) : undefined;
  }

  /** The selected profile if it is still usable, else the first one listed. */
  activeId(): ProfileId | null {
    const active = this.#settings.activeProfileId;
    if (active && this.#usable.has(active)) return active;
    return this.list()[0]?.id ?? null;
  }

  select(id: ProfileId): Promise<void> {
    return this.#exclusive(async () => {
      this.#require(id);
      this.#update((settings) => {
        settings.activeProfileId = id;
      });
    });
  }

  /** Checks the key's shape, proves it with one Backend API call, then stores it. */
  add(name: string, secretKey: string): Promise<Profile> {
    return this.#exclusive(async () => {
      this.#writable();
      const displayName = validName(name);
      const key = secretKey.trim();
      const { production, hint } = parseSecretKey(key);

      const entries = await this.#deps.keychain.list();
      const existing = entries.find((entry) => entry.secret === key);
      if (existing) {
        const known = this.#settings.profiles[existing.account]?.name ?? existing.account;
        throw new AppError({ kind: 'conflict', message: `This secret key is already configured as "${known}".` });
      }

      const gateway = this.#deps.gatewayFactory({ secretKey: key, apiUrl: this.#deps.defaultApiUrl });
      try {
        await gateway.countUsers();
      } catch (error) {
        if (error instanceof AppError && error.kind === 'invalid-key') {
          throw new AppError({
            kind: 'invalid-key',
            message: 'Clerk did not accept this secret key (it may have been rolled or deleted). Nothing was stored. Copy a current key from the Clerk Dashboard → API keys.',
          });
        }
        throw error;
      }

      // Accounts the keychain already has (even ones ignored at load) are never overwritten.
      const id = this.#uniqueId(displayName, new Set(entries.map((entry) => entry.account)));
      await this.#deps.keychain.set(id, key);
      try {
        this.#update((settings) => {
          settings.profiles[id] = { ...this.#fresh(displayName, production, hint), apiUrl: this.#deps.defaultApiUrl };
          settings.activeProfileId = id;
        });
      } catch (error) {
        // Settings could not be written: leave no orphan key behind.
        await this.#deps.keychain.delete(id).catch(() => false);
        throw error;
      }
      this.#usable.add(id);
      this.#gateways.set(id, gateway);
      return this.#profile(id);
    });
  }

  rename(id: ProfileId, name: string): Promise<Profile> {
    return this.#exclusive(async () => {
      this.#require(id);
      const displayName = validName(name);
      this.#update((settings) => {
        settings.profiles[id] = { ...this.#stored(id), name: displayName };
      });
      return this.#profile(id);
    });
  }

  /** Deletes the key from the keychain and forgets the profile. The sandbox cannot be removed. */
  remove(id: ProfileId): Promise<void> {
    return this.#exclusive(async () => {
      this.#require(id);
      if (id === SANDBOX_PROFILE_ID) {
        throw new AppError({ kind: 'conflict', message: 'The built-in sandbox instance cannot be removed; it goes away once a real instance is added.' });
      }
      this.#writable();
      await this.#deps.keychain.delete(id);
      this.#usable.delete(id);
      this.#gateways.delete(id);
      this.#update((settings) => {
        delete settings.profiles[id];
        if (settings.activeProfileId === id) settings.activeProfileId = null;
      });
    });
  }

  setOperator(id: ProfileId, operator: Operator): Promise<Profile> {
    return this.#exclusive(async () => {
      this.#require(id);
      this.#update((settings) => {
        settings.profiles[id] = { ...this.#stored(id), operator: { userId: operator.userId, name: operator.name } };
      });
      return this.#profile(id);
    });
  }

  setPolicy(id: ProfileId, policy: Policy): Promise<Profile> {
    return this.#exclusive(async () => {
      this.#require(id);
      // A local setting may only be stricter than the organisation's.
      const org = this.#org();
      const looser = looserThanOrg(policy, org);
      if (looser) throw new AppError({ kind: 'policy', message: looser });
      const stored = this.#stored(id);
      // A locked key sent back as the console showed it (the value in force) keeps the local value,
      // so the organisation's bound is not copied into local settings and a later, looser policy
      // from IT applies as IT meant it. A locked key made stricter still is stored.
      const inForce = effectivePolicy(stored.policy, org);
      const kept: Policy = { ...policy };
      for (const key of lockedKeys(org)) {
        if (isDeepStrictEqual(policy[key], inForce[key])) Object.assign(kept, { [key]: stored.policy[key] });
      }
      this.#update((settings) => {
        settings.profiles[id] = { ...stored, policy: kept };
      });
      return this.#profile(id);
    });
  }

  /**
   * The plain-http app origins this profile's impersonation windows may open. Validated and
   * normalised here whatever the console checked (`app-origins.ts`); the built-in sandbox has its
   * own origins and lists none.
   */
  setAppOrigins(id: ProfileId, entries: readonly string[]): Promise<Profile> {
    return this.#exclusive(async () => {
      this.#require(id);
      const stored = this.#stored(id);
      if (stored.kind === 'sandbox') {
        throw new AppError({ kind: 'conflict', message: 'The built-in sandbox opens its own app already; app addresses are listed for your own development instances.' });
      }
      const appOrigins = parseAppOrigins(entries, stored.production);
      const outside = appOriginsOutsideOrg(appOrigins, this.#org());
      if (outside.length > 0) throw new AppError({ kind: 'policy', message: outside[0]!.message, issues: outside });
      this.#update((settings) => {
        settings.profiles[id] = { ...stored, appOrigins };
      });
      return this.#profile(id);
    });
  }

  /**
   * The profile's Clerk gateway. Built on first use with the key read from the keychain, then kept
   * until the profile is removed; a failed build (keychain locked, key gone) is retried next call.
   */
  gateway(id: ProfileId): ClerkGateway {
    this.#require(id);
    const cached = this.#gateways.get(id);
    if (cached) return cached;
    const sandbox = this.#deps.sandbox;
    const gateway =
      id === SANDBOX_PROFILE_ID && sandbox
        ? this.#deps.gatewayFactory({ secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl })
        : lazyGateway(async () => {
            const key = await this.#deps.keychain.get(id);
            if (key === null) {
              this.#usable.delete(id);
              this.#gateways.delete(id);
              throw new AppError({
                kind: 'not-found',
                message: `The secret key of "${this.#stored(id).name}" is no longer in the keychain. Add the instance again with its key.`,
              });
            }
            return this.#deps.gatewayFactory({ secretKey: key, apiUrl: this.#stored(id).apiUrl, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS });
          }, DEFAULT_REQUEST_TIMEOUT_MS);
    this.#gateways.set(id, gateway);
    return gateway;
  }

  #profile(id: ProfileId): Profile {
    const stored = this.#stored(id);
    const profile: Profile = {
      id,
      name: stored.name,
      kind: stored.kind,
      production: stored.production,
      keyHint: stored.keyHint,
      operator: stored.operator ? { ...stored.operator } : null,
      policy: effectivePolicy(structuredClone(stored.policy), this.#org()),
      appOrigins: allowedAppOrigins(stored.appOrigins, this.#org()),
    };
    const org = this.#deps.orgPolicy;
    if (org && org.state !== 'none') {
      profile.org = { source: org.source, locked: lockedKeys(this.#org()), refusal: orgRefusal(org, profile), appOrigins: this.#org()?.appOrigins ?? null };
    }
    return profile;
  }

  #org(): OrgPolicy | null {
    const org = this.#deps.orgPolicy;
    return org?.state === 'set' ? org.policy : null;
  }

  /** Settings of a usable profile; the sandbox gets defaults until something about it is saved. */
  #stored(id: ProfileId): StoredProfile {
    const stored = this.#settings.profiles[id];
    const sandbox = this.#deps.sandbox;
    if (id === SANDBOX_PROFILE_ID && sandbox) {
      const production = isProductionKey(sandbox.secretKey);
      const base = stored?.kind === 'sandbox' ? stored : { ...this.#fresh(SANDBOX_NAME, production, ''), kind: 'sandbox' as const };
      // The sandbox listens on a new port every run, and its key is whatever it was started with.
      return { ...base, apiUrl: sandbox.apiUrl, production, keyHint: keyHint(sandbox.secretKey) };
    }
    if (!stored) throw notConfigured();
    return stored;
  }

  #fresh(name: string, production: boolean, hint: string): StoredProfile {
    return {
      name,
      kind: 'clerk',
      production,
      keyHint: hint || '…',
      apiUrl: this.#deps.defaultApiUrl,
      operator: null,
      policy: this.#deps.defaultPolicy(production),
      appOrigins: [],
    };
  }

  #require(id: ProfileId): void {
    if (!this.#usable.has(id)) throw notConfigured();
  }

  #writable(): void {
    if (this.#readOnly) throw this.#readOnly;
  }

  /** Applies a change to a copy, validates it, writes it, and only then adopts it. */
  #update(change: (settings: Settings) => void): void {
    this.#writable();
    const next = structuredClone(this.#settings);
    change(next);
    this.#save(next);
    this.#settings = next;
  }

  #save(settings: Settings): void {
    this.#deps.settings.write(settingsSchema.parse(settings));
  }

  #uniqueId(name: string, accounts: ReadonlySet<string>): ProfileId {
    const base = slug(name);
    const taken = (id: string) => id === SANDBOX_PROFILE_ID || id in this.#settings.profiles || this.#usable.has(id) || accounts.has(id);
    if (!taken(base)) return base;
    for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
  }

  /** Mutations run one at a time: two adds of the same name must not pick the same id. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function rank(profile: Profile): number {
  return profile.kind === 'sandbox' ? 1 : 0;
}

function notConfigured(): AppError {
  return new AppError({ kind: 'not-found', message: 'That instance is not configured (or its key is no longer in the keychain).' });
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 80) {
    const message = 'An instance name has 1 to 80 characters.';
    throw new AppError({ kind: 'invalid-input', message, issues: [{ path: 'name', message }] });
  }
  return trimmed;
}

/** "ACME Prod (EU)" → "acme-prod-eu". */
export function slug(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return base || 'instance';
}

/** A gateway whose real adapter is built on first use; a failed build is retried on the next call. */
function lazyGateway(build: () => Promise<ClerkGateway>, requestTimeoutMs: number): ClerkGateway {
  let real: Promise<ClerkGateway> | undefined;
  const get = () =>
    (real ??= build().catch((error: unknown) => {
      real = undefined;
      throw error;
    }));
  return {
    requestTimeoutMs,
    searchUsers: async (query) => (await get()).searchUsers(query),
    getUser: async (userId) => (await get()).getUser(userId),
    countUsers: async (query) => (await get()).countUsers(query),
    createActorToken: async (request, onLateAnswer) => (await get()).createActorToken(request, onLateAnswer),
    revokeActorToken: async (tokenId) => (await get()).revokeActorToken(tokenId),
    listSessions: async (filter) => (await get()).listSessions(filter),
    getSession: async (sessionId) => (await get()).getSession(sessionId),
    revokeSession: async (sessionId) => (await get()).revokeSession(sessionId),
    verifySessionToken: async (token) => (await get()).verifySessionToken(token),
  };
}
