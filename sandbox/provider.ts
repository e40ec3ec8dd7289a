/**
 * The CIS2 sandbox: a stand-in identity provider on loopback for development and tests. This file
 * starts it and is what its users import; the parts are the provider's configuration
 * (oidc-config.ts), the sign-in pages (interaction.ts), the misbehaviour switch (misbehaviour.ts),
 * the test clinicians (clinicians.ts), the back-channel logout posting (backchannel.ts), the
 * network outage switch (outage.ts) and the revocation of a clinician's grants (revocation.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import { createBackchannel } from './backchannel';
import { SANDBOX_CLINICIANS, clinicianById } from './clinicians';
import type { SandboxClinician } from './clinicians';
import { completeLogin, followToCallback } from './drive';
import { INTERACTION_PREFIX, createInteraction } from './interaction';
import type { Interaction } from './interaction';
import { misbehaveWhenAsked } from './misbehaviour';
import type { Misbehaviour, SigningKey } from './misbehaviour';
import { createOidcProvider } from './oidc-config';
import type { OidcConfigOptions } from './oidc-config';
import { createOutageSwitch } from './outage';
import type { Outage, OutageSwitch } from './outage';
import { SANDBOX_CLIENT_ID, SANDBOX_REALM_PATH } from './realm';
import { trackGrants } from './revocation';

export type { SandboxClinician } from './clinicians';
export type { AuthTimeEdge, Misbehaviour } from './misbehaviour';
export type { Outage } from './outage';
export type { ProviderSpan } from './oidc-config';
export { completeLogin, followToCallback } from './drive';
export { SANDBOX_CLIENT_ID, SANDBOX_CONFIDENTIAL_CLIENT_ID, SANDBOX_REALM_PATH } from './realm';

export interface SandboxOptions {
  /** 0 (default) lets the OS choose. */
  readonly port?: number;
  readonly accessTokenTtlSeconds?: number;
  /** Public JWKS of the confidential (private_key_jwt) client; that client exists only when given. */
  readonly confidentialClientJwks?: { keys: JWK[] };
  /** Instead: where the provider fetches that client's keys (its jwks_uri; loopback). */
  readonly confidentialClientJwksUri?: string;
  /** Where the sandbox posts back-channel logout tokens for the shell's client. */
  readonly backchannelLogoutUri?: string;
  /**
   * Like CIS2, end each sign-in's session this long after it (and post its logout token when a
   * backchannelLogoutUri is set). Default 12 hours; the timers never keep the process alive.
   */
  readonly sessionLifetimeMs?: number;
  /**
   * The origin the sandbox names in its issuer when clients must reach it through something else,
   * e.g. a test's HTTP proxy that alone can reach it (test/services/issuer-proxy.integration.test.ts).
   * Default: where it listens. The login drivers play the clinician's browser, which reaches the
   * sandbox where it listens.
   */
  readonly issuerOrigin?: string;
  readonly onProviderRequest?: OidcConfigOptions['onProviderRequest'];
}

export interface Sandbox {
  readonly issuer: string;
  /** Where the sandbox listens (http://127.0.0.1:<port>): the issuer's origin unless issuerOrigin named another. */
  readonly address: string;
  readonly clientId: string;
  readonly clinicians: readonly SandboxClinician[];
  /**
   * Complete a pending browser sign-in as a sandbox clinician, up to and including the app's
   * callback; `role` chooses one of their roles (`person_roleid`) on the page, as CIS2 asks.
   */
  loginAs(authorizationUrl: URL, clinicianId: string, choice?: { role?: string }): Promise<void>;
  /** As loginAs but stop before the callback; returns the callback URL. */
  completeLogin(authorizationUrl: URL, clinicianId: string, choice?: { role?: string }): Promise<URL>;
  /** Press "cancel" on the sign-in page: the app's callback receives error=access_denied. */
  denyLogin(authorizationUrl: URL): Promise<void>;
  /** Misbehave on every later response of that kind until called with null. */
  misbehave(kind: Misbehaviour | null): void;
  /** The second (epoch) the last auth_time edge was stamped at (`authTimeEdges`); null before one. */
  lastStampedAt(): number | null;
  /** A signed OIDC back-channel logout token for the subject/session. */
  logoutToken(claims: { sub?: string; sid?: string; clientId?: string }): Promise<string>;
  /** POST a logout token to the configured backchannelLogoutUri; returns the HTTP status. */
  backchannelLogout(claims: { sub?: string; sid?: string }): Promise<number>;
  /**
   * CIS2 ends a clinician's session (their smartcard left the reader with Identity Agent set to
   * end it, or an administrator ended it): posts a logout token naming them, as CIS2 does.
   * Returns the HTTP status of the post.
   */
  endSessionOf(clinicianId: string): Promise<number>;
  /**
   * A network outage between the ward and CIS2, until called with null (outage.ts): `drop` resets
   * each covered request's connection without a response, `unavailable` answers 503 with
   * `Retry-After: 30`; `token-endpoint` covers only the token endpoint (refreshes), `everything`
   * every request to the sandbox. Nothing the outage covers reaches the provider meanwhile.
   */
  outage(outage: Outage | null): void;
  /**
   * CIS2 ends a clinician's sessions for refresh (revocation.ts): every grant they hold, with its
   * refresh tokens, is destroyed, so their next refresh_token grant is refused `invalid_grant` by
   * the provider itself. No logout token is posted. Resolves to how many grants (sign-ins) were
   * revoked; throws for an id that is no sandbox clinician.
   */
  revokeRefreshTokensOf(clinicianId: string): Promise<number>;
  close(): Promise<void>;
}

