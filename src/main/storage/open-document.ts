// Opens a versioned document safely. A damaged file is never deleted or overwritten: it is renamed
// next to itself and the operator is told where. Older formats are upgraded (after a backup copy),
// and a file from a newer app version is left alone so a downgrade cannot destroy it.
import { copyFileSync, constants, existsSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import type { DocumentStore } from './document-store.ts';

/** Upgrades a document from version N (its index in the list) to N + 1. May throw on bad input. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface OpenDocumentOptions<T> {
  /** The current version's shape, including its `version` field. */
  schema: z.ZodType<T>;
  /** migrations[n] turns version n into n + 1; the current version is `migrations.length`. */
  migrations: readonly Migration[];
  empty: () => T;
  now: () => number;
  /** How the operator knows this document, e.g. "impersonation history". */
  label?: string;
}

export interface OpenedDocument<T> {
  value: T;
  /** Something the operator must be told (a damaged file moved aside), or null. */
  notice: string | null;
  state: 'new' | 'loaded' | 'migrated' | 'moved-aside';
}

export function openDocument<T>(store: DocumentStore, options: OpenDocumentOptions<T>): OpenedDocument<T> {
  const label = options.label ?? 'document';
  const current = options.migrations.length;

  let raw: unknown;
  try {
    raw = store.read();
  } catch (error) {
    if (error instanceof SyntaxError) return moveAside(store, options, 'it is not valid JSON');
    throw new AppError({ kind: 'internal', message: `The ${label} at ${store.path} could not be read.` }, { cause: error });
  }
  if (raw === undefined) return { value: options.empty(), notice: null, state: 'new' };
  if (!isRecord(raw)) return moveAside(store, options, 'it does not hold a document');

  const version = raw.version === undefined ? 0 : raw.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return moveAside(store, options, 'its format version is not readable');
  }
  if (version > current) {
    throw new AppError({
      kind: 'conflict',
      message:
        `The ${label} at ${store.path} was written by a newer version of Understudy (format ${version}; ` +
        `this version reads up to format ${current}). It was left untouched: update Understudy to open it.`,
    });
  }

  let doc: Record<string, unknown> = { ...raw, version };
  try {
    for (let from = version; from < current; from++) {
      doc = { ...options.migrations[from]!(doc), version: from + 1 };
    }
  } catch {
    return moveAside(store, options, `it could not be upgraded from format ${version}`);
  }
  const parsed = options.schema.safeParse(doc);
  if (!parsed.success) return moveAside(store, options, 'its content does not have the expected shape');

  if (version === current) return { value: parsed.data, notice: null, state: 'loaded' };
  // A migration that turns out wrong must not have destroyed the only copy.
  copyAside(store, options, `v${version}-backup`);
  store.write(parsed.data);
  return { value: parsed.data, notice: null, state: 'migrated' };
}

function moveAside<T>(store: DocumentStore, options: OpenDocumentOptions<T>, why: string): OpenedDocument<T> {
  const label = options.label ?? 'document';
  const target = freePath(store.path, 'corrupt', options.now());
  try {
    renameSync(store.path, target);
  } catch (error) {
    throw new AppError(
      {
        kind: 'internal',
        message: `The ${label} at ${store.path} could not be read (${why}) and could not be moved aside, so it was left as it is. Move or repair it, then start Understudy again.`,
      },
      { cause: error },
    );
  }
  return {
    value: options.empty(),
    notice:
      `The ${label} could not be read (${why}). The file was moved aside to ${target}, nothing was deleted, ` +
      `and a new, empty ${label} was started.`,
    state: 'moved-aside',
  };
}

function copyAside<T>(store: DocumentStore, options: OpenDocumentOptions<T>, tag: string): void {
  const target = freePath(store.path, tag, options.now());
  try {
    copyFileSync(store.path, target, constants.COPYFILE_EXCL);
  } catch (error) {
    throw new AppError(
      {
        kind: 'internal',
        message: `The ${options.label ?? 'document'} at ${store.path} needs an upgrade, but no backup copy could be made, so it was left as it is.`,
      },
      { cause: error },
    );
  }
}

/** `<name>.<tag>-<ISO time>.json` next to the file; `:` becomes `-` so the name is valid on Windows too. */
export function asidePath(path: string, tag: string, time: number): string {
  const extension = extname(path) || '.json';
  const name = basename(path, extname(path));
  const stamp = new Date(time).toISOString().replaceAll(':', '-');
  return join(dirname(path), `${name}.${tag}-${stamp}${extension}`);
}

function freePath(path: string, tag: string, time: number): string {
  const first = asidePath(path, tag, time);
  if (!existsSync(first)) return first;
  for (let n = 2; ; n++) {
    const candidate = first.replace(/(\.[^.]*)$/, `-${n}$1`);
    if (!existsSync(candidate)) return candidate;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
