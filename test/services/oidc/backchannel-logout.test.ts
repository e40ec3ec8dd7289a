// Back-channel logout tokens: checked per OIDC BCL 1.0 §2.6 and CIS2's list (NHS England's CIS2 guidance (section 9),
// "Back Channel Logout" > "Logout Token": signature with CIS2's keys, exact iss, aud contains
// our client id, events names the logout event, no nonce, iat/exp as for ID tokens).
// Good tokens come from the real sandbox provider and its published keys; claim-level negatives
// are signed with a key this test owns, served as a local JWKS, so each breaks exactly one rule.
import { SignJWT, UnsecuredJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  createLogoutTokenValidator,
  createLogoutTokenValidatorFor,
  resolveOidcSettings,
} from '../../../main/services/oidc';
import type {
  LogoutTokenResult,
  LogoutTokenServerMetadata,
  LogoutTokenValidator,
  OidcSettings,
} from '../../../main/services/oidc';
import { startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { Driver, T0, after, SECOND } from '../../core/session/fixtures';

const ISSUER = 'https://cis2.test/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const CLIENT_ID = 'clinical-workstation-shell';
const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const NOW_S = NOW / 1000;
const SUB = '555000000001';
const SID = 'sid-4f1c2a';

function errorCode(result: LogoutTokenResult): string {
  return result.ok ? 'accepted' : result.error.code;
}

describe('logout tokens from the sandbox CIS2 provider', () => {
  let sandbox: Sandbox;
  let settings: OidcSettings;
  let metadata: LogoutTokenServerMetadata;
  let validate: LogoutTokenValidator;

  beforeAll(async () => {
    sandbox = await startSandbox();
    settings = resolveOidcSettings({
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      allowInsecureLoopbackIssuer: true,
    });
    const response = await fetch(`${sandbox.issuer}/.well-known/openid-configuration`);
    metadata = (await response.json()) as LogoutTokenServerMetadata;
    validate = createLogoutTokenValidatorFor(settings, metadata);
  });
  afterAll(() => sandbox.close());

  it('accepts a token the provider signed, verified with the keys at its discovered jwks_uri, and returns sub and sid', async () => {
    expect(metadata.jwks_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await validate(await sandbox.logoutToken({ sub: SUB, sid: SID }))).toEqual({
      ok: true,
      subject: SUB,
      sessionId: SID,
      issuedAt: expect.any(Number),
    });
  });

  it('accepts a token naming only the session (the sandbox sends an empty sub) and returns no subject', async () => {
    expect(await validate(await sandbox.logoutToken({ sid: SID }))).toEqual({
      ok: true,
      sessionId: SID,
      issuedAt: expect.any(Number),
    });
  });

  it('refuses a token the provider signed for another client (CIS2: aud must contain our client id)', async () => {
    expect(errorCode(await validate(await sandbox.logoutToken({ sub: SUB, clientId: 'another-app' })))).toBe(
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    );
  });

  it('refuses a token signed by a key that is not among the provider’s published keys', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sid: SID })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published' })
      .setIssuer(sandbox.issuer)
      .setAudience(sandbox.clientId)
      .setIssuedAt()
      .setJti('forged-1')
      .setSubject(SUB)
      .sign(privateKey);
    expect(errorCode(await validate(forged))).toBe('LOGOUT_TOKEN_SIGNATURE_INVALID');
  });

  it('feeds the session engine: a validated token ends the session it names, and only that one', async () => {
    const driver = new Driver();
    driver.signIn(SUB, T0, 'AAL3', SID);
    const other = await validate(await sandbox.logoutToken({ sub: SUB, sid: 'sid-of-another-browser' }));
    if (!other.ok) throw other.error;
    driver.send({ type: 'backchannelLogout', ...other, at: after(SECOND) });
    expect(driver.status).toBe('active');
    const mine = await validate(await sandbox.logoutToken({ sub: SUB, sid: SID }));
    if (!mine.ok) throw mine.error;
    driver.send({ type: 'backchannelLogout', subject: mine.subject, sessionId: mine.sessionId, at: after(2 * SECOND) });
    expect(driver.state).toEqual({ status: 'ended', reason: 'backchannel-logout' });
  });

  it('reports the keys as unavailable, not the token as bad, when the jwks_uri cannot be reached', async () => {
    const offline = createLogoutTokenValidatorFor(settings, { ...metadata, jwks_uri: 'http://127.0.0.1:9/jwks' });
    expect(errorCode(await offline(await sandbox.logoutToken({ sub: SUB, sid: SID })))).toBe(
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
    );
  });

  it('accepts only the algorithms the provider advertises for ID tokens (the same keypair signs both)', async () => {
    const esOnly = createLogoutTokenValidatorFor(settings, {
      ...metadata,
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(errorCode(await esOnly(await sandbox.logoutToken({ sub: SUB, sid: SID })))).toBe('LOGOUT_TOKEN_ALG_REFUSED');
  });
});

