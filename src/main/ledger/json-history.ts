// The history as earlier versions kept it: a JSON "head" document plus immutable archives
// (ledger.json { version, archives, entries } and ledger-archive-NNNNNN.json { version, entries }).
// Only read now, once, to migrate into SQLite (history-db.ts); afterwards the files are renamed
// aside with a `.migrated-<time>` tag, never deleted.
import { existsSync, renameSync } from 'node:fs';
import type { LedgerEntry } from '../../shared/domain.ts';
import type { DocumentStore, DocumentStoreFactory } from '../storage/document-store.ts';
import { asidePath, openDocument } from '../storage/open-document.ts';
import { archiveMigrations, archiveSchema, headMigrations, headSchema } from './ledger-schema.ts';

const LABEL = 'impersonation history';

export interface JsonHistory {
  /** Every readable entry, ascending by creation time. */
  entries: LedgerEntry[];
  /** The files the entries came from (head last), to set aside once imported. */
  stores: DocumentStore[];
  notices: string[];
}

/** Null when there is no JSON history at all (a new install, or already migrated). */
export function readJsonHistory(head: DocumentStore, factory: DocumentStoreFactory | null, now: () => number): JsonHistory | null {
  const notices: string[] = [];
  const opened = openDocument(head, {
    schema: headSchema,
    migrations: headMigrations,
    empty: () => ({ version: 1 as const, archives: [], entries: [] }),
    now,
    label: LABEL,
  });
  if (opened.notice) notices.push(opened.notice);
  if (opened.state === 'new') return null;

  const byId = new Map<string, LedgerEntry>();
  const stores: DocumentStore[] = [];
  for (const archiveName of opened.value.archives) {
    if (!factory) {
      notices.push(`The ${LABEL} at ${head.path} lists archives, which need the document folder to open; only its head was read.`);
      break;
    }
    const store = factory(archiveName);
    const archive = openDocument(store, {
      schema: archiveSchema,
      migrations: archiveMigrations,
      empty: () => ({ version: 1 as const, entries: [] }),
      now,
      label: `${LABEL} archive`,
    });
    if (archive.state === 'new') {
      notices.push(`Part of the ${LABEL} is missing (${store.path}); the entries it held could not be migrated.`);
      continue;
    }
    if (archive.notice) notices.push(archive.notice);
    if (archive.state === 'moved-aside') continue;
    stores.push(store);
    for (const entry of archive.value.entries) byId.set(entry.id, entry);
  }
  // The head wins over an archive (a hand-restored archive could repeat entries).
  for (const entry of opened.value.entries) byId.set(entry.id, entry);
  if (opened.state !== 'moved-aside') stores.push(head);
  const entries = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  return { entries, stores, notices };
}

/** Renames imported files to `<name>.migrated-<time>.json`; returns the new paths. Memory stores stay. */
export function setAside(stores: DocumentStore[], time: number): string[] {
  const moved: string[] = [];
  for (const store of stores) {
    if (!existsSync(store.path)) continue;
    const target = asidePath(store.path, 'migrated', time);
    renameSync(store.path, target);
    moved.push(target);
  }
  return moved;
}
