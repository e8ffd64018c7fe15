// `npm run dev:browser`: the console in Chromium, against the built-in sandbox, with the real
// main-process services behind it — for developing without the Electron binary.
// Impersonation windows open as separate Chromium windows, each its own browser context.
import { existsSync } from 'node:fs';
import { startHarness } from '../tests/support/harness.ts';

if (!existsSync('out/renderer/index.html')) {
  console.error('Build the renderer first: npm run build');
  process.exit(1);
}

const headless = !process.env['DISPLAY'] && process.platform === 'linux';
const harness = await startHarness({ users: 2000, headless, port: Number(process.env['PORT'] ?? 0) });
console.log(`Understudy console: ${harness.url} (${headless ? 'headless: no DISPLAY' : 'Chromium window'})`);
console.log(`Sandbox customer app: ${harness.sandbox.appUrl}`);
console.log('Ctrl+C ends every impersonation and stops.');

const stop = async () => {
  await harness.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
