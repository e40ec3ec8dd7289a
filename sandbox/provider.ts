import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';
import { SANDBOX_CLINICIANS, clinicianById, clinicianBySub, clinicianClaims, selectRole } from './clinicians';
import type { SandboxClinician } from './clinicians';
import { completeLogin, followToCallback } from './drive';
import { loginPageHtml } from './login-page';
import { tamperIdToken } from './misbehaviour';
import type { Misbehaviour, SigningKey } from './misbehaviour';

export type { SandboxClinician } from './clinicians';
export type { Misbehaviour } from './misbehaviour';
export { completeLogin, followToCallback } from './drive';

export const SANDBOX_REALM_PATH = '/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
export const SANDBOX_CLIENT_ID = 'clinical-workstation-shell';
export const SANDBOX_CONFIDENTIAL_CLIENT_ID = 'clinical-workstation-shell-confidential';

export interface SandboxOptions {
  /** 0 (default) lets the OS choose. */
  readonly port?: number;
  readonly accessTokenTtlSeconds?: number;
  /** Public JWKS of the confidential (private_key_jwt) client; that client exists only when given. */
  readonly confidentialClientJwks?: { keys: JWK[] };
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
  close(): Promise<void>;
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

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sandbox-${randomBytes(6).toString('hex')}`;
  const signing: SigningKey = { key: privateKey, kid };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  let misbehaviour: Misbehaviour | null = null;
  /** The role chosen at each sign-in, by its grant (CIS2's `selected_roleid` for that session). */
  const selectedRoles = new Map<string, string | null>();

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
  if (options.confidentialClientJwks) {
    clients.push({
      ...nativeClient,
      client_id: SANDBOX_CONFIDENTIAL_CLIENT_ID,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: options.confidentialClientJwks,
    });
  }

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // The token (code, access or refresh token) names its grant, and each sign-in has its own
    // grant: so the ID token, userinfo and refreshes all carry the role chosen at that sign-in.
    findAccount: async (_ctx: unknown, sub: string, token?: { grantId?: string }) => {
      const clinician = clinicianBySub(sub);
      if (!clinician) return undefined;
      const chosen = token?.grantId === undefined ? undefined : selectedRoles.get(token.grantId);
      return {
        accountId: sub,
        claims: async () => clinicianClaims(clinician, chosen === undefined ? clinician.selectedRoleId : chosen),
      };
    },
    claims: {
      openid: ['sub'],
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

  provider.use(async (ctx, next) => {
    await next();
    if (misbehaviour === null || ctx.oidc === undefined) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc.route === 'token' && typeof body?.['id_token'] === 'string') {
      const refreshing = ctx.oidc.params?.['grant_type'] === 'refresh_token';
      if (refreshing === (misbehaviour === 'refresh-different-sub')) {
        ctx.body = { ...body, id_token: await tamperIdToken(body['id_token'], misbehaviour, signing) };
      }
    }
    if (ctx.oidc.route === 'userinfo' && misbehaviour === 'userinfo-sub-mismatch' && body) {
      ctx.body = { ...body, sub: '555000009999' };
    }
  });

  const providerCallback = provider.callback();
  const interactionPrefix = `${SANDBOX_REALM_PATH}/interaction/`;

  async function interaction(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const [uid, action] = rest.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('Interaction mismatch.');
    if (req.method === 'GET' && action === undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        loginPageHtml(`${interactionPrefix}${uid}/login`, `${interactionPrefix}${uid}/abort`, SANDBOX_CLINICIANS),
      );
      return;
    }
    if (req.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The clinician cancelled sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const clinician = clinicianById(form.get('clinician') ?? '');
      if (!clinician) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Unknown sandbox clinician.');
        return;
      }
      const role = selectRole(clinician, form.get('role'));
      if (role === undefined) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end("That role is not one of this clinician's roles.");
        return;
      }
      const clientId = String(details.params['client_id']);
      // The sandbox trusts its own clients: record consent for every requested scope at once.
      const grant = new provider.Grant({ accountId: clinician.sub, clientId });
      grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
      const grantId = await grant.save();
      selectedRoles.set(grantId, role);
      await provider.interactionFinished(
        req,
        res,
        {
          login: { accountId: clinician.sub, acr: clinician.acr, amr: [...clinician.amr], remember: false },
          consent: { grantId },
        },
        { mergeWithLastSubmission: false },
      );
      // CIS2 ends every session after 12 hours and tells the client.
      if (options.backchannelLogoutUri !== undefined) {
        const end = setTimeout(
          () => void postLogout({ sub: clinician.sub }).catch(() => undefined),
          options.sessionLifetimeMs ?? 12 * 3600_000,
        );
        end.unref();
        sessionEnds.add(end);
      }
      return;
    }
    res.writeHead(404).end();
  }

  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url.startsWith(interactionPrefix)) {
      interaction(req, res, url.slice(interactionPrefix.length).split('?')[0] ?? '').catch((err: unknown) => {
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

  const sessionEnds = new Set<ReturnType<typeof setTimeout>>();
  async function postLogout(claims: { sub?: string; sid?: string }): Promise<number> {
    if (!options.backchannelLogoutUri) throw new Error('The sandbox was started without a backchannelLogoutUri.');
    const response = await fetch(options.backchannelLogoutUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await logoutToken(claims) }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  const logoutToken: Sandbox['logoutToken'] = async (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...(claims.sid ? { sid: claims.sid } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .setAudience(claims.clientId ?? SANDBOX_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomBytes(16).toString('hex'))
      .setSubject(claims.sub ?? '')
      .sign(privateKey);
  };

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
    logoutToken,
    backchannelLogout: postLogout,
    async endSessionOf(clinicianId) {
      const clinician = clinicianById(clinicianId);
      if (!clinician) throw new Error(`There is no sandbox clinician "${clinicianId}".`);
      return postLogout({ sub: clinician.sub });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of sessionEnds) clearTimeout(end);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
