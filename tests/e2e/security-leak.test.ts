// Secret leak scan over full runs through the real console bridge (`window.understudy` in the
// console page, dispatched to the real main services). After each run, the secret keys, the
// sign-in tickets and their URLs, and the session tokens are searched for — raw and in their
// obvious encodings — in every IPC answer, every log line, every event, every file under the data
// folder (settings, history, archives, exports), the console's DOM, storage, cookies, console
// messages and requests, and the impersonation windows' storage. Zero hits is the only pass.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { UnderstudyApi } from '../../src/shared/api.ts';
import type { ImpersonationView } from '../../src/shared/domain.ts';
import type { Result } from '../../src/shared/errors.ts';
import { SANDBOX_FIXTURES, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { filesUnder, findLeaks, keyNeedles, ticketNeedles, type Haystack, type Needle } from '../support/leak-scan.ts';

const [ADA, ALAN] = SANDBOX_FIXTURES.plain;
const WRONG_KEY = `sk_test_${'W7'.repeat(20)}`;

let sandbox: Sandbox | null = null;
let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  await sandbox?.close();
  harness = null;
  sandbox = null;
});

/** What the console page sees and sends, besides the IPC log the harness keeps. */
function watchConsole(page: Page) {
  const messages: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()} ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror ${error.message}`));
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`));
  return { messages, requests };
}

