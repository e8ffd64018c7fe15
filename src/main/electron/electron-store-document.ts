// The DocumentStore port over electron-store (conf): one JSON file per document name, replaced whole
// on every write through `atomically` (temp file + fsync + rename), so a crash leaves either the old
// or the new document, never half of one. Damaged files are reported, never cleared. Reads parse
// the file directly (see `read`); writes go through electron-store.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import ElectronStore from 'electron-store';
import type { DocumentStore, DocumentStoreFactory } from '../storage/document-store.ts';

/** Names become file names: no separators, no dots up front, nothing a path could be built from. */
const DOCUMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function createElectronStoreDocuments(dir: string): DocumentStoreFactory {
  if (!isAbsolute(dir)) throw new TypeError('The documents folder must be an absolute path.');
  removeStaleTempFiles(dir);
  return (name) => new ElectronStoreDocument(dir, name);
}

class ElectronStoreDocument implements DocumentStore {
  readonly path: string;
  readonly #dir: string;
  readonly #name: string;
  #store: ElectronStore<Record<string, unknown>> | undefined;

  constructor(dir: string, name: string) {
    if (!DOCUMENT_NAME.test(name)) throw new TypeError(`"${name}" is not a valid document name.`);
    this.#dir = dir;
    this.#name = name;
    this.path = join(dir, `${name}.json`);
  }

  read(): unknown {
    // Read directly, with the same parser conf is given: conf would parse the file twice (once to
    // construct, once for `.store`), which doubles the start-up time of a large history, and it
    // reads a missing file as `{}` where the port says "not there yet".
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseObject(text, this.path);
  }

  write(value: unknown): void {
    // conf would silently store anything that is not an object as `{}`.
    if (!isPlainObject(value)) throw new TypeError('A document must be a plain object.');
    this.#open().store = value;
  }

  #open(): ElectronStore<Record<string, unknown>> {
    if (this.#store) return this.#store;
    const path = this.path;
    // Construction reads the file, so a damaged one throws here; the next call tries again (after
    // the caller moved the file aside).
    const store = new ElectronStore<Record<string, unknown>>({
      cwd: this.#dir,
      name: this.#name,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      watch: false,
      // The history names customers and operators: readable by this OS user only.
      configFileMode: 0o600,
      // Compact JSON halves the write time of large documents (measured); nobody edits these by hand.
      serialize: (data) => JSON.stringify(data),
      deserialize: (text) => parseObject(text, path),
    });
    if (store.path !== this.path) throw new Error(`Document store resolved to an unexpected path: ${store.path}`);
    this.#store = store;
    return store;
  }
}

function parseObject(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // JSON.parse quotes the text around the failure; the file's content stays out of messages.
    throw new SyntaxError(`${path} is not valid JSON.`);
  }
  if (!isPlainObject(value)) throw new SyntaxError(`${path} does not hold a JSON object.`);
  return value;
}

/**
 * `atomically` names its temp files `<file>.tmp-<16 hex>` and removes them on a clean exit; a
 * killed process leaves them behind. The app runs as a single instance and writes synchronously,
 * so no write of ours is in flight when the folder is opened.
 */
function removeStaleTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the folder does not exist yet
  }
  for (const name of names) {
    if (/^[A-Za-z0-9][A-Za-z0-9_-]*\.json\.tmp-[0-9a-f]{16}$/.test(name)) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // best effort: a leftover temp file is untidy, not harmful
      }
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
