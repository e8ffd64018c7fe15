import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects: fast Node tests, and browser end-to-end tests that need a built renderer.
// `electron` resolves to a stub under Node: the real package would try to download its binary,
// and logic modules never import it anyway (only adapters such as electron-store's do).
const electronStub = resolve('tests/support/electron-stub.ts');

export default defineConfig({
  resolve: { alias: { electron: electronStub } },
  test: {
    // electron-store imports `electron`: inline it so the alias above applies inside it too.
    server: { deps: { inline: ['electron-store'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/sandbox/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/fault/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts', 'tests/emulation/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
