/**
 * The logout-token validator: checks a CIS2 back-channel logout token before the session engine
 * acts on it, shared by the shell (main/services/oidc/logout-receiver.ts) and the trust's relay
 * (relay/ingress.ts), so the two cannot drift apart.
 *
 * OpenID Connect Back-Channel Logout 1.0 §2.6 in order: a compact JWS with an asymmetric `alg`
 * whose signature verifies with the issuer's keys (here, through the key lookup it is given:
 * issuer-keys.ts in production, any jose key getter in tests), then the claims
 * (logout-token-claims.ts: `iss`, `aud`, `iat`/`exp`, `events`, no `nonce`, `sub`/`sid`, `jti`),
 * then the replay check on `jti`. The `typ` header is not required: CIS2's documentation does not
 * say it sends `logout+jwt`, and the `events` and `nonce` checks already stop an ID token passing
 * as a logout token (docs/cis2.md).
 *
 * A token that passes yields `{ subject, sessionId }`, the shape `SessionService.backchannelLogout`
 * and the engine's `backchannelLogout` event take; the engine ends the session only when every
 * claim the token carries names it (CIS2 "Actions": sub and sid, or sub alone).
 *
 * Nothing here fetches or logs, and no refusal message carries any part of the token.
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { ShellError } from '../../core/errors';
import { Refusal, checkLogoutClaims, isObject, refuse } from './logout-token-claims';
import type { LogoutCode } from './logout-token-claims';

export { BACKCHANNEL_LOGOUT_EVENT } from './logout-token-claims';

/**
 * Asymmetric JWS algorithms only: CIS2 signs logout tokens "by the same keypair" as ID tokens
 * (NHS England's CIS2 guidance (section 9)). `none` and HS* are refused outright: an HS* token could be minted by anyone
 * who knows or guesses the shared secret, and `none` is no signature at all (BCL §2.6 step 2).
 */
export const LOGOUT_TOKEN_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export interface LogoutTokenValidatorOptions {
  /** The issuer exactly as the OpenID Provider Configuration Document states it. */
  readonly issuer: string;
  readonly clientId: string;
  /** Key lookup for signature checks; in production the issuer's key set (issuer-keys.ts). */
  readonly jwks: JWTVerifyGetKey;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** How old `iat` may be. Default 120 s: CIS2 posts the token as the session ends. */
  readonly maxAgeSeconds?: number;
  /** Tolerance for clocks that disagree. Default 30 s. */
  readonly clockSkewSeconds?: number;
  /**
   * How many recent `jti` values are remembered at most to refuse replays. Default 1000. Each is
   * kept until the token could no longer pass the time checks (for the workstation, the 12-hour
   * session limit), unless this bound forces the oldest out first.
   */
  readonly seen?: number;
  /**
   * Replaces the in-memory replay memory (then `seen` is unused), e.g. with a store shared by
   * several relay replicas. Called last, once every other check has passed, with the token's
   * `jti` and the epoch milliseconds after which the token could no longer pass the time checks
   * (so remembering it longer is pointless). Must record the `jti` and answer true when this is
   * the first time it was seen, false when it was seen before, atomically (e.g. Redis SET NX), so
   * two copies checked at once cannot both pass. A rejection is not a refusal: it is passed on to
   * the caller, whose store is unavailable and who must not treat the token as bad.
   */
  readonly seenJti?: (jti: string, expiresAt: number) => Promise<boolean>;
  /** Narrows LOGOUT_TOKEN_ALGORITHMS (e.g. to what the provider advertises); never widens it. */
  readonly algorithms?: readonly string[];
  /** Other audiences the configuration trusts beside the client (core/audience.ts); none when absent. */
  readonly trustedAudiences?: readonly string[];
  /** Whether a passed `exp` refuses the token (default true); see logout-token-claims.ts. */
  readonly enforceExp?: boolean;
}

/** `issuedAt`: the token's `iat` in epoch ms, by the provider's clock (the clock of `auth_time`). */
export type LogoutTokenResult =
  { ok: true; subject?: string; sessionId?: string; issuedAt: number } | { ok: false; error: ShellError };
export type LogoutTokenValidator = (token: string) => Promise<LogoutTokenResult>;

const IGNORED = 'A back-channel logout notice from CIS2 was ignored because';
const TELL_IT = 'No one was signed out by it; if this keeps happening, tell IT.';

