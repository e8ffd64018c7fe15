// The on-disk shape of the impersonation history. Every object is strict: there is no field a token,
// a ticket URL or a key could be put in, and unknown fields are refused rather than dropped.
import { z } from 'zod';
import { ledgerStatusSchema } from '../../shared/contract.ts';
import type { EndReason, LedgerEntry, LedgerStatus } from '../../shared/domain.ts';
import type { Migration } from '../storage/open-document.ts';

export const TERMINAL_STATUSES: readonly LedgerStatus[] = ['ended', 'revoked', 'expired', 'failed'];

export function isTerminal(status: LedgerStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

const endReasons = [
  'operator',
  'end-all',
  'window-closed',
  'session-cap',
  'token-expired',
  'app-quit',
  'recovery',
  'verification-failed',
  'open-failed',
  'revoked-token',
  'sign-in-timeout',
  'ticket-error',
  'ended-at-clerk',
] as const satisfies readonly EndReason[];

const ref = z.string().min(1).max(128);
const name = z.string().max(200);
const time = z.number().int().nonnegative();
const seconds = z.number().int().positive().max(30 * 24 * 3600);

export const subjectSchema = z.strictObject({ id: ref, name, email: z.string().max(320).nullable() });
export const operatorSchema = z.strictObject({ clerkUserId: ref, osUser: z.string().max(200) });
export const endedBySchema = z.strictObject({ reason: z.enum(endReasons), by: z.string().max(200) });

/** What the caller knows before minting. */
export const newEntrySchema = z.strictObject({
  profileId: ref,
  profileName: name,
  production: z.boolean(),
  subject: subjectSchema,
  operator: operatorSchema,
  reason: z.string().max(1000),
  tokenTtlSeconds: seconds,
  sessionMaxSeconds: seconds,
  readOnly: z.boolean(),
});

/** What may change after `begin`. */
export const patchSchema = z.strictObject({
  status: ledgerStatusSchema.optional(),
  actorTokenId: ref.nullable().optional(),
  /** Narrowed once Clerk answered the mint, widened if an unanswered one ended later than expected. */
  tokenExpiresAt: time.optional(),
  sessionId: ref.nullable().optional(),
  acceptedAt: time.nullable().optional(),
  endedAt: time.nullable().optional(),
  endedBy: endedBySchema.nullable().optional(),
  error: z.string().max(2000).nullable().optional(),
});

export const entrySchema = z.strictObject({
  id: ref,
  actorTokenId: ref.nullable(),
  ...newEntrySchema.shape,
  createdAt: time,
  tokenExpiresAt: time,
  status: ledgerStatusSchema,
  sessionId: ref.nullable(),
  acceptedAt: time.nullable(),
  endedAt: time.nullable(),
  endedBy: endedBySchema.nullable(),
  error: z.string().max(2000).nullable(),
});

/** Archives hold finished entries only: they are written once and never change. */
const archivedEntrySchema = entrySchema.refine((entry) => isTerminal(entry.status), 'an archived entry must be finished');

/** Names of archive documents: `<head name>-archive-<sequence>`. */
export const ARCHIVE_NAME = /^[A-Za-z0-9_-]+-archive-(\d{6,})$/;

export const headSchema = z.strictObject({
  version: z.literal(1),
  /** Archive document names, oldest first. */
  archives: z.array(z.string().regex(ARCHIVE_NAME)),
  /** Every unfinished entry, plus the finished ones not yet archived. */
  entries: z.array(entrySchema),
});

export const archiveSchema = z.strictObject({
  version: z.literal(1),
  entries: z.array(archivedEntrySchema),
});

export type HeadDocument = z.infer<typeof headSchema>;
export type ArchiveDocument = z.infer<typeof archiveSchema>;

/**
 * Version 0 (the first release's shape): `{ entries }` without a version field, and entries
 * without `readOnly` (every session was full access then).
 */
const fromV0: Migration = (doc) => {
  const entries = doc.entries;
  if (!Array.isArray(entries)) throw new Error('entries missing');
  return {
    archives: [],
    entries: entries.map((entry: unknown) =>
      typeof entry === 'object' && entry !== null && !('readOnly' in entry) ? { ...entry, readOnly: false } : entry,
    ),
  };
};

export const headMigrations: readonly Migration[] = [fromV0];
export const archiveMigrations: readonly Migration[] = [(doc) => ({ entries: fromV0(doc).entries })];

// The schema and the shared type must describe the same record.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _entryMatchesDomain: Same<z.infer<typeof entrySchema>, LedgerEntry> = true;
void _entryMatchesDomain;
