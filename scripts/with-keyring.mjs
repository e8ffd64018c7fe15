#!/usr/bin/env node
// Runs a command with a private, unlocked Secret Service (Linux), so keychain tests never touch the
// developer's own keyring and CI needs no desktop session: a throwaway HOME, a fresh D-Bus session
// bus and gnome-keyring-daemon unlocked with a non-empty password (an empty one leaves it locked).
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/with-keyring.mjs <command> [args…]');
  process.exit(2);
}

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const wrap = process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon');

const script = [
  'set -e',
  'export HOME="$(mktemp -d)"',
  'trap \'rm -rf "$HOME"\' EXIT',
  'echo -n understudy-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
  '"$@"',
].join('\n');

const result = wrap
  ? spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...command], { stdio: 'inherit' })
  : spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
if (!wrap && process.platform === 'linux') {
  console.error('with-keyring: dbus-run-session or gnome-keyring-daemon missing; keychain tests will report it.');
}
process.exit(result.status ?? 1);
