// Deterministic seed data: a handful of well-known fixture users (newest, so they top the default
// listing) followed by generated users. Identities depend only on the seed; timestamps are relative
// to the clock at start (inject `now` for byte-identical data).
import { seededId } from './ids.ts';
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, PLANS } from './names.ts';
import { createRandom, type Random } from './prng.ts';
import type { SandboxEmail, SandboxUser } from './users.ts';

/** Users every test can rely on, whatever the seed and user count. */
export const SANDBOX_FIXTURES = {
  /** Morgan Reyes, a support agent (`public_metadata.role: "support"`): the usual actor `sub`. */
  operator: 'user_2sbxOperatorMorganReyes0000',
  /** Grace Hopper, `public_metadata.role: "admin"`, two email addresses. */
  admin: 'user_2sbxAdminGraceHopper0000000',
  /** Mallory Banks, banned: her tickets are refused at sign-in. */
  banned: 'user_2sbxBannedMalloryBanks00000',
  /** Larry Locke, locked out (`locked: true`, lockout_expires_in_seconds 1800). */
  locked: 'user_2sbxLockedLarryLocke0000000',
  /** Ordinary customers: Ada Lovelace (3 emails + phone), Alan Turing, Katherine Johnson. */
  plain: ['user_2sbxPlainAdaLovelace0000000', 'user_2sbxPlainAlanTuring00000000', 'user_2sbxPlainKatherineJohnson00'],
  /** No name and no email: only a username and a phone number. */
  phoneOnly: 'user_2sbxPhoneOnlyUser0000000000',
  /** Markup and quotes in every name field, for escaping tests. */
  hostile: 'user_2sbxHostileNames00000000000',
} as const;

interface FixtureProfile {
  id: string;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  emails: string[];
  phones: string[];
  publicMetadata: Record<string, unknown>;
  banned?: boolean;
  locked?: boolean;
  /** Fixtures with a normal (non-impersonated) active session at start. */
  signedIn?: boolean;
}

/** Names and addresses of the fixtures, for tests that search by them. */
export const FIXTURE_PROFILES: readonly FixtureProfile[] = [
  {
    id: SANDBOX_FIXTURES.operator, firstName: 'Morgan', lastName: 'Reyes', username: 'morgan.support',
    emails: ['morgan.reyes@understudy.example'], phones: [], publicMetadata: { role: 'support' },
  },
  {
    id: SANDBOX_FIXTURES.admin, firstName: 'Grace', lastName: 'Hopper', username: 'grace',
    emails: ['grace.hopper@acme.example', 'grace@hopper.example'], phones: [],
    publicMetadata: { role: 'admin', plan: 'enterprise' }, signedIn: true,
  },
  {
    id: SANDBOX_FIXTURES.banned, firstName: 'Mallory', lastName: 'Banks', username: 'mallory',
    emails: ['mallory@globex.example'], phones: [], publicMetadata: { role: 'member', plan: 'free' }, banned: true,
  },
  {
    id: SANDBOX_FIXTURES.locked, firstName: 'Larry', lastName: 'Locke', username: 'larry.locke',
    emails: ['larry.locke@initech.example'], phones: [], publicMetadata: { role: 'member', plan: 'pro' }, locked: true,
  },
  {
    id: SANDBOX_FIXTURES.plain[0], firstName: 'Ada', lastName: 'Lovelace', username: 'ada',
    emails: ['ada@analytical.example', 'ada.lovelace@example.com', 'countess@example.org'], phones: ['+15555550101'],
    publicMetadata: { role: 'member', plan: 'pro' }, signedIn: true,
  },
  {
    id: SANDBOX_FIXTURES.plain[1], firstName: 'Alan', lastName: 'Turing', username: 'alan.turing',
    emails: ['alan.turing@bletchley.example'], phones: [], publicMetadata: { role: 'member', plan: 'team' }, signedIn: true,
  },
  {
    id: SANDBOX_FIXTURES.plain[2], firstName: 'Katherine', lastName: 'Johnson', username: 'kjohnson',
    emails: ['katherine.johnson@langley.example'], phones: [], publicMetadata: { role: 'member', plan: 'free' },
  },
  {
    id: SANDBOX_FIXTURES.phoneOnly, firstName: null, lastName: null, username: 'quiet_quokka',
    emails: [], phones: ['+15555550199'], publicMetadata: {},
  },
  {
    id: SANDBOX_FIXTURES.hostile, firstName: '<img src=x onerror="alert(1)">', lastName: `O'Brien & "Sons" </script>`,
    username: 'hostile_names', emails: ['hostile+names@hostile.example'], phones: [],
    publicMetadata: { role: '<script>alert(1)</script>' },
  },
];

