// The OS keychain as the credentials module needs it. The adapter is keytar (keytar-keychain.ts);
// keys live under one service name, account = profile id.

export interface KeychainEntry {
  account: string;
  secret: string;
}

export interface Keychain {
  readonly service: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  list(): Promise<KeychainEntry[]>;
}

/** The documented service name IT provisions keys under (see README). Tests use their own. */
export const KEYCHAIN_SERVICE = 'Understudy Clerk Secret Keys';
/** Where IT provisions audit webhook signing secrets (account = the policy's `secretKeychain`). */
export const AUDIT_SECRETS_SERVICE = 'Understudy Audit Webhook Secrets';
