/**
 * The shell's logout receiver: a CIS2 back-channel logout token, from whatever relays it to this
 * workstation (the relay client, the harness), is checked here (OpenID Connect Back-Channel
 * Logout 1.0 §2.6, backchannel-logout.ts, with CIS2's keys from issuer-keys.ts), audited, and,
 * when it passes, handed to the session engine, which ends the session it names.
 *
 * Every token here came through the relay (live, late, or from its catch-up list), so one
 * validator serves them all, made at the first token and kept: signature, `iss`, `aud`, `events`
 * and no `nonce` as BCL §2.6 says; `iat` no older than the session limit (12 hours), whatever
 * the token's `exp`. A logout that waited on the relay while this workstation was offline is
 * still the logout: refusing it because CIS2 stamped `exp = iat + 120` would leave the session
 * open. What bounds a late or replayed token instead is the session engine's rule that a logout
 * issued before the session's auth_time never ends it, and the jti memory, which spans the same
 * 12 hours (docs/security.md, "Late logouts"). A validator that could not be made (CIS2
 * unreachable for discovery) is forgotten and made again with the next token.
 */
import { createHash } from 'node:crypto';
import type { Audit } from '../audit';
import { createLogoutTokenValidator } from './backchannel-logout';
import type { LogoutTokenResult, LogoutTokenValidator, LogoutTokenValidatorOptions } from './backchannel-logout';
import { toShellError } from './error-mapping';
import { issuerKeysFor } from './issuer-keys';
import type { OidcSettings } from './settings';
import type { IssuerFetch, LogoutTokenServerMetadata } from './types';

/**
 * The production validator: CIS2's keys from the discovered `jwks_uri`, restricted to the
 * algorithms CIS2 advertises for ID tokens, since logout tokens are signed by the same keypair
 * (NHS England's CIS2 guidance (section 9)). Throws a ShellError when the metadata cannot give keys.
 */
export function createLogoutTokenValidatorFor(
  settings: OidcSettings,
  serverMetadata: LogoutTokenServerMetadata,
  options: Pick<
    LogoutTokenValidatorOptions,
    'now' | 'maxAgeSeconds' | 'clockSkewSeconds' | 'seen' | 'seenJti' | 'enforceExp'
  > & {
    /** The issuer fetch port, so CIS2's keys come over the same network path as sign-in (a proxy). */
    readonly fetch?: IssuerFetch;
  } = {},
): LogoutTokenValidator {
  const { fetch, ...validatorOptions } = options;
  const keys = issuerKeysFor(serverMetadata, {
    issuer: settings.issuer,
    allowInsecureLoopbackIssuer: settings.allowInsecureLoopbackIssuer,
    // Absent, it is undefined, which issuerKeysFor reads as none given.
    fetch,
  });
  return createLogoutTokenValidator({
    ...validatorOptions,
    issuer: serverMetadata.issuer,
    clientId: settings.clientId,
    trustedAudiences: settings.trustedAudiences,
    jwks: keys.jwks,
    algorithms: keys.algorithms,
  });
}

/** What an accepted token tells the session engine (SessionService.backchannelLogout). */
export interface AcceptedLogout {
  readonly subject?: string;
  readonly sessionId?: string;
  /** `iat` as the provider stamped it: the engine compares it with the session's auth_time, on the same clock. */
  readonly issuedAt: number;
}

export interface LogoutReceiverDeps {
  readonly settings: OidcSettings;
  /** The provider's discovered metadata (the sign-in service's, cached like every sign-in's). */
  readonly providerMetadata: () => Promise<LogoutTokenServerMetadata>;
  /** The wall clock for the token's time checks, in epoch ms. */
  readonly now: () => number;
  /** The absolute session limit: a relayed token may be this old, whatever its `exp`. */
  readonly sessionLimitMs: number;
  /** The issuer fetch port for CIS2's keys; Node's fetch when absent. */
  readonly fetch?: IssuerFetch;
  readonly audit: Pick<Audit, 'logoutAccepted' | 'logoutRefused'>;
  /** Ends the session the token names, if it is the one held (the engine decides). */
  readonly endSession: (logout: AcceptedLogout) => void;
}

/** How a token reached the workstation (relay-client/protocol.ts); the checks are the same for each. */
export type LogoutDelivery = 'live' | 'late' | 'catch-up';

/** Checks a logout token, audits the outcome and ends the session it names. Rejects only when it cannot be checked. */
export type LogoutReceiver = (token: string, options?: { delivery?: LogoutDelivery }) => Promise<LogoutTokenResult>;

/** How many logouts the jti memory holds at most: far more than one PC hears in 12 hours. */
const REMEMBERED_LOGOUTS = 10_000;
/** How many refused tokens are remembered so that a repeat is not audited again. */
const REMEMBERED_REFUSALS = 1_000;

/**
 * Whether this refusal of this token is new. The relay sends a refused logout again at every
 * catch-up (every 5 minutes), so a PC whose clock is wrong would audit the same refusal, of the
 * same token, every 5 minutes for 12 hours; it is audited once, and again only if the reason
 * changes. Tokens are remembered by digest, the oldest forgotten first.
 */
function refusalMemory(): (token: string, code: string) => boolean {
  const refused = new Map<string, string>();
  return (token, code) => {
    const key = createHash('sha256').update(token).digest('base64url');
    if (refused.get(key) === code) return false;
    refused.delete(key);
    refused.set(key, code);
    for (const oldest of refused.keys()) {
      if (refused.size <= REMEMBERED_REFUSALS) break;
      refused.delete(oldest);
    }
    return true;
  };
}

export function createLogoutReceiver(deps: LogoutReceiverDeps): LogoutReceiver {
  let validator: Promise<LogoutTokenValidator> | null = null;
  const newRefusal = refusalMemory();

  function validatorOnce(): Promise<LogoutTokenValidator> {
    validator ??= deps.providerMetadata().then((metadata) =>
      createLogoutTokenValidatorFor(deps.settings, metadata, {
        now: deps.now,
        maxAgeSeconds: deps.sessionLimitMs / 1000,
        enforceExp: false,
        seen: REMEMBERED_LOGOUTS,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    );
    return validator;
  }

  return async (token) => {
    // A failed discovery is tried again with the next token.
    const validate = await validatorOnce().catch((error: unknown) => {
      validator = null;
      // The token could not be checked (CIS2 unreachable): refused, and counted as downstream.
      deps.audit.logoutRefused(toShellError(error));
      throw error;
    });
    const result = await validate(token);
    if (result.ok) {
      deps.audit.logoutAccepted({ subject: result.subject, sessionId: result.sessionId });
      deps.endSession({ subject: result.subject, sessionId: result.sessionId, issuedAt: result.issuedAt });
    } else if (newRefusal(token, result.error.code)) deps.audit.logoutRefused(result.error);
    return result;
  };
}
