// The settings document: what Understudy knows about each instance besides its key. It cannot hold
// a key: every field is checked on read and before every write, and `keyHint` must look like a hint.
import { z } from 'zod';
import { policySchema } from '../../shared/contract.ts';
import type { Migration } from '../storage/open-document.ts';

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
});
export type StoredProfile = z.infer<typeof storedProfileSchema>;

export const settingsSchema = z.strictObject({
  version: z.literal(1),
  activeProfileId: z.string().regex(PROFILE_ID).nullable(),
  profiles: z.record(z.string().regex(PROFILE_ID), storedProfileSchema),
});
export type Settings = z.infer<typeof settingsSchema>;

export const emptySettings = (): Settings => ({ version: 1, activeProfileId: null, profiles: {} });

/** Version 0 is a file without a version (or an empty one): fill in what is missing. */
export const settingsMigrations: readonly Migration[] = [(doc) => ({ activeProfileId: null, profiles: {}, ...doc })];
