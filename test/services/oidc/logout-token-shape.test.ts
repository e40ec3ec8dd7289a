// The logout-token validator (main/services/oidc/backchannel-logout.ts) on what comes before and
// around the claims: the token's shape and size, its signing algorithm, what jose's failures mean,
// a payload that is not a JSON object, the validator's own settings, and the replay memory's size.
// Tokens that jose's signing helpers would refuse to make (an unknown critical header, a payload
// that is not UTF-8 or not an object) are signed here by hand with node:crypto, so each is a
// validly signed token broken in exactly one way.
import { KeyObject, createSign } from 'node:crypto';
import { CompactEncrypt, SignJWT, createLocalJWKSet, errors, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT, createLogoutTokenValidator } from '../../../main/services/oidc';
import type { LogoutTokenResult, LogoutTokenValidatorOptions } from '../../../main/services/oidc';

const ISSUER = 'https://cis2.test/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const CLIENT_ID = 'clinical-workstation-shell';
const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const NOW_S = NOW / 1000;
const SUB = '555000000001';
const SID = 'sid-4f1c2a';
const KID = 'provider-1';

const code = (result: LogoutTokenResult): string => (result.ok ? 'accepted' : result.error.code);
const b64url = (bytes: string | Uint8Array): string => Buffer.from(bytes).toString('base64url');

let serial = 0;
function claims(changes: Record<string, unknown> = {}): JWTPayload {
  serial += 1;
  return {
    iss: ISSUER,
    aud: CLIENT_ID,
    iat: NOW_S - 5,
    exp: NOW_S + 295,
    jti: `jti-shape-${serial}`,
    sub: SUB,
    sid: SID,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...changes,
  };
}

/**
 * The refusal is for an IT admin's log: a whole sentence, with nothing of the token in it (the
 * token, its parts, the clinician's id or session).
 */
function expectRefusedWithASentence(result: LogoutTokenResult, expected: string, token: string): void {
  expect(code(result)).toBe(expected);
  if (result.ok) return;
  expect(result.error.message).toMatch(/^A back-channel logout notice from CIS2 was ignored because .+\.$/);
  for (const fragment of [token, SUB, SID, ...token.split('.').filter((part) => part.length > 8)])
    expect(result.error.message).not.toContain(fragment);
}

let providerKey: CryptoKey;
let jwks: JWTVerifyGetKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  providerKey = pair.privateKey;
  jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
});

function validator(extra: Partial<LogoutTokenValidatorOptions> = {}) {
  return createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, now: () => NOW, ...extra });
}

function signed(payload: JWTPayload = claims()): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(providerKey);
}

/** An RS256 JWS over exactly these header fields and payload bytes, signed with the provider's key. */
function signedByHand(header: Record<string, unknown>, payload: string | Uint8Array): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(KeyObject.from(providerKey));
  return `${input}.${signature.toString('base64url')}`;
}

describe('the algorithms a logout token may be signed with', () => {
  // CIS2 signs logout tokens with the ID token's keypair: any asymmetric JWS algorithm is accepted.
  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'])(
    'accepts a token signed with %s by a published key',
    async (alg) => {
      const pair = await generateKeyPair(alg);
      const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k', alg }] });
      const token = await new SignJWT(claims()).setProtectedHeader({ alg, kid: 'k' }).sign(pair.privateKey);
      expect(code(await validator({ jwks: keys })(token))).toBe('accepted');
    },
  );

  it('refuses a token whose header names no algorithm, for its algorithm, before any key is looked up', async () => {
    let lookups = 0;
    const counting: JWTVerifyGetKey = (header, token) => {
      lookups += 1;
      return jwks(header, token);
    };
    const token = signedByHand({ kid: KID }, JSON.stringify(claims()));
    expectRefusedWithASentence(await validator({ jwks: counting })(token), 'LOGOUT_TOKEN_ALG_REFUSED', token);
    const hs = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'));
    expectRefusedWithASentence(await validator({ jwks: counting })(hs), 'LOGOUT_TOKEN_ALG_REFUSED', hs);
    expect(lookups).toBe(0);
  });
});

