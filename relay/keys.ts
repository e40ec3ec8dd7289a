/**
 * The issuer's signing keys, found once through its configuration document and shared by the
 * logout-token validator and the ID-token check: one jose remote key set (cached, refetched on an
 * unknown `kid`, which covers CIS2's key rotation), restricted to the algorithms the issuer
 * advertises for ID tokens (logout tokens are signed by the same keypair).
 *
 * Discovery is retried on demand, so a relay started while CIS2 is unreachable comes up anyway:
 * until the keys are known, logout POSTs are answered 503 and registrations `keys-unavailable`.
 */
import { createRemoteJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { LOGOUT_TOKEN_ALGORITHMS } from '../main/services/oidc/backchannel-logout';

export interface IssuerKeys {
  readonly jwks: JWTVerifyGetKey;
  readonly algorithms: readonly string[];
}

export class KeysUnavailable extends Error {
  override readonly name = 'KeysUnavailable';
}

interface Metadata {
  issuer?: unknown;
  jwks_uri?: unknown;
  id_token_signing_alg_values_supported?: unknown;
}

export interface IssuerKeysOptions {
  readonly issuer: string;
  readonly allowInsecureLoopbackIssuer: boolean;
  readonly fetch?: typeof fetch;
  /** How long after a failed discovery the next request may try again. */
  readonly retryAfterMs?: number;
}

export function issuerKeys(options: IssuerKeysOptions): () => Promise<IssuerKeys> {
  const doFetch = options.fetch ?? fetch;
  const retryAfterMs = options.retryAfterMs ?? 2_000;
  let found: Promise<IssuerKeys> | null = null;
  let failedAt = 0;

  async function discover(): Promise<IssuerKeys> {
    const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let metadata: Metadata;
    try {
      const response = await doFetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'error' });
      if (!response.ok) throw new KeysUnavailable(`The issuer's configuration document answered ${response.status}.`);
      metadata = (await response.json()) as Metadata;
    } catch (cause) {
      if (cause instanceof KeysUnavailable) throw cause;
      throw new KeysUnavailable("The issuer's configuration document could not be fetched.", { cause });
    }
    if (metadata.issuer !== options.issuer)
      throw new KeysUnavailable("The issuer's configuration document names a different issuer.");
    if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri))
      throw new KeysUnavailable("The issuer's configuration document has no usable jwks_uri.");
    const jwksUri = new URL(metadata.jwks_uri);
    const loopbackHttp =
      jwksUri.protocol === 'http:' && jwksUri.hostname === '127.0.0.1' && options.allowInsecureLoopbackIssuer;
    if (jwksUri.protocol !== 'https:' && !loopbackHttp)
      throw new KeysUnavailable("The issuer's jwks_uri does not use https.");
    const advertised = metadata.id_token_signing_alg_values_supported;
    const algorithms = LOGOUT_TOKEN_ALGORITHMS.filter((alg) => !Array.isArray(advertised) || advertised.includes(alg));
    if (algorithms.length === 0) throw new KeysUnavailable('The issuer advertises no asymmetric signing algorithm.');
    return { jwks: createRemoteJWKSet(jwksUri, { timeoutDuration: 5_000, cooldownDuration: 30_000 }), algorithms };
  }

  return () => {
    if (found === null) {
      if (Date.now() - failedAt < retryAfterMs)
        return Promise.reject(new KeysUnavailable('The issuer could not be reached a moment ago; not retried yet.'));
      found = discover();
      found.catch(() => {
        found = null;
        failedAt = Date.now();
      });
    }
    return found;
  };
}
