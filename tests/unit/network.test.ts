// The app's fetch reaches @clerk/backend only if it is installed before the SDK is loaded: the SDK
// binds `fetch` once, at load. Run in a fresh Node process, as the app's entry does it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(order: 'install-first' | 'sdk-first'): string[] {
  const script = `
    import { installGlobalFetch } from './src/main/network.ts';
    const seen = [];
    const fake = async (input) => {
      const url = String(input);
      seen.push(new URL(url).pathname);
      const body = url.includes('/users/count') ? { object: 'total_count', total_count: 0 } : [];
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    };
    if (${JSON.stringify(order)} === 'sdk-first') await import('@clerk/backend');
    installGlobalFetch(() => fake);
    const { createClerkClient } = await import('@clerk/backend');
    const clerk = createClerkClient({ secretKey: 'sk_test_network', apiUrl: 'http://127.0.0.1:9', telemetry: { disabled: true } });
    await clerk.users.getUserList({ limit: 1 }).catch(() => undefined);
    console.log(JSON.stringify(seen));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  expect(result.stderr).not.toMatch(/Error/);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('the fetch main uses', () => {
  it('carries @clerk/backend’s Backend API calls when installed before the SDK loads', () => {
    expect(run('install-first')).toEqual(expect.arrayContaining(['/v1/users', '/v1/users/count']));
  });

  it('is bypassed by an SDK loaded earlier (why entry.ts loads the app dynamically)', () => {
    expect(run('sdk-first')).toEqual([]);
  });
});