describe('the shape and size of a logout token', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['bytes', new TextEncoder().encode('a.b.c')],
  ])('refuses %s given as the token as malformed, without throwing', async (_name, value) => {
    expect(code(await validator()(value as unknown as string))).toBe('LOGOUT_TOKEN_MALFORMED');
  });

  it('refuses an encrypted token (a JWE, five parts) as malformed rather than for its key-management algorithm', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims())))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
      .encrypt(publicKey);
    expect(jwe.split('.')).toHaveLength(5);
    expectRefusedWithASentence(await validator()(jwe), 'LOGOUT_TOKEN_MALFORMED', jwe);
  });

  it('accepts a validly signed token of exactly 16 KiB and refuses one a character longer, however well signed', async () => {
    const base = claims();
    const ofLength = (length: number): string => {
      // base64url takes ceil(4n / 3) characters for n bytes: choose the padding claim's length, and
      // a header member's, so that the whole token comes to exactly `length` characters.
      const b64Length = (bytes: number): number => Math.ceil((4 * bytes) / 3);
      for (let headerPad = 0; headerPad < 4; headerPad += 1) {
        const header = { alg: 'RS256', kid: KID, note: 'y'.repeat(headerPad) };
        const emptyPayload = JSON.stringify({ ...base, padding: '' });
        const rest = signedByHand(header, emptyPayload).length - b64Length(emptyPayload.length);
        const pad = Array.from({ length }, (_, n) => n).find(
          (n) => rest + b64Length(emptyPayload.length + n) === length,
        );
        if (pad !== undefined) return signedByHand(header, JSON.stringify({ ...base, padding: 'x'.repeat(pad) }));
      }
      throw new Error(`no token of length ${length}`);
    };
    const atLimit = ofLength(16 * 1024);
    const overLimit = ofLength(16 * 1024 + 1);
    expect([atLimit.length, overLimit.length]).toEqual([16 * 1024, 16 * 1024 + 1]);
    expect(code(await validator()(atLimit))).toBe('accepted');
    expectRefusedWithASentence(await validator()(overLimit), 'LOGOUT_TOKEN_MALFORMED', overLimit);
  });

  it.each([
    ['a critical header extension jose does not know', { alg: 'RS256', kid: KID, crit: ['urn:x'], 'urn:x': 1 }],
    ['a crit header that is not a list', { alg: 'RS256', kid: KID, crit: 'urn:x' }],
  ])('refuses a token with %s as malformed, keeping jose’s error as the cause', async (_name, header) => {
    const token = signedByHand(header, JSON.stringify(claims()));
    const result = await validator()(token);
    expectRefusedWithASentence(result, 'LOGOUT_TOKEN_MALFORMED', token);
    expect(result.ok ? null : result.error.cause).toBeInstanceOf(errors.JOSEError);
  });

  it('refuses a signed payload that is not UTF-8, instead of reading it with replacement characters', async () => {
    const json = new TextEncoder().encode(JSON.stringify(claims({ sid: 'sid-@' })));
    json[json.indexOf('@'.charCodeAt(0))] = 0xff;
    const token = signedByHand({ alg: 'RS256', kid: KID }, json);
    const result = await validator()(token);
    expectRefusedWithASentence(result, 'LOGOUT_TOKEN_MALFORMED', token);
    expect(result.ok ? null : result.error.cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ['null', 'null'],
    ['a list', '[1,2]'],
    ['a string', '"logout"'],
    ['a number', '42'],
  ])('refuses a signed payload that is %s rather than a JSON object as malformed', async (_name, payload) => {
    const token = signedByHand({ alg: 'RS256', kid: KID }, payload);
    expectRefusedWithASentence(await validator()(token), 'LOGOUT_TOKEN_MALFORMED', token);
  });

  it.each([
    ['iat', 'LOGOUT_TOKEN_IAT_MISSING'],
    ['exp', 'LOGOUT_TOKEN_MALFORMED'],
  ])('refuses a %s too large to be a time (1e999, which JSON reads as Infinity)', async (claim, expected) => {
    const json = JSON.stringify(claims({ [claim]: 0 })).replace(`"${claim}":0`, `"${claim}":1e999`);
    const token = signedByHand({ alg: 'RS256', kid: KID }, json);
    expect(code(await validator()(token))).toBe(expected);
  });

  it('refuses an events claim that is null as missing, not by failing', async () => {
    expect(code(await validator()(await signed(claims({ events: null }))))).toBe('LOGOUT_TOKEN_EVENTS_MISSING');
  });
});

describe('what an accepted token names', () => {
  it('names only the session when the token carries no sub, and only the user when it carries no sid', async () => {
    const validate = validator();
    expect(await validate(await signed(claims({ sub: undefined })))).toStrictEqual({
      ok: true,
      sessionId: SID,
      issuedAt: (NOW_S - 5) * 1000,
    });
    expect(await validate(await signed(claims({ sid: undefined })))).toStrictEqual({
      ok: true,
      subject: SUB,
      issuedAt: (NOW_S - 5) * 1000,
    });
  });
});

