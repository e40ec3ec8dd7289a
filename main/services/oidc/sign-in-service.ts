import * as client from 'openid-client';
import { ShellError } from '../../core/errors';
import { createAudit } from '../audit';
import { forgetSecret } from '../logger';
import type { Logger } from '../logger';
import { openLoopbackCallback } from '../loopback/loopback-callback';
import type { LoopbackAttempt } from '../loopback/loopback-callback';
import { createTokenHolder } from '../tokens/token-holder';
import type { RefreshedTokens } from '../tokens/token-holder';
import { createDiscoveryCache } from './discovery';
import type { ClientKeySource } from './discovery';
import { providerErrorToShellError, toShellError } from './error-mapping';
import type { OidcSettings } from './settings';
import type { SignInOptions, SignInOutcome, SignInService, SystemBrowser } from './types';
import { buildSession, checkAuthTime, userinfoMismatch } from './verify-session';

export interface SignInServiceDeps {
  readonly settings: OidcSettings;
  readonly browser: SystemBrowser;
  readonly logger: Logger;
  /** Wall clock in epoch ms; Date.now when omitted. */
  readonly now?: () => number;
  /** Required when settings.clientAuth.method is 'private_key_jwt'. */
  readonly keySource?: ClientKeySource;
  /** HTTP for every request to the issuer (tests count requests with it). */
  readonly fetch?: client.CustomFetch;
}

