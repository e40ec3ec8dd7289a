/**
 * Checks a CIS2 back-channel logout token before the session engine acts on it.
 *
 * The checks, in order, are OIDC Back-Channel Logout 1.0 §2.6 as CIS2 restates them in its
 * session management guide (NHS England's CIS2 guidance, section 9, "Back Channel Logout" > "Logout Token"): "Relying
 * Parties MUST validate the Logout Token ... as per section 2.6", with the signature checked
 * against CIS2's published keys, `iss` matching the configuration document exactly, `aud`
 * containing our client id, an `events` claim naming the back-channel logout event, no `nonce`,
 * and `iat`/`exp` checked "in the same way they are validated in ID Tokens".
 *
 * A token that passes yields `{ subject, sessionId }`, the shape `SessionService.backchannelLogout`
 * and the engine's `backchannelLogout` event take; the engine ends the session only when every
 * claim the token carries names it (CIS2 "Actions": sub and sid, or sub alone).
 *
 * Nothing here logs, and no refusal message carries any part of the token.
 */
import { compactVerify, createRemoteJWKSet, customFetch, decodeProtectedHeader } from 'jose';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { ShellError } from '../../core/errors';
import type { ShellErrorCode } from '../../core/errors';
import type { OidcSettings } from './settings';
import type { IssuerFetch } from './types';

/** The `events` member that declares a JWT to be a logout token (BCL §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

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
  /** Key lookup for signature checks; in production jose's createRemoteJWKSet on the jwks_uri. */
  readonly jwks: JWTVerifyGetKey;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** How old `iat` may be. Default 120 s: CIS2 posts the token as the session ends. */
  readonly maxAgeSeconds?: number;
  /** Tolerance for clocks that disagree. Default 30 s. */
  readonly clockSkewSeconds?: number;
  /** How many recent `jti` values are remembered to refuse replays. Default 1000. */
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
}

/** `issuedAt`: the token's `iat` in epoch ms, by the provider's clock (the clock of `auth_time`). */
export type LogoutTokenResult =
  { ok: true; subject?: string; sessionId?: string; issuedAt: number } | { ok: false; error: ShellError };
export type LogoutTokenValidator = (token: string) => Promise<LogoutTokenResult>;

type LogoutCode = Extract<ShellErrorCode, `LOGOUT_TOKEN_${string}`>;

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

/** A refusal: stops the checks with the first rule the token breaks. */
class Refusal {
  constructor(
    readonly code: LogoutCode,
    readonly cause?: unknown,
  ) {}
}

function refuse(code: LogoutCode, cause?: unknown): never {
  throw new Refusal(code, cause);
}

/** Far larger than any real logout token; bounds the work an unauthenticated POST can cause. */
const MAX_TOKEN_LENGTH = 16 * 1024;

const JOSE_SIGNATURE_CODES = new Set([
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);
const JOSE_MALFORMED_CODES = new Set(['ERR_JWS_INVALID', 'ERR_JOSE_NOT_SUPPORTED']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  if (typeof alg !== 'string' || !algorithms.includes(alg)) refuse('LOGOUT_TOKEN_ALG_REFUSED');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, jwks, { algorithms: [...algorithms] }));
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && JOSE_SIGNATURE_CODES.has(code)) refuse('LOGOUT_TOKEN_SIGNATURE_INVALID', cause);
    if (typeof code === 'string' && JOSE_MALFORMED_CODES.has(code)) refuse('LOGOUT_TOKEN_MALFORMED', cause);
    if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') refuse('LOGOUT_TOKEN_ALG_REFUSED', cause);
    // Network failures, timeouts and unusable key sets: the token may be fine, the keys are not here.
    refuse('LOGOUT_TOKEN_KEYS_UNAVAILABLE', cause);
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

/** A claim that must be a non-empty string when present; an empty string counts as absent. */
function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') refuse('LOGOUT_TOKEN_MALFORMED');
  return value;
}

