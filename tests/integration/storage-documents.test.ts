// The electron-store adapter and openDocument on real files in a temp folder.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createElectronStoreDocuments } from '../../src/main/electron/electron-store-document.ts';
import type { DocumentStoreFactory } from '../../src/main/storage/document-store.ts';
import { openDocument, type OpenDocumentOptions } from '../../src/main/storage/open-document.ts';
import { AppError } from '../../src/shared/errors.ts';

let dir: string;
let documents: DocumentStoreFactory;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'understudy-storage-'));
  documents = createElectronStoreDocuments(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2025, 5, 1, 12, 30, 45, 123);
const STAMP = '2025-06-01T12-30-45.123Z';

// Version 2 of a toy document: v0 had `name`, v1 renamed it to `title`, v2 added `tags`.
const schema = z.strictObject({ version: z.literal(2), title: z.string(), tags: z.array(z.string()) });
type Doc = z.infer<typeof schema>;
const options: OpenDocumentOptions<Doc> = {
  schema,
  migrations: [
    ({ name, ...rest }) => ({ ...rest, title: name }),
    (doc) => ({ ...doc, tags: [] }),
  ],
  empty: () => ({ version: 2, title: '', tags: [] }),
  now: () => NOW,
  label: 'test document',
};

const files = () => readdirSync(dir).sort();

describe('electron-store documents', () => {
  it('reads undefined before the first write, then the whole document, as a private file', () => {
    const store = documents('notes');
    expect(store.path).toBe(join(dir, 'notes.json'));
    expect(store.read()).toBeUndefined();
    expect(files()).toEqual([]);
    store.write({ version: 2, title: 'a', tags: ['x'] });
    expect(store.read()).toEqual({ version: 2, title: 'a', tags: ['x'] });
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ version: 2, title: 'a', tags: ['x'] });
    store.write({ version: 2, title: 'b', tags: [] });
    expect(documents('notes').read()).toEqual({ version: 2, title: 'b', tags: [] });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(files()).toEqual(['notes.json']);
  });

  it('keeps keys with dots and reserved-looking names as they are', () => {
    const store = documents('keys');
    store.write({ 'a.b': 1, nested: { 'c.d': [1, 2] } });
    expect(documents('keys').read()).toEqual({ 'a.b': 1, nested: { 'c.d': [1, 2] } });
  });

  it('throws a SyntaxError on unreadable JSON without quoting the file, and never clears it', () => {
    const store = documents('broken');
    writeFileSync(store.path, '{"secret": "sk_live_abc", oops');
    expect(() => store.read()).toThrow(SyntaxError);
    try {
      store.read();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/sk_live/);
    }
    writeFileSync(join(dir, 'array.json'), '[1,2,3]');
    expect(() => documents('array').read()).toThrow(SyntaxError);
    expect(readFileSync(store.path, 'utf8')).toBe('{"secret": "sk_live_abc", oops');
    expect(readFileSync(join(dir, 'array.json'), 'utf8')).toBe('[1,2,3]');
  });

  it('refuses to write anything but an object and refuses names that are paths', () => {
    expect(() => documents('x').write([1])).toThrow(TypeError);
    expect(() => documents('x').write(null)).toThrow(TypeError);
    expect(() => documents('../escape')).toThrow(TypeError);
    expect(() => documents('a/b')).toThrow(TypeError);
    expect(() => createElectronStoreDocuments('relative/dir')).toThrow(TypeError);
  });

  it('removes temp files a killed process left behind, and leaves none of its own', () => {
    const stale = join(dir, 'notes.json.tmp-1234567890abcdef');
    writeFileSync(stale, '{"half":');
    writeFileSync(join(dir, 'notes.json.tmp-keep-me'), 'not ours');
    const fresh = createElectronStoreDocuments(dir);
    expect(existsSync(stale)).toBe(false);
    for (let i = 0; i < 50; i++) fresh('notes').write({ i });
    expect(files()).toEqual(['notes.json', 'notes.json.tmp-keep-me']);
  });
});