/** Calls `window.understudy.<ns>.<method>(input)` in the console page: the renderer's own path. */
function bridge(page: Page) {
  return <T = unknown>(path: string, input?: unknown): Promise<Result<T>> =>
    page.evaluate(
      ([name, arg]) => {
        const [ns, method] = name.split('.') as [string, string];
        const api = (window as unknown as { understudy: Record<string, Record<string, (input: unknown) => Promise<unknown>>> & UnderstudyApi }).understudy;
        return api[ns]![method]!(arg) as Promise<Result<T>>;
      },
      [path, input ?? {}] as const,
    );
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

async function consoleHaystacks(h: Harness, watched: ReturnType<typeof watchConsole>): Promise<Haystack[]> {
  const storage = await h.page.evaluate(() => {
    const dump = (store: Storage) => Object.fromEntries(Array.from({ length: store.length }, (_, index) => store.key(index)!).map((key) => [key, store.getItem(key)]));
    return { local: dump(localStorage), session: dump(sessionStorage), url: location.href, cookie: document.cookie };
  });
  return [
    { where: 'console DOM', content: await h.page.content() },
    { where: 'console storage', content: JSON.stringify(storage) },
    { where: 'console cookies', content: JSON.stringify(await h.consoleWindow.webContents.session.cookies.get({})) },
    { where: 'console messages', content: watched.messages.join('\n') },
    { where: 'console requests', content: watched.requests.join('\n') },
  ];
}

function mainHaystacks(h: Harness): Haystack[] {
  return [
    ...h.ipcLog.map((record, index) => ({ where: `ipc output #${index} ${record.channel}`, content: JSON.stringify(record.output) ?? '' })),
    { where: 'log', content: h.logLines.join('\n') },
    { where: 'events', content: JSON.stringify(h.events) },
    ...filesUnder(h.dataDir),
  ];
}

/** IPC inputs that carry a key: only the profiles:add calls that were given it, by necessity. */
function inputsCarrying(h: Harness, needles: Needle[]) {
  return h.ipcLog
    .map((record, index) => ({ index, channel: record.channel, leaks: findLeaks([{ where: 'input', content: JSON.stringify(record.input) ?? '' }], needles) }))
    .filter((found) => found.leaks.length > 0)
    .map(({ index, channel }) => ({ index, channel }));
}

describe('secret leak scan', () => {
  it('a key added through the console (no built-in sandbox) never comes back out, whatever goes wrong', async () => {
    sandbox = await startSandbox({ users: 60 });
    harness = await startHarness({ sandbox, withoutBuiltInSandbox: true });
    const h = harness;
    const watched = watchConsole(h.page);
    await h.page.reload(); // so the page's own requests and messages are watched from the start
    const call = bridge(h.page);

    // A well-formed key Clerk does not know, then the right one.
    const wrong = await call('profiles.add', { name: 'Wrong', secretKey: WRONG_KEY });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'invalid-key' } });
    const profile = value(await call<{ id: string }>('profiles.add', { name: 'Acme Dev', secretKey: ` ${sandbox.secretKey}\n` }));
    const twice = await call('profiles.add', { name: 'Again', secretKey: sandbox.secretKey });
    expect(twice).toMatchObject({ ok: false, error: { kind: 'conflict' } });

    value(await call('profiles.setOperator', { profileId: profile.id, userId: SANDBOX_FIXTURES.operator }));
    value(await call('profiles.rename', { profileId: profile.id, name: 'Acme Development' }));
    value(await call('users.search', { profileId: profile.id, query: 'ada', limit: 10, offset: 0 }));
    value(await call('users.get', { profileId: profile.id, userId: ADA }));
    value(await call('users.sessions', { profileId: profile.id, userId: ADA }));
    // Clerk failing in every way it can.
    sandbox.faults.inject({ route: 'GET /users', kind: 'status', status: 500, times: 4 });
    expect(await call('users.search', { profileId: profile.id, query: '', limit: 5, offset: 0 })).toMatchObject({ ok: false, error: { kind: 'network' } });
    sandbox.faults.inject({ route: 'GET /users/{user_id}', kind: 'status', status: 401, times: 1 });
    expect(await call('users.get', { profileId: profile.id, userId: ADA })).toMatchObject({ ok: false, error: { kind: 'invalid-key' } });
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'drop', afterHandling: true, times: 1 });
    expect(await call('impersonation.start', { profileId: profile.id, userId: ADA, reason: 'SUP-9', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toMatchObject({
      ok: false, error: { kind: 'ambiguous' },
    });
    // A keyed profile opens https sign-in links only; the sandbox's are loopback http: refused, link revoked.
    expect(await call('impersonation.start', { profileId: profile.id, userId: ALAN, reason: 'SUP-10', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toMatchObject({
      ok: false, error: { kind: 'policy', message: expect.stringContaining('not an https address') },
    });
    value(await call('ledger.query', { filter: {} }));
    expect(value(await call<{ count: number }>('ledger.export', { format: 'csv', filter: {} })).count).toBe(2);
    expect(value(await call<{ count: number }>('ledger.export', { format: 'json', filter: {} })).count).toBe(2);
    value(await call('app.getState'));
    value(await call('profiles.remove', { profileId: profile.id }));

    const needles = [...keyNeedles('secret key', sandbox.secretKey), ...keyNeedles('wrong key', WRONG_KEY)];
    const tickets = sandbox.state.actorTokens().flatMap((token, index) => ticketNeedles(`token ${index}`, token.ticket, token.url));
    expect(tickets.length).toBe(8); // two links were minted; main saw one URL, the other answer was lost
    const haystacks = [...mainHaystacks(h), ...(await consoleHaystacks(h, watched))];
    // The scan reads real content: the hint is there, and so are the history's files.
    expect(findLeaks(haystacks, [{ label: 'hint', value: `sk_test_…${sandbox.secretKey.slice(-4)}` }]).length).toBeGreaterThan(0);
    expect(haystacks.map((haystack) => haystack.where)).toEqual(expect.arrayContaining(['file settings.json', expect.stringMatching(/^file history\.sqlite/), expect.stringMatching(/^file exports\/understudy-history-.*\.csv$/)]));
    expect(findLeaks(haystacks, [...needles, ...tickets])).toEqual([]);

    // The IPC inputs: the key is in the profiles:add inputs it was typed into, and nowhere else.
    expect(inputsCarrying(h, keyNeedles('secret key', sandbox.secretKey))).toEqual([
      { index: expect.any(Number), channel: 'profiles:add' },
      { index: expect.any(Number), channel: 'profiles:add' },
    ]);
    expect(inputsCarrying(h, keyNeedles('wrong key', WRONG_KEY))).toEqual([{ index: expect.any(Number), channel: 'profiles:add' }]);
    expect(inputsCarrying(h, tickets)).toEqual([]);
  }, 60_000);

  it('a full impersonation run leaks neither the key, nor the ticket, nor the session token', async () => {
    sandbox = await startSandbox({ users: 60 });
    // The built-in sandbox profile: its sign-in links are loopback http, which only it may open.
    harness = await startHarness({ sandbox });
    const h = harness;
    const watched = watchConsole(h.page);
    await h.page.reload();
    const call = bridge(h.page);

    // The same key added by hand too, so it also travels the add path.
    value(await call('profiles.add', { name: 'Acme Dev', secretKey: sandbox.secretKey }));
    value(await call('profiles.setOperator', { profileId: 'sandbox', userId: SANDBOX_FIXTURES.operator }));
    value(await call('users.search', { profileId: 'sandbox', query: '', limit: 25, offset: 0 }));

    const view = value(await call<ImpersonationView>('impersonation.start', {
      profileId: 'sandbox', userId: ADA, reason: 'SUP-1234 billing', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false,
    }));
    await vi.waitFor(
      async () => {
        const list = value(await call<ImpersonationView[]>('impersonation.list'));
        expect(list.find((item) => item.id === view.id)?.phase).toBe('signed-in');
      },
      { timeout: 20_000, interval: 100 },
    );
    // What the impersonation window holds while signed in: its session token, and no key.
    const window = h.windowHost.window(view.id);
    await window.page.getByTestId('subject-id').waitFor();
    const windowCookies = await window.cookies();
    const sessionTokens = windowCookies.filter((cookie) => /^__(session|client)/.test(cookie.name)).map((cookie) => cookie.value);
    expect(sessionTokens.length).toBeGreaterThan(0);
    const windowStorage = await window.page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, url: location.href }));
    const windowHaystacks: Haystack[] = [
      { where: 'window cookies', content: JSON.stringify(windowCookies) },
      { where: 'window storage', content: windowStorage },
      { where: 'window DOM', content: await window.page.content() },
    ];

    // A failing call or two while it runs, then the end, and exports.
    sandbox.faults.inject({ route: 'GET /users', kind: 'drop' });
    expect(await call('users.search', { profileId: 'sandbox', query: 'x', limit: 5, offset: 0 })).toMatchObject({ ok: false, error: { kind: 'network' } });
    sandbox.faults.clear();
    sandbox.faults.inject({ route: 'POST /actor_tokens', kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 });
    expect(await call('impersonation.start', { profileId: 'sandbox', userId: ALAN, reason: 'SUP-1', tokenTtlSeconds: 600, sessionMaxSeconds: 900, readOnly: false })).toMatchObject({
      ok: false, error: { kind: 'rate-limited' },
    });
    expect(value(await call<ImpersonationView>('impersonation.end', { id: view.id })).phase).toBe('ended');
    value(await call('ledger.export', { format: 'csv', filter: {} }));
    value(await call('ledger.export', { format: 'json', filter: {} }));
    value(await call('app.getState'));

    const [token] = sandbox.state.actorTokens();
    expect(token).toMatchObject({ status: 'accepted' });
    const needles: Needle[] = [
      ...keyNeedles('secret key', sandbox.secretKey),
      ...ticketNeedles('token', token!.ticket, token!.url),
      ...sessionTokens.map((jwt, index) => ({ label: `session cookie ${index} signature`, value: jwt.split('.')[2] ?? jwt })),
    ];
    const haystacks = [...mainHaystacks(h), ...(await consoleHaystacks(h, watched))];
    expect(haystacks.some((haystack) => haystack.where.endsWith('.json') && haystack.where.includes('exports/'))).toBe(true);
    expect(findLeaks(haystacks, needles)).toEqual([]);
    // The window holds its own session (that is its job) but never the key or the ticket.
    expect(findLeaks(windowHaystacks, [...keyNeedles('secret key', sandbox.secretKey), ...ticketNeedles('token', token!.ticket, token!.url)])).toEqual([]);
    expect(inputsCarrying(h, keyNeedles('secret key', sandbox.secretKey))).toEqual([{ index: expect.any(Number), channel: 'profiles:add' }]);
  }, 60_000);
});
