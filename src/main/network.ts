// Which `fetch` main uses. @clerk/backend binds `globalThis.fetch` once, when it is loaded, and takes
// no fetch of its own (dist runtime: `var globalFetch = fetch.bind(globalThis)`), so the app's fetch is
// installed globally before that module loads (see entry.ts). Under Node (tests, the sandbox CLI)
// nothing is installed and Node's fetch stays.
export type Fetch = typeof fetch;

/** Makes every later `fetch` call go to the one `provide()` returns at call time. */
export function installGlobalFetch(provide: () => Fetch): void {
  globalThis.fetch = ((input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => provide()(input, init)) as Fetch;
}
