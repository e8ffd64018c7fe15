// The Chromium switches every Chromium started here needs (tests, benchmarks and the Electron
// emulation): Debian's binary in a container, with the background services off that this machine's
// closed network would refuse. Dev-only, never shipped.
export const MACHINE_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
