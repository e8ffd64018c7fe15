// `npm start` / `npm run dev` on a fresh clone: the Electron binary is made present before
// electron-vite looks for it, and a skipped download says so in one line, never "Electron uninstall".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SKIPPED_MESSAGE, isElectronBinaryPresent, setupDecision } from '../../scripts/ensure-electron.mjs';

const script = join(process.cwd(), 'scripts/ensure-electron.mjs');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A stand-in electron package whose install.js behaves like Electron's: writes dist/ and path.txt, counts runs. */
function fakeElectronPackage(installWorks: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-electron-pkg-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'install.js'),
    `const fs = require('fs'), path = require('path');
     fs.appendFileSync(path.join(__dirname, 'runs'), 'x');
     if (!${installWorks}) { console.error('fetch failed'); process.exit(1); }
     fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
     fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '');
     fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');`,
  );
  return dir;
}

function run(packageDir: string, env: Record<string, string> = {}) {
  const { ELECTRON_SKIP_BINARY_DOWNLOAD: _skip, ...base } = process.env;
  return spawnSync(process.execPath, [script], { env: { ...base, UNDERSTUDY_ELECTRON_PACKAGE_DIR: packageDir, ...env }, encoding: 'utf8' });
}

describe('the Electron binary before start', () => {
  it('decides from the binary and the environment', () => {
    expect(setupDecision({ present: true, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } })).toBe('ready');
    expect(setupDecision({ present: false, env: {} })).toBe('install');
    expect(setupDecision({ present: false, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } })).toBe('skipped');
    expect(setupDecision({ present: false, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '0' } })).toBe('install');
  });

  it('runs Electron’s installer once when the binary is missing, then finds it in place', () => {
    const dir = fakeElectronPackage(true);
    expect(isElectronBinaryPresent(dir)).toBe(false);
    const first = run(dir);
    expect(first.status).toBe(0);
    expect(isElectronBinaryPresent(dir)).toBe(true);
    expect(run(dir).status).toBe(0);
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('x');
  });

  it('says in one line that the download was skipped, and how to get it', () => {
    const dir = fakeElectronPackage(true);
    const result = run(dir, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(SKIPPED_MESSAGE);
    expect(result.stderr).toMatch(/npx install-electron/);
    expect(() => readFileSync(join(dir, 'runs'))).toThrow();
  });

  it('explains a failed download instead of leaving electron-vite to fail', () => {
    const result = run(fakeElectronPackage(false));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/could not be downloaded.*npx install-electron/);
  });

  // The real scripts, as a new user types them. Only where the binary is absent (as here, with the
  // download skipped): elsewhere `npm start` would open the app, and the hook itself is checked instead.
  const binaryPresent = isElectronBinaryPresent(join(process.cwd(), 'node_modules/electron'));
  it.each(['start', 'dev'])('npm %s checks the binary first and never ends in "Electron uninstall"', (name) => {
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
    expect(scripts[`pre${name}`]).toBe('node scripts/ensure-electron.mjs');
    if (binaryPresent) {
      expect(spawnSync(process.execPath, [script]).status).toBe(0);
      return;
    }
    const result = spawnSync('npm', ['run', name], { env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, encoding: 'utf8', timeout: 60_000 });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/Electron uninstall/);
    expect(result.status).not.toBe(0);
    expect(output).toContain(SKIPPED_MESSAGE);
  });
});
