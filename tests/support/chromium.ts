// The one way tests and benchmarks start Chromium: Debian's binary (never a download), headless.
import { chromium, type Browser } from 'playwright-core';
import { MACHINE_CHROMIUM_ARGS } from '../../dev/chromium-switches.ts';

export function launchChromium(headless = true): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless, args: [...MACHINE_CHROMIUM_ARGS] });
}
