// The sandbox's user model and its Backend API shape (`User` in the spec, snake_case, every
// required field present). `linked_to` and `object` matter: @clerk/backend crashes or returns raw
// JSON without them.

export interface SandboxEmail {
  id: string;
  address: string;
  verified: boolean;
  createdAt: number;
}

export interface SandboxPhone {
  id: string;
  number: string;
  createdAt: number;
}

export interface SandboxUser {
  id: string;
  externalId: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  /** The first entry is the primary address. */
  emails: SandboxEmail[];
  phones: SandboxPhone[];
  hasImage: boolean;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  banned: boolean;
  locked: boolean;
  lockoutExpiresInSeconds: number | null;
  passwordEnabled: boolean;
  twoFactorEnabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
  lastActiveAt: number | null;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Avatars are served by the customer app so that no remote host is ever contacted. */
export function avatarUrl(appUrl: string, userId: string): string {
  return `${appUrl}/avatars/${encodeURIComponent(userId)}.svg`;
}

function emailJson(email: SandboxEmail, isPrimary: boolean): Json {
  // Primary addresses were verified by a code; extra ones were added by an admin or are still pending.
  const verification: Json = email.verified
    ? isPrimary
      ? { object: 'verification_otp', status: 'verified', strategy: 'email_code', attempts: 1, expire_at: email.createdAt + 600_000 }
      : { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expire_at: null }
    : { object: 'verification_otp', status: 'unverified', strategy: 'email_code', attempts: 0, expire_at: email.createdAt + 600_000 };
  return {
    id: email.id,
    object: 'email_address',
    email_address: email.address,
    reserved: false,
    verification,
    linked_to: [],
    matches_sso_connection: false,
    created_at: email.createdAt,
    updated_at: email.createdAt,
  };
}

function phoneJson(phone: SandboxPhone): Json {
  return {
    id: phone.id,
    object: 'phone_number',
    phone_number: phone.number,
    reserved_for_second_factor: false,
    default_second_factor: false,
    reserved: false,
    verification: { object: 'verification_otp', status: 'verified', strategy: 'phone_code', attempts: 1, expire_at: phone.createdAt + 600_000 },
    linked_to: [],
    backup_codes: null,
    created_at: phone.createdAt,
    updated_at: phone.createdAt,
  };
}

export function userJson(user: SandboxUser, appUrl: string): Json {
  const image = avatarUrl(appUrl, user.id);
  return {
    id: user.id,
    object: 'user',
    external_id: user.externalId,
    primary_email_address_id: user.emails[0]?.id ?? null,
    primary_phone_number_id: user.phones[0]?.id ?? null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    locale: null,
    profile_image_url: image,
    image_url: image,
    has_image: user.hasImage,
    public_metadata: user.publicMetadata as Json,
    private_metadata: user.privateMetadata as Json,
    unsafe_metadata: {},
    email_addresses: user.emails.map((email, index) => emailJson(email, index === 0)),
    phone_numbers: user.phones.map(phoneJson),
    web3_wallets: [],
    passkeys: [],
    password_enabled: user.passwordEnabled,
    two_factor_enabled: user.twoFactorEnabled,
    totp_enabled: user.twoFactorEnabled,
    backup_code_enabled: user.twoFactorEnabled,
    mfa_enabled_at: user.twoFactorEnabled ? user.createdAt : null,
    mfa_disabled_at: null,
    password_last_updated_at: user.passwordEnabled ? user.createdAt : null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: user.lastSignInAt,
    banned: user.banned,
    locked: user.locked,
    deprovisioned: false,
    lockout_expires_in_seconds: user.lockoutExpiresInSeconds,
    verification_attempts_remaining: user.locked ? 0 : 100,
    updated_at: user.updatedAt,
    created_at: user.createdAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_active_at: user.lastActiveAt,
    legal_accepted_at: null,
    bypass_client_trust: false,
  };
}

export function displayName(user: SandboxUser): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return name || user.username || user.emails[0]?.address || user.phones[0]?.number || user.id;
}
