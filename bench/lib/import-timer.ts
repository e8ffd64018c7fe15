// Child process of the main-load benchmark: imports the given modules (absolute paths or file URLs),
// then prints how long that took and how long since the process started, as one JSON line.
import { pathToFileURL } from 'node:url';

const targets = process.argv.slice(2);
const started = performance.now();
for (const target of targets) await import(target.startsWith('file:') ? target : pathToFileURL(target).href);
const imported = performance.now();
// performance.now() counts from the process's time origin (its start).
process.stdout.write(`${JSON.stringify({ importMs: imported - started, sinceStartMs: imported })}\n`);
