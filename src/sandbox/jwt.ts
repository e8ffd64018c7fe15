// RS256 JSON Web Tokens with node:crypto: session tokens and actor-token tickets are signed with the
// instance key, whose public half is served as the JWKS that @clerk/backend's verifyToken fetches.
import { generateKeyPair, sign, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { newId } from './ids.ts';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Jwk {
  kid: string;
  kty: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

export type Claims = Record<string, unknown>;

const generate = promisify(generateKeyPair);

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 });
  return { kid: newId('ins'), privateKey, publicKey };
}

export function publicJwk(key: SigningKey): Jwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kid: key.kid, kty: String(jwk.kty), alg: 'RS256', use: 'sig', n: String(jwk.n), e: String(jwk.e) };
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: Claims, key: SigningKey): string {
  const input = `${encode({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export type JwtCheck = { ok: true; claims: Claims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'issuer' };

/**
 * Verifies signature, `kid`, `exp`, `nbf` and `iss` against `nowSeconds`. The sandbox's own clock
 * is used (not Date.now) so tests can fast-forward past expiry.
 */
export function verifyJwt(token: string, key: SigningKey, options: { nowSeconds: number; issuer: string; ignoreExpiry?: boolean }): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Claims;
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Claims;
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'RS256' || header.kid !== key.kid || typeof claims !== 'object' || claims === null) return { ok: false, reason: 'malformed' };
  const valid = verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), key.publicKey, Buffer.from(signaturePart, 'base64url'));
  if (!valid) return { ok: false, reason: 'signature' };
  if (claims.iss !== options.issuer) return { ok: false, reason: 'issuer' };
  if (typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (options.ignoreExpiry) return { ok: true, claims };
  if (claims.exp <= options.nowSeconds) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > options.nowSeconds) return { ok: false, reason: 'not-yet-valid' };
  return { ok: true, claims };
}
