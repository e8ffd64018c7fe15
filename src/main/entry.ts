// The main process's entry (out/main/index.js). It only puts Chromium's network stack behind
// `fetch`, then loads the app: @clerk/backend captures `fetch` when it is loaded, and bundled static
// imports of packages would all load before any line of ours runs, so the app comes in dynamically.
import { useChromiumNetwork } from './electron/chromium-network.ts';

useChromiumNetwork();
await import('./index.ts');
