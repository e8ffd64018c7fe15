// Clerk's refusals of a ticket, in plain words for the operator. Codes from Clerk's error catalogue
// (clerk-docs data/api_errors.json: actor_tokens.go, tickets, user_banned, too_many_requests).
import type { PageProblem } from './window-host.ts';

const PLAIN: Record<string, string> = {
  actor_token_already_used_code: 'This sign-in link was already used; each link works once.',
  actor_token_revoked_code: 'This sign-in link was revoked at Clerk.',
  actor_token_cannot_be_used_code: 'Clerk says this sign-in link can no longer be used.',
  actor_token_not_in_sign_in_code: 'Clerk accepts this sign-in link only during a sign-in.',
  actor_token_subject_not_found: 'The user no longer exists at Clerk.',
  ticket_expired_code: 'This sign-in link has expired.',
  ticket_invalid_code: 'Clerk did not recognise this sign-in link.',
  user_banned: 'The user is banned at Clerk, so nobody can sign in as them.',
  too_many_requests: 'Clerk refused the sign-in: too many sign-in attempts from this computer (Clerk allows 5 per 10 seconds). Start it again in a moment.',
};

/** What to tell the operator when Clerk refused the ticket in the window. */
export function ticketErrorText(problem: Extract<PageProblem, { kind: 'ticket-error' }>): string {
  const known = (problem.code && PLAIN[problem.code]) || (problem.status === 429 ? PLAIN['too_many_requests'] : undefined);
  const plain = known ?? `Clerk refused the sign-in link (status ${problem.status}).`;
  const clerkSays = problem.message && !plain.includes(problem.message) ? ` Clerk: “${problem.message}”` : '';
  return `${plain}${clerkSays} The impersonation was ended; start a new one if needed.`;
}
