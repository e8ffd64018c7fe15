// `npm run self-test`: the built app's own end-to-end check, on the emulation here (and
// `Understudy --self-test` in a packaged app). It must pass on a working install, and fail, saying
// which check and why, on one that cannot reach its Backend API.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function selfTest(env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', './dev/electron-emulation/register.mjs', 'out/main/index.js', '--self-test'], {
    encoding: 'utf8',
    env: { ...process.env, UNDERSTUDY_EMULATION_HEADLESS: '1', ...env },
    timeout: 150_000,
  });
  const lines = result.stdout.trim().split('\n');
  return { status: result.status, lines, report: JSON.parse(lines.at(-1)!) as { ok: boolean; checks: { name: string; ok: boolean; ms: number; detail: string }[] } };
}

describe('the self-test', () => {
  it('passes every check on a working install and says so, JSON last', { timeout: 180_000 }, () => {
    const { status, lines, report } = selfTest();
    expect(report.checks.map((check) => check.name)).toEqual([
      'keychain reachable',
      'built-in sandbox started',
      'network to the Backend API',
      'services started',
      'impersonation signed in',
      'banner drawn',
      'ended from the banner',
      'partition wiped',
      'bounded quit',
    ]);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(status).toBe(0);
    expect(lines).toContain('Understudy self-test passed.');
    expect(report.checks.find((check) => check.name === 'banner drawn')!.detail).toMatch(/^Impersonating /);
  });

  it('fails, and exits non-zero, when the Backend API cannot be reached through the machine’s network', { timeout: 180_000 }, () => {
    // A proxy that is not there, applied to loopback too: the app's requests cannot get through.
    const { status, report } = selfTest({ UNDERSTUDY_EMULATION_PROXY: 'http://127.0.0.1:9', UNDERSTUDY_EMULATION_PROXY_BYPASS: '<-loopback>' });
    expect(report.ok).toBe(false);
    expect(status).toBe(1);
    expect(report.checks.find((check) => check.name === 'network to the Backend API')).toMatchObject({ ok: false });
    expect(report.checks.find((check) => check.name === 'keychain reachable')).toMatchObject({ ok: true });
  });
});
