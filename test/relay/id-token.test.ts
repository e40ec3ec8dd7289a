// The relay's check of the ID token a workstation registers with (relay/id-token.ts), rule by
// rule, with keys and a clock the test holds: what is refused as invalid, what as another issuer's
// or client's, what as too old, and what only says the keys could not be had (retried, never a
// verdict on the token).
import { randomBytes } from 'node:crypto';
import { CompactSign, SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IssuerKeys } from '../../main/services/oidc/issuer-keys';
import { checkIdToken } from '../../relay/id-token';

const ISSUER = 'https://issuer.example/realms/Healthcare';
const CLIENT = 'clinical-workstation-shell';
const NOW = 1_800_000_000;
const HOURS_12 = 12 * 3600;

let key: CryptoKey;
let otherKey: CryptoKey;
let publicJwk: JWK;
let keys: IssuerKeys;
const kid = 'issuer-key-1';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  keys = { jwks: createLocalJWKSet({ keys: [publicJwk] }), algorithms: ['RS256'] };
});

function claims(changes: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    aud: CLIENT,
    sub: '555000000042',
    sid: 'sid-ward-7',
    iat: NOW,
    exp: NOW + 300,
    auth_time: NOW - 10,
  };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base as JWTPayload;
}

function signed(
  changes: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  with_ = key,
): Promise<string> {
  return new SignJWT(claims(changes)).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', ...header }).sign(with_);
}

/** A token whose payload is these bytes exactly, signed by the issuer's key. */
function signedBytes(payload: Uint8Array): Promise<string> {
  return new CompactSign(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

function notUtf8(): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(claims({ sub: '555000000042~' })));
  bytes[bytes.indexOf(0x7e)] = 0xff;
  return bytes;
}

const check = (token: string, options: { trustedAudiences?: string[]; skew?: number } = {}) =>
  checkIdToken(token, keys, {
    issuer: ISSUER,
    clientId: CLIENT,
    now: () => NOW * 1000,
    ...(options.skew === undefined ? {} : { clockSkewSeconds: options.skew }),
    ...(options.trustedAudiences === undefined ? {} : { trustedAudiences: options.trustedAudiences }),
  });

describe('a good ID token', () => {
  it('passes with its sub, sid and the session start (the earlier of auth_time and iat)', async () => {
    expect(await check(await signed())).toEqual({
      ok: true,
      sub: '555000000042',
      sid: 'sid-ward-7',
      sessionStart: NOW - 10,
    });
    expect(await check(await signed({ auth_time: undefined }))).toMatchObject({ sessionStart: NOW });
  });

  it('passes without a sid, and the result then has none', async () => {
    const result = await check(await signed({ sid: undefined }));
    expect(result).toEqual({ ok: true, sub: '555000000042', sessionStart: NOW - 10 });
  });

  it('passes long after its exp, since it proves the session and grants nothing else', async () => {
    expect(await check(await signed({ exp: NOW - 11 * 3600 }))).toMatchObject({ ok: true });
  });

  it('takes the real clock when given none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signed({ iat: now, auth_time: now });
    expect(await checkIdToken(token, keys, { issuer: ISSUER, clientId: CLIENT })).toMatchObject({ ok: true });
  });
});

describe('refused as invalid', () => {
  it.each<[string, () => Promise<string>]>([
    ['not a JWT at all', () => Promise.resolve('not-a-token')],
    [
      'an algorithm the issuer does not sign with',
      async () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(randomBytes(32)),
    ],
    ['a logout token by its typ', () => signed({}, { typ: 'logout+jwt' })],
    ['a logout token by its typ in full and in capitals', () => signed({}, { typ: 'Application/Logout+JWT' })],
    ['signed by another key under the issuer’s kid', () => signed({}, {}, otherKey)],
    ['signed under a kid the issuer does not publish', () => signed({}, { kid: 'someone-else' })],
    ['a broken signature', async () => `${(await signed()).slice(0, -12)}!!!!!!!!!!!!`],
    ['a payload that is not JSON', () => signedBytes(new TextEncoder().encode('not json'))],
    // Good claims but for one byte of the sub that is not UTF-8 (read leniently, it would pass).
    ['a payload that is not UTF-8', () => signedBytes(notUtf8())],
    ['a payload that is a JSON array', () => signedBytes(new TextEncoder().encode('[1,2]'))],
    ['a payload that is JSON null', () => signedBytes(new TextEncoder().encode('null'))],
    ['a payload that is a JSON string', () => signedBytes(new TextEncoder().encode('"iss"'))],
    ['logout claims (events)', () => signed({ events: {} })],
    ['no sub', () => signed({ sub: undefined })],
    ['an empty sub', () => signed({ sub: '' })],
    ['a sub that is a number', () => signed({ sub: 555000000042 })],
    ['an empty sid', () => signed({ sid: '' })],
    ['a sid that is a number', () => signed({ sid: 7 })],
    ['no iat', () => signed({ iat: undefined })],
    ['an iat that is a string', () => signed({ iat: String(NOW) })],
    ['an iat beyond the clock skew ahead', () => signed({ iat: NOW + 61 })],
    ['an auth_time that is a string', () => signed({ auth_time: String(NOW) })],
    ['an auth_time beyond the clock skew ahead', () => signed({ auth_time: NOW + 61 })],
  ])('%s', async (_what, token) => {
    expect(await check(await token())).toEqual({ ok: false, reason: 'token-invalid' });
  });

  it('allows the default 60 s skew ahead and no more, for iat and auth_time alike', async () => {
    expect(await check(await signed({ iat: NOW + 60, auth_time: NOW + 60 }))).toMatchObject({ ok: true });
    expect(await check(await signed({ iat: NOW + 5 }), { skew: 4 })).toEqual({ ok: false, reason: 'token-invalid' });
    expect(await check(await signed({ iat: NOW + 4, auth_time: NOW + 4 }), { skew: 4 })).toMatchObject({ ok: true });
  });
});

