// A test-only DocumentStore over node:fs: the port's contract (undefined when missing, SyntaxError
// when the file is not a JSON object, atomic replace) without electron-store.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore, DocumentStoreFactory } from '../../src/main/storage/document-store.ts';

export function fsDocumentStore(path: string): DocumentStore {
  return {
    path,
    read() {
      if (!existsSync(path)) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        throw new SyntaxError(`${path} is not valid JSON.`); // the content stays out of the message
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError(`${path} does not hold a JSON object.`);
      return value;
    },
    write(value) {
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, path);
    },
  };
}

export function fsDocuments(dir: string): DocumentStoreFactory {
  return (name) => fsDocumentStore(join(dir, `${name}.json`));
}