/** Whole sentences for an IT admin reading the log; none of them quotes the token. */
const MESSAGES: Record<LogoutCode, string> = {
  LOGOUT_TOKEN_MALFORMED: `${IGNORED} it is not a well-formed signed token. ${TELL_IT}`,
  LOGOUT_TOKEN_ALG_REFUSED: `${IGNORED} it was not signed with an algorithm CIS2 uses (unsigned and shared-secret tokens are refused). ${TELL_IT}`,
  LOGOUT_TOKEN_SIGNATURE_INVALID: `${IGNORED} its signature does not match any of CIS2's published keys. ${TELL_IT}`,
  LOGOUT_TOKEN_KEYS_UNAVAILABLE: `${IGNORED} CIS2's signing keys could not be fetched to check it. Check the network connection to CIS2; if it keeps happening, tell IT.`,
  LOGOUT_TOKEN_ISSUER_MISMATCH: `${IGNORED} it comes from a different issuer than the CIS2 environment this workstation uses. ${TELL_IT}`,
  LOGOUT_TOKEN_AUDIENCE_MISMATCH: `${IGNORED} it is addressed to a different application. ${TELL_IT}`,
  LOGOUT_TOKEN_IAT_MISSING: `${IGNORED} it does not say when it was issued. ${TELL_IT}`,
  LOGOUT_TOKEN_ISSUED_IN_FUTURE: `${IGNORED} it claims to be issued in the future. Check this workstation's clock; if it is right, tell IT.`,
  LOGOUT_TOKEN_TOO_OLD: `${IGNORED} it was issued too long ago. Check this workstation's clock; if it is right, tell IT.`,
  LOGOUT_TOKEN_EXPIRED: `${IGNORED} it has expired. Check this workstation's clock; if it is right, tell IT.`,
  LOGOUT_TOKEN_EVENTS_MISSING: `${IGNORED} it does not declare any event. ${TELL_IT}`,
  LOGOUT_TOKEN_NOT_LOGOUT_EVENT: `${IGNORED} it does not declare a back-channel logout event. ${TELL_IT}`,
  LOGOUT_TOKEN_NONCE_PRESENT: `${IGNORED} it carries a nonce, which means it is a sign-in token being replayed. ${TELL_IT}`,
  LOGOUT_TOKEN_SUBJECT_MISSING: `${IGNORED} it names neither a user nor a session. ${TELL_IT}`,
  LOGOUT_TOKEN_JTI_MISSING: `${IGNORED} it has no unique identifier, so a replay could not be detected. ${TELL_IT}`,
  LOGOUT_TOKEN_REPLAYED: `${IGNORED} it was already received once and is being replayed. ${TELL_IT}`,
};

/** Far larger than any real logout token; bounds the work an unauthenticated POST can cause. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** jose's error codes from compactVerify that say what is wrong with the token; any other is the keys'. */
const JOSE_REFUSALS: ReadonlyMap<unknown, LogoutCode> = new Map<unknown, LogoutCode>([
  ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'LOGOUT_TOKEN_SIGNATURE_INVALID'],
  ['ERR_JWKS_NO_MATCHING_KEY', 'LOGOUT_TOKEN_SIGNATURE_INVALID'],
  ['ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'LOGOUT_TOKEN_SIGNATURE_INVALID'],
  ['ERR_JWS_INVALID', 'LOGOUT_TOKEN_MALFORMED'],
  ['ERR_JOSE_NOT_SUPPORTED', 'LOGOUT_TOKEN_MALFORMED'],
  // Stryker disable next-line StringLiteral,ArrayDeclaration: unreachable: jose throws this only for an alg outside the list it is given, and verifiedPayload refuses every such alg itself before calling compactVerify with that same list
  ['ERR_JOSE_ALG_NOT_ALLOWED', 'LOGOUT_TOKEN_ALG_REFUSED'],
]);

function positiveNumber(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isFinite(n) || n < 0) {
    throw new ShellError(
      'CONFIG_INVALID',
      `The back-channel logout setting "${what}" must be a number of zero or more; ask IT to correct it.`,
    );
  }
  return n;
}

