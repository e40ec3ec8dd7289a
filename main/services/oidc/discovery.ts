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
  invalidate(): void;
}

async function clientAuthFor(deps: DiscoveryDeps): Promise<client.ClientAuth> {
  const auth = deps.settings.clientAuth;
  if (auth.method === 'none') return client.None();
  if (deps.keySource === undefined) {
    throw new ShellError('SIGNIN_CLIENT_KEY_MISSING', 'This workstation is set up to sign in with a client key but none is available; ask IT to provision it.');
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
      const config = await client.discovery(new URL(deps.settings.issuer), deps.settings.clientId, undefined, clientAuth, options);
      // Verify the ID token's signature even though it came straight from the token endpoint over
      // TLS (openid-client skips that by default, OIDC Core §3.1.3.7): a tampered token must fail.
      client.enableNonRepudiationChecks(config);
      cached = { config, at: deps.now() };
      return config;
    } catch (cause) {
      throw new ShellError('SIGNIN_DISCOVERY_FAILED', 'The shell could not reach NHS Care Identity to start sign-in. Check the network connection and try again. If it keeps happening, tell IT.', { cause });
    }
  }

  return {
    async get() {
      if (cached !== null && deps.now() - cached.at < deps.settings.discoveryTtlMs) return cached.config;
      loading ??= load().finally(() => {
        loading = null;
      });
      return loading;
    },
    invalidate() {
      cached = null;
    },
  };
}
