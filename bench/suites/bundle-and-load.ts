// Start-up weight: the console's initial bundle (what index.html loads, gzipped) and how long the
// main process's service graph takes to load under Node.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { BenchResult } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';

const run = promisify(execFile);

export interface BundleOptions {
  rendererDir?: string;
  goalKiB: number;
}

/** Files index.html loads before the console can start: module scripts, stylesheets, modulepreloads. */
export function initialAssets(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) found.add(match[1]!);
  for (const match of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = match[0];
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? '';
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\b(stylesheet|modulepreload)\b/.test(rel)) found.add(href);
  }
  return [...found].filter((url) => !/^[a-z]+:/i.test(url));
}

export async function rendererBundle(options: BundleOptions): Promise<BenchResult> {
  const dir = resolve(options.rendererDir ?? 'out/renderer');
  const assets = initialAssets(readFileSync(join(dir, 'index.html'), 'utf8'));
  if (assets.length === 0) throw new Error('index.html loads no script or stylesheet');
  const files = ['index.html', ...assets].map((url) => {
    const bytes = readFileSync(join(dir, url.replace(/^\.?\//, '')));
    return { file: url.replace(/^\.?\//, ''), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = { bytes: files.reduce((a, f) => a + f.bytes, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
  const jsCss = files.filter((f) => f.file !== 'index.html');
  const jsCssGzip = jsCss.reduce((a, f) => a + f.gzip, 0);
  const kib = (n: number) => (n / 1024).toFixed(1);
  const pass = jsCssGzip < options.goalKiB * 1024;
  return {
    id: 'bundle',
    title: 'Console initial bundle',
    method: `Every script, stylesheet and modulepreload that out/renderer/index.html references (lazy chunks excluded), each gzipped on its own (zlib level 9). KiB = 1024 bytes.`,
    columns: ['file', 'raw KiB', 'gzip KiB', 'goal'],
    rows: [
      // Without the content hash, so the README does not change with every build.
      ...files.map((f) => [f.file.replace(/-[A-Za-z0-9_-]{8}(\.\w+)$/, '-[hash]$1'), kib(f.bytes), kib(f.gzip), '']),
      ['JS + CSS', kib(jsCss.reduce((a, f) => a + f.bytes, 0)), kib(jsCssGzip), `< ${options.goalKiB} KiB: ${pass ? 'pass' : 'FAIL'}`],
    ],
    goals: [{ what: 'initial JS + CSS, gzipped', goal: `< ${options.goalKiB} KiB`, actual: `${kib(jsCssGzip)} KiB (${jsCssGzip.toLocaleString('en')} bytes)`, pass }],
    data: { files, total, jsCssGzip },
  };
}

export interface MainLoadOptions {
  runs: number;
}

/** services.ts bundled into one ESM file with its packages external, as electron-vite ships main. */
async function bundleServices(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'silent',
    build: { ssr: resolve('src/main/services.ts'), outDir, emptyOutDir: true, minify: false, target: 'node22', rollupOptions: { output: { format: 'es', entryFileNames: 'services.mjs' } } },
  });
  const path = join(outDir, 'services.mjs');
  statSync(path);
  return path;
}

export async function mainLoad(options: MainLoadOptions): Promise<BenchResult> {
  const tmp = resolve('bench-results/.main-load');
  mkdirSync(tmp, { recursive: true });
  try {
    const bundled = await bundleServices(tmp);
    const stub = ['--import', './scripts/register-electron-stub.mjs'];
    const adapters = [
      'src/main/services.ts',
      'src/main/electron/electron-store-document.ts',
      'src/main/credentials/keytar-keychain.ts',
      'src/main/console/console-server.ts',
      'src/main/clerk/avatar-proxy.ts',
      'src/sandbox/index.ts',
    ].map((path) => resolve(path));
    const variants = [
      { id: 'sources', label: 'services.ts graph, TypeScript sources (type stripping)', args: [resolve('src/main/services.ts')], flags: [] as string[] },
      { id: 'bundled', label: 'services.ts graph, bundled to one ESM file (packages external)', args: [bundled], flags: [] as string[] },
      { id: 'adapters', label: '+ the Node adapters and sandbox index.ts wires, sources, electron stub', args: adapters, flags: stub },
    ];
    const samples = new Map(variants.map((v) => [v.id, { importMs: [] as number[], sinceStartMs: [] as number[], processMs: [] as number[] }]));
    // One warm-up each (fills the OS file cache, so every measured run sees the same disk state).
    for (let iteration = -1; iteration < options.runs; iteration++) {
      for (const variant of variants) {
        const t0 = performance.now();
        const { stdout } = await run(process.execPath, [...variant.flags, 'bench/lib/import-timer.ts', ...variant.args], { env: withoutCompileCache() });
        const processMs = performance.now() - t0;
        if (iteration < 0) continue;
        const line = JSON.parse(stdout.trim().split('\n').pop()!) as { importMs: number; sinceStartMs: number };
        const sample = samples.get(variant.id)!;
        sample.importMs.push(line.importMs);
        sample.sinceStartMs.push(line.sinceStartMs);
        sample.processMs.push(processMs);
      }
    }
    const stats = variants.map((variant) => {
      const sample = samples.get(variant.id)!;
      return { ...variant, importMs: summarize(sample.importMs), sinceStartMs: summarize(sample.sinceStartMs), processMs: summarize(sample.processMs) };
    });
    const sources = stats[0]!.importMs.median;
    return {
      id: 'main-load',
      title: 'Main-process module load under Node',
      method:
        `A fresh \`node\` child process per run (no compile cache; OS file cache warm after a warm-up) imports the modules and reports the import time ` +
        `and the time since its own start; ${options.runs} runs per variant, interleaved. out/main/index.js needs Electron itself, so it is not measured. ms, median (p90).`,
      columns: ['what is imported', 'import', 'process start → imported', 'spawn → exit', 'vs sources'],
      rows: stats.map((s) => [
        s.label,
        `${s.importMs.median.toFixed(0)} (p90 ${s.importMs.p90.toFixed(0)})`,
        `${s.sinceStartMs.median.toFixed(0)} (p90 ${s.sinceStartMs.p90.toFixed(0)})`,
        `${s.processMs.median.toFixed(0)} (p90 ${s.processMs.p90.toFixed(0)})`,
        `${(s.importMs.median / sources).toFixed(2)}×`,
      ]),
      goals: [],
      notes: ['the electron stub is a module.register() loader hook; services.ts imports no electron, so the first two variants run without it'],
      data: stats.map(({ args, ...rest }) => ({ ...rest, modules: args.map((path) => path.replace(`${process.cwd()}/`, '')) })),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A compile cache would make every run after the first warm. */
function withoutCompileCache(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_COMPILE_CACHE'];
  return env;
}
