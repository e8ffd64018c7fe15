// `npm run dev:browser`: the real app — the built out/main/index.js and out/preload/index.cjs —
// on the Electron emulation over Chromium (dev/electron-emulation), for working without the
// Electron binary. Same composition root, adapters, banner and window host as Electron.
// Data lives in the emulation's own userData folder; exports go where the save dialog points
// (Documents), so both survive the exit.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('out/main/index.js') || !existsSync('out/renderer/index.html')) {
  console.error('Build the app first: npm run build');
  process.exit(1);
}

const headlessAsked = process.argv.includes('--headless') || process.env['UNDERSTUDY_EMULATION_HEADLESS'] === '1';
const hasDisplay = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
if (!hasDisplay && !headlessAsked) {
  console.error(
    [
      'No display: Chromium has nowhere to show the console.',
      '  Get a virtual one:   xvfb-run -a npm run dev:browser',
      '  Or run headless:     npm run dev:browser -- --headless   (the app runs; nothing is shown)',
    ].join('\n'),
  );
  process.exit(2);
}

const child = spawn(process.execPath, ['--import', './dev/electron-emulation/register.mjs', 'out/main/index.js', ...process.argv.slice(2).filter((arg) => arg !== '--headless')], {
  stdio: 'inherit',
  env: { ...process.env, UNDERSTUDY_EMULATION_HEADLESS: headlessAsked ? '1' : '0' },
});
console.log(`Understudy on the Electron emulation (${headlessAsked ? 'headless' : 'Chromium windows'}). Ctrl+C quits through the app's own shutdown.`);
// The app quits on SIGINT/SIGTERM by itself (like Electron); wait for it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