describe('refused for whom it names', () => {
  it('another issuer: wrong-issuer', async () => {
    expect(await check(await signed({ iss: 'https://impostor.example' }))).toEqual({
      ok: false,
      reason: 'wrong-issuer',
    });
  });

  it('another client, or another audience beside this one that is not trusted: wrong-client', async () => {
    expect(await check(await signed({ aud: 'other-app' }))).toEqual({ ok: false, reason: 'wrong-client' });
    const both = await signed({ aud: [CLIENT, 'other-app'], azp: CLIENT });
    expect(await check(both)).toEqual({ ok: false, reason: 'wrong-client' });
    expect(await check(both, { trustedAudiences: ['other-app'] })).toMatchObject({ ok: true });
  });
});

describe('refused as too old: a session beyond CIS2’s 12 hours', () => {
  it('an iat or auth_time older than 12 hours and the skew', async () => {
    const edge = NOW - HOURS_12 - 60;
    expect(await check(await signed({ iat: edge, auth_time: edge }))).toMatchObject({ ok: true, sessionStart: edge });
    expect(await check(await signed({ iat: edge - 1, auth_time: undefined }))).toEqual({
      ok: false,
      reason: 'token-too-old',
    });
    expect(await check(await signed({ iat: NOW, auth_time: edge - 1 }))).toEqual({
      ok: false,
      reason: 'token-too-old',
    });
  });
});

describe('the keys could not be had: keys-unavailable, never a verdict on the token', () => {
  it.each<[string, unknown]>([
    ['a network failure', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a timeout without a code', new Error('The operation was aborted due to timeout')],
    ['something thrown that is not an object', null],
  ])('%s', async (_what, failure) => {
    const unreachable: IssuerKeys = { jwks: () => Promise.reject(failure), algorithms: ['RS256'] };
    const result = await checkIdToken(await signed(), unreachable, {
      issuer: ISSUER,
      clientId: CLIENT,
      now: () => NOW * 1000,
    });
    expect(result).toEqual({ ok: false, reason: 'keys-unavailable' });
  });

  it('an algorithm the issuer lists that JOSE does not support is the token’s fault: invalid', async () => {
    const listed: IssuerKeys = { jwks: keys.jwks, algorithms: ['RS256', 'XX999'] };
    const header = Buffer.from(JSON.stringify({ alg: 'XX999', kid })).toString('base64url');
    const token = `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.c2ln`;
    const result = await checkIdToken(token, listed, { issuer: ISSUER, clientId: CLIENT, now: () => NOW * 1000 });
    expect(result).toEqual({ ok: false, reason: 'token-invalid' });
  });

  it('an algorithm the issuer does not list is refused even by a key that fits it', async () => {
    const rsa384 = await generateKeyPair('RS384');
    const rs384 = await signed({}, { alg: 'RS384' }, rsa384.privateKey);
    const check384 = (algorithms: string[]) =>
      checkIdToken(
        rs384,
        { jwks: async () => rsa384.publicKey, algorithms },
        {
          issuer: ISSUER,
          clientId: CLIENT,
          now: () => NOW * 1000,
        },
      );
    expect(await check384(['RS256'])).toEqual({ ok: false, reason: 'token-invalid' });
    expect(await check384(['RS256', 'RS384'])).toMatchObject({ ok: true });
  });

  it('two published keys that both match the token are the issuer’s fault: invalid, not unavailable', async () => {
    const twice: IssuerKeys = {
      jwks: createLocalJWKSet({ keys: [publicJwk, { ...publicJwk }] }),
      algorithms: ['RS256'],
    };
    const result = await checkIdToken(await signed({}, {}, otherKey), twice, {
      issuer: ISSUER,
      clientId: CLIENT,
      now: () => NOW * 1000,
    });
    expect(result).toEqual({ ok: false, reason: 'token-invalid' });
  });
});
