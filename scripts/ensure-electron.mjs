// Runs before `npm start` and `npm run dev` (npm's prestart/predev hooks). Electron 42+ no longer
// downloads its binary at install: it does so on the first `require('electron')` or through its own
// `install-electron` bin. electron-vite only reads node_modules/electron/path.txt and throws
// "Electron uninstall" when it is missing (alex8088/electron-vite#904), so fetch the binary first.
// Electron's installer is idempotent: it returns at once when the binary is already in place.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the electron package lives (overridable so tests can use a stand-in package). */
export function electronPackageDir(env = process.env) {
  return env.UNDERSTUDY_ELECTRON_PACKAGE_DIR ?? dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

/** True when path.txt names a binary that exists: exactly what electron-vite and electron need. */
export function isElectronBinaryPresent(packageDir) {
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

/** 'ready' (nothing to do), 'skipped' (the environment forbids the download) or 'install'. */
export function setupDecision({ present, env }) {
  if (present) return 'ready';
  const skip = env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return skip && skip !== '0' && skip !== 'false' ? 'skipped' : 'install';
}

export const SKIPPED_MESSAGE =
  'Understudy: the Electron binary was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD is set). ' +
  'Get it with `npx install-electron`, or run the console on the Chromium emulation with `npm run dev:browser`.';

function main() {
  const packageDir = electronPackageDir();
  const decision = setupDecision({ present: isElectronBinaryPresent(packageDir), env: process.env });
  if (decision === 'ready') return 0;
  if (decision === 'skipped') {
    console.error(SKIPPED_MESSAGE);
    return 1;
  }
  console.log('Understudy: downloading the Electron binary for this platform (first start only)…');
  const result = spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: 'inherit' });
  if (result.status === 0 && isElectronBinaryPresent(packageDir)) return 0;
  console.error(
    'Understudy: the Electron binary could not be downloaded (see the lines above). Check the network or proxy ' +
      '(ELECTRON_GET_USE_PROXY, HTTPS_PROXY), then run `npx install-electron`.',
  );
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
