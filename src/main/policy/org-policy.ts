// IT-managed policy: a document the organisation pushes to every support laptop. It sets bounds a
// local setting may only tighten (shorter durations, more protection, more confirmation); a key it
// sets shows as "Set by your organisation". A file that is there but invalid blocks impersonation
// with a message naming the file and the problem: it never falls back to local settings silently.
//
// Where it is read (the first that exists):
//   UNDERSTUDY_POLICY_FILE                                   any platform, a JSON file
//   Linux    /etc/understudy/policy.json
//   macOS    /Library/Managed Preferences/dev.understudy.console.plist (a configuration profile;
//            converted with `plutil -convert json`, which ships with macOS)
//   Windows  HKLM\Software\Policies\Understudy, value `Policy` (REG_SZ) holding the JSON document
import { z } from 'zod';
import type { Policy, Profile } from '../../shared/domain.ts';
import { checkAppOrigin, MAX_APP_ORIGINS } from '../impersonation/app-origins.ts';

export const APP_ID = 'dev.understudy.console';
export const LINUX_POLICY_FILE = '/etc/understudy/policy.json';
export const MAC_POLICY_FILE = `/Library/Managed Preferences/${APP_ID}.plist`;
export const WINDOWS_POLICY_KEY = 'HKLM\\Software\\Policies\\Understudy';

const seconds = z.number().int().positive().max(30 * 24 * 3600);
const userId = z.string().regex(/^user_[A-Za-z0-9]+$/, 'must be a Clerk user id (user_…)');
/** Instances are named by their key hint as Understudy shows it (`sk_live_…abcd`): derived from the key, not renameable. */
const instance = z.string().min(5).max(64);
const https = z.url({ protocol: /^https$/ });
/**
 * A collector is https, or plain http on this computer only: an OpenTelemetry Collector running as
 * a local agent listens on http://localhost:4318 by default, and loopback traffic never leaves the machine.
 */
const collector = z.url({ protocol: /^https?$/ }).refine(
  (url) => url.startsWith('https:') || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname),
  'must be https (plain http only on localhost)',
);
/** An app origin as a development profile may list it, normalised (`app-origins.ts`). */
const appOrigin = z.string().transform((entry, context) => {
  const checked = checkAppOrigin(entry, false);
  if (checked.ok) return checked.origin;
  context.issues.push({ code: 'custom', message: checked.problem, input: entry });
  return z.NEVER;
});
/** An HTTP header name and value; the values (API keys, bearer tokens) are never shown or shipped. */
const headers = z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name'), z.string().max(1000));

export const auditSinkSchema = z.discriminatedUnion('type', [
  /** OTLP/HTTP with JSON encoding: logs go to `{endpoint}/v1/logs`, like OTEL_EXPORTER_OTLP_ENDPOINT. */
  z.strictObject({ type: z.literal('otlp-http'), endpoint: collector, headers: headers.optional() }),
  /**
   * A webhook signed with HMAC-SHA256. The policy file is readable by every account, so it never holds
   * the secret: it names where IT provisioned it, a keychain item (like the Clerk keys, preferred) or
   * an environment variable set by device management. Exactly one of the two.
   */
  z.strictObject({
    type: z.literal('webhook'),
    url: collector,
    secretKeychain: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a keychain account name (letters, digits, _ and -)').optional(),
    secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)').optional(),
  }),
]);
export type AuditSinkConfig = z.infer<typeof auditSinkSchema>;

