// The rules an impersonation must pass, as pure functions. Main decides with these; the console
// shows the same reasons so an operator knows why a button is disabled.
import type { ChannelInput } from '../../shared/contract.ts';
import type { Operator, Policy, Profile, UserProtection } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { ClerkUser } from '../clerk/gateway.ts';

export type StartRequest = ChannelInput<'impersonation:start'>;

export interface StartDecision {
  /** The operator's own Clerk user: the actor token's `actor.sub`. */
  actor: Operator;
  tokenTtlSeconds: number;
  sessionMaxSeconds: number;
}

export function defaultPolicy(production: boolean): Policy {
  return {
    // Every instance: a reason is what makes an impersonation auditable later (issue 12, item 4).
    requireReason: true,
    maxTokenTtlSeconds: production ? 600 : 3600,
    maxSessionSeconds: 1800,
    protectedRoles: ['admin'],
    protectBanned: true,
    protectedUserIds: [],
    confirmProduction: production,
  };
}

export function protectionOf(user: ClerkUser, policy: Policy, operatorUserId?: string | null): UserProtection {
  if (operatorUserId && user.id === operatorUserId) return { protected: true, reason: 'You cannot impersonate yourself' };
  if (policy.protectedUserIds.includes(user.id)) return { protected: true, reason: 'On the protected list' };
  if (policy.protectBanned && user.banned) return { protected: true, reason: 'Banned users cannot be impersonated' };
  const role = user.role?.trim().toLowerCase();
  if (role && policy.protectedRoles.some((protectedRole) => protectedRole.trim().toLowerCase() === role)) {
    return {
      protected: true,
      reason: role === 'admin' ? 'Admins are protected on this instance' : `Users with the role “${user.role}” are protected on this instance`,
    };
  }
  return { protected: false };
}

/** Checks a start request against the profile's policy; throws AppError `policy` naming the rule. */
export function checkStart(request: StartRequest, profile: Profile, user: ClerkUser): StartDecision {
  const { policy } = profile;
  if (request.profileId !== profile.id || request.userId !== user.id) {
    throw new AppError({ kind: 'internal', message: 'The request does not match the instance or the user it was checked against.' });
  }
  // The organisation's policy decides first: invalid, instance or operator not allowed.
  if (profile.org?.refusal) throw refuse(profile.org.refusal);
  const actor = profile.operator;
  if (!actor) {
    throw refuse(`No operator is set for “${profile.name}”: choose the Clerk user you act as on this instance before impersonating.`);
  }
  const protection = protectionOf(user, policy, actor.userId);
  if (protection.protected) throw refuse(`${user.name || user.id} cannot be impersonated: ${protection.reason}.`);

  if (policy.requireReason && request.reason.trim() === '') {
    throw refuse('A reason or ticket reference is required on this instance.');
  }
  if (request.tokenTtlSeconds > policy.maxTokenTtlSeconds) {
    throw refuse(
      `The sign-in link would stay valid for ${duration(request.tokenTtlSeconds)}; this instance allows at most ${duration(policy.maxTokenTtlSeconds)}.`,
    );
  }
  if (request.sessionMaxSeconds > policy.maxSessionSeconds) {
    throw refuse(
      `The session would last up to ${duration(request.sessionMaxSeconds)}; this instance allows at most ${duration(policy.maxSessionSeconds)}.`,
    );
  }
  if (profile.production && policy.confirmProduction) {
    const typed = request.confirmation?.trim() ?? '';
    if (typed === '') throw refuse(`“${profile.name}” is a production instance: type its name to confirm.`);
    if (typed !== profile.name) throw refuse(`The name typed does not match the production instance “${profile.name}”.`);
  }
  return { actor, tokenTtlSeconds: request.tokenTtlSeconds, sessionMaxSeconds: request.sessionMaxSeconds };
}

/**
 * The actor claims Clerk copies into the session JWT, which the customer's browser can read. So
 * they carry only the operator's id and a short reference: a ticket id found in the reason, or a
 * reference to the local history entry. The reason itself stays in the local history.
 */
export function actorClaims(operatorUserId: string, reason: string, entryId: string): { sub: string; ticket: string } {
  return { sub: operatorUserId, ticket: ticketReference(reason) ?? `ref-${entryId.slice(0, 8)}` };
}

// `SUP-1234`, `ABC-12` (tracker keys) and `#4821`, standing alone: not part of a word, an email
// address, a host name or a URL path (those may be personal; the fallback reference never is).
const TICKET = /(?<![\w\-@./:#&+])([A-Za-z][A-Za-z0-9]{1,14}-\d{1,15}|#\d{1,15})(?![\w\-@/#]|\.[A-Za-z0-9])/;

export function ticketReference(reason: string): string | null {
  const found = TICKET.exec(reason);
  return found ? found[1]!.toUpperCase().slice(0, 32) : null;
}

function refuse(message: string): AppError {
  return new AppError({ kind: 'policy', message });
}

function duration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}