export interface SeedOptions {
  /** Total users including fixtures (fixtures are always present). */
  count: number;
  seed: number | string;
  /** Clock reading at start, in ms: timestamps are laid out before it. */
  anchor: number;
}

export interface SeedSession {
  userId: string;
  createdAt: number;
}

export interface SeedData {
  /** Newest first: the default `-created_at` order. */
  users: SandboxUser[];
  /** Ordinary (non-impersonated) sessions that are active at start. */
  sessions: SeedSession[];
}

const DAY = 86_400_000;

const slugs = new Map<string, string>();
/** "Nuñez" → "nunez", "O'Connor" → "oconnor": names as they appear in email addresses. */
function asciiSlug(text: string): string {
  let slug = slugs.get(text);
  if (slug === undefined) {
    slug = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
    slugs.set(text, slug);
  }
  return slug;
}

function fixtureUser(profile: FixtureProfile, createdAt: number, anchor: number, random: Random): SandboxUser {
  const lastSignInAt = anchor - random.int(1, 48) * 3_600_000;
  return {
    id: profile.id,
    externalId: null,
    username: profile.username,
    firstName: profile.firstName,
    lastName: profile.lastName,
    emails: profile.emails.map((address, index) => ({
      id: seededId('idn', random),
      address,
      verified: index < 2,
      createdAt: createdAt + index * 60_000,
    })),
    phones: profile.phones.map((number) => ({ id: seededId('idn', random), number, createdAt })),
    hasImage: profile.firstName !== null,
    publicMetadata: profile.publicMetadata,
    privateMetadata: {},
    banned: profile.banned ?? false,
    locked: profile.locked ?? false,
    lockoutExpiresInSeconds: profile.locked ? 1800 : null,
    passwordEnabled: true,
    twoFactorEnabled: false,
    createdAt,
    updatedAt: lastSignInAt,
    lastSignInAt,
    lastActiveAt: lastSignInAt + 600_000,
  };
}

// Templates are chosen by index so only the chosen string is built (this runs 100,000 times).
function primaryLocalPart(first: string, last: string, template: number): string {
  switch (template) {
    case 0: return `${first}.${last}`;
    case 1: return first + last;
    case 2: return first.charAt(0) + last;
    default: return `${first}_${last}`;
  }
}

function extraLocalPart(first: string, last: string, random: Random): string {
  switch (random.int(0, 3)) {
    case 0: return first;
    case 1: return `${last}.${first}`;
    case 2: return `${first}.work`;
    default: return first + random.int(1, 99);
  }
}

function usernameBase(first: string, last: string, template: number): string {
  switch (template) {
    case 0: return first + last;
    case 1: return `${first}_${last}`;
    case 2: return `${first}.${last.charAt(0)}`;
    default: return last + first.charAt(0);
  }
}

