// Which cookies of an impersonation window can carry this impersonation's Clerk session.

/**
 * `__session`, and `__session_<suffix>` that clerk-js sets alongside it: the suffix is 8 characters
 * of base64url, so it may contain `_` and `-` (clerk/javascript AuthCookieService.ts,
 * cookies/session.ts; shared keys.ts getCookieSuffix).
 */
const SESSION_COOKIE = /^__session(_[A-Za-z0-9_-]{8})?$/;

export function isSessionCookieName(name: string): boolean {
  return SESSION_COOKIE.test(name);
}

/**
 * The `iss` claim of a JWT, read WITHOUT verifying it: only to tell which instance issued a cookie
 * before spending a verification on it. Null when the value is not a JWT with a string `iss`.
 */
export function issuerOf(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    const iss = payload && typeof payload === 'object' ? (payload as Record<string, unknown>)['iss'] : undefined;
    return typeof iss === 'string' ? iss.replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}
