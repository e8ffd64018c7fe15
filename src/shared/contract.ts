// The one IPC contract. Each channel names its input schema (checked in main before any work) and
// its output type. Main registers handlers from it, the preload exposes one function per channel,
// the renderer gets the types. Inputs are strict objects: unknown keys are rejected, not ignored.
import { z } from 'zod';
import type { Channel, eventNames } from './channels.ts';
import type {
  AppState,
  AuditStatus,
  ClerkCheckProgress,
  ClerkCheckReport,
  HistoryVerification,
  ImpersonatePrefill,
  ImpersonationView,
  LedgerEntry,
  LedgerPage,
  PolicyChangePage,
  Profile,
  SessionSummary,
  UnknownCheck,
  UserDetail,
  UserPage,
} from './domain.ts';

/** Carries an output type without a runtime cost: main's outputs are trusted, inputs are not. */
declare const outputBrand: unique symbol;
export interface Output<T> {
  readonly [outputBrand]?: T;
}
const returns = <T>(): Output<T> => ({});

const id = (prefix?: string) => {
  const base = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
  return prefix ? base.startsWith(prefix, `must start with ${prefix}`) : base;
};
const profileId = id();
const userId = id('user_');
const text = (max: number) => z.string().max(max);
const seconds = z.number().int().positive().max(30 * 24 * 3600);

export const ledgerStatusSchema = z.enum([
  'minting',
  'pending',
  'accepted',
  'ending',
  'ended',
  'revoked',
  'expired',
  'failed',
  'unknown',
]);

export const ledgerFilterSchema = z.strictObject({
  userId: id().optional(),
  operator: text(200).optional(),
  status: z.array(ledgerStatusSchema).max(9).optional(),
  profileId: profileId.optional(),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
});

export const policySchema = z.strictObject({
  requireReason: z.boolean(),
  maxTokenTtlSeconds: seconds,
  maxSessionSeconds: seconds,
  protectedRoles: z.array(text(64).trim().min(1)).max(50),
  protectBanned: z.boolean(),
  protectedUserIds: z.array(userId).max(1000),
  confirmProduction: z.boolean(),
});

const none = z.strictObject({});

const channel = <I extends z.ZodType, O>(input: I, _output: Output<O>) => ({ input, output: _output });
interface ChannelDefinition {
  input: z.ZodType;
  output: Output<unknown>;
}

