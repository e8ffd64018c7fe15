// The self-test's result, for a person first and for IT's tooling last: one line per check, then
// exactly one JSON line `{"ok": …, "checks": [{"name", "ok", "ms", "detail"}]}`.
import { redact } from '../redact.ts';

export interface Check {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/** Runs one check, timed; a thrown error fails it with its (redacted) message as the detail. */
export async function runCheck(name: string, check: () => Promise<string>, now: () => number = performance.now.bind(performance)): Promise<Check> {
  const started = now();
  try {
    const detail = await check();
    return { name, ok: true, ms: Math.round(now() - started), detail: redact(detail) };
  } catch (error) {
    return { name, ok: false, ms: Math.round(now() - started), detail: redact(error instanceof Error ? error.message : String(error)) };
  }
}

export function formatReport(checks: readonly Check[]): string {
  const ok = checks.length > 0 && checks.every((check) => check.ok);
  const lines = checks.map((check) => `${check.ok ? 'ok  ' : 'FAIL'} ${check.name} (${check.ms} ms): ${check.detail}`);
  lines.push(ok ? 'Understudy self-test passed.' : `Understudy self-test FAILED: ${checks.filter((check) => !check.ok).length} of ${checks.length} checks.`);
  lines.push(JSON.stringify({ ok, checks }));
  return lines.join('\n');
}