export const orgPolicySchema = z.strictObject({
  requireReason: z.boolean().optional(),
  maxTokenTtlSeconds: seconds.optional(),
  maxSessionSeconds: seconds.optional(),
  confirmProduction: z.boolean().optional(),
  protectBanned: z.boolean().optional(),
  protectedRoles: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  protectedUserIds: z.array(userId).max(1000).optional(),
  /** Only these instances may be used for impersonation (key hints). */
  allowedInstances: z.array(instance).max(200).optional(),
  /** Per instance (key hint): the Clerk users allowed to act as operator there. */
  allowedOperators: z.record(instance, z.array(userId).max(1000)).optional(),
  /**
   * The only app origins development instances may list (an empty list: none). A bound like the
   * others: the local list is kept to these, never widened by them.
   */
  appOrigins: z.array(appOrigin).max(MAX_APP_ORIGINS).optional(),
  auditSinks: z.array(auditSinkSchema).max(10).optional(),
  /** `required`: no impersonation starts while an audit sink cannot be reached (src/main/audit). */
  auditDelivery: z.enum(['best-effort', 'required']).optional(),
})
  .refine((policy) => (policy.auditSinks ?? []).every((sink) => sink.type !== 'webhook' || (sink.secretKeychain === undefined) !== (sink.secretEnv === undefined)), {
    path: ['auditSinks'],
    message: 'a webhook names its signing secret with exactly one of secretKeychain or secretEnv',
  })
  .refine((policy) => policy.auditDelivery !== 'required' || (policy.auditSinks?.length ?? 0) > 0, {
    path: ['auditDelivery'],
    message: '"required" needs at least one entry in auditSinks',
  });
export type OrgPolicy = z.infer<typeof orgPolicySchema>;

export type OrgPolicyState =
  | { state: 'none' }
  | { state: 'set'; source: string; policy: OrgPolicy }
  | { state: 'invalid'; source: string; problem: string };

/** The local policy keys an organisation can set. */
export const LOCKABLE_KEYS = [
  'requireReason',
  'maxTokenTtlSeconds',
  'maxSessionSeconds',
  'confirmProduction',
  'protectBanned',
  'protectedRoles',
  'protectedUserIds',
] as const satisfies readonly (keyof Policy)[];
export type LockableKey = (typeof LOCKABLE_KEYS)[number];

export interface PolicySources {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** The file's text, or null when it does not exist; throws on other errors. */
  readText(path: string): string | null;
  /** macOS plist → JSON text (plutil), or null when missing. */
  readPlist(path: string): string | null;
  /** The registry value's text, or null when missing. */
  readRegistry(key: string, value: string): string | null;
}

