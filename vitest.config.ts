import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects: fast Node tests, and browser end-to-end tests that need a built renderer.
// `node`: `electron` resolves to a stub (the real package would try to download its binary, and
// logic modules never import it; only adapters such as electron-store's do).
// `e2e`: `electron` is the Electron emulation over Chromium (dev/electron-emulation), so the app's
// own Electron adapters run; tests/emulation holds the emulation's own rule tests.
const electronStub = resolve('tests/support/electron-stub.ts');
const electronEmulation = resolve('dev/electron-emulation/electron.ts');
/** Tests that run the app's Electron adapters (window host, console window) on the emulation. */
const onEmulation = ['tests/security/isolation.test.ts', 'tests/fault/lifecycle-faults.test.ts', 'tests/fault/quit-faults.test.ts'];

export default defineConfig({
  test: {
    // electron-store imports `electron`: inline it so the aliases below apply inside it too.
    server: { deps: { inline: ['electron-store'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/sandbox/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/fault/**/*.test.ts'],
          exclude: onEmulation,
        },
      },
      {
        extends: true,
        resolve: { alias: { electron: electronEmulation } },
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts', 'tests/emulation/**/*.test.ts', ...onEmulation], fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
