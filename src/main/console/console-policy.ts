// Rules for the trusted console window, as pure functions so they are tested under Node; the
// Electron wiring in src/main/electron only applies them.
import { extname, normalize, resolve, sep } from 'node:path';
import { HARDENED_WEB_PREFERENCES } from '../web-preferences.ts';

/** The console is served from its own privileged scheme, never from file:// (no ambient file access). */
export const CONSOLE_SCHEME = 'understudy';
export const CONSOLE_HOST = 'console';
export const CONSOLE_ORIGIN = `${CONSOLE_SCHEME}://${CONSOLE_HOST}`;
export const CONSOLE_ENTRY = `${CONSOLE_ORIGIN}/index.html`;

/** Strict CSP for the console page: only its own bundled code, nothing remote, nothing inline. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
].join('; ');

/** Headers sent with every console asset (the Electron protocol handler and the browser harness). */
export function consoleHeaders(filePath: string): Record<string, string> {
  return {
    'Content-Type': MIME[extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Maps a request path of the console origin to a file inside the built renderer folder, or null.
 * Refuses traversal (`..`, encoded or not), absolute paths, NUL bytes and anything outside `root`.
 */
export function resolveConsoleAsset(pathname: string, root: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((part) => part === '..')) return null;
  const base = resolve(root);
  const full = resolve(base, normalize(relative));
  if (full !== base && !full.startsWith(base + sep)) return null;
  return full;
}

/** The console never navigates away from itself; anything else is refused, not opened. */
export function isConsoleNavigationAllowed(url: string, consoleOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return false;
    return `${parsed.protocol}//${parsed.host}` === consoleOrigin;
  } catch {
    return false;
  }
}

/** webPreferences of the console window; the preload is its only bridge to main. */
export function consoleWebPreferences(preloadPath: string, devTools: boolean) {
  return {
    ...HARDENED_WEB_PREFERENCES,
    preload: preloadPath,
    devTools,
  } as const;
}

/** The console needs no device or browser permission at all. */
export function consolePermissionDecision(_permission: string): boolean {
  return false;
}
