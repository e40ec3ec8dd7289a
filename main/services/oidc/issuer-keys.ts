/**
 * The issuer's signing keys, for checking logout tokens (and, in the relay, the ID tokens
 * workstations register with), shared by the shell and the trust's relay so the two cannot drift
 * apart: found through the issuer's configuration document (OpenID Connect Discovery 1.0 §3),
 * fetched from its `jwks_uri` as one jose remote key set (cached, refetched on an unknown `kid`,
 * which covers CIS2's key rotation), and restricted to the algorithms the issuer advertises for
 * ID tokens, since CIS2 signs logout tokens "by the same keypair" (NHS England's CIS2 guidance,
 * section 9).
 *
 * The key set's address must be https, or http on a loopback address where the sandbox switch
 * (`allowInsecureLoopbackIssuer`) allows it: the one rule in main/core/http-scheme.ts.
 *
 * The shell has the configuration document already (openid-client's discovery, cached like every
 * sign-in's) and calls `issuerKeysFor`; the relay fetches it itself with `discoverIssuerKeys`,
 * retried on demand, so a relay started while CIS2 is unreachable comes up anyway.
 */
import { createRemoteJWKSet, customFetch } from 'jose';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { isHttpsOrLoopback } from '../../core/http-scheme';
import { ShellError } from '../../core/errors';
import { LOGOUT_TOKEN_ALGORITHMS } from './backchannel-logout';
import type { IssuerFetch } from './types';

export interface IssuerKeys {
  readonly jwks: JWTVerifyGetKey;
  /** The asymmetric algorithms the issuer signs with; never empty. */
  readonly algorithms: readonly string[];
}

/**
 * A configuration document as far as the keys go: typed when it comes from openid-client
 * (LogoutTokenServerMetadata fits), unknown when the relay has just parsed it.
 */
export interface IssuerKeysMetadata {
  readonly issuer?: unknown;
  readonly jwks_uri?: unknown;
  readonly id_token_signing_alg_values_supported?: unknown;
}

export interface IssuerKeysOptions {
  /** The issuer this workstation (or relay) is set up for; the document must name it exactly. */
  readonly issuer: string;
  /** Only for the local sandbox: allows an http:// key set on a loopback address. Never for CIS2. */
  readonly allowInsecureLoopbackIssuer: boolean;
  /** The issuer fetch port for the key set, so it comes over the same network path as sign-in (a proxy). */
  readonly fetch?: IssuerFetch;
}

const keysUnavailable = (message: string, cause?: unknown): ShellError =>
  new ShellError('LOGOUT_TOKEN_KEYS_UNAVAILABLE', message, cause === undefined ? undefined : { cause });

/** The address of the key set: present, a URL, and https (http on loopback for the sandbox only). */
function jwksAddress(metadata: IssuerKeysMetadata, options: IssuerKeysOptions): URL {
  const jwksUri = metadata.jwks_uri;
  if (jwksUri === undefined || jwksUri === '') {
    throw keysUnavailable(
      "CIS2's configuration document does not say where its signing keys are, so back-channel logout cannot be checked; tell IT.",
    );
  }
  let url: URL;
  try {
    if (typeof jwksUri !== 'string') throw new TypeError('jwks_uri is not a string');
    url = new URL(jwksUri);
  } catch (cause) {
    throw keysUnavailable(
      "CIS2's signing key address is not a valid URL, so back-channel logout cannot be checked; tell IT.",
      cause,
    );
  }
  if (!isHttpsOrLoopback(url, { loopbackHttp: options.allowInsecureLoopbackIssuer })) {
    throw keysUnavailable(
      "CIS2's signing key address does not use https, so back-channel logout cannot be checked; tell IT.",
    );
  }
  return url;
}

/** The issuer's keys from its configuration document. Throws a ShellError the document cannot give keys. */
export function issuerKeysFor(metadata: IssuerKeysMetadata, options: IssuerKeysOptions): IssuerKeys {
  if (metadata.issuer !== options.issuer) {
    throw new ShellError(
      'CONFIG_INVALID',
      "CIS2's configuration document names a different issuer from the one this workstation is set up for, so back-channel logout cannot be checked; ask IT to check the CIS2 setting.",
    );
  }
  const url = jwksAddress(metadata, options);
  const advertised = metadata.id_token_signing_alg_values_supported;
  const algorithms = LOGOUT_TOKEN_ALGORITHMS.filter((alg) => !Array.isArray(advertised) || advertised.includes(alg));
  if (algorithms.length === 0) {
    throw new ShellError(
      'CONFIG_INVALID',
      'CIS2 advertises no signing algorithm the shell accepts for logout tokens, so back-channel logout cannot be checked; tell IT.',
    );
  }
  const jwks = createRemoteJWKSet(url, {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    ...(options.fetch === undefined ? {} : { [customFetch]: jwksFetch(options.fetch) }),
  });
  return { jwks, algorithms };
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

export interface DiscoverIssuerKeysOptions {
  readonly issuer: string;
  readonly allowInsecureLoopbackIssuer: boolean;
  /** For the configuration document (the key set uses jose's own fetch). Node's fetch when absent. */
  readonly fetch?: typeof fetch;
  /** How long after a failed discovery the next request may try again. Default 2 s. */
  readonly retryAfterMs?: number;
  /** Epoch milliseconds; Date.now when absent. */
  readonly now?: () => number;
}

/** Fetches the configuration document (5 s, no redirects) and makes the keys from it. */
async function discover(options: DiscoverIssuerKeysOptions): Promise<IssuerKeys> {
  const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let metadata: IssuerKeysMetadata;
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(5_000), redirect: 'error' });
    if (!response.ok) throw keysUnavailable(`CIS2's configuration document answered ${response.status}.`);
    metadata = (await response.json()) as IssuerKeysMetadata;
  } catch (cause) {
    if (cause instanceof ShellError) throw cause;
    throw keysUnavailable("CIS2's configuration document could not be fetched.", cause);
  }
  if (typeof metadata !== 'object' || metadata === null)
    throw keysUnavailable("CIS2's configuration document is not a JSON object.");
  return issuerKeysFor(metadata, {
    issuer: options.issuer,
    allowInsecureLoopbackIssuer: options.allowInsecureLoopbackIssuer,
  });
}

/**
 * The issuer's keys, discovered at the first call and kept; a failed discovery is forgotten, and
 * tried again by a call at least `retryAfterMs` later (an earlier one is refused at once), so a
 * burst of requests while CIS2 is unreachable does not become a burst of fetches.
 */
export function discoverIssuerKeys(options: DiscoverIssuerKeysOptions): () => Promise<IssuerKeys> {
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 2_000;
  let found: Promise<IssuerKeys> | null = null;
  let failedAt = Number.NEGATIVE_INFINITY;

  return () => {
    if (found === null) {
      if (now() - failedAt < retryAfterMs)
        return Promise.reject(keysUnavailable('CIS2 could not be reached a moment ago; not retried yet.'));
      found = discover(options);
      found.catch(() => {
        found = null;
        failedAt = now();
      });
    }
    return found;
  };
}