export function createSignInService(deps: SignInServiceDeps): SignInService {
  const { settings, logger } = deps;
  const audit = createAudit(logger);
  const now = deps.now ?? Date.now;
  const discovery = createDiscoveryCache({ settings, now, keySource: deps.keySource, fetch: deps.fetch });
  let pending: LoopbackAttempt | null = null;
  // Bumped by every signIn() and cancel(): an attempt that finds it changed has been replaced.
  let currentAttempt = 0;

  async function refresh(refreshToken: string): Promise<RefreshedTokens> {
    const config = await discovery.get();
    const response = await client.refreshTokenGrant(config, refreshToken);
    const claims = response.claims();
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? null,
      idToken: response.id_token ?? null,
      expiresAt: now() + (response.expiresIn() ?? 300) * 1000,
      issuer: claims?.iss ?? null,
      subject: claims?.sub ?? null,
    };
  }

  // Refresh failures are recorded by the shell service, which knows whose session it was.
  const tokens = createTokenHolder({
    now,
    refreshMarginMs: settings.refreshMarginMs,
    refresh,
    onRefreshed: (subject) => audit.tokenRefreshed(subject),
  });

  async function attempt(options: SignInOptions, id: number): Promise<SignInOutcome> {
    const config = await discovery.reachable();
    const secrets = {
      codeVerifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    const loopback = await openLoopbackCallback({
      path: settings.redirectPath,
      expectedState: secrets.state,
      timeoutMs: settings.callbackTimeoutMs,
    });
    if (id !== currentAttempt) {
      // Cancelled or replaced while discovery or the listener was starting: never open the browser.
      loopback.cancel();
      return { kind: 'cancelled' };
    }
    pending = loopback;
    tokens.beginAttempt(secrets);
    // Registered with the log's redaction list by the loopback on arrival; let go after the exchange.
    let code: string | null = null;
    try {
      const parameters: Record<string, string> = {
        redirect_uri: loopback.redirectUri,
        scope: settings.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
        state: secrets.state,
        nonce: secrets.nonce,
        // CIS2: prompt=login for every new session and every re-authentication.
        prompt: 'login',
        acr_values: settings.acrValues,
      };
      if (settings.maxAge !== null) parameters['max_age'] = String(settings.maxAge);
      const authUrl = client.buildAuthorizationUrl(config, parameters);
      const endpoint = config.serverMetadata().authorization_endpoint;
      // Only the discovered authorization endpoint may ever reach the system browser.
      if (endpoint === undefined || `${authUrl.origin}${authUrl.pathname}` !== endpoint.replace(/\?.*$/, '')) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The sign-in address did not match NHS Care Identity, so it was not opened. Tell IT: the sign-in settings may be wrong.',
        );
      }
      try {
        await deps.browser.open(authUrl, new URL(endpoint));
      } catch (cause) {
        throw new ShellError(
          'SIGNIN_BROWSER_FAILED',
          'The shell could not open the web browser for sign-in. Try again; if it keeps happening, tell IT.',
          { cause },
        );
      }
      audit.signInStarted({ reauth: options.reauthenticateSubject !== undefined });

      const result = await loopback.result;
      if (result.kind === 'cancelled') return { kind: 'cancelled' };
      if (result.kind === 'timeout') {
        return {
          kind: 'failed',
          error: new ShellError(
            'SIGNIN_TIMEOUT',
            'Sign-in took too long in the browser and was stopped. Select Sign in to try again.',
          ),
        };
      }
      if (result.kind === 'provider-error') return { kind: 'failed', error: providerErrorToShellError(result.error) };
      code = result.url.searchParams.get('code');

      const started = tokens.attempt();
      if (started === null || started.state !== secrets.state) return { kind: 'cancelled' };
      const response = await client.authorizationCodeGrant(config, result.url, {
        pkceCodeVerifier: started.codeVerifier,
        expectedState: started.state,
        expectedNonce: started.nonce,
        maxAge: settings.maxAge ?? undefined,
        idTokenExpected: true,
      });
      const idClaims = response.claims();
      if (idClaims === undefined)
        throw new ShellError(
          'SIGNIN_TOKEN_REJECTED',
          'NHS Care Identity did not confirm who you are, so you have not been signed in. Try again. If it keeps happening, tell IT.',
        );
      const authTime = checkAuthTime(idClaims.auth_time, { nowMs: now(), skewSeconds: settings.authTimeSkewSeconds });
      const userinfo = await client
        .fetchUserInfo(config, response.access_token, idClaims.sub)
        .catch((cause: unknown) => {
          throw (cause as { code?: unknown }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
            ? userinfoMismatch(cause)
            : cause;
        });
      const session = buildSession({ ...idClaims }, { ...userinfo }, authTime);
      // Signed out or cancelled while the exchange was in flight: keep nothing.
      if (id !== currentAttempt) return { kind: 'cancelled' };

      const differentUser =
        options.reauthenticateSubject !== undefined && options.reauthenticateSubject !== session.subject;
      // Signing in again while working: another person's tokens never replace the working
      // clinician's (they are dropped here, unused; the session service refuses the outcome).
      if (differentUser && options.sameSubjectOnly === true) return { kind: 'different-user', session };
      tokens.store({
        accessToken: response.access_token,
        refreshToken: response.refresh_token ?? null,
        idToken: response.id_token ?? null,
        expiresAt: now() + (response.expiresIn() ?? 300) * 1000,
        issuer: idClaims.iss,
        subject: idClaims.sub,
      });
      // The audit line (signin.succeeded / reauth.succeeded) follows once the session engine accepts it.
      logger.debug(
        { event: 'signin.tokens-accepted', aal: session.aal, differentUser },
        'CIS2 sign-in response accepted.',
      );
      return differentUser ? { kind: 'different-user', session } : { kind: 'signed-in', session };
    } finally {
      if (code !== null) forgetSecret(code);
      tokens.endAttempt(secrets.state);
      loopback.cancel();
      if (pending === loopback) pending = null;
    }
  }

  return {
    tokens,
    async providerMetadata() {
      return (await discovery.get()).serverMetadata();
    },
    async signIn(options = {}) {
      // A new sign-in replaces one still waiting for the browser: close its port first.
      const id = ++currentAttempt;
      pending?.cancel();
      try {
        return await attempt(options, id);
      } catch (cause) {
        const error = toShellError(cause);
        if (error.code !== 'SIGNIN_AUTH_TIME_STALE' && error.code !== 'SIGNIN_USERINFO_MISMATCH')
          discovery.invalidate();
        // The shell service records the audit line for the attempt it is still waiting for.
        logger.debug({ err: error, event: 'signin.attempt-failed' }, 'A sign-in attempt failed.');
        return { kind: 'failed', error };
      }
    },
    cancel() {
      currentAttempt += 1;
      pending?.cancel();
    },
    signOut() {
      const held = tokens.peekForRevocation();
      tokens.wipe();
      currentAttempt += 1;
      pending?.cancel();
      if (held === null) return;
      void (async () => {
        const config = await discovery.get();
        if (config.serverMetadata().revocation_endpoint === undefined) return;
        if (held.refreshToken !== null) await client.tokenRevocation(config, held.refreshToken);
        await client.tokenRevocation(config, held.accessToken);
      })().catch((cause: unknown) => audit.revocationFailed(cause));
    },
  };
}
