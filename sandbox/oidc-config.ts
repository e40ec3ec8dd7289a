/**
 * The sandbox's oidc-provider, configured as CIS2 behaves towards the shell: the realm path
 * issuer, the shell's native client (and a private_key_jwt one when its keys are given), the
 * CIS2 scopes and claims, PKCE required, refresh tokens rotated, and the token lifetimes.
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';
import { clinicianBySub, clinicianClaims } from './clinicians';
import { SANDBOX_CLIENT_ID, SANDBOX_CONFIDENTIAL_CLIENT_ID, SANDBOX_REALM_PATH } from './realm';

export interface OidcConfigOptions {
  readonly issuer: string;
  /** The private signing key, as a JWK with its kid, alg and use. */
  readonly signingJwk: JWK;
  readonly accessTokenTtlSeconds?: number;
  /**
   * The confidential (private_key_jwt) client's public keys: a JWKS, or the URL the provider fetches
   * them from (its registered jwks_uri, as CIS2 is given the relay's JWKS endpoint URI; loopback
   * only). That client exists only when given.
   */
  readonly confidentialClientJwks?: { keys: JWK[] } | string;
  /** Where the sandbox posts back-channel logout tokens for the shell's client. */
  readonly backchannelLogoutUri?: string;
  /** The role chosen at each sign-in, by its grant (CIS2's `selected_roleid` for that session). */
  readonly selectedRoles: ReadonlyMap<string, string | null>;
  /**
   * Told of each request the provider handles (token, userinfo, JWKS…): its route and when it
   * entered and left the provider's middleware (performance.now()), for a benchmark that leaves the
   * provider's own time out of the shell's. Not called for the sign-in pages or 404s.
   */
  readonly onProviderRequest?: (span: ProviderSpan) => void;
}

export interface ProviderSpan {
  readonly route: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Tells `timed` of each request, from the provider's first middleware in to out, so the span holds every other step. */
function timeRequests(provider: Provider, timed: (span: ProviderSpan) => void): Provider {
  provider.use(async (ctx, next) => {
    const startMs = performance.now();
    try {
      await next();
    } finally {
      timed({ route: ctx.oidc?.route ?? ctx.path, startMs, endMs: performance.now() });
    }
  });
  return provider;
}

function clientsFor(options: OidcConfigOptions): Record<string, unknown>[] {
  const nativeClient = {
    application_type: 'native',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    // CIS2 puts `sid` in the ID token; oidc-provider does so only for clients registered for
    // back-channel logout, so register one (a discard address when the caller has none).
    backchannel_logout_uri: options.backchannelLogoutUri ?? 'http://127.0.0.1:9/backchannel-logout',
    backchannel_logout_session_required: true,
  };
  const clients: Record<string, unknown>[] = [
    { ...nativeClient, client_id: SANDBOX_CLIENT_ID, token_endpoint_auth_method: 'none' },
  ];
  const jwks = options.confidentialClientJwks;
  const keys = typeof jwks === 'string' ? { jwks_uri: jwks } : jwks === undefined ? null : { jwks };
  if (keys !== null) {
    clients.push({
      ...nativeClient,
      client_id: SANDBOX_CONFIDENTIAL_CLIENT_ID,
      token_endpoint_auth_method: 'private_key_jwt',
      ...keys,
    });
  }
  return clients;
}

/**
 * oidc-provider refuses to fetch from special-use addresses (its SSRF guard, through the
 * dispatcher it passes); the sandbox's jwks_uri is a relay on loopback, so for a loopback URL
 * only the guard is left out. Any other URL keeps it.
 */
function loopbackFetch(url: string | URL, init?: RequestInit & { dispatcher?: unknown }): Promise<Response> {
  const host = new URL(url).hostname;
  const loopback = host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
  return globalThis.fetch(url, loopback ? { ...init, dispatcher: undefined } : init);
}

export function createOidcProvider(options: OidcConfigOptions): Provider {
  const provider = new Provider(options.issuer, {
    clients: clientsFor(options),
    fetch: loopbackFetch,
    jwks: { keys: [options.signingJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // The token (code, access or refresh token) names its grant, and each sign-in has its own
    // grant: so the ID token, userinfo and refreshes all carry the role chosen at that sign-in.
    findAccount: async (_ctx: unknown, sub: string, token?: { grantId?: string }) => {
      const clinician = clinicianBySub(sub);
      if (!clinician) return undefined;
      const chosen = token?.grantId === undefined ? undefined : options.selectedRoles.get(token.grantId);
      return {
        accountId: sub,
        claims: async () => clinicianClaims(clinician, chosen === undefined ? clinician.selectedRoleId : chosen),
      };
    },
    claims: {
      // amr with the openid scope: CIS2 names the authentication's method in every ID token
      // (NHS England's CIS2 guidance, Session management), where oidc-provider by itself sends it
      // only when the claims parameter asks for it.
      openid: ['sub', 'amr'],
      profile: ['name', 'given_name', 'family_name'],
      nationalrbacaccess: ['nhsid_nrbac_roles', 'nhsid_useruid', 'nhsid_user_orgs'],
      selectedrole: ['selected_roleid'],
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
    },
    scopes: ['openid', 'offline_access', 'profile', 'nationalrbacaccess', 'selectedrole'],
    acrValues: ['AAL3_ANY', 'AAL2_OR_AAL3_ANY', 'AAL2_ANY'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    // CIS2 issues refresh tokens to its clients without offline_access; rotate them on every use.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 300,
      AuthorizationCode: 60,
      IdToken: 300,
      RefreshToken: 12 * 3600,
      Session: 12 * 3600,
      Interaction: 600,
      Grant: 12 * 3600,
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${SANDBOX_REALM_PATH}/interaction/${interaction.uid}`,
    },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>CIS2 sandbox error</title><h1>Sign-in error</h1><p>${Object.values(out).join(' ').replace(/[<>&]/g, '')}</p>`;
    },
  });
  return options.onProviderRequest ? timeRequests(provider, options.onProviderRequest) : provider;
}
