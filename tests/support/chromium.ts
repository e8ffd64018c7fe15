// The one way tests and benchmarks start Chromium: Debian's binary (never a download), headless,
// with the background services off that this machine's closed network would refuse.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function launchChromium(headless = true): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless, args: CHROMIUM_ARGS });
}
