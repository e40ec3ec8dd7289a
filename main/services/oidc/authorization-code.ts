/**
 * The steps of one CIS2 sign-in by the authorization code flow with PKCE (OpenID Connect Core 1.0
 * §3.1, RFC 7636, RFC 8252 for the system browser and the loopback redirect), as the sign-in
 * service (sign-in-service.ts) runs them: the request the system browser opens, what the
 * loopback callback's result means, and the code exchange with its checks. The service keeps the
 * attempt's bookkeeping (which attempt is current, the tokens, the port); nothing here keeps state.
 */
import * as client from 'openid-client';
import { ShellError, isShellError } from '../../core/errors';
import type { CallbackResult } from '../loopback/loopback-callback';
import type { AttemptSecrets } from '../tokens/token-holder';
import { providerErrorToShellError } from './error-mapping';
import type { OidcSettings } from './settings';
import type { SignInOutcome, SignInSession, SystemBrowser } from './types';
import type { ReachedAssurance } from '../../core/assurance-level';
import { buildSession, checkAssurance, checkAuthTime, checkIdTokenAudience, userinfoMismatch } from './verify-session';

/** Fresh PKCE verifier, state and nonce for one attempt. */
export function attemptSecrets(): AttemptSecrets {
  return {
    codeVerifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
  };
}

/**
 * Builds the authorization request and opens it in the system browser. Only the discovered
 * authorization endpoint may ever reach the browser; anything else is refused before it opens.
 */
export async function openSignInPage(
  config: client.Configuration,
  settings: OidcSettings,
  browser: SystemBrowser,
  redirectUri: string,
  secrets: AttemptSecrets,
): Promise<void> {
  const parameters: Record<string, string> = {
    redirect_uri: redirectUri,
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
  // buildAuthorizationUrl has thrown already when the metadata names no authorization endpoint.
  const endpoint = String(config.serverMetadata().authorization_endpoint);
  if (`${authUrl.origin}${authUrl.pathname}` !== endpoint.split('?')[0]) {
    throw new ShellError(
      'SIGNIN_BROWSER_FAILED',
      'The sign-in address did not match NHS Care Identity, so it was not opened. Tell IT: the sign-in settings may be wrong.',
    );
  }
  try {
    await browser.open(authUrl, new URL(endpoint));
  } catch (cause) {
    // The browser adapter's own refusal already says what to do (e.g. SignInBrowser's browser not
    // installed, naming the setting for IT): passed on as it is.
    if (isShellError(cause) && cause.code === 'SIGNIN_BROWSER_FAILED') throw cause;
    throw new ShellError(
      'SIGNIN_BROWSER_FAILED',
      'The shell could not open the web browser for sign-in. Try again; if it keeps happening, tell IT.',
      { cause },
    );
  }
}

/** The attempt's outcome when the loopback ended without a code to exchange. */
export function outcomeWithoutCallback(result: Exclude<CallbackResult, { kind: 'callback' }>): SignInOutcome {
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
  return { kind: 'failed', error: providerErrorToShellError(result.error) };
}

// Stryker disable all: unreachable: openid-client refuses a token response without an ID token before claims() is read (expectedNonce makes the ID token required), so no input reaches this
/** A token response without an ID token; the type allows one, openid-client never returns one here. */
function noIdToken(): never {
  throw new ShellError(
    'SIGNIN_TOKEN_REJECTED',
    'NHS Care Identity did not confirm who you are, so you have not been signed in. Try again. If it keeps happening, tell IT.',
  );
}
// Stryker restore all

/** What the exchange proved: the token response, the ID token's claims, the session they make and the assurance reached. */
export interface Exchanged {
  readonly response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  readonly idClaims: client.IDToken;
  readonly session: Omit<SignInSession, 'assurance'>;
  /** What the sign-in reached (the audit records it); `session.aal` is only the idle-limit class. */
  readonly assurance: ReachedAssurance;
}

/**
 * Exchanges the code (openid-client checks state, nonce, max_age and the ID token's signature),
 * then checks auth_time, the assurance reached (the policy minimum and the acr_values asked for)
 * and that userinfo names the same subject, and builds the session.
 */
export async function exchangeCode(
  config: client.Configuration,
  callbackUrl: URL,
  started: AttemptSecrets,
  check: { readonly settings: OidcSettings; readonly now: () => number },
): Promise<Exchanged> {
  const { settings } = check;
  const response = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: started.codeVerifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    maxAge: settings.maxAge ?? undefined,
    // Stryker disable next-line BooleanLiteral: openid-client sets idTokenExpected itself whenever expectedNonce is a string, which it always is here
    idTokenExpected: true,
  });
  const idClaims = response.claims() ?? noIdToken();
  checkIdTokenAudience(idClaims, settings);
  const authTime = checkAuthTime(idClaims.auth_time, { nowMs: check.now(), skewSeconds: settings.authTimeSkewSeconds });
  const assurance = checkAssurance({ acr: idClaims.acr, amr: idClaims.amr }, settings);
  const userinfo = await client.fetchUserInfo(config, response.access_token, idClaims.sub).catch((cause: unknown) => {
    throw (cause as { code?: unknown }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
      ? userinfoMismatch(cause)
      : cause;
  });
  return { response, idClaims, session: buildSession({ ...idClaims }, { ...userinfo }, authTime), assurance };
}
