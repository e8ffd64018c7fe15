// Sandbox user search at 1,000 and 100,000 users, through @clerk/backend (what the app uses) and
// raw HTTP. Each client gets its own distinct queries: the sandbox caches its last few answers.
import { createClerkClient } from '@clerk/backend';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { requestTimer } from '../lib/console.ts';
import { emailPrefixQueries } from '../lib/queries.ts';
import type { BenchResult } from '../lib/report.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface SandboxSearchOptions {
  sizes: number[];
  /** Distinct queries per client and size, split over the lengths below. */
  queriesPerClient: number;
  warmup: number;
}

const LENGTHS = [3, 5, 9];
const LIMIT = 25;
const ORDER = '-last_sign_in_at';

type Client = 'raw GET /users' | 'raw GET /users + /users/count' | '@clerk/backend getUserList';
const CLIENTS: Client[] = ['raw GET /users', 'raw GET /users + /users/count', '@clerk/backend getUserList'];

function clientsFor(sandbox: Sandbox): Record<Client, (query: string) => Promise<number>> {
  const clerk = createClerkClient({ secretKey: sandbox.secretKey, apiUrl: sandbox.apiUrl, telemetry: { disabled: true } });
  const headers = { authorization: `Bearer ${sandbox.secretKey}` };
  const get = async (path: string, query: string) => {
    const url = `${sandbox.apiUrl}/v1${path}?${new URLSearchParams({ query, limit: String(LIMIT), offset: '0', order_by: ORDER })}`;
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response.json() as Promise<unknown>;
  };
  return {
    'raw GET /users': async (query) => ((await get('/users', query)) as unknown[]).length,
    'raw GET /users + /users/count': async (query) => {
      const [users] = await Promise.all([get('/users', query), get('/users/count', query)]);
      return (users as unknown[]).length;
    },
    '@clerk/backend getUserList': async (query) => (await clerk.users.getUserList({ query, limit: LIMIT, offset: 0, orderBy: ORDER })).data.length,
  };
}

export async function sandboxSearch(options: SandboxSearchOptions): Promise<BenchResult> {
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  for (const size of options.sizes) {
    const startedAt = performance.now();
    const sandbox = await startSandbox({ users: size, maxRequestLog: 100_000 });
    const startMs = performance.now() - startedAt;
    try {
      const timing = requestTimer(sandbox.requests);
      const clients = clientsFor(sandbox);
      const perLength = Math.ceil(options.queriesPerClient / LENGTHS.length);
      const pools = LENGTHS.map((length) => emailPrefixQueries(sandbox.state.users, perLength * CLIENTS.length + options.warmup, length));
      const warm = pools[0]!.splice(0, options.warmup);
      for (const query of warm) for (const client of CLIENTS) await clients[client](query);

      const times: Record<Client, number[]> = Object.fromEntries(CLIENTS.map((c) => [c, []])) as never;
      const server: Record<Client, number[]> = Object.fromEntries(CLIENTS.map((c) => [c, []])) as never;
      const matched: number[] = [];
      // Interleaved: query i of each client runs back to back, so drift in machine load hits all alike.
      for (let i = 0; i < perLength; i++) {
        for (const pool of pools) {
          for (const client of CLIENTS) {
            const query = pool.pop()!;
            const before = sandbox.requests.length;
            const t0 = performance.now();
            const count = await clients[client](query);
            times[client].push(performance.now() - t0);
            matched.push(count);
            const records = sandbox.requests.slice(before);
            // Server side: first arrival → last answer written.
            server[client].push(Math.max(...records.map(timing.answeredAt)) - Math.min(...records.map(timing.arrivedAt)));
          }
        }
      }
      const raw = summarize(times['raw GET /users']);
      const stats = CLIENTS.map((client) => ({ client, total: summarize(times[client]), server: summarize(server[client]) }));
      const pair = stats[1]!.total;
      for (const { client, total, server: side } of stats) {
        rows.push([
          size.toLocaleString('en'),
          client,
          total.n,
          total.median.toFixed(2),
          total.p90.toFixed(2),
          `${total.min.toFixed(2)}–${total.max.toFixed(2)}`,
          side.median.toFixed(2),
          client === '@clerk/backend getUserList' ? `${(total.median / pair.median).toFixed(2)}× raw pair` : `${(total.median / raw.median).toFixed(2)}× raw`,
        ]);
      }
      data.push({ users: size, sandboxStartMs: round(startMs, 0), queryLengths: LENGTHS, limit: LIMIT, medianMatchesOnPage: summarize(matched).median, stats });
    } finally {
      await sandbox.close();
    }
  }
  const starts = (data as { users: number; sandboxStartMs: number }[]).map((d) => `${d.users.toLocaleString('en')} users: ${d.sandboxStartMs} ms`).join(', ');
  return {
    id: 'sandbox-search',
    title: 'Sandbox user search (Backend API GET /v1/users?query=…)',
    method:
      `Distinct email-prefix queries of ${LENGTHS.join('/')} characters, limit ${LIMIT}, order ${ORDER}; each client its own queries (the sandbox caches recent answers), interleaved. ` +
      'Client time from call to parsed answer; server time from the first request arriving to the last answer written. ms.',
    columns: ['users', 'client', 'n', 'median', 'p90', 'min–max', 'server median', 'ratio'],
    rows,
    goals: [],
    notes: [`sandbox start (seed + index): ${starts}`, 'getUserList sends GET /users and GET /users/count at once, so its fair baseline is the raw pair'],
    data,
  };
}

export type { Summary };
