// Serves the console from `understudy://console/…` with its CSP on every response.
// Registered as a standard, secure scheme so the page gets a real origin (needed by the sender check).
import { protocol } from 'electron';
import type { AvatarProxy } from '../clerk/avatar-proxy.ts';
import { CONSOLE_HOST, CONSOLE_SCHEME } from '../console/console-policy.ts';
import { consoleResponse } from '../console/console-server.ts';

/** Must run before `app` is ready. */
export function registerConsoleScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: CONSOLE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

export function serveConsole(rendererDir: string, avatars: AvatarProxy): void {
  protocol.handle(CONSOLE_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== CONSOLE_HOST) return new Response('Not found', { status: 404 });
    const answer = await consoleResponse(request.method, url.pathname, rendererDir, avatars);
    return new Response(answer.body as Uint8Array<ArrayBuffer> | string, { status: answer.status, headers: answer.headers });
  });
}
