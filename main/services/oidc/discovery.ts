import { isProxyAuthFailure, proxyAuthError } from './error-mapping';
import * as client from 'openid-client';
import { ShellError } from '../../core/errors';
import type { OidcSettings } from './settings';

/** Loads the client's private key for private_key_jwt (from the OS credential store in production). */
export interface ClientKeySource {
  loadClientKey(service: string, account: string): Promise<{ key: CryptoKey; kid?: string }>;
}

export interface DiscoveryDeps {
  readonly settings: OidcSettings;
  readonly now: () => number;
  readonly keySource?: ClientKeySource;
  readonly fetch?: client.CustomFetch;
}

/**
 * openid-client Configuration from discovery, cached for `discoveryTtlMs` (CIS2 allows up to an
 * hour). `invalidate()` drops it so the next sign-in rediscovers, which is what we do after any
 * failure that could come from stale metadata or rotated keys.
 */
export interface DiscoveryCache {
  get(): Promise<client.Configuration>;
  /**
   * The configuration for a sign-in that is about to open the browser, with proof that the
   * issuer answers now: a cached configuration says nothing about today's network, and without
   * this the clinician would be told the sign-in page is open while the browser shows an error.
   */
  reachable(): Promise<client.Configuration>;
  invalidate(): void;
}

/** How long the reachability check waits before saying NHS Care Identity cannot be reached. */
export const REACHABILITY_TIMEOUT_MS = 10_000;

const unreachable = (cause: unknown): ShellError =>
  isProxyAuthFailure(cause)
    ? proxyAuthError(cause)
    : new ShellError(
        'SIGNIN_DISCOVERY_FAILED',
        'The shell could not reach NHS Care Identity to start sign-in. Check the network connection and try again. If it keeps happening, tell IT.',
        { cause },
      );

async function clientAuthFor(deps: DiscoveryDeps): Promise<client.ClientAuth> {
  const auth = deps.settings.clientAuth;
  if (auth.method === 'none') return client.None();
  if (deps.keySource === undefined) {
    throw new ShellError(
      'SIGNIN_CLIENT_KEY_MISSING',
      'This workstation is set up to sign in with a client key but none is available; ask IT to provision it.',
    );
  }
  return client.PrivateKeyJwt(await deps.keySource.loadClientKey(auth.keyringService, auth.keyringAccount));
}

export function createDiscoveryCache(deps: DiscoveryDeps): DiscoveryCache {
  let cached: { config: client.Configuration; at: number } | null = null;
  let loading: Promise<client.Configuration> | null = null;

  async function load(): Promise<client.Configuration> {
    const clientAuth = await clientAuthFor(deps);
    const options: client.DiscoveryRequestOptions = {};
    if (deps.settings.allowInsecureLoopbackIssuer) options.execute = [client.allowInsecureRequests];
    if (deps.fetch !== undefined) options[client.customFetch] = deps.fetch;
    try {
      const config = await client.discovery(
        new URL(deps.settings.issuer),
        deps.settings.clientId,
        undefined,
        clientAuth,
        options,
      );
      // Verify the ID token's signature even though it came straight from the token endpoint over
      // TLS (openid-client skips that by default, OIDC Core §3.1.3.7): a tampered token must fail.
      client.enableNonRepudiationChecks(config);
      cached = { config, at: deps.now() };
      return config;
    } catch (cause) {
      throw unreachable(cause);
    }
  }

  async function get(): Promise<client.Configuration> {
    if (cached !== null && deps.now() - cached.at < deps.settings.discoveryTtlMs) return cached.config;
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  }

  /**
   * A HEAD request to the authorization endpoint, the very address the browser is about to open:
   * any HTTP answer (CIS2 answers a bare request with an error page) proves it can be reached;
   * only a network failure or no answer in time does not. Not a discovery request, so the cache
   * keeps its lifetime (CIS2 allows metadata to be kept for up to an hour).
   */
  async function probe(config: client.Configuration): Promise<void> {
    const endpoint = config.serverMetadata().authorization_endpoint;
    if (endpoint === undefined) return; // the sign-in refuses it itself, with its own words
    const send: client.CustomFetch = deps.fetch ?? ((url, options) => fetch(url, options as RequestInit));
    try {
      await send(endpoint, {
        method: 'HEAD',
        headers: {},
        body: undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(REACHABILITY_TIMEOUT_MS),
      });
    } catch (cause) {
      throw unreachable(cause);
    }
  }

  return {
    get,
    async reachable() {
      const fresh = cached === null || deps.now() - cached.at >= deps.settings.discoveryTtlMs;
      const config = await get();
      // A discovery made just now has proved the issuer answers; a cached one has not.
      if (!fresh) await probe(config);
      return config;
    },
    invalidate() {
      cached = null;
    },
  };
}
