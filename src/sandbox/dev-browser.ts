// Development instances identify a browser by its "dev browser", not by a `__client` cookie: the
// Frontend API of a development instance lives on another site than the app (`*.accounts.dev` vs
// `localhost`), where cross-site cookies are unreliable, so the dev browser token travels in the
// `__clerk_db_jwt` query parameter of every Frontend API call instead (clerk-docs
// `docs/_partials/clerkdbjwt-vs-client-cookie.mdx`; clerk/javascript `packages/clerk-js/src/core/auth/devBrowser.ts`
// adds it to each request in `onBeforeRequest`). `POST /v1/dev_browser` creates one (FAPI spec
// createDevBrowser: "It must be set before making any request to a dev instance, even for endpoints
// that are public"); each is linked to one client, as Clerk links it to the client token.
import { newId } from './ids.ts';
import type { SandboxClient, SessionStore } from './sessions.ts';

/** The query parameter (and page cookie) name: clerk/javascript `packages/shared/src/devBrowser.ts` DEV_BROWSER_KEY. */
export const DEV_BROWSER_KEY = '__clerk_db_jwt';

export interface DevBrowserStore {
  /** A new dev browser token, linked to a new client. */
  create(): string;
  /** The client a dev browser token stands for; undefined when the token is unknown. */
  clientOf(token: string): SandboxClient | undefined;
}

export function createDevBrowserStore(sessions: SessionStore): DevBrowserStore {
  const clients = new Map<string, SandboxClient>();
  return {
    create() {
      // The value is opaque to clerk-js: it only keeps it (cookie, memory) and forwards it.
      const token = newId('dvb');
      clients.set(token, sessions.createClient());
      return token;
    },
    clientOf: (token) => clients.get(token),
  };
}
