// The main process's entry (out/main/index.js). It only puts Chromium's network stack behind
// `fetch`, then loads the app: @clerk/backend captures `fetch` when it is loaded, and bundled static
// imports of packages would all load before any line of ours runs, so the app comes in dynamically.
// Awaited at top level: Electron emits `ready` only once the ESM entry has settled, so the app's
// before-ready calls (privileged schemes, the sandbox switch) still come first
// (docs/tutorial/esm.md, "You must use await generously before the app's ready event").
import { useChromiumNetwork } from './electron/chromium-network.ts';

useChromiumNetwork();
await import('./index.ts');
