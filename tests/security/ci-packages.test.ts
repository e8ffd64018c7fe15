// CI runs on a bare Debian: every program a test spawns must come from a package .ci/run installs,
// and the README must tell a developer the same list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ciRun = readFileSync('.ci/run', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const ciPackages = (/^need=\(([^)]*)\)/m.exec(ciRun)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
const readmePackages = (/System packages[\s\S]*?installs:\s*`([^`]+)`/.exec(readme)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

/** Programs the tests and scripts spawn, and the Debian package each comes from. */
const SPAWNED = { 'secret-tool': 'libsecret-tools', 'gnome-keyring-daemon': 'gnome-keyring', 'dbus-run-session': 'dbus', chromium: 'chromium' };

describe('system packages', () => {
  it('are listed the same in the README and in .ci/run', () => {
    expect(ciPackages.length).toBeGreaterThan(3);
    expect([...readmePackages].sort()).toEqual([...ciPackages].sort());
  });

  it('cover every program the tests spawn', () => {
    for (const [program, pkg] of Object.entries(SPAWNED)) {
      // dbus-run-session comes with dbus-x11's dependency dbus; the rest must be named.
      if (pkg === 'dbus') expect(ciPackages).toContain('dbus-x11');
      else expect(ciPackages, `${program} comes from ${pkg}`).toContain(pkg);
    }
  });
});
