import { createPrivateKey } from 'node:crypto';
import { calculateJwkThumbprint, importJWK } from 'jose';
import type { JWK } from 'jose';
import { ShellError } from '../../core/errors';
import type { ClientKeySource } from '../oidc/discovery';
import { loadKeyring, once } from '../../platform/keyring';
import type { KeyringLoader } from '../../platform/keyring';

/**
 * The shell's private_key_jwt client key, held in the OS credential store (Windows Credential
 * Manager, macOS Keychain, Secret Service on Linux) and never on disk in the clear. An admin
 * provisions it once from a file; the shell loads it into memory when it needs to sign.
 */
export const DEFAULT_CLIENT_KEY_SERVICE = 'uk.nhs.clinical-workstation-shell.cis2-client-key';
/** The account provision-client-key stores under unless told otherwise. */
export const DEFAULT_CLIENT_KEY_ACCOUNT = 'clinical-workstation-shell';

/** The credential store, as a port so the failure paths can be tested without one. */
export interface SecretBackend {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

/**
 * The OS credential store through @napi-rs/keyring, loaded at the first call: a build whose
 * native package is missing still starts, and a private_key_jwt sign-in then fails with
 * KEYRING_UNAVAILABLE (see `unavailable` below) instead of the shell failing to start.
 */
export function keyringBackend(loader: KeyringLoader = loadKeyring): SecretBackend {
  const load = once(loader);
  return {
    get: async (service, account) => new (await load()).AsyncEntry(service, account).getPassword(),
    set: async (service, account, secret) => new (await load()).AsyncEntry(service, account).setPassword(secret),
    delete: async (service, account) => new (await load()).AsyncEntry(service, account).deletePassword(),
  };
}

export const osKeyring: SecretBackend = keyringBackend();

export interface ProvisionedKey {
  readonly service: string;
  readonly account: string;
  readonly kid: string;
  readonly alg: string;
  /** The public half, for registering with CIS2 as the client's JWKS. */
  readonly publicJwk: JWK;
}

export interface ClientKeyStore extends ClientKeySource {
  /** Parse a PEM (PKCS#8/PKCS#1/SEC1) or private JWK, and store it. Returns where it went, never the key. */
  provision(keyText: string, service: string, account: string): Promise<ProvisionedKey>;
  remove(service: string, account: string): Promise<boolean>;
}

/** A backend's own ShellError (e.g. the machine file's "run as an administrator") says more; anything else is the store failing. */
const unavailable = (cause: unknown): ShellError =>
  cause instanceof ShellError
    ? cause
    : new ShellError(
        'KEYRING_UNAVAILABLE',
        "The workstation's credential store could not be used for the CIS2 client key; ask IT to check it is running and unlocked.",
        { cause },
      );

function parsePrivateJwk(keyText: string): JWK {
  const text = keyText.trim();
  try {
    const key = text.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(text) as JWK & { kty: string }, format: 'jwk' })
      : createPrivateKey(text);
    const jwk = key.export({ format: 'jwk' }) as JWK;
    if (jwk.kty === 'RSA') return { ...jwk, alg: 'RS256' };
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') return { ...jwk, alg: 'ES256' };
  } catch (cause) {
    throw new ShellError(
      'CONFIG_INVALID',
      'The client key file is not a private key the shell can read; provide a PEM (PKCS#8) or JWK private key.',
      { cause },
    );
  }
  throw new ShellError(
    'CONFIG_INVALID',
    'The client key must be an RSA or P-256 EC private key; provide one of those.',
  );
}

export function createClientKeyStore(backend: SecretBackend = osKeyring): ClientKeyStore {
  return {
    async provision(keyText, service, account) {
      const jwk = parsePrivateJwk(keyText);
      const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
      const alg = String(jwk.alg);
      try {
        await backend.set(service, account, JSON.stringify({ ...jwk, kid }));
      } catch (cause) {
        throw unavailable(cause);
      }
      const { kty, n, e, crv, x, y } = jwk;
      const publicJwk = Object.fromEntries(
        Object.entries({ kty, n, e, crv, x, y, kid, alg, use: 'sig' }).filter(([, v]) => v !== undefined),
      ) as JWK;
      return { service, account, kid, alg, publicJwk };
    },
    async loadClientKey(service, account) {
      let stored: string | null;
      try {
        stored = await backend.get(service, account);
      } catch (cause) {
        throw unavailable(cause);
      }
      if (stored === null) {
        throw new ShellError(
          'SIGNIN_CLIENT_KEY_MISSING',
          "This workstation has no CIS2 client key yet; ask IT to provision it (the shell's --provision-client-key command, docs/policy.md).",
        );
      }
      try {
        const jwk = JSON.parse(stored) as JWK;
        const key = await importJWK(jwk, jwk.alg);
        if (!(key instanceof CryptoKey) || key.type !== 'private') throw new Error('not a private CryptoKey');
        return { key, ...(jwk.kid ? { kid: jwk.kid } : {}) };
      } catch (cause) {
        throw new ShellError(
          'SIGNIN_CLIENT_KEY_MISSING',
          "The CIS2 client key in this workstation's credential store is damaged; ask IT to provision it again.",
          { cause },
        );
      }
    },
    async remove(service, account) {
      try {
        return await backend.delete(service, account);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
  };
}
