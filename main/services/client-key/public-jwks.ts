/**
 * What the provisioning verb prints about the key's public half: a sentence, then the JWK Set
 * (RFC 7517 §5) alone on its own line. That line, saved as a file, is exactly what the relay's
 * RELAY_CLIENT_JWKS_FILES takes (relay/client-jwks.ts), and the relay publishes it at the JWKS
 * endpoint URI the trust registers with CIS2. Only public members: the store builds the JWK from
 * kty, n, e, crv, x, y, kid, alg and use (client-key-store.ts).
 */
import type { JWK } from 'jose';

const PUBLIC_JWKS_INTRO = 'Public key to register with CIS2 for this client (JWKS):';

/** The lines for one provisioned key; the second is the JWK Set alone. */
export function publicJwksLines(publicJwk: JWK): string[] {
  return [
    `${PUBLIC_JWKS_INTRO} save the next line, alone, as a .json file and name it in the relay's RELAY_CLIENT_JWKS_FILES; the relay publishes it at https://<relay's public name>/jwks.json, the JWKS endpoint URI to register (docs/relay.md, "The client's JWKS").`,
    JSON.stringify({ keys: [publicJwk] }),
  ];
}
