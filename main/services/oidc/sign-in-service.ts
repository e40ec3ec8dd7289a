import * as client from 'openid-client';
import { createAudit } from '../audit';
import type { Audit } from '../audit';
import { forgetSecret } from '../logger';
import type { Logger } from '../logger';
import { openLoopbackCallback } from '../loopback/loopback-callback';
import type { LoopbackAttempt } from '../loopback/loopback-callback';
import { createTokenHolder } from '../tokens/token-holder';
import type { HeldTokens, RefreshedTokens, TokenCustody } from '../tokens/token-holder';
import { attemptSecrets, exchangeCode, openSignInPage, outcomeWithoutCallback } from './authorization-code';
import type { Exchanged } from './authorization-code';
import { createDiscoveryCache } from './discovery';
import type { ClientKeySource, DiscoveryCache } from './discovery';
import { toShellError } from './error-mapping';
import type { OidcSettings } from './settings';
import type { SignInOptions, SignInOutcome, SignInService, SystemBrowser } from './types';

export interface SignInServiceDeps {
  readonly settings: OidcSettings;
  readonly browser: SystemBrowser;
  readonly logger: Logger;
  /** Wall clock in epoch ms; Date.now when omitted. */
  readonly now?: () => number;
  /**
   * The clock the held tokens' expiry and the refresh schedule (its margin, its retries while CIS2
   * does not answer) are kept by: the session's own clock in the app, so a harness that moves the
   * session clock moves the keep-alive refresh with it. `now` when omitted.
   */
  readonly tokenClock?: () => number;
  /** Required when settings.clientAuth.method is 'private_key_jwt'. */
  readonly keySource?: ClientKeySource;
  /** HTTP for every request to the issuer (tests count requests with it). */
  readonly fetch?: client.CustomFetch;
}

/** The tokens of a token endpoint response, as the token holder keeps them. */
function heldTokens(response: Exchanged['response'], now: number): Omit<RefreshedTokens, 'issuer' | 'subject'> {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    idToken: response.id_token ?? null,
    expiresAt: now + (response.expiresIn() ?? 300) * 1000,
  };
}

/** A refresh token grant, for the token holder. */
async function refreshTokens(discovery: DiscoveryCache, now: () => number, refreshToken: string) {
  const response = await client.refreshTokenGrant(await discovery.get(), refreshToken);
  const claims = response.claims();
  return { ...heldTokens(response, now()), issuer: claims?.iss ?? null, subject: claims?.sub ?? null };
}

/** Revokes the refresh token, then the access token, at CIS2 when it offers revocation. */
async function revoke(
  discovery: DiscoveryCache,
  held: Pick<HeldTokens, 'refreshToken' | 'accessToken'>,
): Promise<void> {
  const config = await discovery.get();
  if (config.serverMetadata().revocation_endpoint === undefined) return;
  if (held.refreshToken !== null) await client.tokenRevocation(config, held.refreshToken);
  await client.tokenRevocation(config, held.accessToken);
}

/** One sign-in service's state, shared by its attempts. */
interface Attempts {
  readonly deps: SignInServiceDeps;
  readonly now: () => number;
  /** The token holder's clock (SignInServiceDeps.tokenClock). */
  readonly tokenClock: () => number;
  readonly audit: Audit;
  readonly discovery: DiscoveryCache;
  readonly tokens: TokenCustody;
  /** Bumped by every signIn() and cancel(): an attempt that finds it changed has been replaced. */
  current: number;
  /** The loopback endpoint of the attempt waiting for the browser. */
  pending: LoopbackAttempt | null;
}

