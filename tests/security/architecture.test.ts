// The layering rules of ARCHITECTURE.md, checked on the source itself: if a service ever imports
// Electron, or the renderer reaches into main, this fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

const files = sourceFiles('src').map((file) => ({ file: relative('.', file), imports: importsOf(file) }));

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports electron only from main/electron, main/index.ts and the preload', () => {
    const allowed = (file: string) => file.startsWith('src/main/electron/') || file === 'src/main/index.ts' || file.startsWith('src/preload/');
    const offenders = files.filter(({ file, imports }) => !allowed(file) && imports.some((spec) => spec === 'electron' || spec.startsWith('electron/') || spec === 'electron-store'));
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('keeps services independent of the Electron adapters', () => {
    const offenders = files.filter(
      ({ file, imports }) =>
        // The two roots wire adapters in: entry.ts (the network, before the app loads) and index.ts.
        file.startsWith('src/main/') && !file.startsWith('src/main/electron/') && !['src/main/index.ts', 'src/main/entry.ts'].includes(file) && imports.some((spec) => /(^|\/)electron\//.test(spec) && spec.startsWith('.')),
    );
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('keeps the renderer to shared code and the browser', () => {
    const offenders = files.filter(
      ({ file, imports }) =>
        file.startsWith('src/renderer/') && imports.some((spec) => spec.startsWith('node:') || spec === 'electron' || /\/(main|preload|sandbox)\//.test(spec)),
    );
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('keeps shared code free of any layer', () => {
    const offenders = files.filter(
      ({ file, imports }) => file.startsWith('src/shared/') && imports.some((spec) => spec.startsWith('node:') || spec === 'electron' || /\/(main|preload|renderer|sandbox)\//.test(spec)),
    );
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('never uses shell.openExternal, remote modules or insecure window options', () => {
    const patterns = [/openExternal\(/, /enableBlinkFeatures/, /webviewTag:\s*true/, /@electron\/remote/, /nodeIntegration:\s*true/, /contextIsolation:\s*false/, /sandbox:\s*false/, /webSecurity:\s*false/, /allowRunningInsecureContent:\s*true/, /exposeInMainWorld\([^)]*ipcRenderer/];
    const offenders = files.filter(({ file }) => patterns.some((pattern) => pattern.test(readFileSync(file, 'utf8'))));
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });
});
