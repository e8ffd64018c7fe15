// What tests (and the out-of-process control channel) may reach that the app cannot: the
// Playwright page behind a web contents, and request holds. Never imported by the app.
import type { Page } from 'playwright-core';

type Hold = { matches: (url: string) => boolean; released: Promise<void> };
const holds = new Set<Hold>();

/** Holds every webContents.loadURL() of a matching URL until `release()` is called (nothing is requested meanwhile). */
export function holdRequests(matches: (url: string) => boolean): () => void {
  let release!: () => void;
  const hold: Hold = { matches, released: new Promise<void>((done) => (release = done)) };
  holds.add(hold);
  return () => {
    holds.delete(hold);
    release();
  };
}

export async function awaitHolds(url: string): Promise<void> {
  for (const hold of [...holds]) if (hold.matches(url)) await hold.released;
}

const pages = new WeakMap<object, () => Promise<Page>>();

export function registerPage(contents: object, page: () => Promise<Page>): void {
  pages.set(contents, page);
}

/** The Chromium page a web contents is rendered in. */
export function pageOf(contents: object): Promise<Page> {
  const page = pages.get(contents);
  if (!page) throw new Error('Not an emulated web contents');
  return page();
}