/** One sign-in: the system browser, the loopback callback, the code exchange. Throws on failure. */
async function attempt(at: Attempts, options: SignInOptions, id: number): Promise<SignInOutcome> {
  const { settings } = at.deps;
  const config = await at.discovery.reachable();
  const secrets = attemptSecrets();
  const loopback = await openLoopbackCallback({
    path: settings.redirectPath,
    expectedState: secrets.state,
    timeoutMs: settings.callbackTimeoutMs,
  });
  if (id !== at.current) {
    // Cancelled or replaced while discovery or the listener was starting: never open the browser.
    loopback.cancel();
    return { kind: 'cancelled' };
  }
  at.pending = loopback;
  at.tokens.beginAttempt(secrets);
  // Registered with the log's redaction list by the loopback on arrival; let go after the exchange.
  let code: string | null = null;
  try {
    await openSignInPage(config, settings, at.deps.browser, loopback.redirectUri, secrets);
    at.audit.signInStarted({ reauth: options.reauthenticateSubject !== undefined });
    const result = await loopback.result;
    if (result.kind !== 'callback') return outcomeWithoutCallback(result);
    code = result.url.searchParams.get('code');
    const started = at.tokens.attempt();
    if (started === null || started.state !== secrets.state) return { kind: 'cancelled' };
    const exchanged = await exchangeCode(config, result.url, started, { settings, now: at.now });
    // Signed out or cancelled while the exchange was in flight: keep nothing.
    if (id !== at.current) return { kind: 'cancelled' };
    return accept(at, options, exchanged);
  } finally {
    if (code !== null) forgetSecret(code);
    at.tokens.endAttempt(secrets.state);
    loopback.cancel();
    if (at.pending === loopback) at.pending = null;
  }
}

/** Keeps the tokens of a proven sign-in, unless they belong to someone who must not replace the working clinician. */
function accept(at: Attempts, options: SignInOptions, exchanged: Exchanged): SignInOutcome {
  const { response, idClaims, assurance } = exchanged;
  // The session with the assurance this authentication reached: the audit line
  // (signin.succeeded / reauth.succeeded / session.renewed) records it once the engine accepts it.
  const session = { ...exchanged.session, assurance };
  const differentUser =
    options.reauthenticateSubject !== undefined && options.reauthenticateSubject !== session.subject;
  // Signing in again while working: another person's tokens never replace the working
  // clinician's (they are dropped here, unused; the session service refuses the outcome).
  if (differentUser && options.sameSubjectOnly === true) return { kind: 'different-user', session };
  at.tokens.store({ ...heldTokens(response, at.tokenClock()), issuer: idClaims.iss, subject: idClaims.sub });
  at.deps.logger.debug(
    { event: 'signin.tokens-accepted', aal: session.aal, assurance, differentUser },
    'CIS2 sign-in response accepted.',
  );
  return differentUser ? { kind: 'different-user', session } : { kind: 'signed-in', session };
}

/** Refusals of what CIS2 answered for this person, after its keys and metadata verified it. */
const answerRefused: ReadonlySet<string> = new Set([
  'SIGNIN_AUTH_TIME_STALE',
  'SIGNIN_USERINFO_MISMATCH',
  'SIGNIN_ASSURANCE_TOO_LOW',
]);

export function createSignInService(deps: SignInServiceDeps): SignInService {
  const { settings, logger } = deps;
  const audit = createAudit(logger);
  const now = deps.now ?? Date.now;
  const tokenClock = deps.tokenClock ?? now;
  const discovery = createDiscoveryCache({ settings, now, keySource: deps.keySource, fetch: deps.fetch });
  // Refresh failures are recorded by the shell service, which knows whose session it was.
  const tokens = createTokenHolder({
    now: tokenClock,
    refreshMarginMs: settings.refreshMarginMs,
    refresh: (refreshToken): Promise<RefreshedTokens> => refreshTokens(discovery, tokenClock, refreshToken),
    onRefreshed: (subject) => audit.tokenRefreshed(subject),
  });
  const at: Attempts = { deps, now, tokenClock, audit, discovery, tokens, current: 0, pending: null };

  /** Ends a waiting attempt: its signIn() resolves to 'cancelled'. */
  function stopWaiting(): void {
    at.current += 1;
    at.pending?.cancel();
  }

  return {
    tokens,
    async providerMetadata() {
      return (await discovery.get()).serverMetadata();
    },
    async signIn(options = {}) {
      // A new sign-in replaces one still waiting for the browser: close its port first.
      const id = ++at.current;
      at.pending?.cancel();
      try {
        return await attempt(at, options, id);
      } catch (cause) {
        const error = toShellError(cause);
        // A refusal of the answer itself says nothing about the provider's metadata or keys.
        if (!answerRefused.has(error.code)) discovery.invalidate();
        // The shell service records the audit line for the attempt it is still waiting for.
        logger.debug({ err: error, event: 'signin.attempt-failed' }, 'A sign-in attempt failed.');
        return { kind: 'failed', error };
      }
    },
    cancel: stopWaiting,
    signOut() {
      const held = tokens.peekForRevocation();
      tokens.wipe();
      stopWaiting();
      if (held === null) return;
      void revoke(discovery, held).catch((cause: unknown) => audit.revocationFailed(cause));
    },
  };
}
