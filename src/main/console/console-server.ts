// Answers a GET on the console origin: the built renderer's files, or an avatar main fetched.
// The Electron protocol handler and the browser harness both call this, so they serve alike.
import { readFile } from 'node:fs/promises';
import { AVATAR_PATH_PREFIX, type AvatarProxy } from '../clerk/avatar-proxy.ts';
import { CONSOLE_CSP, consoleHeaders, resolveConsoleAsset } from './console-policy.ts';

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const notFound: ConsoleResponse = { status: 404, headers: { 'Content-Type': 'text/plain', 'Content-Security-Policy': CONSOLE_CSP }, body: 'Not found' };

export async function consoleResponse(method: string, pathname: string, rendererDir: string, avatars: Pick<AvatarProxy, 'get'>): Promise<ConsoleResponse> {
  if (method !== 'GET') return notFound;
  if (pathname.startsWith(AVATAR_PATH_PREFIX)) {
    const image = await avatars.get(pathname.slice(AVATAR_PATH_PREFIX.length));
    if (!image) return notFound;
    return {
      status: 200,
      // An SVG avatar is only ever an <img>; its own CSP keeps it inert if opened directly.
      headers: { 'Content-Type': image.contentType, 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, max-age=3600' },
      body: image.body,
    };
  }
  const file = resolveConsoleAsset(pathname, rendererDir);
  if (!file) return notFound;
  try {
    return { status: 200, headers: consoleHeaders(file), body: await readFile(file) };
  } catch {
    return notFound;
  }
}
