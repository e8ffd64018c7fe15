// `node src/sandbox/cli.ts --port 0 --users 500`: starts the sandbox, prints one JSON line with its
// URLs and keys on stdout once it is ready, and runs until SIGINT or SIGTERM. Nothing else goes
// to stdout, so a parent process can read exactly one line.
import { parseArgs } from 'node:util';
import { parseFault } from './faults.ts';
import { startSandbox, type SignInMode } from './index.ts';

const USAGE = `Usage: node src/sandbox/cli.ts [--port N] [--users N] [--seed S] [--secret-key sk_test_…] [--instance development|production] [--rate-limit]
  [--sign-in portal|app|ignores-ticket] [--clock-skew-ms N] [--inactivity-ms N] [--quota N] [--session-tasks]
  [--fault 'ROUTE=KIND[:ARG]']…   e.g. --fault 'POST /actor_tokens=status:503' --fault '*=latency:200' --fault 'GET /users=drop'`;

const SIGN_IN_MODES: readonly SignInMode[] = ['portal', 'app', 'ignores-ticket'];

function signedInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer`);
  return value;
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      users: { type: 'string' },
      seed: { type: 'string' },
      'secret-key': { type: 'string' },
      instance: { type: 'string' },
      'rate-limit': { type: 'boolean' },
      'sign-in': { type: 'string' },
      'clock-skew-ms': { type: 'string' },
      'inactivity-ms': { type: 'string' },
      quota: { type: 'string' },
      'session-tasks': { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const instance = values.instance ?? 'development';
  if (instance !== 'development' && instance !== 'production') throw new Error('--instance must be development or production');
  const signIn = (values['sign-in'] ?? 'portal') as SignInMode;
  if (!SIGN_IN_MODES.includes(signIn)) throw new Error('--sign-in must be portal, app or ignores-ticket');
  const users = integer('users', values.users, 200);
  if (users > 100_000) throw new Error('--users is limited to 100000');
  const sandbox = await startSandbox({
    port: integer('port', values.port, 0),
    users,
    seed: values.seed,
    secretKey: values['secret-key'],
    instance,
    rateLimit: values['rate-limit'] ?? false,
    signIn,
    clockSkewMs: signedInteger('clock-skew-ms', values['clock-skew-ms']),
    inactivityMs: values['inactivity-ms'] === undefined ? undefined : integer('inactivity-ms', values['inactivity-ms'], 0),
    quota: values.quota === undefined ? undefined : integer('quota', values.quota, 0),
    sessionTasks: values['session-tasks'] ?? false,
    faults: (values.fault ?? []).map(parseFault),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: a parent may signal as soon as it has read the line.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const { apiUrl, frontendApiUrl, accountsUrl, appUrl, secretKey, publishableKey } = sandbox;
  process.stdout.write(`${JSON.stringify({ apiUrl, frontendApiUrl, accountsUrl, appUrl, secretKey, publishableKey })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(1);
});
