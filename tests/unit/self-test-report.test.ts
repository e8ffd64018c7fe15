import { describe, expect, it } from 'vitest';
import { formatReport, runCheck } from '../../src/main/self-test/report.ts';

describe('self-test report', () => {
  it('times each check and turns a thrown error into a failed check, redacted', async () => {
    let clock = 0;
    const now = () => (clock += 5);
    expect(await runCheck('fine', async () => 'all good', now)).toEqual({ name: 'fine', ok: true, ms: 5, detail: 'all good' });
    const failed = await runCheck('key', async () => {
      throw new Error('refused sk_live_abcdefghijklmnopqrstuvwxyz012345');
    }, now);
    expect(failed).toMatchObject({ name: 'key', ok: false });
    expect(failed.detail).not.toContain('sk_live_');
  });

  it('ends with one JSON line whose ok is true only when every check passed', () => {
    const pass = { name: 'a', ok: true, ms: 1, detail: 'x' };
    const fail = { name: 'b', ok: false, ms: 2, detail: 'y' };
    expect(JSON.parse(formatReport([pass]).split('\n').at(-1)!)).toEqual({ ok: true, checks: [pass] });
    const failing = formatReport([pass, fail]).split('\n');
    expect(JSON.parse(failing.at(-1)!).ok).toBe(false);
    expect(failing).toContain('FAIL b (2 ms): y');
    expect(JSON.parse(formatReport([]).split('\n').at(-1)!).ok).toBe(false);
  });
});
