// Electron fuses and packaging settings that a reviewer expects in the installer config.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('electron-builder.yml', () => {
  it('turns off the fuses that make the app a Node runtime or debugger', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packages into asar for every platform with hardened runtime on macOS', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.productName).toBe('Understudy');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac).toMatchObject({ hardenedRuntime: true, target: ['dmg'] });
    expect(config.win.target).toEqual(['nsis']);
  });

  it('runs on a supported Electron and states Node 22+', () => {
    const electronMajor = Number(/\d+/.exec(pkg.devDependencies.electron)?.[0]);
    expect(electronMajor).toBeGreaterThanOrEqual(45);
    expect(pkg.engines.node).toMatch(/>=\s*22/);
  });
});

// What electron-builder itself will do with the configuration, asked of electron-builder's own code
// (no download, no packaging): its schema validation, the fuse settings it will write, the .deb
// dependencies it will declare and the project URL its Linux targets require.
describe('electron-builder, as electron-builder reads it', () => {
  const require = createRequire(import.meta.url);
  const builder = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

  it('passes electron-builder’s own configuration validation', async () => {
    await expect(builder.validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    // The validation is real: an unknown key is refused.
    await expect(builder.validateConfiguration({ ...structuredClone(config), notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/notAnOption/);
  });

  it('writes the fuses that stop the app being a Node runtime or debugger, and re-signs macOS ad hoc', async () => {
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } } };
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    const applied = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    const fuse = (name: string) => applied[String(FuseV1Options[name])];
    expect(fuse('RunAsNode')).toBe(false);
    expect(fuse('EnableNodeOptionsEnvironmentVariable')).toBe(false);
    expect(fuse('EnableNodeCliInspectArguments')).toBe(false);
    expect(fuse('EnableEmbeddedAsarIntegrityValidation')).toBe(true);
    expect(fuse('OnlyLoadAppFromAsar')).toBe(true);
    expect(fuse('GrantFileProtocolExtraPrivileges')).toBe(false);
    // Without it an unsigned arm64 build no longer launches once its fuses are flipped.
    expect(applied['resetAdHocDarwinSignature']).toBe(true);
  });

  it('keeps Electron’s runtime dependencies in the .deb and adds keytar’s libsecret', () => {
    const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as { default: { prototype: { getDefaultDepends(target: string): string[] } } };
    const defaults = FpmTarget.prototype.getDefaultDepends.call(null, 'deb');
    // electron-builder uses `deb.depends` instead of its defaults when it is set.
    const declared: string[] = config.deb?.depends ?? defaults;
    for (const runtime of ['libgtk-3-0', 'libnss3', 'libxss1', 'libxtst6', 'libnotify4', 'xdg-utils', 'libatspi2.0-0', 'libuuid1']) {
      expect(declared).toContain(runtime);
    }
    expect(declared).toContain('libsecret-1-0');
  });

  it('gives the Linux targets the project URL they require', async () => {
    const { AppInfo } = require('app-builder-lib') as { AppInfo: { prototype: { computePackageUrl(): Promise<string | null> } } };
    const url = await AppInfo.prototype.computePackageUrl.call({ info: { metadata: pkg, repositoryInfo: Promise.resolve(null) }, notNullDevMetadata: pkg });
    expect(url).toMatch(/^https:\/\//);
    expect(pkg.author?.email ?? config.linux.maintainer).toMatch(/@/);
  });
});
