// Errors cross IPC as plain values, so the renderer can act on the kind (retry later, fix the key…)
// without parsing messages. Messages are written for the support agent and never carry a secret.

export type ErrorKind =
  | 'invalid-input' // the IPC input failed its schema
  | 'forbidden-sender' // the call did not come from the console's own main frame
  | 'invalid-key' // Clerk rejected the secret key (401)
  | 'not-found'
  | 'validation' // Clerk rejected the request (400/422), with Clerk's message
  | 'quota' // impersonation not on the plan (402) or monthly quota used up
  | 'rate-limited' // 429, with retryAfterSeconds
  | 'network' // Clerk unreachable, 5xx, dropped connection, timeout
  | 'ambiguous' // a write may or may not have happened (e.g. mint timed out); recorded as such
  | 'keychain-unavailable' // no Secret Service / keychain
  | 'keychain-denied' // locked or access refused
  | 'policy' // a rule of the profile forbids this
  | 'audit-unreachable' // the organisation requires audit delivery and its audit log cannot be reached
  | 'conflict' // state does not allow it (e.g. revoking an accepted token)
  | 'internal';

export interface AppErrorData {
  kind: ErrorKind;
  message: string;
  retryAfterSeconds?: number;
  /** Per-field messages for `invalid-input`. */
  issues?: { path: string; message: string }[];
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly retryAfterSeconds: number | undefined;
  readonly issues: { path: string; message: string }[] | undefined;

  constructor(data: AppErrorData, options?: { cause?: unknown }) {
    super(data.message, options);
    this.name = 'AppError';
    this.kind = data.kind;
    this.retryAfterSeconds = data.retryAfterSeconds;
    this.issues = data.issues;
  }

  toData(): AppErrorData {
    const data: AppErrorData = { kind: this.kind, message: this.message };
    if (this.retryAfterSeconds !== undefined) data.retryAfterSeconds = this.retryAfterSeconds;
    if (this.issues !== undefined) data.issues = this.issues;
    return data;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** What every IPC call resolves to: errors are values, never rejected promises. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };
