// Domain types shared by main, preload and renderer. Plain data only: everything here crosses IPC.
// None of these types can hold a secret key; `keyHint` is the only trace of one.

export type ProfileId = string;

/** Where a profile's Backend API lives: a real Clerk instance, or the built-in sandbox. */
export type ProfileKind = 'clerk' | 'sandbox';

export interface Policy {
  /** A reason or ticket reference must be given before impersonating. */
  requireReason: boolean;
  /** Upper bound for the actor token's `expires_in_seconds`. */
  maxTokenTtlSeconds: number;
  /** Upper bound for the impersonated session's `session_max_duration_in_seconds`. */
  maxSessionSeconds: number;
  /** Users whose `public_metadata.role` is one of these may not be impersonated. */
  protectedRoles: string[];
  /** Banned users may not be impersonated. */
  protectBanned: boolean;
  /** Further user ids that may not be impersonated. */
  protectedUserIds: string[];
  /** Production profiles ask the operator to type the instance name before impersonating. */
  confirmProduction: boolean;
}

export interface Operator {
  /** The operator's own Clerk user id in this instance: becomes the actor token's `actor.sub`. */
  userId: string;
  name: string;
}

export interface Profile {
  id: ProfileId;
  name: string;
  kind: ProfileKind;
  production: boolean;
  /** e.g. `sk_live_…abcd`: enough to recognise a key, useless to an attacker. */
  keyHint: string;
  operator: Operator | null;
  /** In force: the local policy tightened by the organisation's, when there is one. */
  policy: Policy;
  /**
   * Plain-http origins of the app (e.g. `http://dev-box.internal:3000`) its impersonation windows
   * may open too, normalised; development instances only (production ones and the sandbox list none).
   */
  appOrigins: string[];
  /** Present when the organisation manages policy on this computer. */
  org?: OrgPolicyView;
}

/** What the console shows of an IT-managed policy for one instance. */
export interface OrgPolicyView {
  /** Where it was read from (file path or registry key). */
  source: string;
  /** Policy keys set by the organisation: shown locked, "Set by your organisation". */
  locked: (keyof Policy)[];
  /** Why impersonation is blocked on this instance (invalid policy, instance or operator not allowed), or null. */
  refusal: string | null;
  /** The only app origins the organisation allows development instances to list, or null when it sets none. */
  appOrigins: string[] | null;
}

export type UserProtection = { protected: false } | { protected: true; reason: string };

export interface UserSummary {
  id: string;
  name: string;
  username: string | null;
  primaryEmail: string | null;
  imageUrl: string | null;
  banned: boolean;
  locked: boolean;
  role: string | null;
  lastSignInAt: number | null;
  createdAt: number;
  protection: UserProtection;
}

export interface UserDetail extends UserSummary {
  emails: string[];
  phoneNumbers: string[];
  lastActiveAt: number | null;
  publicMetadata: Record<string, unknown>;
}

export interface UserPage {
  users: UserSummary[];
  totalCount: number;
  offset: number;
  limit: number;
}

export type ClerkSessionStatus =
  | 'active'
  | 'revoked'
  | 'ended'
  | 'expired'
  | 'removed'
  | 'abandoned'
  | 'replaced'
  | 'pending';

/** A session as Clerk reports it: the server-side audit of who was signed in as this user. */
export interface SessionSummary {
  id: string;
  userId: string;
  clientId: string;
  status: ClerkSessionStatus;
  /** The `act` claim of an impersonated session, null otherwise. */
  actor: Record<string, unknown> | null;
  createdAt: number;
  lastActiveAt: number;
  expireAt: number;
}

/**
 * Ledger status of one impersonation. `minting` is written before the Clerk call so a crash or an
 * ambiguous failure (timeout, dropped connection) is never lost: such an entry becomes `unknown`,
 * meaning a token may exist at Clerk without its id being known (it dies at `expiresAt`).
 */
export type LedgerStatus =
  | 'minting'
  | 'pending'
  | 'accepted'
  | 'ending'
  | 'ended'
  | 'revoked'
  | 'expired'
  | 'failed'
  | 'unknown';

/** `ending`: an end was asked for and Clerk has not confirmed it yet; Understudy keeps retrying. */
export const LIVE_STATUSES: readonly LedgerStatus[] = ['minting', 'pending', 'accepted', 'ending'];

