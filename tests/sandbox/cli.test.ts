// The sandbox as a separate process, as `npm run sandbox -- --port 0 --users 500` starts it: one
// JSON line on stdout, a real @clerk/backend round trip against it, and a clean exit on signals.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { clerkFor, CookieJar, signInWithTicket, testIdText, ticketUrl, visit } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');
// Node runs the TypeScript sources directly (type stripping), which needs Node 22.
const node = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : resolve(root, 'node_modules/.bin/node');

interface Ready {
  apiUrl: string;
  frontendApiUrl: string;
  accountsUrl: string;
  appUrl: string;
  secretKey: string;
  publishableKey: string;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Ready;
  stdout: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startCli(args: string[]): Promise<Running> {
  const child = spawn(node, ['src/sandbox/cli.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const line = await new Promise<string>((done, fail) => {
    const check = () => {
      if (stdout.includes('\n')) done(stdout.slice(0, stdout.indexOf('\n')));
    };
    child.stdout.on('data', check);
    void exit.then((code) => fail(new Error(`sandbox exited (${code}) before it was ready: ${stderr}`)));
    setTimeout(() => fail(new Error(`sandbox not ready after 20 s: ${stderr}`)), 20_000).unref();
  });
  return { child, ready: JSON.parse(line) as Ready, stdout: () => stdout, exit };
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe('node src/sandbox/cli.ts', () => {
  it('is what `npm run sandbox` runs', () => {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.sandbox).toBe('node src/sandbox/cli.ts');
  });

  it('prints one JSON line, serves a full @clerk/backend impersonation round trip, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const running = await startCli(['--port', String(port), '--users', '500']);
    const { ready } = running;
    expect(Object.keys(ready)).toEqual(['apiUrl', 'frontendApiUrl', 'accountsUrl', 'appUrl', 'secretKey', 'publishableKey']);
    expect(ready.apiUrl).toBe(`http://127.0.0.1:${port}`);
    for (const url of [ready.frontendApiUrl, ready.accountsUrl]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A development instance (the default): the app on localhost, as dev apps commonly run.
    expect(ready.appUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(ready.secretKey).toMatch(/^sk_test_/);
    expect(Buffer.from(ready.publishableKey.replace('pk_test_', ''), 'base64').toString()).toBe(`${new URL(ready.frontendApiUrl).host}$`);

    // What an operator's console does: search, mint, open, end.
    const clerk = clerkFor(ready);
    const found = await clerk.users.getUserList({ query: 'lovelace' });
    expect(found.totalCount).toBe(1);
    expect((await clerk.users.getCount())).toBe(500);
    const subject = found.data[0]!;
    const actor = { sub: SANDBOX_FIXTURES.operator, reason: 'CLI round trip' };
    const token = await clerk.actorTokens.create({ userId: subject.id, actor, expiresInSeconds: 300 });
    const jar = new CookieJar();
    const page = await signInWithTicket(ticketUrl(token), jar, ready);
    expect(testIdText(page.html, 'subject-id')).toBe(subject.id);
    expect(testIdText(page.html, 'actor-sub')).toBe(SANDBOX_FIXTURES.operator);

    const live = await clerk.sessions.getSessionList({ userId: subject.id, status: 'active' });
    const impersonation = live.data.filter((session) => session.actor?.sub === SANDBOX_FIXTURES.operator);
    expect(impersonation).toHaveLength(1);
    expect((await clerk.sessions.revokeSession(impersonation[0]!.id)).status).toBe('revoked');
    expect((await visit(`${ready.appUrl}/`, jar)).html).toContain('data-reason="revoked"');
    const unused = await clerk.actorTokens.create({ userId: subject.id, actor });
    expect((await clerk.actorTokens.revoke(unused.id)).status).toBe('revoked');

    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    expect(running.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    await expect(fetch(`${ready.apiUrl}/v1/jwks`)).rejects.toThrow();
  });

  it('exits cleanly on SIGINT and rejects bad arguments', async () => {
    const running = await startCli(['--port', '0', '--users', '10', '--instance', 'production']);
    expect(running.ready.secretKey).toMatch(/^sk_live_/);
    expect(running.ready.publishableKey).toMatch(/^pk_live_/);
    expect(running.ready.appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);

    const bad = spawn(node, ['src/sandbox/cli.ts', '--users', 'lots'], { cwd: root });
    let stdout = '';
    bad.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((done) => bad.on('exit', done));
    expect([code, stdout]).toEqual([1, '']);
  });

  it('takes Clerk-like modes from the command line: --sign-in, --quota, --clock-skew-ms and repeatable --fault', async () => {
    const running = await startCli(['--port', '0', '--users', '10', '--sign-in', 'ignores-ticket', '--quota', '1', '--clock-skew-ms', '120000',
      '--fault', 'GET /users/count=status:503', '--fault', 'GET /users/{user_id}=status:429']);
    try {
      const { ready } = running;
      const clerk = clerkFor(ready);
      const actor = { sub: SANDBOX_FIXTURES.operator };
      const token = await clerk.actorTokens.create({ userId: SANDBOX_FIXTURES.plain[0], actor });
      // The sandbox's clock runs two minutes ahead of this machine's.
      expect(token.createdAt - Date.now()).toBeGreaterThan(100_000);
      const refused = await fetch(`${ready.apiUrl}/v1/actor_tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: SANDBOX_FIXTURES.plain[1], actor }),
      });
      const body = (await refused.json()) as { errors: { code: string; meta: unknown; long_message: string }[] };
      expect([refused.status, body.errors[0]?.code, body.errors[0]?.meta]).toEqual([422, 'impersonation_limit_exceeded', { used: 1, limit: 1 }]);
      expect(body.errors[0]?.long_message).toContain('(1/1)');
      expect((await fetch(`${ready.apiUrl}/v1/users/count`, { headers: { authorization: `Bearer ${ready.secretKey}` } })).status).toBe(503);
      const landing = await visit(ticketUrl(token), new CookieJar());
      expect(new URL(landing.url).origin + new URL(landing.url).pathname).toBe(`${ready.appUrl}/sign-in`);
    } finally {
      running.child.kill('SIGTERM');
      await running.exit;
    }
  });
});
