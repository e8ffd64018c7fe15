// Serves the built console from `understudy://console/…` with its CSP on every response.
// Registered as a standard, secure scheme so the page gets a real origin (needed by the sender check).
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { CONSOLE_HOST, CONSOLE_SCHEME, consoleHeaders, resolveConsoleAsset } from '../console/console-policy.ts';

/** Must run before `app` is ready. */
export function registerConsoleScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: CONSOLE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

export function serveConsole(rendererDir: string): void {
  protocol.handle(CONSOLE_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === CONSOLE_HOST ? resolveConsoleAsset(url.pathname, rendererDir) : null;
    if (!file || request.method !== 'GET') return new Response('Not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: consoleHeaders(file) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
