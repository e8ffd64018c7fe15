// What `npm run build` produces, checked as shipped: a sandbox-compatible preload, a console page
// with no inline script, and an initial bundle within budget.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const preload = readFileSync('out/preload/index.cjs', 'utf8');
const html = readFileSync('out/renderer/index.html', 'utf8');

describe('build output', () => {
  it('builds the preload as one CommonJS file that requires only electron', () => {
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s|^\s*export\s/m);
    expect(preload).toContain('exposeInMainWorld("understudy"');
  });

  it('starts main with the network installed before @clerk/backend can capture fetch', () => {
    const entry = readFileSync('out/main/index.js', 'utf8');
    const staticImports = [...entry.matchAll(/^import\b[^'"]*["']([^"']+)["']/gm)].map((match) => match[1]);
    expect(staticImports).toEqual(['electron']);
    const install = entry.indexOf('useChromiumNetwork()');
    const load = entry.search(/await import\(["']\.\/[^"']+\.js["']\)/);
    expect(install).toBeGreaterThan(-1);
    expect(load).toBeGreaterThan(install);
    // The composition root it loads is the one that imports the SDK.
    const root = /await import\(["']\.\/([^"']+\.js)["']\)/.exec(entry)![1]!;
    expect(readFileSync(`out/main/${root}`, 'utf8')).toMatch(/from ["']@clerk\/backend["']/);
  });

  it('serves a console page without inline script or remote resources', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc="[^":]+"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/\son[a-z]+="/i);
    expect(html).toMatch(/http-equiv="Content-Security-Policy"\s+content="[^"]*script-src 'self'/);
  });

  it('keeps the console initial bundle under 200 KB gzipped', () => {
    const assets = [...html.matchAll(/(?:src|href)="(?:\.?\/)?(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(readdirSync('out/renderer/assets')).toContain(asset.replace('assets/', ''));
    const gzipped = assets.reduce((sum, asset) => sum + gzipSync(readFileSync(`out/renderer/${asset}`), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(200 * 1024);
  });
});
