// The settings document: what Understudy knows about each instance besides its key. It cannot hold
// a key: every field is checked on read and before every write, and `keyHint` must look like a hint.
import { z } from 'zod';
import { policySchema } from '../../shared/contract.ts';
import { MAX_APP_ORIGINS } from '../impersonation/app-origins.ts';
import { isRecord, type Migration } from '../storage/open-document.ts';

/** Profile ids double as keychain accounts: the contract's id alphabet. */
export const PROFILE_ID = /^[A-Za-z0-9_-]{1,128}$/;

const hintSchema = z.string().regex(/^(sk_(test|live)_)?…[A-Za-z0-9_-]{0,4}$/, 'not a key hint');

export const storedProfileSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  kind: z.enum(['clerk', 'sandbox']),
  production: z.boolean(),
  keyHint: hintSchema,
  apiUrl: z.url({ protocol: /^https?$/ }),
  operator: z.strictObject({ userId: z.string().min(1).max(128), name: z.string().max(200) }).nullable(),
  policy: policySchema,
  /** Normalised by `parseAppOrigins` before it is stored. */
  appOrigins: z.array(z.url({ protocol: /^http$/ })).max(MAX_APP_ORIGINS),
});
export type StoredProfile = z.infer<typeof storedProfileSchema>;

export const settingsSchema = z.strictObject({
  version: z.literal(2),
  activeProfileId: z.string().regex(PROFILE_ID).nullable(),
  profiles: z.record(z.string().regex(PROFILE_ID), storedProfileSchema),
});
export type Settings = z.infer<typeof settingsSchema>;

export const emptySettings = (): Settings => ({ version: 2, activeProfileId: null, profiles: {} });

export const settingsMigrations: readonly Migration[] = [
  // Version 0 is a file without a version (or an empty one): fill in what is missing.
  (doc) => ({ activeProfileId: null, profiles: {}, ...doc }),
  // Version 2 adds each profile's app origins: none until the agent lists some.
  (doc) => ({ ...doc, profiles: mapRecord(doc.profiles, (profile) => ({ appOrigins: [], ...profile })) }),
];

/** Applies `change` to each object value of a record; anything else is left for the schema to refuse. */
function mapRecord(value: unknown, change: (item: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isRecord(item) ? change(item) : item]));
}