/** What ended an impersonation. */
export type EndReason =
  | 'operator' // End button in the banner or the console
  | 'end-all'
  | 'window-closed'
  | 'session-cap'
  | 'token-expired'
  | 'app-quit'
  | 'recovery' // found live after a crash, ended at the next start
  | 'verification-failed'
  | 'open-failed' // the window could not be opened (or its link was not an https address)
  | 'revoked-token' // a pending token revoked from the history
  | 'sign-in-timeout' // no verified session appeared in time (the sign-in page ignored the ticket)
  | 'ticket-error' // Clerk refused the ticket in the window (used, revoked, expired…)
  | 'ended-at-clerk'; // Clerk had ended the session (inactivity, revoked elsewhere)

export interface LedgerEntry {
  /** Local id, also the impersonation id. */
  id: string;
  actorTokenId: string | null;
  profileId: ProfileId;
  profileName: string;
  production: boolean;
  subject: { id: string; name: string; email: string | null };
  operator: { clerkUserId: string; osUser: string };
  reason: string;
  tokenTtlSeconds: number;
  sessionMaxSeconds: number;
  readOnly: boolean;
  createdAt: number;
  tokenExpiresAt: number;
  status: LedgerStatus;
  sessionId: string | null;
  acceptedAt: number | null;
  endedAt: number | null;
  endedBy: { reason: EndReason; by: string } | null;
  /** What went wrong, in plain words (never the token, its URL or a key). */
  error: string | null;
}

export interface LedgerFilter {
  userId?: string;
  operator?: string;
  status?: LedgerStatus[];
  profileId?: ProfileId;
  from?: number;
  to?: number;
}

export type ImpersonationPhase = 'opening' | 'waiting' | 'signed-in' | 'ending' | 'ended' | 'failed';

/** A live (or just finished) impersonation as the console lists it. */
export interface ImpersonationView {
  id: string;
  profileId: ProfileId;
  profileName: string;
  production: boolean;
  subject: { id: string; name: string; email: string | null };
  operatorUserId: string;
  phase: ImpersonationPhase;
  readOnly: boolean;
  startedAt: number;
  tokenExpiresAt: number;
  /** Known once signed in: the session cap. */
  sessionExpiresAt: number | null;
  sessionId: string | null;
  error: string | null;
  /** Phase `opening`, queued behind Clerk's sign-in limit (5 per 10 s): when its window opens (null: once sign-ins in progress are over). */
  queued: { until: number | null } | null;
  /** Phase `ending` and Clerk has not confirmed it yet: what failed, and when Understudy tries again. */
  ending: EndingProgress | null;
}

/** An end Clerk has not confirmed: retried in the background with backoff until Clerk confirms it or its own expiry passes. */
export interface EndingProgress {
  /** Attempts that failed so far. */
  attempts: number;
  /** When the next attempt runs; null while one is running. */
  nextAttemptAt: number | null;
  /** What went wrong at the last attempt, in plain words. */
  problem: string;
  /** By then Clerk has ended it by itself (the session cap, or the link's expiry plus the cap of a session made from it). */
  clerkEndsBy: number;
}

export interface AppState {
  profiles: Profile[];
  activeProfileId: ProfileId | null;
  /** Things the operator must be told once, e.g. a corrupt ledger moved aside. */
  notices: string[];
  osUser: string;
  /** The log file a person can open (Settings shows it), or null when logs only go to the terminal. */
  logPath: string | null;
}

/** One audit sink the organisation's policy names, and how delivery to it goes. */
export interface AuditSinkStatus {
  id: string;
  kind: 'otlp-http' | 'webhook';
  /** Its address without query string or credentials; header values are never shown. */
  target: string;
  /** History events it has not confirmed yet. */
  queued: number;
  oldestQueuedAt: number | null;
  lastDeliveryAt: number | null;
  lastAttemptAt: number | null;
  /** Since when deliveries fail (null while they work). */
  failingSince: number | null;
  /** The last failure, or the sink's warning on its last delivery. */
  lastError: string | null;
  nextAttemptAt: number | null;
}

/** The audit outbox as the console shows it (Settings › Audit delivery). */
export interface AuditStatus {
  delivery: 'best-effort' | 'required';
  sinks: AuditSinkStatus[];
  /** Under `required`: why a start would be refused now, or null. */
  blocking: string | null;
}

/** Kinds of history events (append-only; an entry's state is derived from its events). */
export type HistoryEventType =
  | 'started'
  | 'minted'
  | 'signed_in'
  | 'ended'
  | 'revoked'
  | 'expired'
  | 'failed'
  | 'unknown'
  | 'ending' // an end Clerk did not confirm: kept live and retried
  | 'end_retried' // another attempt at ending failed
  | 'recovered'
  | 'updated'
  | 'imported'
  | 'policy_changed'
  | 'clerk_checked';

