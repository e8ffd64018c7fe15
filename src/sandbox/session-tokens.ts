// Session JWTs as Clerk issues them (v2 claims, ~60 s life, RS256 with the JWKS key), and the
// customer app's view of "who is signed in", read only from a verified token.
import { randomBytes } from 'node:crypto';
import { signJwt, verifyJwt, type Claims, type SigningKey } from './jwt.ts';
import type { SandboxSession } from './sessions.ts';

/** Clerk's session tokens live about a minute and are refreshed by the app's SDK. */
export const SESSION_TOKEN_LIFETIME_SECONDS = 60;

export interface TokenIssuer {
  now: () => number;
  key: SigningKey;
  frontendApiUrl: () => string;
  appUrl: () => string;
}

/** `azp` is the origin that asked for the token (the portal or the app), as clerk-js sends it. */
export function mintSessionToken(session: SandboxSession, issuer: TokenIssuer, azp = issuer.appUrl()): string {
  const iat = Math.floor(issuer.now() / 1000);
  const claims: Claims = {
    azp,
    exp: Math.min(iat + SESSION_TOKEN_LIFETIME_SECONDS, Math.floor(session.expireAt / 1000)),
    fva: [Math.floor((issuer.now() - session.createdAt) / 60_000), -1],
    iat,
    iss: issuer.frontendApiUrl(),
    jti: randomBytes(10).toString('hex'),
    nbf: iat - 10,
    sid: session.id,
    sts: session.status === 'pending' ? 'pending' : 'active',
    sub: session.userId,
    v: 2,
    ...(session.actor ? { act: session.actor } : {}),
  };
  return signJwt(claims, issuer.key);
}

export function verifySessionToken(token: string, issuer: TokenIssuer): Claims | null {
  const result = verifyJwt(token, issuer.key, { nowSeconds: Math.floor(issuer.now() / 1000), issuer: issuer.frontendApiUrl() });
  return result.ok && typeof result.claims.sid === 'string' && typeof result.claims.sub === 'string' ? result.claims : null;
}