describe('createLogoutTokenValidatorFor refuses metadata it cannot check tokens with', () => {
  const settings = resolveOidcSettings({ issuer: ISSUER, clientId: CLIENT_ID });
  it.each([
    ['no jwks_uri', { issuer: ISSUER }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    [
      'a jwks_uri over plain http',
      { issuer: ISSUER, jwks_uri: 'http://cis2.test/jwks' },
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
    ],
    [
      'a loopback http jwks_uri when the issuer is not the sandbox',
      { issuer: ISSUER, jwks_uri: 'http://127.0.0.1:8080/jwks' },
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
    ],
    ['a jwks_uri that is not a URL', { issuer: ISSUER, jwks_uri: 'not a url' }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    ['another issuer', { issuer: 'https://elsewhere.test', jwks_uri: 'https://elsewhere.test/jwks' }, 'CONFIG_INVALID'],
  ] as const)('%s', (_name, serverMetadata, code) => {
    expect(() => createLogoutTokenValidatorFor(settings, serverMetadata)).toThrow(expect.objectContaining({ code }));
  });
});

describe('logout token checks, one broken rule at a time', () => {
  let providerKey: CryptoKey;
  let jwks: JWTVerifyGetKey;
  let serial = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    providerKey = pair.privateKey;
    jwks = createLocalJWKSet({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'provider-1', alg: 'RS256', use: 'sig' }],
    });
  });

  function validator(
    extra: { seen?: number; enforceExp?: boolean; trustedAudiences?: string[]; maxAgeSeconds?: number } = {},
  ): LogoutTokenValidator {
    return createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, now: () => NOW, ...extra });
  }

  /** A good logout token as CIS2 documents it (NHS England's CIS2 guidance (section 9) example), with `changes` applied; undefined deletes a claim. */
  function claims(changes: Record<string, unknown> = {}): JWTPayload {
    serial += 1;
    const base: Record<string, unknown> = {
      iss: ISSUER,
      aud: CLIENT_ID,
      iat: NOW_S - 5,
      exp: NOW_S + 295,
      jti: `jti-${serial}`,
      sub: SUB,
      sid: SID,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete base[name];
      else base[name] = value;
    }
    return base as JWTPayload;
  }

  function signed(payload: JWTPayload, key: CryptoKey = providerKey, kid = 'provider-1'): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' }).sign(key);
  }

  it('accepts the documented example shape, with sub and sid', async () => {
    expect(await validator()(await signed(claims()))).toEqual({
      ok: true,
      subject: SUB,
      sessionId: SID,
      issuedAt: (NOW_S - 5) * 1000,
    });
  });

  it('accepts several audiences when every other one is trusted and azp names our client, and not without azp', async () => {
    const trusting = validator({ trustedAudiences: ['another-app'] });
    expect(errorCode(await trusting(await signed(claims({ aud: ['another-app', CLIENT_ID], azp: CLIENT_ID }))))).toBe(
      'accepted',
    );
    expect(errorCode(await trusting(await signed(claims({ aud: ['another-app', CLIENT_ID] }))))).toBe(
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    );
  });

  it('without enforceExp (the workstation, for relayed tokens): a passed exp does not refuse, the iat window still does', async () => {
    const relayed = validator({ enforceExp: false, maxAgeSeconds: 12 * 3600 });
    expect(errorCode(await relayed(await signed(claims({ iat: NOW_S - 7200, exp: NOW_S - 7080 }))))).toBe('accepted');
    expect(
      errorCode(await relayed(await signed(claims({ iat: NOW_S - 12 * 3600 - 31, exp: NOW_S - 12 * 3600 + 89 })))),
    ).toBe('LOGOUT_TOKEN_TOO_OLD');
    expect(errorCode(await relayed(await signed(claims({ exp: 'soon' }))))).toBe('LOGOUT_TOKEN_MALFORMED');
  });

  it.each([
    ['an aud array of our client id alone', { aud: [CLIENT_ID] }],
    ['azp naming our client', { azp: CLIENT_ID }],
    ['no exp while iat is fresh', { exp: undefined }],
    ['iat in the future but within the 30 s clock skew', { iat: NOW_S + 25 }],
    ['iat exactly 30 s ahead (the skew, inclusive)', { iat: NOW_S + 30, exp: NOW_S + 400 }],
    ['exp 29 s ago (within the skew)', { iat: NOW_S - 60, exp: NOW_S - 29 }],
    ['iat 140 s old (120 s window plus skew)', { iat: NOW_S - 140 }],
    ['only sub (CIS2: log out every session of that user)', { sid: undefined }],
    ['an events object with other members as well', { events: { [BACKCHANNEL_LOGOUT_EVENT]: {}, 'urn:other': {} } }],
  ])('accepts %s', async (_name, changes) => {
    expect(errorCode(await validator()(await signed(claims(changes))))).toBe('accepted');
  });

  it.each([
    ['wrong iss', { iss: `${ISSUER}/other` }, 'LOGOUT_TOKEN_ISSUER_MISMATCH'],
    ['iss differing only by a trailing slash', { iss: `${ISSUER}/` }, 'LOGOUT_TOKEN_ISSUER_MISMATCH'],
    ['wrong aud', { aud: 'another-app' }, 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'],
    ['an aud array without our client id', { aud: ['another-app', 'a-third-app'] }, 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'],
    ['an empty aud array', { aud: [] }, 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'],
    [
      'our client id and an untrusted other audience, even with azp ours (OIDC Core §3.1.3.7)',
      { aud: ['another-app', CLIENT_ID], azp: CLIENT_ID },
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    ],
    ['azp naming another client', { azp: 'another-app' }, 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'],
    ['our client id as a substring of aud', { aud: `${CLIENT_ID}-evil` }, 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'],
    ['no iat', { iat: undefined }, 'LOGOUT_TOKEN_IAT_MISSING'],
    ['iat in the future beyond the skew', { iat: NOW_S + 31, exp: NOW_S + 400 }, 'LOGOUT_TOKEN_ISSUED_IN_FUTURE'],
    ['iat too old', { iat: NOW_S - 151, exp: NOW_S + 400 }, 'LOGOUT_TOKEN_TOO_OLD'],
    ['exp passed', { iat: NOW_S - 60, exp: NOW_S - 31 }, 'LOGOUT_TOKEN_EXPIRED'],
    ['exp exactly 30 s ago (the skew: expired)', { iat: NOW_S - 60, exp: NOW_S - 30 }, 'LOGOUT_TOKEN_EXPIRED'],
    ['iat that is not a number', { iat: String(NOW_S) }, 'LOGOUT_TOKEN_IAT_MISSING'],
    ['exp that is not a number', { exp: 'soon' }, 'LOGOUT_TOKEN_MALFORMED'],
    ['no events', { events: undefined }, 'LOGOUT_TOKEN_EVENTS_MISSING'],
    ['events that is not an object', { events: [BACKCHANNEL_LOGOUT_EVENT] }, 'LOGOUT_TOKEN_EVENTS_MISSING'],
    [
      'events without the back-channel logout member',
      { events: { 'http://schemas.openid.net/event/other': {} } },
      'LOGOUT_TOKEN_NOT_LOGOUT_EVENT',
    ],
    [
      'the logout member that is not an object',
      { events: { [BACKCHANNEL_LOGOUT_EVENT]: true } },
      'LOGOUT_TOKEN_NOT_LOGOUT_EVENT',
    ],
    ['a nonce (an ID token replayed as a logout token)', { nonce: 'n-0S6_WzA2Mj' }, 'LOGOUT_TOKEN_NONCE_PRESENT'],
    ['neither sub nor sid', { sub: undefined, sid: undefined }, 'LOGOUT_TOKEN_SUBJECT_MISSING'],
    ['an empty sub and no sid', { sub: '', sid: undefined }, 'LOGOUT_TOKEN_SUBJECT_MISSING'],
    ['a sub that is not a string', { sub: 555000000001 }, 'LOGOUT_TOKEN_MALFORMED'],
    ['no jti', { jti: undefined }, 'LOGOUT_TOKEN_JTI_MISSING'],
  ])('refuses %s', async (_name, changes, code) => {
    const token = await signed(claims(changes));
    const result = await validator()(token);
    expect(errorCode(result)).toBe(code);
    if (result.ok) return;
    // The message is for an IT admin: a whole sentence, with nothing from the token in it.
    expect(result.error.message).toMatch(/^[A-Z].*\.$/);
    for (const fragment of [token, SUB, SID, ...token.split('.')]) expect(result.error.message).not.toContain(fragment);
  });

  it('refuses a token signed by a key not in the JWKS, even when it reuses a published kid', async () => {
    const { privateKey: foreign } = await generateKeyPair('RS256');
    expect(errorCode(await validator()(await signed(claims(), foreign, 'provider-1')))).toBe(
      'LOGOUT_TOKEN_SIGNATURE_INVALID',
    );
    expect(errorCode(await validator()(await signed(claims(), foreign, 'unknown-kid')))).toBe(
      'LOGOUT_TOKEN_SIGNATURE_INVALID',
    );
  });

  it('refuses an unsigned token (alg none)', async () => {
    expect(errorCode(await validator()(new UnsecuredJWT(claims()).encode()))).toBe('LOGOUT_TOKEN_ALG_REFUSED');
  });

  it('refuses an HS256 token signed with a guessable shared secret', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('secret'));
    expect(errorCode(await validator()(token))).toBe('LOGOUT_TOKEN_ALG_REFUSED');
  });

  it.each([
    ['an empty string', ''],
    ['a JWE-shaped value', 'a.b.c.d.e'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
  ])('refuses %s as malformed', async (_name, token) => {
    expect(errorCode(await validator()(token))).toBe('LOGOUT_TOKEN_MALFORMED');
  });

  it('refuses a replayed jti, and checks the signature and claims before remembering one', async () => {
    const validate = validator();
    const token = await signed(claims());
    expect(errorCode(await validate(await signed(claims({ jti: 'shared', iss: 'https://evil.test' }))))).toBe(
      'LOGOUT_TOKEN_ISSUER_MISMATCH',
    );
    expect(errorCode(await validate(await signed(claims({ jti: 'shared' }))))).toBe('accepted');
    expect(errorCode(await validate(token))).toBe('accepted');
    expect(errorCode(await validate(token))).toBe('LOGOUT_TOKEN_REPLAYED');
  });

  it('lets only one of two copies of a token verified at the same time through', async () => {
    const validate = validator();
    const token = await signed(claims());
    const results = await Promise.all([validate(token), validate(token)]);
    expect(results.map(errorCode).sort()).toEqual(['LOGOUT_TOKEN_REPLAYED', 'accepted']);
  });

  it('keeps the replay memory bounded: the oldest jti is forgotten first', async () => {
    const validate = validator({ seen: 2 });
    const [a, b, c] = await Promise.all([signed(claims()), signed(claims()), signed(claims())]);
    for (const token of [a, b, c]) expect(errorCode(await validate(token))).toBe('accepted');
    expect(errorCode(await validate(c))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(errorCode(await validate(a))).toBe('accepted');
  });

  it('reports the first broken rule in §2.6 order (signature, then iss, then iat, then events, then nonce)', async () => {
    const manyFaults = claims({ iss: 'https://evil.test', iat: NOW_S + 3600, events: undefined, nonce: 'n' });
    const { privateKey: foreign } = await generateKeyPair('RS256');
    expect(errorCode(await validator()(await signed(manyFaults, foreign)))).toBe('LOGOUT_TOKEN_SIGNATURE_INVALID');
    expect(errorCode(await validator()(await signed(manyFaults)))).toBe('LOGOUT_TOKEN_ISSUER_MISMATCH');
    expect(errorCode(await validator()(await signed({ ...manyFaults, iss: ISSUER })))).toBe(
      'LOGOUT_TOKEN_ISSUED_IN_FUTURE',
    );
    expect(errorCode(await validator()(await signed({ ...manyFaults, iss: ISSUER, iat: NOW_S })))).toBe(
      'LOGOUT_TOKEN_EVENTS_MISSING',
    );
  });

  it('reports unreachable keys as such, keeping the cause for diagnosis', async () => {
    const down: JWTVerifyGetKey = () => Promise.reject(new TypeError('fetch failed'));
    const validate = createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks: down, now: () => NOW });
    const result = await validate(await signed(claims()));
    expect(errorCode(result)).toBe('LOGOUT_TOKEN_KEYS_UNAVAILABLE');
    expect(result.ok ? null : result.error.cause).toBeInstanceOf(TypeError);
  });

  it('refuses settings that would disable a check', () => {
    expect(() => createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, seen: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() =>
      createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, algorithms: ['HS256', 'none'] }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() =>
      createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, maxAgeSeconds: Number.NaN }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('a pluggable replay store (seenJti), as relay replicas share one', () => {
  let providerKey: CryptoKey;
  let jwks: JWTVerifyGetKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    providerKey = pair.privateKey;
    jwks = createLocalJWKSet({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'provider-1', alg: 'RS256', use: 'sig' }],
    });
  });

  function token(changes: Record<string, unknown> = {}): Promise<string> {
    const claims: Record<string, unknown> = {
      iss: ISSUER,
      aud: CLIENT_ID,
      iat: NOW_S - 5,
      exp: NOW_S + 295,
      jti: 'jti-shared',
      sub: SUB,
      sid: SID,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      ...changes,
    };
    return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: 'provider-1' }).sign(providerKey);
  }

  /** A store shared by two validators (two replicas), answering as Redis SET NX does. */
  function sharedStore(): { seenJti: (jti: string, expiresAt: number) => Promise<boolean>; calls: [string, number][] } {
    const seen = new Set<string>();
    const calls: [string, number][] = [];
    return {
      calls,
      async seenJti(jti, expiresAt) {
        calls.push([jti, expiresAt]);
        if (seen.has(jti)) return false;
        seen.add(jti);
        return true;
      },
    };
  }

  it('refuses on one validator a jti first accepted by another that shares the store', async () => {
    const store = sharedStore();
    const a = createLogoutTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwks,
      now: () => NOW,
      seenJti: store.seenJti,
    });
    const b = createLogoutTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwks,
      now: () => NOW,
      seenJti: store.seenJti,
    });
    const t = await token();
    expect(await a(t)).toEqual({ ok: true, subject: SUB, sessionId: SID, issuedAt: (NOW_S - 5) * 1000 });
    expect(errorCode(await b(t))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(errorCode(await a(t))).toBe('LOGOUT_TOKEN_REPLAYED');
  });

  it('is asked only once every other check has passed, with the instant after which the token would fail its time checks', async () => {
    const store = sharedStore();
    const validate = createLogoutTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwks,
      now: () => NOW,
      seenJti: store.seenJti,
    });
    expect(errorCode(await validate(await token({ nonce: 'n' })))).toBe('LOGOUT_TOKEN_NONCE_PRESENT');
    expect(errorCode(await validate(await token({ aud: 'another-app' })))).toBe('LOGOUT_TOKEN_AUDIENCE_MISMATCH');
    expect(store.calls).toEqual([]);
    expect(errorCode(await validate(await token()))).toBe('accepted');
    // iat + 120 s window + 30 s skew comes before exp + skew.
    expect(store.calls).toEqual([['jti-shared', (NOW_S - 5 + 150) * 1000]]);
    expect(errorCode(await validate(await token({ jti: 'soon-expiring', exp: NOW_S + 10 })))).toBe('accepted');
    expect(store.calls[1]).toEqual(['soon-expiring', (NOW_S + 40) * 1000]);
  });

  it('passes a store failure on to the caller instead of calling the token bad', async () => {
    const validate = createLogoutTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwks,
      now: () => NOW,
      seenJti: () => Promise.reject(new Error('store unavailable')),
    });
    await expect(validate(await token())).rejects.toThrow('store unavailable');
  });

  it('leaves the in-memory replay memory in charge when no store is given', async () => {
    const validate = createLogoutTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, jwks, now: () => NOW });
    const t = await token({ jti: 'memory-only' });
    expect(errorCode(await validate(t))).toBe('accepted');
    expect(errorCode(await validate(t))).toBe('LOGOUT_TOKEN_REPLAYED');
  });
});
