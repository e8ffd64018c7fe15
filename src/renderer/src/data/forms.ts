// Form rules checked before asking main (which checks again): the impersonation request and the
// policy editor. Durations are edited in minutes and sent in seconds.
import type { Policy, Profile } from '../../../shared/domain.ts';

export const MAX_SECONDS = 30 * 24 * 3600; // the contract's upper bound for any duration
export const REASON_MAX = 200;

/** Seconds → the minutes shown in a field ("90" → "1.5"). */
export function toMinutesText(seconds: number): string {
  const minutes = seconds / 60;
  return Number.isInteger(minutes) ? String(minutes) : String(Math.round(minutes * 100) / 100);
}

/** Minutes typed by the agent → whole seconds, or null when it is not a positive number. */
export function minutesToSeconds(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const seconds = Math.round(Number(trimmed) * 60);
  return seconds >= 1 ? seconds : null;
}

export function needsProductionConfirmation(profile: Pick<Profile, 'production' | 'policy'>): boolean {
  return profile.production && profile.policy.confirmProduction;
}

export interface ImpersonateFields {
  reason: string;
  ttlMinutes: string;
  sessionMinutes: string;
  readOnly: boolean;
  confirmation: string;
}

export type ImpersonateErrors = Partial<Record<'reason' | 'ttl' | 'session' | 'confirmation', string>>;

export interface ImpersonateRequestBody {
  reason: string;
  tokenTtlSeconds: number;
  sessionMaxSeconds: number;
  readOnly: boolean;
  confirmation?: string;
}

/** Defaults are the policy's caps: the agent only ever shortens them. */
export function impersonateDefaults(policy: Policy): ImpersonateFields {
  return {
    reason: '',
    ttlMinutes: toMinutesText(policy.maxTokenTtlSeconds),
    sessionMinutes: toMinutesText(policy.maxSessionSeconds),
    readOnly: false,
    confirmation: '',
  };
}

export function validateImpersonation(
  fields: ImpersonateFields,
  profile: Pick<Profile, 'name' | 'production' | 'policy'>,
): { ok: true; body: ImpersonateRequestBody } | { ok: false; errors: ImpersonateErrors } {
  const errors: ImpersonateErrors = {};
  const reason = fields.reason.trim();
  if (profile.policy.requireReason && !reason) errors.reason = 'Give a reason or ticket reference: this instance requires one.';
  else if (reason.length > REASON_MAX) errors.reason = `Keep the reason under ${REASON_MAX} characters.`;

  const ttl = minutesToSeconds(fields.ttlMinutes);
  const ttlCap = profile.policy.maxTokenTtlSeconds;
  if (ttl === null) errors.ttl = 'Enter the link lifetime in minutes.';
  else if (ttl > ttlCap) errors.ttl = `At most ${toMinutesText(ttlCap)} minutes on this instance.`;

  const session = minutesToSeconds(fields.sessionMinutes);
  const sessionCap = profile.policy.maxSessionSeconds;
  if (session === null) errors.session = 'Enter the session length in minutes.';
  else if (session > sessionCap) errors.session = `At most ${toMinutesText(sessionCap)} minutes on this instance.`;

  const confirm = needsProductionConfirmation(profile);
  if (confirm && fields.confirmation.trim() !== profile.name) errors.confirmation = `Type ${profile.name} exactly to confirm.`;

  if (Object.keys(errors).length || ttl === null || session === null) return { ok: false, errors };
  const body: ImpersonateRequestBody = { reason, tokenTtlSeconds: ttl, sessionMaxSeconds: session, readOnly: fields.readOnly };
  if (confirm) body.confirmation = fields.confirmation.trim();
  return { ok: true, body };
}

export interface PolicyFields {
  requireReason: boolean;
  maxTokenTtlMinutes: string;
  maxSessionMinutes: string;
  protectedRoles: string;
  protectBanned: boolean;
  protectedUserIds: string;
  confirmProduction: boolean;
}

export type PolicyErrors = Partial<Record<keyof PolicyFields, string>>;

export function policyToFields(policy: Policy): PolicyFields {
  return {
    requireReason: policy.requireReason,
    maxTokenTtlMinutes: toMinutesText(policy.maxTokenTtlSeconds),
    maxSessionMinutes: toMinutesText(policy.maxSessionSeconds),
    protectedRoles: policy.protectedRoles.join(', '),
    protectBanned: policy.protectBanned,
    protectedUserIds: policy.protectedUserIds.join('\n'),
    confirmProduction: policy.confirmProduction,
  };
}

const split = (text: string) => [...new Set(text.split(/[\s,]+/).map((part) => part.trim()).filter(Boolean))];
const USER_ID = /^user_[A-Za-z0-9_-]+$/;

export function fieldsToPolicy(fields: PolicyFields): { ok: true; policy: Policy } | { ok: false; errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const duration = (text: string, key: 'maxTokenTtlMinutes' | 'maxSessionMinutes') => {
    const seconds = minutesToSeconds(text);
    if (seconds === null) errors[key] = 'Enter a number of minutes above zero.';
    else if (seconds > MAX_SECONDS) errors[key] = 'At most 43200 minutes (30 days).';
    return seconds ?? 0;
  };
  const maxTokenTtlSeconds = duration(fields.maxTokenTtlMinutes, 'maxTokenTtlMinutes');
  const maxSessionSeconds = duration(fields.maxSessionMinutes, 'maxSessionMinutes');

  const protectedRoles = split(fields.protectedRoles);
  if (protectedRoles.length > 50) errors.protectedRoles = 'At most 50 roles.';
  else if (protectedRoles.some((role) => role.length > 64)) errors.protectedRoles = 'A role name has at most 64 characters.';

  const protectedUserIds = split(fields.protectedUserIds);
  const badId = protectedUserIds.find((id) => !USER_ID.test(id) || id.length > 128);
  if (badId) errors.protectedUserIds = `“${badId.slice(0, 40)}” is not a Clerk user id (they start with user_).`;
  else if (protectedUserIds.length > 1000) errors.protectedUserIds = 'At most 1000 user ids.';

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      requireReason: fields.requireReason,
      maxTokenTtlSeconds,
      maxSessionSeconds,
      protectedRoles,
      protectBanned: fields.protectBanned,
      protectedUserIds,
      confirmProduction: fields.confirmProduction,
    },
  };
}