export const contract = {
  'app:getState': channel(none, returns<AppState>()),
  'app:dismissNotice': channel(z.strictObject({ index: z.number().int().nonnegative().max(1000) }), returns<AppState>()),
  /** Opens the folder of the log file in the OS file manager. */
  'app:openLogFolder': channel(none, returns<null>()),

  'profiles:add': channel(
    z.strictObject({ name: text(80).trim().min(1), secretKey: text(512).trim() }),
    returns<Profile>(),
  ),
  'profiles:rename': channel(z.strictObject({ profileId, name: text(80).trim().min(1) }), returns<Profile>()),
  'profiles:remove': channel(z.strictObject({ profileId }), returns<AppState>()),
  'profiles:select': channel(z.strictObject({ profileId }), returns<AppState>()),
  'profiles:setOperator': channel(z.strictObject({ profileId, userId }), returns<Profile>()),
  'profiles:setPolicy': channel(z.strictObject({ profileId, policy: policySchema }), returns<Profile>()),
  /**
   * The whole list of the profile's plain-http app origins, as typed: main checks and normalises
   * each entry and reports problems per entry (`appOrigins.N`), so the bounds here only cap the size.
   */
  'profiles:setAppOrigins': channel(z.strictObject({ profileId, appOrigins: z.array(text(2048)).max(100) }), returns<Profile>()),

  'users:search': channel(
    z.strictObject({
      profileId,
      query: text(200),
      limit: z.number().int().min(1).max(100),
      offset: z.number().int().min(0).max(1_000_000),
    }),
    returns<UserPage>(),
  ),
  'users:get': channel(z.strictObject({ profileId, userId }), returns<UserDetail>()),
  'users:sessions': channel(z.strictObject({ profileId, userId }), returns<SessionSummary[]>()),

  'impersonation:start': channel(
    z.strictObject({
      profileId,
      userId,
      reason: text(200).trim(),
      tokenTtlSeconds: seconds,
      sessionMaxSeconds: seconds,
      readOnly: z.boolean(),
      /** For production profiles: the instance name typed by the operator. */
      confirmation: text(80).optional(),
    }),
    returns<ImpersonationView>(),
  ),
  'impersonation:list': channel(none, returns<ImpersonationView[]>()),
  'impersonation:focus': channel(z.strictObject({ id: id() }), returns<null>()),
  'impersonation:end': channel(z.strictObject({ id: id() }), returns<ImpersonationView>()),
  'impersonation:endAll': channel(none, returns<ImpersonationView[]>()),
  /** An end Clerk has not confirmed yet: try again now instead of at the next scheduled attempt. */
  'impersonation:retryEnd': channel(z.strictObject({ id: id() }), returns<ImpersonationView>()),
  /** `positioned` is false where the desktop places windows itself (Wayland): only sizes were set. */
  'impersonation:arrange': channel(none, returns<{ arranged: number; positioned: boolean }>()),

  'ledger:query': channel(z.strictObject({ filter: ledgerFilterSchema }), returns<LedgerEntry[]>()),
  'ledger:revokeToken': channel(z.strictObject({ entryId: id() }), returns<LedgerEntry>()),
  'ledger:export': channel(
    z.strictObject({ format: z.enum(['csv', 'json']), filter: ledgerFilterSchema }),
    /** `count` impersonations and `policyChanges` policy changes were written (none when `path` is null). */
    returns<{ path: string | null; count: number; policyChanges: number }>(),
  ),
  /** One page of the history, filtered, ordered and counted by main (the console never loads it all). */
  'ledger:page': channel(
    z.strictObject({
      filter: ledgerFilterSchema,
      order: z.enum(['newest', 'oldest']).optional(),
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(1).max(500),
    }),
    returns<LedgerPage>(),
  ),
  /** Policy changes recorded in the history that the same filter matches, newest first. */
  'ledger:policyChanges': channel(
    z.strictObject({ filter: ledgerFilterSchema, offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(100) }),
    returns<PolicyChangePage>(),
  ),
  /** An `unknown` entry: looks at Clerk for a session created from its link and ends it. */
  'ledger:checkUnknown': channel(z.strictObject({ entryId: id() }), returns<UnknownCheck>()),
  /** "Verify history": walks the hash chain and reports its state. */
  'ledger:verify': channel(none, returns<HistoryVerification>()),
  /** The audit outbox: sinks, queued events, last delivery, last error. */
  'audit:status': channel(none, returns<AuditStatus>()),

  /**
   * The helpdesk link waiting for the console, taken once (null when none): a link that arrived
   * before the console listened (the app was started by it) is not lost, and a reload does not
   * open it again.
   */
  'deepLink:take': channel(none, returns<ImpersonatePrefill | null>()),

  /** "Check with Clerk" over the history entries created in [from, to]; progress as `clerk:checkProgress`. */
  'clerk:check': channel(
    z.strictObject({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }),
    returns<ClerkCheckReport>(),
  ),
  /** Ends a session the last check found live at Clerk although the history says it is over. */
  'clerk:endSession': channel(z.strictObject({ checkId: id(), sessionId: id('sess_') }), returns<ClerkCheckReport>()),
  'clerk:exportCheck': channel(z.strictObject({ checkId: id(), format: z.enum(['csv', 'json']) }), returns<{ path: string | null; count: number }>()),
} as const satisfies Record<Channel, ChannelDefinition>;

export { channels, eventNames, type Channel } from './channels.ts';
export type Contract = typeof contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = Contract[C]['output'] extends Output<infer O> ? O : never;

/** Main → renderer notifications. Payloads are trusted (main built them). */
export interface Events {
  'impersonation:changed': ImpersonationView[];
  'ledger:changed': null;
  'app:changed': AppState;
  /** A helpdesk link asked to impersonate: open the dialog filled in; the agent confirms. */
  'deepLink:impersonate': ImpersonatePrefill;
  /** The audit outbox moved (an event queued, a delivery made or failed). */
  'audit:changed': AuditStatus;
  /** How far a "Check with Clerk" has got: users asked about so far, of all. */
  'clerk:checkProgress': ClerkCheckProgress;
}
export type EventName = keyof Events;

// Compile-time check that channels.ts names exactly these events.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const eventsListed: SameKeys<EventName, (typeof eventNames)[number]> = true;
