/**
 * The shell's logout receiver: a CIS2 back-channel logout token, from whatever relays it to this
 * workstation (the relay client, the harness), is checked here (OpenID Connect Back-Channel
 * Logout 1.0 §2.6, backchannel-logout.ts, with CIS2's keys from issuer-keys.ts), audited, and,
 * when it passes, handed to the session engine, which ends the session it names.
 *
 * Two validators, each made at its first token and kept: one for logouts as CIS2 sends them (iat
 * within minutes), one for the relay's catch-up, whose tokens waited on its revocation list while
 * this workstation was offline (iat within the 12-hour session limit, plus a minute). Each
 * remembers the jti values it has accepted. A validator that could not be made (CIS2 unreachable
 * for discovery) is forgotten and made again with the next token.
 */
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
  options: Pick<LogoutTokenValidatorOptions, 'now' | 'maxAgeSeconds' | 'clockSkewSeconds' | 'seen' | 'seenJti'> & {
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
  /** The absolute session limit: a catch-up token may be this old (plus a minute). */
  readonly sessionLimitMs: number;
  /** The issuer fetch port for CIS2's keys; Node's fetch when absent. */
  readonly fetch?: IssuerFetch;
  readonly audit: Pick<Audit, 'logoutAccepted' | 'logoutRefused'>;
  /** Ends the session the token names, if it is the one held (the engine decides). */
  readonly endSession: (logout: AcceptedLogout) => void;
}

/** Checks a logout token, audits the outcome and ends the session it names. Rejects only when it cannot be checked. */
export type LogoutReceiver = (token: string, options?: { catchUp?: boolean }) => Promise<LogoutTokenResult>;

export function createLogoutReceiver(deps: LogoutReceiverDeps): LogoutReceiver {
  /** Keyed by catch-up: true for the relay's catch-up validator, false for the live one. */
  const validators = new Map<boolean, Promise<LogoutTokenValidator>>();

  function validatorFor(catchUp: boolean): Promise<LogoutTokenValidator> {
    let validator = validators.get(catchUp);
    if (validator === undefined) {
      const maxAge = catchUp ? { maxAgeSeconds: deps.sessionLimitMs / 1000 + 60 } : {};
      validator = deps.providerMetadata().then((metadata) =>
        createLogoutTokenValidatorFor(deps.settings, metadata, {
          now: deps.now,
          ...maxAge,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        }),
      );
      validators.set(catchUp, validator);
    }
    return validator;
  }

  return async (token, receive = {}) => {
    const catchUp = receive.catchUp === true;
    // A failed discovery is tried again with the next token.
    const validate = await validatorFor(catchUp).catch((error: unknown) => {
      validators.delete(catchUp);
      // The token could not be checked (CIS2 unreachable): refused, and counted as downstream.
      deps.audit.logoutRefused(toShellError(error));
      throw error;
    });
    const result = await validate(token);
    if (result.ok) {
      deps.audit.logoutAccepted({ subject: result.subject, sessionId: result.sessionId });
      deps.endSession({ subject: result.subject, sessionId: result.sessionId, issuedAt: result.issuedAt });
    } else deps.audit.logoutRefused(result.error);
    return result;
  };
}
