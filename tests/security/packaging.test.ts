// Electron fuses and packaging settings that a reviewer expects in the installer config.
import { readFileSync } from 'node:fs';
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