/** One event of the history, as stored: `hash` = SHA-256 over the event and `prevHash`. */
export interface HistoryEvent {
  seq: number;
  id: string;
  /** The impersonation it belongs to; null for events about the desk (policy changes, checks). */
  entryId: string | null;
  type: HistoryEventType;
  at: number;
  /** started/imported: the whole entry; other entry events: what changed; otherwise the event's facts. */
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** "Verify history": the chain's state. */
export interface HistoryVerification {
  intact: boolean;
  events: number;
  checkedAt: number;
  /** The first event where the chain breaks, when it does. */
  firstBrokenSeq: number | null;
  /** Plain-words findings (at most 20). */
  problems: string[];
}

/** The order of a history page, by when each impersonation started. */
export type HistoryOrder = 'newest' | 'oldest';

/** One page of the history, in the order asked for. */
export interface LedgerPage {
  entries: LedgerEntry[];
  total: number;
  offset: number;
  limit: number;
}

/** One setting a policy change touched; values as recorded (null: not set). */
export interface PolicySettingChange {
  key: string;
  before: unknown;
  after: unknown;
}

/** A `policy_changed` event of the history, as the console and exports show it. */
export interface PolicyChange {
  /** The event's id. */
  id: string;
  at: number;
  /** `local`: an agent saved Settings › Policy; `organisation`: IT's policy differed at a start. */
  source: 'local' | 'organisation';
  profileId: string | null;
  profileName: string | null;
  /** Local: the OS user who saved it; organisation: null (IT changed it). */
  by: string | null;
  /** Local: the Clerk user id of the instance's operator at the time, when known. */
  operatorId: string | null;
  /** Organisation: where the policy was read from. */
  origin: string | null;
  /** Only the settings that differ. */
  changes: PolicySettingChange[];
}

export interface PolicyChangePage {
  changes: PolicyChange[];
  total: number;
  offset: number;
  limit: number;
}

/** "Check at Clerk" for an impersonation whose sign-in link Clerk never confirmed. */
export interface UnknownCheck {
  entry: LedgerEntry;
  /** Sessions Clerk had from that link, now ended there. */
  sessionsEnded: number;
  /**
   * ended: sessions found and ended; revoked: the link's id was known (Clerk answered late) and it was
   * revoked unused; expired: none, and the link can no longer be used; open: none yet, the link may still be used.
   */
  outcome: 'ended' | 'revoked' | 'expired' | 'open';
  checkedAt: number;
}

/** What the impersonate dialog opens with when a helpdesk deep link asks for it (never started by itself). */
export interface ImpersonatePrefill {
  profileId: string;
  userId: string;
  userName: string;
  /** The ticket as the reason's reference; the agent completes the reason and confirms. */
  reason: string;
}

/** "Check with Clerk": one session Clerk reports that the history explains, or should. */
export interface CheckedSession {
  profileId: ProfileId;
  profileName: string;
  subject: { id: string; name: string };
  sessionId: string;
  status: ClerkSessionStatus;
  createdAt: number;
  /** The session's `actor` as Clerk has it. */
  actor: Record<string, unknown> | null;
}

/** A session the history says is over while Clerk still has it live; `endedAt` once ended from the report. */
export interface StillActiveSession extends CheckedSession {
  entryId: string;
  entryStatus: LedgerStatus;
  /** Set once Clerk confirmed the end asked for from the report. */
  endedAt: number | null;
}

/** An entry whose outcome the history does not know (an ambiguous mint), with what Clerk knows of it. */
export interface UnknownOutcome {
  entryId: string;
  profileName: string;
  subject: { id: string; name: string };
  createdAt: number;
  tokenExpiresAt: number;
  /** Sessions Clerk has whose actor carries this entry's reference. */
  sessions: { id: string; status: ClerkSessionStatus }[];
}

/** The history of a period verified against Clerk's own record of the subjects' sessions. */
export interface ClerkCheckReport {
  id: string;
  checkedAt: number;
  from: number;
  to: number;
  /** History entries in the period, and the users (per instance) asked about. */
  entries: number;
  subjects: number;
  checkedSubjects: number;
  /** Impersonated sessions the history does not know: the Dashboard, the CLI, another tool or computer. */
  foreign: CheckedSession[];
  stillActive: StillActiveSession[];
  unknownOutcome: UnknownOutcome[];
  /** Users that could not be checked, and why, in plain words. */
  problems: string[];
  /** Every user was asked about. */
  complete: boolean;
}

export interface ClerkCheckProgress {
  checkId: string;
  done: number;
  total: number;
}
