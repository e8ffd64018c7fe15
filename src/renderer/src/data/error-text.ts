// Every failure main reports, in plain words with the next step, keyed by its kind: screens show
// this where the agent acted instead of a raw message.
import type { AppErrorData, ErrorKind } from '../../../shared/errors.ts';

export interface ErrorText {
  title: string;
  /** Main's own message: already written for an agent, and never carries a secret. */
  detail: string | null;
  next: string;
  /** Per-field messages (invalid-input), by field path. */
  fields: Record<string, string>;
}

const TEXT: Record<ErrorKind, { title: string; next: string }> = {
  'invalid-input': { title: 'Some details need fixing', next: 'Correct the marked fields and try again.' },
  'forbidden-sender': { title: 'Request refused for safety', next: 'Restart Understudy. If it happens again, tell your administrator.' },
  'invalid-key': {
    title: 'Clerk rejected the secret key',
    next: 'Copy the secret key again from the Clerk Dashboard (Configure → API keys) and check it belongs to this instance.',
  },
  'not-found': { title: 'Not found in Clerk', next: 'It may have been deleted. Refresh and try again.' },
  validation: { title: 'Clerk refused the request', next: 'Check the values and try again.' },
  quota: {
    title: 'Impersonation is not available',
    next: 'This Clerk plan does not include impersonation, or this month’s quota is used up. Ask whoever manages your Clerk account.',
  },
  'rate-limited': { title: 'Clerk is limiting requests', next: 'Wait a moment and try again.' },
  network: { title: 'Could not reach Clerk', next: 'Check your internet connection or VPN, then try again.' },
  ambiguous: {
    title: 'The token may exist',
    next: 'Clerk did not confirm whether it created the token. It is recorded in the history as unknown and expires on its own; check Token history before trying again.',
  },
  'keychain-unavailable': {
    title: 'No keychain available',
    next: 'Understudy keeps secret keys only in the system keychain. Start or install it (on Linux: GNOME Keyring or KWallet), then try again. Nothing was saved.',
  },
  'keychain-denied': { title: 'The keychain refused access', next: 'Unlock your keychain or allow Understudy to use it, then try again.' },
  policy: { title: 'Not allowed by this instance’s policy', next: 'The policy is in Settings (Ctrl+4), section Policy; every change to it is recorded in the history.' },
  'audit-unreachable': {
    title: 'Your organisation’s audit log cannot be reached',
    next: 'Settings (Ctrl+4), section Audit delivery, shows what is waiting and the last error; start again once it says Up to date.',
  },
  conflict: { title: 'That is no longer possible', next: 'It changed in the meantime. Refresh and try again.' },
  internal: { title: 'Something went wrong', next: 'Try again. If it keeps happening, restart Understudy.' },
};

/** Main's wording for a 5xx answer (src/main/clerk/errors.ts): Clerk was reached and failed. */
const SERVER_ERROR = /server (problem|error) \(status 5\d\d\)/;

/** "30 seconds", "2 minutes". */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 90) return `${whole} second${whole === 1 ? '' : 's'}`;
  const minutes = Math.ceil(whole / 60);
  return `${minutes} minutes`;
}

export function describeError(error: AppErrorData): ErrorText {
  const text = TEXT[error.kind] ?? TEXT.internal;
  let title = text.title;
  let next = text.next;
  let detail = error.message.trim() && error.message.trim() !== text.title ? error.message.trim() : null;
  if (error.kind === 'rate-limited') {
    // Main's message only repeats the title and the wait: say the wait once, in words.
    detail = null;
    if (error.retryAfterSeconds !== undefined) next = `Try again in ${formatWait(error.retryAfterSeconds)}.`;
  }
  if (error.kind === 'network' && SERVER_ERROR.test(error.message)) {
    // Clerk answered, with a 5xx: the connection is fine, so no advice about it or a VPN.
    title = 'Clerk had a server problem';
    next = 'This is on Clerk’s side, not your connection. Try again in a moment.';
  }
  const fields: Record<string, string> = {};
  for (const issue of error.issues ?? []) fields[issue.path] ??= issue.message;
  return { title, detail, next, fields };
}
