import type { MinimumAssurance } from '../../core/assurance-level';
import { ShellError } from '../../core/errors';
import { isHttpsOrLoopback } from '../../core/http-scheme';

/** How the shell authenticates itself to the token endpoint. */
export type ClientAuthSettings =
  | { readonly method: 'none' }
  | { readonly method: 'private_key_jwt'; readonly keyringService: string; readonly keyringAccount: string };

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** Path of the loopback redirect; the host is always 127.0.0.1 and the port is chosen per attempt. */
  readonly redirectPath: string;
  readonly scopes: readonly string[];
  readonly acrValues: string;
  /**
   * The least a sign-in must prove (machine policy MinimumAssurance, default AAL3; its acr_values
   * follow it unless AcrValues is set). null: no minimum, only the check that CIS2 returned what
   * acr_values asked for; for the development harness and benches, never from machine policy.
   */
  readonly minimumAssurance: MinimumAssurance | null;
  /** Sent as max_age when set. 0 forces re-authentication even without prompt=login. */
  readonly maxAge: number | null;
  readonly clientAuth: ClientAuthSettings;
  /** Allowed distance between auth_time and now; clamped to 60 s whatever is configured. */
  readonly authTimeSkewSeconds: number;
  readonly callbackTimeoutMs: number;
  /** How long discovery metadata is trusted before it is fetched again (CIS2: up to an hour). */
  readonly discoveryTtlMs: number;
  /** Refresh the access token when it has less than this left. */
  readonly refreshMarginMs: number;
  /** Only for the local sandbox: allow an http:// issuer on a loopback address (main/core/http-scheme.ts). Never for CIS2. */
  readonly allowInsecureLoopbackIssuer: boolean;
  /**
   * Audiences beside the client id that an ID token or a logout token may also name
   * (core/audience.ts, OpenID Connect Core 1.0 §3.1.3.7). None by default: a token addressed to
   * the shell and to anything else is refused.
   */
  readonly trustedAudiences: readonly string[];
}

export const MAX_AUTH_TIME_SKEW_SECONDS = 60;

/**
 * CIS2 issuers. INT appears in NHS England's CIS2 "Session management" guidance (ID token example); DEP and Live follow the same
 * pattern and are marked to be confirmed in docs/cis2.md before use.
 */
export const CIS2_ISSUERS = {
  int: 'https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
  dep: 'https://am.nhsdep.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
  live: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
} as const;

export const DEFAULT_OIDC_SETTINGS: Omit<OidcSettings, 'issuer' | 'clientId'> = {
  redirectPath: '/callback',
  scopes: ['openid', 'profile', 'nationalrbacaccess', 'selectedrole'],
  acrValues: 'AAL2_OR_AAL3_ANY',
  minimumAssurance: null,
  maxAge: null,
  clientAuth: { method: 'none' },
  authTimeSkewSeconds: 15,
  callbackTimeoutMs: 5 * 60_000,
  discoveryTtlMs: 60 * 60_000,
  refreshMarginMs: 60_000,
  allowInsecureLoopbackIssuer: false,
  trustedAudiences: [],
};

/** Fill defaults, clamp the auth_time skew, and refuse settings that would weaken sign-in. */
export function resolveOidcSettings(
  input: Partial<OidcSettings> & Pick<OidcSettings, 'issuer' | 'clientId'>,
): OidcSettings {
  const s: OidcSettings = { ...DEFAULT_OIDC_SETTINGS, ...input };
  let issuer: URL;
  try {
    issuer = new URL(s.issuer);
  } catch (cause) {
    throw new ShellError(
      'CONFIG_INVALID',
      'The sign-in issuer address is not a valid URL; ask IT to correct the CIS2 setting.',
      { cause },
    );
  }
  if (!isHttpsOrLoopback(issuer, { loopbackHttp: s.allowInsecureLoopbackIssuer })) {
    throw new ShellError('CONFIG_INVALID', 'The sign-in issuer must use https; ask IT to correct the CIS2 setting.');
  }
  if (!s.scopes.includes('openid')) {
    throw new ShellError(
      'CONFIG_INVALID',
      'The sign-in scopes must include openid; ask IT to correct the CIS2 setting.',
    );
  }
  if (!s.redirectPath.startsWith('/')) {
    throw new ShellError(
      'CONFIG_INVALID',
      'The sign-in redirect path must start with "/"; ask IT to correct the CIS2 setting.',
    );
  }
  const skew = Number.isFinite(s.authTimeSkewSeconds)
    ? s.authTimeSkewSeconds
    : DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds;
  return { ...s, authTimeSkewSeconds: Math.min(Math.max(skew, 0), MAX_AUTH_TIME_SKEW_SECONDS) };
}