/** Finds and validates the organisation's policy. */
export function readOrgPolicy(sources: PolicySources): OrgPolicyState {
  const override = sources.env.UNDERSTUDY_POLICY_FILE?.trim();
  let found: { source: string; text: string | null };
  try {
    if (override) found = { source: override, text: sources.readText(override) };
    else if (sources.platform === 'darwin') found = { source: MAC_POLICY_FILE, text: sources.readPlist(MAC_POLICY_FILE) };
    else if (sources.platform === 'win32') found = { source: `${WINDOWS_POLICY_KEY}\\Policy`, text: sources.readRegistry(WINDOWS_POLICY_KEY, 'Policy') };
    else found = { source: LINUX_POLICY_FILE, text: sources.readText(LINUX_POLICY_FILE) };
  } catch (error) {
    return { state: 'invalid', source: override || 'the organisation policy', problem: `it could not be read (${(error as Error).message})` };
  }
  // An override that points nowhere is a mistake worth stopping for; a missing default means "no policy".
  if (found.text === null) return override ? { state: 'invalid', source: found.source, problem: 'the file does not exist' } : { state: 'none' };
  let raw: unknown;
  try {
    raw = JSON.parse(found.text);
  } catch {
    return { state: 'invalid', source: found.source, problem: 'it is not valid JSON' };
  }
  const parsed = orgPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || 'document'}: ${issue.message}`);
    return { state: 'invalid', source: found.source, problem: first.join('; ') };
  }
  return { state: 'set', source: found.source, policy: parsed.data };
}

/** The policy in force: the local one, tightened wherever the organisation's is stricter. */
export function effectivePolicy(local: Policy, org: OrgPolicy | null): Policy {
  if (!org) return local;
  return {
    requireReason: local.requireReason || org.requireReason === true,
    maxTokenTtlSeconds: Math.min(local.maxTokenTtlSeconds, org.maxTokenTtlSeconds ?? Infinity),
    maxSessionSeconds: Math.min(local.maxSessionSeconds, org.maxSessionSeconds ?? Infinity),
    confirmProduction: local.confirmProduction || org.confirmProduction === true,
    protectBanned: local.protectBanned || org.protectBanned === true,
    protectedRoles: union(local.protectedRoles, org.protectedRoles),
    protectedUserIds: union(local.protectedUserIds, org.protectedUserIds),
  };
}

/** Keys the organisation sets (shown locked). */
export function lockedKeys(org: OrgPolicy | null): LockableKey[] {
  return org ? LOCKABLE_KEYS.filter((key) => org[key] !== undefined) : [];
}

/** Why a local policy is looser than the organisation allows, or null when it is not. */
export function looserThanOrg(local: Policy, org: OrgPolicy | null): string | null {
  if (!org) return null;
  const problems: string[] = [];
  if (org.requireReason && !local.requireReason) problems.push('a reason is required');
  if (org.confirmProduction && !local.confirmProduction) problems.push('production instances must be confirmed');
  if (org.protectBanned && !local.protectBanned) problems.push('banned users are protected');
  if (org.maxTokenTtlSeconds !== undefined && local.maxTokenTtlSeconds > org.maxTokenTtlSeconds) problems.push(`sign-in links last at most ${org.maxTokenTtlSeconds} s`);
  if (org.maxSessionSeconds !== undefined && local.maxSessionSeconds > org.maxSessionSeconds) problems.push(`sessions last at most ${org.maxSessionSeconds} s`);
  const missingRoles = (org.protectedRoles ?? []).filter((role) => !local.protectedRoles.some((r) => r.toLowerCase() === role.toLowerCase()));
  if (missingRoles.length) problems.push(`the roles ${missingRoles.join(', ')} are protected`);
  const missingUsers = (org.protectedUserIds ?? []).filter((id) => !local.protectedUserIds.includes(id));
  if (missingUsers.length) problems.push(`${missingUsers.length} protected user(s) cannot be removed`);
  return problems.length ? `Set by your organisation: ${problems.join('; ')}.` : null;
}

/** The app origins in force: the local ones the organisation allows (all of them when it says nothing). */
export function allowedAppOrigins(local: readonly string[], org: OrgPolicy | null): string[] {
  const bound = org?.appOrigins;
  return bound ? local.filter((origin) => bound.includes(origin)) : [...local];
}

/** Why these app origins cannot be listed under the organisation's policy, per entry, or none. */
export function appOriginsOutsideOrg(origins: readonly string[], org: OrgPolicy | null): { path: string; message: string }[] {
  const bound = org?.appOrigins;
  if (!bound) return [];
  const allowed = bound.length > 0 ? `it allows only ${bound.join(', ')}` : 'it allows none';
  return origins.flatMap((origin, index) =>
    bound.includes(origin) ? [] : [{ path: `appOrigins.${index}`, message: `Set by your organisation: ${origin} cannot be listed (${allowed}).` }],
  );
}

/** Why this profile may not impersonate under the organisation's policy, or null. */
export function orgRefusal(state: OrgPolicyState, profile: Pick<Profile, 'keyHint' | 'name' | 'operator'>): string | null {
  if (state.state === 'none') return null;
  if (state.state === 'invalid') {
    return `Impersonation is blocked: your organisation's policy (${state.source}) is invalid — ${state.problem}. Ask IT to fix it; Understudy does not fall back to local settings.`;
  }
  const { allowedInstances, allowedOperators } = state.policy;
  if (allowedInstances && !allowedInstances.includes(profile.keyHint)) {
    return `Your organisation does not allow impersonation on “${profile.name}” (${profile.keyHint}).`;
  }
  const operators = allowedOperators?.[profile.keyHint];
  if (operators && profile.operator && !operators.includes(profile.operator.userId)) {
    return `Your organisation does not allow ${profile.operator.name || profile.operator.userId} to act as operator on “${profile.name}”.`;
  }
  return null;
}

function union(local: string[], org: string[] | undefined): string[] {
  if (!org) return local;
  const seen = new Set(local.map((value) => value.toLowerCase()));
  return [...local, ...org.filter((value) => !seen.has(value.toLowerCase()))];
}