/** A fresh RS256 signing key for this sandbox: for jose, and as the JWK the provider publishes. */
async function signingKey(): Promise<{ signing: SigningKey; jwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sandbox-${randomBytes(6).toString('hex')}`;
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { signing: { key: privateKey, kid }, jwk };
}

/**
 * The sign-in pages at their prefix, the provider under the CIS2-like realm path, 404 elsewhere;
 * but first the outage in force, if any, which no request it covers gets past.
 */
function serve(server: Server, provider: Provider, interaction: Interaction, outage: OutageSwitch): void {
  const providerCallback = provider.callback();
  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    if (outage.intercept(req, res)) return;
    const url = req.url ?? '/';
    if (url.startsWith(INTERACTION_PREFIX)) {
      interaction(req, res, url.slice(INTERACTION_PREFIX.length).split('?')[0] ?? '').catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`Sandbox interaction failed: ${err instanceof Error ? err.message : 'unknown error'}`);
      });
      return;
    }
    if (!url.startsWith(SANDBOX_REALM_PATH)) {
      res.writeHead(404).end();
      return;
    }
    // Mount the provider under the CIS2-like realm path.
    req.originalUrl = url;
    req.url = url.slice(SANDBOX_REALM_PATH.length) || '/';
    providerCallback(req, res);
  });
}

function sandboxClinician(clinicianId: string): SandboxClinician {
  const clinician = clinicianById(clinicianId);
  if (!clinician) throw new Error(`There is no sandbox clinician "${clinicianId}".`);
  return clinician;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const address = `http://127.0.0.1:${port}`;
  const issuer = `${options.issuerOrigin ?? address}${SANDBOX_REALM_PATH}`;
  // The clinician's browser reaches the sandbox where it listens, whatever origin the issuer names.
  const direct = { issuer: `${address}${SANDBOX_REALM_PATH}` };
  const inBrowser = (url: URL): URL =>
    url.origin === new URL(issuer).origin ? new URL(`${url.pathname}${url.search}`, address) : url;

  const { signing, jwk } = await signingKey();
  let misbehaviour: Misbehaviour | null = null;
  /** The role chosen at each sign-in, by its grant (CIS2's `selected_roleid` for that session). */
  const selectedRoles = new Map<string, string | null>();
  // Settings named as the sandbox's; the client's keys listed, or at a JWKS URI (the relay's).
  const provider = createOidcProvider({
    ...options,
    issuer,
    signingJwk: jwk,
    selectedRoles,
    confidentialClientJwks: options.confidentialClientJwksUri ?? options.confidentialClientJwks,
  });
  let stampedAt: number | null = null;
  misbehaveWhenAsked(
    provider,
    () => misbehaviour,
    signing,
    (seconds) => (stampedAt = seconds),
  );
  const backchannel = createBackchannel({
    issuer,
    signing,
    backchannelLogoutUri: options.backchannelLogoutUri,
    sessionLifetimeMs: options.sessionLifetimeMs,
  });
  const outage = createOutageSwitch(provider.pathFor('token'));
  const revokeGrantsOf = trackGrants(provider);
  serve(
    server,
    provider,
    createInteraction({ provider, selectedRoles, signedIn: (c) => backchannel.sessionBegan(c.sub) }),
    outage,
  );

  return {
    issuer,
    address,
    clientId: SANDBOX_CLIENT_ID,
    clinicians: SANDBOX_CLINICIANS,
    completeLogin: (authUrl, clinicianId, choice) =>
      completeLogin(inBrowser(authUrl), clinicianId, { ...direct, ...choice }),
    async loginAs(authUrl, clinicianId, choice) {
      await followToCallback(await completeLogin(inBrowser(authUrl), clinicianId, { ...direct, ...choice }));
    },
    async denyLogin(authUrl) {
      await followToCallback(await completeLogin(inBrowser(authUrl), '', { ...direct, action: 'abort' }));
    },
    misbehave(kind) {
      misbehaviour = kind;
    },
    lastStampedAt: () => stampedAt,
    logoutToken: backchannel.logoutToken,
    backchannelLogout: backchannel.post,
    async endSessionOf(clinicianId) {
      return backchannel.post({ sub: sandboxClinician(clinicianId).sub });
    },
    outage: (next) => outage.set(next),
    revokeRefreshTokensOf: async (clinicianId) => revokeGrantsOf(sandboxClinician(clinicianId).sub),
    close: () =>
      new Promise<void>((resolve) => {
        backchannel.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
