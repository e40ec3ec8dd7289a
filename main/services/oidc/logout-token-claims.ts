/**
 * The claim checks of a CIS2 back-channel logout token, on a payload whose signature has already
 * been verified (backchannel-logout.ts does that first). Pure: the expected issuer, client and the
 * time are parameters; nothing here fetches, logs or remembers.
 *
 * The rules are OpenID Connect Back-Channel Logout 1.0 §2.4 (what a logout token contains) and
 * §2.6 (how a relying party validates it), as CIS2 restates them in its session management guide
 * (NHS England's CIS2 guidance, section 9, "Back Channel Logout" > "Logout Token"): `iss`
 * matching the configuration document exactly, `aud` checked "in the same way [it is] validated
 * in ID Tokens" (core/audience.ts: the client an audience, no untrusted other one, `azp` naming
 * the client when there are several), `iat` (and `exp`, unless the caller relies on the
 * session's auth_time instead: docs/security.md, "Late logouts"), an `events` claim naming the
 * back-channel logout event, no `nonce`, `sub` and/or `sid`, and a `jti`.
 */
import { audienceRefusal } from '../../core/audience';
import type { ShellErrorCode } from '../../core/errors';
import { isFiniteNumber } from '../../core/finite';

/** The `events` member that declares a JWT to be a logout token (BCL §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The refusal codes of a logout token, one per rule. */
export type LogoutCode = Extract<ShellErrorCode, `LOGOUT_TOKEN_${string}`>;

/** A refusal: stops the checks with the first rule the token breaks. */
export class Refusal {
  constructor(
    readonly code: LogoutCode,
    readonly cause?: unknown,
  ) {}
}

export function refuse(code: LogoutCode, cause?: unknown): never {
  throw new Refusal(code, cause);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the claims are checked against. */
export interface ClaimRules {
  /** The issuer exactly as the OpenID Provider Configuration Document states it. */
  readonly issuer: string;
  readonly clientId: string;
  /** Now, in epoch seconds. */
  readonly nowSeconds: number;
  /** How old `iat` may be, in seconds. */
  readonly maxAgeSeconds: number;
  /** Tolerance for clocks that disagree, in seconds. */
  readonly clockSkewSeconds: number;
  /** Other audiences the configuration trusts beside the client (core/audience.ts); none when absent. */
  readonly trustedAudiences?: readonly string[] | undefined;
  /**
   * Whether a passed `exp` refuses the token (default true). The workstation sets false for what
   * the relay delivers: a logout that waited for an offline PC is still the logout; `iat` within
   * `maxAgeSeconds` and the session engine's `iat ≥ auth_time` bound it instead.
   */
  readonly enforceExp?: boolean | undefined;
}

/** The claims of a token that passed, and how long its `jti` is worth remembering. */
export interface CheckedClaims {
  readonly subject?: string;
  readonly sessionId?: string;
  /** `iat` in epoch ms, by the provider's clock. */
  readonly issuedAt: number;
  readonly jti: string;
  /** Epoch ms after which the token could no longer pass the time checks. */
  readonly expiresAt: number;
}

/** A claim that must be a non-empty string when present; an empty string counts as absent. */
function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') refuse('LOGOUT_TOKEN_MALFORMED');
  return value;
}

/**
 * BCL §2.6 steps after the signature, in order; throws a Refusal at the first rule broken. The
 * replay check on the returned `jti` is the caller's (it holds the memory, or a shared store).
 */
export function checkLogoutClaims(claims: Record<string, unknown>, rules: ClaimRules): CheckedClaims {
  // iss exactly; aud and azp by the one audience rule (core/audience.ts).
  if (claims['iss'] !== rules.issuer) refuse('LOGOUT_TOKEN_ISSUER_MISMATCH');
  if (audienceRefusal(claims, rules) !== null) refuse('LOGOUT_TOKEN_AUDIENCE_MISMATCH');

  // iat fresh; exp (BCL 1.0 final recommends it; CIS2 sends it) not passed when present and enforced.
  const { nowSeconds, maxAgeSeconds: maxAge, clockSkewSeconds: skew } = rules;
  const iat = claims['iat'];
  if (!isFiniteNumber(iat)) refuse('LOGOUT_TOKEN_IAT_MISSING');
  if (iat > nowSeconds + skew) refuse('LOGOUT_TOKEN_ISSUED_IN_FUTURE');
  if (iat < nowSeconds - maxAge - skew) refuse('LOGOUT_TOKEN_TOO_OLD');
  const exp = claims['exp'];
  if (exp !== undefined && !isFiniteNumber(exp)) refuse('LOGOUT_TOKEN_MALFORMED');
  // Without exp (or when it is not enforced), only the iat window bounds the token.
  const expSeconds = rules.enforceExp === false ? Number.POSITIVE_INFINITY : (exp ?? Number.POSITIVE_INFINITY);
  if (expSeconds <= nowSeconds - skew) refuse('LOGOUT_TOKEN_EXPIRED');

  // events declares the back-channel logout event, whose value is a JSON object (BCL §2.4).
  const events = claims['events'];
  if (!isObject(events)) refuse('LOGOUT_TOKEN_EVENTS_MISSING');
  if (!isObject(events[BACKCHANNEL_LOGOUT_EVENT])) refuse('LOGOUT_TOKEN_NOT_LOGOUT_EVENT');

  // A nonce means an ID token dressed up as a logout token (BCL §2.4, CIS2).
  if (Object.hasOwn(claims, 'nonce')) refuse('LOGOUT_TOKEN_NONCE_PRESENT');

  // It must name a user, a session, or both.
  const subject = optionalString(claims, 'sub');
  const sessionId = optionalString(claims, 'sid');
  if (subject === undefined && sessionId === undefined) refuse('LOGOUT_TOKEN_SUBJECT_MISSING');

  // jti present (whether it was seen before is the caller's check, made last).
  const jti = optionalString(claims, 'jti');
  if (jti === undefined) refuse('LOGOUT_TOKEN_JTI_MISSING');
  // Past this instant the iat (or exp) check refuses the token anyway.
  const passesUntil = Math.min(iat + maxAge + skew, expSeconds + skew);

  return {
    ...(subject === undefined ? {} : { subject }),
    ...(sessionId === undefined ? {} : { sessionId }),
    issuedAt: iat * 1000,
    jti,
    expiresAt: Math.ceil(passesUntil * 1000),
  };
}