export function generateSeed(options: SeedOptions): SeedData {
  const random = createRandom(options.seed);
  const { anchor } = options;
  const users: SandboxUser[] = [];
  const sessions: SeedSession[] = [];
  const takenEmails = new Set<string>();
  const takenUsernames = new Set<string>();
  const takenPhones = new Set<string>();

  FIXTURE_PROFILES.forEach((profile, index) => {
    const user = fixtureUser(profile, anchor - DAY - index * 3_600_000, anchor, random);
    users.push(user);
    user.emails.forEach((email) => takenEmails.add(email.address));
    if (user.username) takenUsernames.add(user.username);
    user.phones.forEach((phone) => takenPhones.add(phone.number));
    if (profile.signedIn) sessions.push({ userId: user.id, createdAt: anchor - random.int(5, 180) * 60_000 });
  });

  // Generated users are spread over three years, strictly older than the fixtures and each other.
  const generated = Math.max(0, options.count - users.length);
  const averageGap = Math.max(2, Math.floor((3 * 365 * DAY) / Math.max(1, generated)));
  let createdAt = anchor - 2 * DAY;
  for (let index = 0; index < generated; index++) {
    createdAt -= random.int(Math.ceil(averageGap / 2), averageGap + Math.floor(averageGap / 2));
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const firstSlug = asciiSlug(first);
    const lastSlug = asciiSlug(last);

    const emailCount = random.chance(0.7) ? 1 : random.chance(0.75) ? 2 : 3;
    const emails: SandboxEmail[] = [];
    for (let emailIndex = 0; emailIndex < emailCount; emailIndex++) {
      const local = emailIndex === 0 ? primaryLocalPart(firstSlug, lastSlug, random.int(0, 3)) : extraLocalPart(firstSlug, lastSlug, random);
      const domain = random.pick(EMAIL_DOMAINS);
      let address = `${local}@${domain}`;
      for (let suffix = 2; takenEmails.has(address); suffix++) address = `${local}${suffix}@${domain}`;
      takenEmails.add(address);
      emails.push({ id: seededId('idn', random), address, verified: emailIndex === 0 || random.chance(0.6), createdAt: createdAt + emailIndex * DAY });
    }

    let username: string | null = null;
    if (random.chance(0.7)) {
      const base = usernameBase(firstSlug, lastSlug, random.int(0, 3));
      username = base;
      for (let suffix = random.int(1, 99); takenUsernames.has(username); suffix++) username = `${base}${suffix}`;
      takenUsernames.add(username);
    }

    // 555-01xx numbers are reserved for fiction in the North American plan.
    const phones = [];
    if (random.chance(0.3)) {
      const number = `+1${random.int(201, 989)}55501${String(random.int(0, 99)).padStart(2, '0')}`;
      if (!takenPhones.has(number)) {
        takenPhones.add(number);
        phones.push({ id: seededId('idn', random), number, createdAt });
      }
    }

    const signedInEver = random.chance(0.85);
    const lastSignInAt = signedInEver ? anchor - Math.floor(random.next() ** 2 * (anchor - createdAt)) : null;
    const lastActiveAt = lastSignInAt === null ? null : Math.min(anchor, lastSignInAt + random.int(0, 7 * DAY));
    const banned = random.chance(0.02);
    const locked = !banned && random.chance(0.015);
    const roll = random.next();
    const publicMetadata: Record<string, unknown> =
      roll < 0.03 ? { role: 'admin', plan: random.pick(PLANS) } : roll < 0.11 ? {} : { role: 'member', plan: random.pick(PLANS) };

    const id = seededId('user', random);
    users.push({
      id,
      externalId: random.chance(0.15) ? `ext_${random.int(10_000_000, 99_999_999)}` : null,
      username,
      firstName: first,
      lastName: last,
      emails,
      phones,
      hasImage: random.chance(0.6),
      publicMetadata,
      privateMetadata: random.chance(0.2) ? { billing_account: `ba_${random.base62(10)}` } : {},
      banned,
      locked,
      lockoutExpiresInSeconds: locked ? random.int(60, 3600) : null,
      passwordEnabled: random.chance(0.8),
      twoFactorEnabled: random.chance(0.15),
      createdAt,
      updatedAt: Math.max(createdAt, lastActiveAt ?? createdAt),
      lastSignInAt,
      lastActiveAt,
    });
    if (!banned && lastActiveAt !== null && anchor - lastActiveAt < 2 * DAY && random.chance(0.5)) {
      sessions.push({ userId: id, createdAt: Math.max(createdAt, anchor - random.int(1, 47) * 3_600_000) });
    }
  }
  return { users, sessions };
}
