// `npm run dev:browser` (scripts/dev-browser.ts): the real built app on the Electron emulation.
// Without a display it says so and how to get one; headless on request it runs, and a SIGTERM quits
// it through the app's own bounded shutdown, as Electron does.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/console-page.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function devBrowser(args: string[], env: Record<string, string>) {
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...rest } = process.env;
  const child = spawn(process.execPath, ['scripts/dev-browser.ts', ...args], { env: { ...rest, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output, exited };
}

describe('npm run dev:browser', () => {
  it('without a display, says so and how to get one, and starts nothing', async () => {
    const { output, exited } = devBrowser([], {});
    expect(await exited).toBe(2);
    const said = output.join('');
    expect(said).toMatch(/No display/);
    expect(said).toMatch(/xvfb-run -a npm run dev:browser/);
    expect(said).toMatch(/npm run dev:browser -- --headless/);
  });

  it('runs headless on request, and a SIGTERM quits it through the app’s shutdown', { timeout: 120_000 }, async () => {
    const userData = mkdtempSync(join(tmpdir(), 'understudy-dev-browser-'));
    dirs.push(userData);
    const { child, output, exited } = devBrowser(['--headless'], { UNDERSTUDY_EMULATION_USER_DATA: userData });
    // The app is up once its services opened the history in the emulation's userData.
    await eventually(() => expect(existsSync(join(userData, 'history.sqlite'))).toBe(true), 60_000);
    child.kill('SIGTERM');
    expect(await exited, output.join('')).toBe(0);
    expect(output.join('')).toMatch(/Understudy on the Electron emulation \(headless\)/);
    expect(output.join('')).not.toMatch(/Quit step .* failed/);
  });
});
