import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { devServerCsp } from './src/main/console/dev-server-csp.ts';

/** `npm run dev` only: see dev-server-csp.ts. */
const devServerPolicy = (): Plugin => ({
  name: 'understudy-dev-csp',
  apply: 'serve',
  transformIndexHtml: devServerCsp,
});

export default defineConfig({
  main: {
    build: {
      // entry.ts installs the network before index.ts (the composition root) is loaded. Chunks sit
      // beside the entry: index.ts resolves ../renderer and ../preload from its own folder.
      rollupOptions: { input: { index: resolve('src/main/entry.ts') }, output: { chunkFileNames: '[name]-[hash].js' } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot `require` modules or load ESM: one self-contained CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      // electron-vite leaves output unminified; the console's bundle is parsed on every start.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react(), devServerPolicy()],
  },
});
