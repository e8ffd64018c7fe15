// Child process of the main-load benchmark: imports the given modules (absolute paths or file URLs),
// then prints how long that took and how long since the process started, as one JSON line.
import { pathToFileURL } from 'node:url';

const targets = process.argv.slice(2);
const started = performance.now();
for (const target of targets) await import(target.startsWith('file:') ? target : pathToFileURL(target).href);
const imported = performance.now();
// performance.now() counts from the process's time origin (its start).
process.stdout.write(`${JSON.stringify({ importMs: imported - started, sinceStartMs: imported })}\n`);
// Some imports leave handles open (electron-store's `electron` is the emulation here, which waits
// for the app to become ready): the measurement is done, so the process ends now.
process.exit(0);