describe('what jose’s failures mean', () => {
  it.each([
    ['no published key matches', 'LOGOUT_TOKEN_SIGNATURE_INVALID', (): unknown => new errors.JWKSNoMatchingKey()],
    [
      'two published keys match',
      'LOGOUT_TOKEN_SIGNATURE_INVALID',
      (): unknown => new errors.JWKSMultipleMatchingKeys(),
    ],
    ['the key set timed out', 'LOGOUT_TOKEN_KEYS_UNAVAILABLE', (): unknown => new errors.JWKSTimeout()],
    ['the key set is not valid', 'LOGOUT_TOKEN_KEYS_UNAVAILABLE', (): unknown => new errors.JWKSInvalid()],
    ['the lookup failed with no error at all', 'LOGOUT_TOKEN_KEYS_UNAVAILABLE', (): unknown => null],
    [
      'the lookup failed with an error without a code',
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
      (): unknown => new Error('down'),
    ],
  ] as const)('when %s, the token is refused as %s', async (_name, expected, failure) => {
    const failing: JWTVerifyGetKey = () => Promise.reject(failure());
    const token = await signed();
    expectRefusedWithASentence(await validator({ jwks: failing })(token), expected, token);
  });

  it('refuses a token whose kid matches two published keys as a bad signature', async () => {
    const pair = await generateKeyPair('RS256');
    const twice = createLocalJWKSet({
      keys: [
        { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256' },
        { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: KID, alg: 'RS256' },
      ],
    });
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(pair.privateKey);
    expectRefusedWithASentence(await validator({ jwks: twice })(token), 'LOGOUT_TOKEN_SIGNATURE_INVALID', token);
  });

  it('refuses a replayed token with a sentence that quotes nothing of it', async () => {
    const validate = validator();
    const token = await signed();
    expect(code(await validate(token))).toBe('accepted');
    expectRefusedWithASentence(await validate(token), 'LOGOUT_TOKEN_REPLAYED', token);
  });

  it('keeps no cause on a refusal the validator decided itself', async () => {
    const token = await signed(claims({ iss: 'https://elsewhere.test' }));
    const result = await validator()(token);
    expect(result.ok ? null : result.error.cause).toBeUndefined();
  });
});

describe('the validator’s own settings', () => {
  it.each([
    ['maxAgeSeconds', { maxAgeSeconds: -1 }],
    ['clockSkewSeconds', { clockSkewSeconds: -0.5 }],
    ['seen', { seen: Number.POSITIVE_INFINITY }],
    ['maxAgeSeconds', { maxAgeSeconds: Number.NaN }],
  ] as const)('refuses a %s that is negative or not a finite number, naming the setting for IT', (name, setting) => {
    expect(() => validator(setting)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('refuses a replay memory of no tokens and an algorithm list with nothing it accepts, each with a sentence for IT', () => {
    expect(() => validator({ seen: 0.5 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/replay memory.*\.$/) }),
    );
    expect(() => validator({ algorithms: ['HS256'] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/no signing algorithm.*\.$/) }),
    );
  });

  it('takes a zero age and a zero skew: a token issued this second and not yet expired passes, one a second older does not', async () => {
    const strict = validator({ maxAgeSeconds: 0, clockSkewSeconds: 0 });
    expect(code(await strict(await signed(claims({ iat: NOW_S, exp: NOW_S + 1 }))))).toBe('accepted');
    expect(code(await strict(await signed(claims({ iat: NOW_S - 1 }))))).toBe('LOGOUT_TOKEN_TOO_OLD');
  });

  it('remembers exactly as many jti values as asked: one with seen 1, the last two with seen 2', async () => {
    const [a, b, c] = await Promise.all([signed(), signed(), signed()]);
    const one = validator({ seen: 1 });
    expect(code(await one(a))).toBe('accepted');
    expect(code(await one(a))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(code(await one(b))).toBe('accepted');
    expect(code(await one(a))).toBe('accepted');
    const two = validator({ seen: 2 });
    for (const token of [a, b, c]) expect(code(await two(token))).toBe('accepted');
    expect(code(await two(b))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(code(await two(c))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(code(await two(a))).toBe('accepted');
  });

  it('tells a shared replay store that a token without exp stops passing when its iat window closes', async () => {
    const calls: [string, number][] = [];
    const validate = validator({
      seenJti: async (jti, expiresAt) => {
        calls.push([jti, expiresAt]);
        return true;
      },
    });
    expect(code(await validate(await signed(claims({ jti: 'no-exp', exp: undefined }))))).toBe('accepted');
    // iat + the 120 s window + the 30 s skew.
    expect(calls).toEqual([['no-exp', (NOW_S - 5 + 150) * 1000]]);
  });
});
