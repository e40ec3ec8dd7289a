/**
 * Checks the ID token a workstation registers with, before the relay sends it anyone's logouts.
 *
 * Checked: the signature by the issuer's published keys (asymmetric algorithms only), `iss`
 * exactly, `aud` and `azp` by the one audience rule the shell applies too (main/core/audience.ts,
 * OpenID Connect Core 1.0 §3.1.3.7: the client an audience, no untrusted other one, `azp` naming
 * the client when there are several), `sub` present, and that the session is within the CIS2
 * 12-hour limit: `iat` (and `auth_time` when present) no older than 12 hours plus the clock skew,
 * and not in the future.
 *
 * Deliberately not checked: `exp`. ID tokens live minutes (CIS2 issues them for a few minutes,
 * the sandbox for five) while the session they prove lasts up to 12 hours, and a workstation
 * re-registers after every reconnect with the ID token it holds. An expired ID token still proves
 * who signed in and which session it is; it grants nothing here but hearing that session's logout.
 * Also not checked: `nonce` (the relay did not send the authorization request, the shell did).
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import { audienceRefusal } from '../main/core/audience';
import { isFiniteNumber } from '../main/core/finite';
import type { RegistrationRefusal } from '../main/services/relay-client/protocol';
import { SESSION_HOURS } from './config';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';

export interface IdTokenCheckOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly now?: () => number;
  readonly clockSkewSeconds?: number;
  /** Other audiences trusted beside the client (main/core/audience.ts); none when absent. */
  readonly trustedAudiences?: readonly string[];
}

export type IdTokenResult =
  | { ok: true; sub: string; sid?: string | undefined; sessionStart: number }
  | { ok: false; reason: RegistrationRefusal };

const SIGNATURE_CODES = new Set([
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWS_INVALID',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

export async function checkIdToken(
  token: string,
  keys: IssuerKeys,
  options: IdTokenCheckOptions,
): Promise<IdTokenResult> {
  const now = (options.now ?? Date.now)() / 1000;
  const skew = options.clockSkewSeconds ?? 60;
  let header: { readonly typ?: unknown } = {};
  try {
    header = decodeProtectedHeader(token);
  } catch {
    // Not a JWT: compactVerify below refuses it as invalid.
  }
  // A logout token is not a sign-in (OIDC Back-Channel Logout 1.0 §4.1, cross-JWT confusion).
  // No typ at all reads as 'undefined': not a logout token.
  const media = String(header.typ).toLowerCase();
  if (media === 'logout+jwt' || media === 'application/logout+jwt') return { ok: false, reason: 'token-invalid' };
  let payload: Uint8Array;
  try {
    // Only the issuer's asymmetric algorithms: jose refuses any other before it looks for a key.
    ({ payload } = await compactVerify(token, keys.jwks, { algorithms: [...keys.algorithms] }));
  } catch (cause) {
    const code = String((cause as { code?: unknown } | null)?.code);
    return { ok: false, reason: SIGNATURE_CODES.has(code) ? 'token-invalid' : 'keys-unavailable' };
  }
  let claims: unknown = null;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    // Not JSON in UTF-8: refused below as not an object.
  }
  if (!isObject(claims)) return { ok: false, reason: 'token-invalid' };
  if (claims['iss'] !== options.issuer) return { ok: false, reason: 'wrong-issuer' };
  if (audienceRefusal(claims, options) !== null) return { ok: false, reason: 'wrong-client' };
  if (Object.hasOwn(claims, 'events')) return { ok: false, reason: 'token-invalid' };
  const sub = claims['sub'];
  if (!nonEmpty(sub)) return { ok: false, reason: 'token-invalid' };
  const sid = claims['sid'];
  if (sid !== undefined && !nonEmpty(sid)) return { ok: false, reason: 'token-invalid' };
  const iat = claims['iat'];
  if (!isFiniteNumber(iat) || iat > now + skew) return { ok: false, reason: 'token-invalid' };
  const authTime = claims['auth_time'];
  if (authTime !== undefined && (!isFiniteNumber(authTime) || authTime > now + skew))
    return { ok: false, reason: 'token-invalid' };
  const oldest = now - SESSION_HOURS * 3600 - skew;
  const sessionStart = typeof authTime === 'number' ? Math.min(authTime, iat) : iat;
  // The session start is never after iat: a session too old is the only way to be too old.
  if (sessionStart < oldest) return { ok: false, reason: 'token-too-old' };
  return { ok: true, sub, sid, sessionStart };
}
