// Compiles browser-bridge.ts into one IIFE string for `page.addInitScript`.
import { resolve } from 'node:path';
import { build, type Rollup } from 'vite';

let cached: Promise<string> | undefined;

export function bridgeScript(): Promise<string> {
  cached ??= (async () => {
    const output = (await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: resolve(import.meta.dirname, 'browser-bridge.ts'), formats: ['iife'], name: 'understudyBridge' },
      },
    })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const first = Array.isArray(output) ? output[0] : output;
    const chunk = first?.output.find((item) => item.type === 'chunk');
    if (!chunk || chunk.type !== 'chunk') throw new Error('bridge bundle produced no chunk');
    return chunk.code;
  })();
  return cached;
}