/** A bounded, insertion-ordered memory of accepted `jti` values (oldest forgotten first). */
function replayMemory(size: number): { has(jti: string): boolean; remember(jti: string): void } {
  const seen = new Set<string>();
  return {
    has: (jti) => seen.has(jti),
    remember(jti) {
      seen.add(jti);
      while (seen.size > size) {
        const oldest = seen.values().next();
        if (oldest.done === true) break;
        seen.delete(oldest.value);
      }
    },
  };
}

export function createLogoutTokenValidator(options: LogoutTokenValidatorOptions): LogoutTokenValidator {
  const now = options.now ?? Date.now;
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
  const replays = replayMemory(memorySize);

  function checkClaims(claims: Record<string, unknown>): {
    subject?: string;
    sessionId?: string;
    issuedAt: number;
    jti: string;
    expiresAt: number;
  } {
    // Step 2: iss exactly; aud contains our client id (a string or an array, RFC 7519 §4.1.3).
    if (claims['iss'] !== options.issuer) refuse('LOGOUT_TOKEN_ISSUER_MISMATCH');
    const aud = claims['aud'];
    if (!(aud === options.clientId || (Array.isArray(aud) && aud.includes(options.clientId))))
      refuse('LOGOUT_TOKEN_AUDIENCE_MISMATCH');

    // Step 3: iat fresh; exp (BCL 1.0 final recommends it; CIS2 sends it) not passed when present.
    const nowSeconds = now() / 1000;
    const iat = claims['iat'];
    if (typeof iat !== 'number' || !Number.isFinite(iat)) refuse('LOGOUT_TOKEN_IAT_MISSING');
    if (iat > nowSeconds + skew) refuse('LOGOUT_TOKEN_ISSUED_IN_FUTURE');
    if (iat < nowSeconds - maxAge - skew) refuse('LOGOUT_TOKEN_TOO_OLD');
    const exp = claims['exp'];
    if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) refuse('LOGOUT_TOKEN_MALFORMED');
    if (exp !== undefined && exp <= nowSeconds - skew) refuse('LOGOUT_TOKEN_EXPIRED');

    // Step 4: events declares the back-channel logout event, whose value is a JSON object.
    const events = claims['events'];
    if (!isObject(events)) refuse('LOGOUT_TOKEN_EVENTS_MISSING');
    if (!isObject(events[BACKCHANNEL_LOGOUT_EVENT])) refuse('LOGOUT_TOKEN_NOT_LOGOUT_EVENT');

    // Step 5: a nonce means an ID token dressed up as a logout token (BCL §2.4, CIS2).
    if (Object.hasOwn(claims, 'nonce')) refuse('LOGOUT_TOKEN_NONCE_PRESENT');

    // Step 6: it must name a user, a session, or both.
    const subject = optionalString(claims, 'sub');
    const sessionId = optionalString(claims, 'sid');
    if (subject === undefined && sessionId === undefined) refuse('LOGOUT_TOKEN_SUBJECT_MISSING');

    // Step 7: jti present and not seen before. In memory it is checked and recorded in the same
    // synchronous step, so two copies verified concurrently cannot both pass; a shared store
    // (`seenJti`, called once every other check has passed) does the same atomically on its side.
    const jti = optionalString(claims, 'jti');
    if (jti === undefined) refuse('LOGOUT_TOKEN_JTI_MISSING');
    if (options.seenJti === undefined) {
      if (replays.has(jti)) refuse('LOGOUT_TOKEN_REPLAYED');
      replays.remember(jti);
    }
    // Past this instant the iat (or exp) check refuses the token anyway.
    const passesUntil = Math.min(iat + maxAge + skew, exp === undefined ? Number.POSITIVE_INFINITY : exp + skew);

    return {
      ...(subject === undefined ? {} : { subject }),
      ...(sessionId === undefined ? {} : { sessionId }),
      issuedAt: iat * 1000,
      jti,
      expiresAt: Math.ceil(passesUntil * 1000),
    };
  }

  return async (token) => {
    try {
      const claims = await verifiedPayload(token, options.jwks, algorithms);
      const { jti, expiresAt, ...result } = checkClaims(claims);
      if (options.seenJti !== undefined && !(await options.seenJti(jti, expiresAt))) refuse('LOGOUT_TOKEN_REPLAYED');
      return { ok: true, ...result };
    } catch (thrown) {
      if (thrown instanceof Refusal) {
        return {
          ok: false,
          error: new ShellError(
            thrown.code,
            MESSAGES[thrown.code],
            thrown.cause === undefined ? undefined : { cause: thrown.cause },
          ),
        };
      }
      throw thrown;
    }
  };
}