describe('openDocument', () => {
  it('starts empty when the file is missing, without creating it', () => {
    const opened = openDocument(documents('doc'), options);
    expect(opened).toEqual({ value: { version: 2, title: '', tags: [] }, notice: null, state: 'new' });
    expect(files()).toEqual([]);
  });

  it('loads the current version as it is', () => {
    documents('doc').write({ version: 2, title: 'kept', tags: ['a'] });
    expect(openDocument(documents('doc'), options)).toEqual({ value: { version: 2, title: 'kept', tags: ['a'] }, notice: null, state: 'loaded' });
  });

  it('moves garbage bytes aside with a timestamp, byte for byte, and starts afresh with a notice', () => {
    const garbage = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x0a, 0xc3, 0x28, 0x9f]);
    writeFileSync(join(dir, 'doc.json'), garbage);
    const opened = openDocument(documents('doc'), options);
    const backup = join(dir, `doc.corrupt-${STAMP}.json`);
    expect(opened.state).toBe('moved-aside');
    expect(opened.value).toEqual(options.empty());
    expect(opened.notice).toContain(backup);
    expect(opened.notice).toMatch(/not valid JSON/);
    expect(opened.notice).toMatch(/nothing was deleted/);
    expect(readFileSync(backup).equals(garbage)).toBe(true);
    expect(files()).toEqual([`doc.corrupt-${STAMP}.json`]);

    // The fresh document works, and a second damaged file in the same millisecond gets its own name.
    documents('doc').write({ version: 2, title: 'new', tags: [] });
    expect(openDocument(documents('doc'), options).value.title).toBe('new');
    writeFileSync(join(dir, 'doc.json'), 'also broken');
    expect(openDocument(documents('doc'), options).notice).toContain(`doc.corrupt-${STAMP}-2.json`);
    expect(readFileSync(backup).equals(garbage)).toBe(true);
  });

  it('moves aside valid JSON with the wrong shape or an unreadable version', () => {
    const text = JSON.stringify({ version: 2, title: 42, tags: 'nope' });
    writeFileSync(join(dir, 'doc.json'), text);
    const opened = openDocument(documents('doc'), options);
    expect(opened.state).toBe('moved-aside');
    expect(opened.notice).toMatch(/expected shape/);
    expect(readFileSync(join(dir, `doc.corrupt-${STAMP}.json`), 'utf8')).toBe(text);

    writeFileSync(join(dir, 'doc.json'), JSON.stringify({ version: 'two', title: 'x', tags: [] }));
    expect(openDocument(documents('doc'), options).notice).toMatch(/format version/);
    writeFileSync(join(dir, 'doc.json'), '"just a string"');
    expect(openDocument(documents('doc'), options).state).toBe('moved-aside');
  });

  it('migrates older versions step by step, keeps a backup copy, and writes the result back', () => {
    const v0 = JSON.stringify({ name: 'old title' });
    writeFileSync(join(dir, 'doc.json'), v0);
    const opened = openDocument(documents('doc'), options);
    expect(opened).toEqual({ value: { version: 2, title: 'old title', tags: [] }, notice: null, state: 'migrated' });
    expect(JSON.parse(readFileSync(join(dir, 'doc.json'), 'utf8'))).toEqual({ version: 2, title: 'old title', tags: [] });
    expect(readFileSync(join(dir, `doc.v0-backup-${STAMP}.json`), 'utf8')).toBe(v0);

    writeFileSync(join(dir, 'doc.json'), JSON.stringify({ version: 1, title: 'one' }));
    expect(openDocument(documents('doc'), options).value).toEqual({ version: 2, title: 'one', tags: [] });
    expect(openDocument(documents('doc'), options).state).toBe('loaded');
  });

  it('moves aside a document a migration cannot make sense of', () => {
    writeFileSync(join(dir, 'doc.json'), JSON.stringify({ version: 0, unrelated: true }));
    const opened = openDocument(documents('doc'), options);
    expect(opened.state).toBe('moved-aside');
    expect(existsSync(join(dir, `doc.corrupt-${STAMP}.json`))).toBe(true);
  });

  it('leaves a file from a newer version untouched and says why', () => {
    const text = JSON.stringify({ version: 3, title: 'future', tags: [], extra: 1 });
    writeFileSync(join(dir, 'doc.json'), text);
    let error: unknown;
    try {
      openDocument(documents('doc'), options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('conflict');
    expect((error as AppError).message).toMatch(/newer version of Understudy \(format 3; this version reads up to format 2\)/);
    expect(readFileSync(join(dir, 'doc.json'), 'utf8')).toBe(text);
    expect(files()).toEqual(['doc.json']);
  });

  it('never wipes a damaged file it cannot move aside', () => {
    writeFileSync(join(dir, 'doc.json'), 'broken');
    chmodSync(dir, 0o500);
    try {
      if (process.getuid?.() === 0) return; // root ignores folder permissions
      expect(() => openDocument(documents('doc'), options)).toThrow(/could not be moved aside/);
    } finally {
      chmodSync(dir, 0o700);
    }
    expect(readFileSync(join(dir, 'doc.json'), 'utf8')).toBe('broken');
  });
});
