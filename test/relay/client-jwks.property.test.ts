// The rule the relay's JWKS endpoint must never break: nothing but public members is ever published,
// whatever else the files hold. For any key built from a real public key plus any mix of private
// members, certificate members and unknown ones: the relay either refuses to start (when a private
// member is there, and then its message quotes none of their values) or publishes exactly the
// key's public members.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { publishJwks } from '../../relay/client-jwks';
import { RelayConfigError, loadRelayConfig } from '../../relay/config';

const dir = mkdtempSync(join(tmpdir(), 'cws-relay-jwks-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC = { RSA: ['kty', 'use', 'kid', 'alg', 'n', 'e'], EC: ['kty', 'use', 'kid', 'alg', 'crv', 'x', 'y'] };
const bases = {
  RSA: {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
    kid: 'rsa-1',
    alg: 'RS256',
    use: 'sig',
  },
  EC: {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
    kid: 'ec-1',
    alg: 'ES256',
    use: 'sig',
  },
};
// Values long and distinctive enough that finding one in a message means it was quoted.
const secretValue = fc.string({ minLength: 12, maxLength: 40 }).map((s) => `SECRET-${Buffer.from(s).toString('hex')}`);
const extraName = fc.oneof(
  fc.constantFrom(...PRIVATE, 'x5c', 'x5t', 'key_ops', 'ext', 'iat'),
  fc.string({ minLength: 1, maxLength: 8 }).filter((n) => !/^(kty|use|kid|alg|n|e|crv|x|y)$/.test(n)),
);

let run = 0;
it('publishes only public members, or refuses to start without quoting a private value', () => {
  fc.assert(
    fc.property(fc.constantFrom('RSA', 'EC'), fc.dictionary(extraName, secretValue, { maxKeys: 6 }), (kty, extras) => {
      const key = { ...extras, ...bases[kty as 'RSA' | 'EC'] };
      const file = join(dir, `key-${run++}.json`);
      writeFileSync(file, JSON.stringify({ keys: [key] }));
      const env = {
        RELAY_ISSUER: 'http://127.0.0.1:9/issuer',
        RELAY_CLIENT_ID: 'c',
        RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
        RELAY_CLIENT_JWKS_FILES: file,
      };
      const held = PRIVATE.filter((m) => m in extras);
      if (held.length > 0) {
        expect(() => loadRelayConfig(env)).toThrow(RelayConfigError);
        try {
          loadRelayConfig(env);
        } catch (err) {
          const message = (err as Error).message;
          expect(message).toContain(`holds private key members (${held.join(', ')})`);
          for (const value of Object.values(extras)) expect(message).not.toContain(value);
        }
        return;
      }
      const published = publishJwks(loadRelayConfig(env).clientJwksFiles);
      const body = JSON.parse(published?.body ?? '{}') as { keys: Record<string, unknown>[] };
      expect(body.keys).toHaveLength(1);
      expect(Object.keys(body.keys[0] ?? {})).toEqual(PUBLIC[kty as 'RSA' | 'EC']);
      for (const value of Object.values(extras)) expect(published?.body).not.toContain(value);
    }),
    { numRuns: 150 },
  );
});
