// Issue 25: the relay serves the workstation client's public JWK Set, the JWKS endpoint URI a
// trust registers with CIS2 for private_key_jwt. Its keys come from RELAY_CLIENT_JWKS_FILES, each
// file exactly what the provisioning verb prints; anything that is not a publishable public
// signing key stops the relay at start-up with a sentence naming the setting.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayConfigError, loadRelayConfig } from '../../relay/config';
import { newClientKeyPem, provisionWithVerb } from './fixtures/client-key-verb';
import type { ProvisionedClient } from './fixtures/client-key-verb';
import { startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';

const ISSUER = 'http://127.0.0.1:9/issuer';
const base = {
  RELAY_ISSUER: ISSUER,
  RELAY_CLIENT_ID: 'clinical-workstation-shell',
  RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
};
const SETTING = 'The relay setting RELAY_CLIENT_JWKS_FILES ("clientJwksFiles" in the JSON file) is not valid:';

let dir: string;
let rsa: ProvisionedClient;
let ec: ProvisionedClient;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-relay-jwks-'));
  [rsa, ec] = await Promise.all([
    provisionWithVerb(dir, 'rsa', newClientKeyPem('rsa'), 'client-1'),
    provisionWithVerb(dir, 'ec', newClientKeyPem('ec'), 'client-1'),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The message loadRelayConfig stops with for these files. */
function refusal(files: string): string {
  try {
    loadRelayConfig({ ...base, RELAY_CLIENT_JWKS_FILES: files });
  } catch (err) {
    if (err instanceof RelayConfigError) return err.message;
    throw err;
  }
  throw new Error('the relay configuration was accepted');
}

async function jsonFile(name: string, value: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(value));
  return file;
}

const printedJwks = (client: ProvisionedClient): { keys: Record<string, string>[] } =>
  JSON.parse(client.out.split('\n').find((l) => l.startsWith('{')) ?? '') as { keys: Record<string, string>[] };

describe("the provisioning verb's output is what the relay's configuration takes", () => {
  it('an RSA and a P-256 key: the saved line of each loads, and the relay keeps exactly their public members', () => {
    const config = loadRelayConfig({ ...base, RELAY_CLIENT_JWKS_FILES: `${rsa.jwksFile}, ${ec.jwksFile}` });
    expect(config.clientJwksFiles.files).toEqual([rsa.jwksFile, ec.jwksFile]);
    const [rsaKey, ecKey] = config.clientJwksFiles.keys;
    expect(rsaKey).toEqual(printedJwks(rsa).keys[0]);
    expect(ecKey).toEqual(printedJwks(ec).keys[0]);
    expect(Object.keys(rsaKey ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(Object.keys(ecKey ?? {}).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(rsaKey).toMatchObject({ alg: 'RS256', use: 'sig' });
    expect(ecKey).toMatchObject({ alg: 'ES256', crv: 'P-256', use: 'sig' });
  });

  it('the verb says, next to the line, which setting takes it and what to register', () => {
    expect(rsa.out).toContain('Public key to register with CIS2 for this client (JWKS):');
    expect(rsa.out).toContain('RELAY_CLIENT_JWKS_FILES');
    expect(rsa.out).toContain('/jwks.json');
  });

  it('the JSON file form takes a list of files too', async () => {
    const file = await jsonFile('relay.json', { issuer: ISSUER, clientId: 'c', clientJwksFiles: [rsa.jwksFile] });
    const config = loadRelayConfig({ RELAY_CONFIG: file, RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true' });
    expect(config.clientJwksFiles.keys).toHaveLength(1);
  });
});

describe('what stops the relay at start-up', () => {
  it('a private key: names the setting, the file and the private members, and quotes none of the key', async () => {
    const privateJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const file = await jsonFile('private.json', { keys: [{ ...privateJwk, kid: 'k1', alg: 'RS256', use: 'sig' }] });
    const message = refusal(file);
    expect(message).toContain(SETTING);
    expect(message).toContain(`${file}: key 1 holds private key members (d, p, q, dp, dq, qi)`);
    for (const member of ['d', 'p', 'q', 'n'] as const) expect(message).not.toContain(String(privateJwk[member]));
  });

  it('a symmetric key (k), even on its own', async () => {
    const file = await jsonFile('oct.json', {
      keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', kid: 'h', alg: 'HS256', use: 'sig' }],
    });
    expect(refusal(file)).toContain('holds private key members (k)');
    expect(refusal(file)).not.toContain('c2VjcmV0');
  });

  it('two keys with one kid, across files or in one', async () => {
    expect(refusal(`${rsa.jwksFile},${rsa.jwksFile}`)).toMatch(/the kid "[^"]+" is in more than one key/);
    const key = printedJwks(ec).keys[0];
    const other = printedJwks(rsa).keys[0];
    const file = await jsonFile('dup.json', { keys: [key, { ...other, kid: key?.['kid'] }] });
    expect(refusal(file)).toContain('is in more than one key');
  });

  it('a key without kid, alg or use, or with an alg that does not fit it', async () => {
    const key = printedJwks(rsa).keys[0] ?? {};
    const without = (member: string) => Object.fromEntries(Object.entries(key).filter(([name]) => name !== member));
    const cases: [unknown, RegExp][] = [
      [without('kid'), /key 1 has no kid/],
      [without('alg'), /key 1 has no alg/],
      [without('use'), /key 1 has no use "sig"/],
      [{ ...key, use: 'enc' }, /key 1 has no use "sig"/],
      [{ ...key, alg: 'ES256' }, /key 1 has kty that do not fit alg ES256/],
      [{ ...key, alg: 'none' }, /key 1 has no alg/],
      [without('n'), /key 1 lacks its public members \(n, e\)/],
      [{ ...key, n: 'AQAB' }, /key 1 is (not a valid RSA public key|an RSA key shorter than 2048 bits)/],
    ];
    for (const [index, [jwk, expected]] of cases.entries()) {
      const file = await jsonFile(`bad-${index}.json`, { keys: [jwk] });
      const message = refusal(file);
      expect(message, String(expected)).toMatch(expected);
      expect(message).toContain(SETTING);
    }
  });

  it('an RSA key shorter than 2048 bits', async () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const file = await jsonFile('short.json', { keys: [{ ...short, kid: 's', alg: 'RS256', use: 'sig' }] });
    expect(refusal(file)).toContain('is an RSA key shorter than 2048 bits');
  });

  it('a file that is missing, not JSON, or not a JWK Set', async () => {
    expect(refusal(join(dir, 'missing.json'))).toContain('missing.json could not be read (ENOENT)');
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{"keys": [');
    expect(refusal(notJson)).toContain('not.json is not valid JSON');
    expect(refusal(await jsonFile('single.json', printedJwks(rsa).keys[0]))).toContain('single.json is not a JWK Set');
    expect(refusal(await jsonFile('empty.json', { keys: [] }))).toContain('empty.json is not a JWK Set');
  });
});

describe('GET /jwks.json on the public listener', () => {
  let relays: TestRelay[] = [];
  let bare: TestRelay;
  let extras: string;
  beforeAll(async () => {
    // A key with members beyond the public ones (x5c, key_ops, ext): only the public ones are published.
    extras = await jsonFile('extras.json', {
      keys: [{ ...printedJwks(ec).keys[0], key_ops: ['verify'], ext: true, x5c: ['MIIB'] }],
    });
    relays = await Promise.all(
      ['a', 'b'].map((replicaName) =>
        startTestRelay({ issuer: ISSUER, replicaName, clientJwksFiles: [rsa.jwksFile, extras] }),
      ),
    );
    bare = await startTestRelay({ issuer: ISSUER });
  });
  afterAll(async () => {
    await Promise.all([...relays, bare].map((r) => r?.close()));
  });

  it('answers the JWK Set as application/jwk-set+json, cacheable for five minutes, with an ETag', async () => {
    const response = await fetch(`${relays[0]?.url}/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const body = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toEqual([printedJwks(rsa).keys[0], printedJwks(ec).keys[0]]);
    expect(JSON.stringify(body)).not.toMatch(/"(d|p|q|dp|dq|qi|k|x5c|key_ops|ext)":/);
  });

  it('every replica gives the same set the same ETag; If-None-Match with it is 304 with no body', async () => {
    const [a, b] = await Promise.all(relays.map((r) => fetch(`${r.url}/jwks.json`)));
    const etag = a?.headers.get('etag') ?? '';
    expect(b?.headers.get('etag')).toBe(etag);
    const again = await fetch(`${relays[1]?.url}/jwks.json`, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await again.text()).toBe('');
    const stale = await fetch(`${relays[1]?.url}/jwks.json`, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('HEAD has the headers and no body; other methods are 405; a relay with no keys configured has no such page', async () => {
    const head = await fetch(`${relays[0]?.url}/jwks.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/jwk-set+json');
    const post = await fetch(`${relays[0]?.url}/jwks.json`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${bare.url}/jwks.json`)).status).toBe(404);
  });
});