/** What the validator needs from discovery; openid-client's `serverMetadata()` satisfies it. */
export interface LogoutTokenServerMetadata {
  readonly issuer: string;
  readonly jwks_uri?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
}

/**
 * The production validator: CIS2's keys from the discovered `jwks_uri` (jose caches them and
 * refetches on an unknown `kid`, which covers key rotation), restricted to the algorithms CIS2
 * advertises for ID tokens, since logout tokens are signed by the same keypair (NHS England's CIS2 guidance (section 9)).
 */
export function createLogoutTokenValidatorFor(
  settings: OidcSettings,
  serverMetadata: LogoutTokenServerMetadata,
  options: Pick<LogoutTokenValidatorOptions, 'now' | 'maxAgeSeconds' | 'clockSkewSeconds' | 'seen' | 'seenJti'> & {
    /** The issuer fetch port, so CIS2's keys come over the same network path as sign-in (a proxy). */
    readonly fetch?: IssuerFetch;
  } = {},
): LogoutTokenValidator {
  if (serverMetadata.issuer !== settings.issuer) {
    throw new ShellError(
      'CONFIG_INVALID',
      "CIS2's configuration document names a different issuer from the one this workstation is set up for, so back-channel logout cannot be checked; ask IT to check the CIS2 setting.",
    );
  }
  if (serverMetadata.jwks_uri === undefined || serverMetadata.jwks_uri === '') {
    throw new ShellError(
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
      "CIS2's configuration document does not say where its signing keys are, so back-channel logout cannot be checked; tell IT.",
    );
  }
  let jwksUri: URL;
  try {
    jwksUri = new URL(serverMetadata.jwks_uri);
  } catch (cause) {
    throw new ShellError(
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
      "CIS2's signing key address is not a valid URL, so back-channel logout cannot be checked; tell IT.",
      { cause },
    );
  }
  const loopbackHttp =
    jwksUri.protocol === 'http:' && jwksUri.hostname === '127.0.0.1' && settings.allowInsecureLoopbackIssuer;
  if (jwksUri.protocol !== 'https:' && !loopbackHttp) {
    throw new ShellError(
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
      "CIS2's signing key address does not use https, so back-channel logout cannot be checked; tell IT.",
    );
  }
  const { fetch, ...validatorOptions } = options;
  return createLogoutTokenValidator({
    ...validatorOptions,
    issuer: serverMetadata.issuer,
    clientId: settings.clientId,
    jwks: createRemoteJWKSet(jwksUri, fetch === undefined ? {} : { [customFetch]: jwksFetch(fetch) }),
    ...(serverMetadata.id_token_signing_alg_values_supported === undefined
      ? {}
      : { algorithms: serverMetadata.id_token_signing_alg_values_supported }),
  });
}

/** jose's JWKS request through the issuer fetch port (jose passes a Headers object, the port takes a record). */
function jwksFetch(fetch: IssuerFetch): FetchImplementation {
  return (url, init) =>
    fetch(url, {
      method: init.method,
      headers: Object.fromEntries(init.headers.entries()),
      body: undefined,
      redirect: init.redirect,
      signal: init.signal,
    });
}
