// A JSON document on disk, written atomically. The Electron adapter is electron-store
// (src/main/electron/electron-store-document.ts); services only see this port.

export interface DocumentStore {
  /** Absolute path of the backing file (for messages and backups). */
  readonly path: string;
  /**
   * The whole document, or undefined when the file does not exist yet. Throws a `SyntaxError` when
   * the file is not a JSON object (its content is never quoted in the message); other errors are I/O.
   */
  read(): unknown;
  /** Replaces the whole document atomically (write to a temp file, then rename). */
  write(value: unknown): void;
}

/** Opens (or creates) the named document in the app's data folder. */
export type DocumentStoreFactory = (name: string) => DocumentStore;