/** The options, checked once when the validator is made; a bad one is a configuration error. */
function settingsOf(options: LogoutTokenValidatorOptions): {
  maxAge: number;
  skew: number;
  memorySize: number;
  algorithms: readonly string[];
} {
  const maxAge = positiveNumber(options.maxAgeSeconds, 120, 'maxAgeSeconds');
  const skew = positiveNumber(options.clockSkewSeconds, 30, 'clockSkewSeconds');
  const memorySize = Math.floor(positiveNumber(options.seen, 1000, 'seen'));
  if (memorySize < 1)
    throw new ShellError(
      'CONFIG_INVALID',
      'The back-channel logout replay memory must hold at least one token; ask IT to correct it.',
    );
  const algorithms = LOGOUT_TOKEN_ALGORITHMS.filter(
    (alg) => options.algorithms === undefined || options.algorithms.includes(alg),
  );
  if (algorithms.length === 0) {
    throw new ShellError(
      'CONFIG_INVALID',
      'CIS2 advertises no signing algorithm the shell accepts for logout tokens, so back-channel logout cannot be checked; tell IT.',
    );
  }
  return { maxAge, skew, memorySize, algorithms };
}

/** Step 1: a compact JWS with an allowed asymmetric alg whose signature the issuer's keys verify. */
async function verifiedPayload(
  token: string,
  jwks: JWTVerifyGetKey,
  algorithms: readonly string[],
): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3)
    refuse('LOGOUT_TOKEN_MALFORMED');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (cause) {
    refuse('LOGOUT_TOKEN_MALFORMED', cause);
  }
  // A missing or non-string alg is no allowed one either (jose would call it malformed).
  if (!algorithms.some((allowed) => allowed === alg)) refuse('LOGOUT_TOKEN_ALG_REFUSED');
  let payload: Uint8Array;
  try {
    // Stryker disable next-line ObjectLiteral: the header's alg was checked against this same list just above, so jose's own algorithm check is a second lock no token reaches
    ({ payload } = await compactVerify(token, jwks, { algorithms: [...algorithms] }));
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    // Network failures, timeouts and unusable key sets: the token may be fine, the keys are not here.
    refuse(JOSE_REFUSALS.get(code) ?? 'LOGOUT_TOKEN_KEYS_UNAVAILABLE', cause);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    refuse('LOGOUT_TOKEN_MALFORMED', cause);
  }
  if (!isObject(claims)) refuse('LOGOUT_TOKEN_MALFORMED');
  return claims;
}

/**
 * A bounded memory of accepted `jti` values, each kept until the token could no longer pass the
 * time checks (so a token is never accepted twice within its window); past the bound the oldest
 * is forgotten first.
 */
function replayMemory(size: number): {
  has(jti: string): boolean;
  remember(jti: string, until: number, now: number): void;
} {
  const seen = new Map<string, number>();
  return {
    has: (jti) => seen.has(jti),
    remember(jti, until, now) {
      seen.set(jti, until);
      // A Map iterates in insertion order, so the first ones are the oldest.
      for (const [earlier, expires] of seen) if (expires <= now || seen.size > size) seen.delete(earlier);
    },
  };
}

function refusal(thrown: Refusal): LogoutTokenResult {
  return {
    ok: false,
    // ShellError itself leaves out a cause that is undefined.
    error: new ShellError(thrown.code, MESSAGES[thrown.code], { cause: thrown.cause }),
  };
}

export function createLogoutTokenValidator(options: LogoutTokenValidatorOptions): LogoutTokenValidator {
  const now = options.now ?? Date.now;
  const { maxAge, skew, memorySize, algorithms } = settingsOf(options);
  const replays = replayMemory(memorySize);
  const rules = {
    issuer: options.issuer,
    clientId: options.clientId,
    maxAgeSeconds: maxAge,
    clockSkewSeconds: skew,
    trustedAudiences: options.trustedAudiences,
    enforceExp: options.enforceExp,
  };

  return async (token) => {
    try {
      const claims = await verifiedPayload(token, options.jwks, algorithms);
      const at = now();
      const { jti, expiresAt, ...result } = checkLogoutClaims(claims, { ...rules, nowSeconds: at / 1000 });
      // Step 7: jti not seen before. In memory it is checked and recorded in the same synchronous
      // step as the claims, so two copies verified concurrently cannot both pass; a shared store
      // (`seenJti`, called once every other check has passed) does the same atomically on its side.
      if (options.seenJti === undefined) {
        if (replays.has(jti)) refuse('LOGOUT_TOKEN_REPLAYED');
        replays.remember(jti, expiresAt, at);
      } else if (!(await options.seenJti(jti, expiresAt))) refuse('LOGOUT_TOKEN_REPLAYED');
      return { ok: true, ...result };
    } catch (thrown) {
      if (thrown instanceof Refusal) return refusal(thrown);
      throw thrown;
    }
  };
}
