// The shell's logout receiver (main/services/oidc/logout-receiver.ts): a token is checked with
// CIS2's published keys, audited, and handed to the session engine; every token came through the
// relay, so it may be as old as the session limit whatever its exp (CIS2: iat + 120), however it
// was delivered; its jti is remembered as long; a discovery failure is refused, audited and tried
// again with the next token. The keys are served over loopback http,
// as the sandbox serves them, so the real key fetch runs.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { BACKCHANNEL_LOGOUT_EVENT, createLogoutReceiver, resolveOidcSettings } from '../../../main/services/oidc';
import type { LogoutReceiverDeps, LogoutTokenResult, OidcSettings } from '../../../main/services/oidc';

const CLIENT_ID = 'clinical-workstation-shell';
const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const NOW_S = NOW / 1000;
const HOUR_S = 3600;
const SESSION_LIMIT_MS = 12 * HOUR_S * 1000;

let server: Server;
let settings: OidcSettings;
let providerKey: CryptoKey;
let serial = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  providerKey = pair.privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/issuer`;
  settings = resolveOidcSettings({ issuer, clientId: CLIENT_ID, allowInsecureLoopbackIssuer: true });
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A logout token `ageSeconds` old, its exp as CIS2 sets it (iat + 120). */
function token(
  ageSeconds: number,
  sub = '555000000001',
  sid = 'sid-1',
  extra: { aud?: string[]; azp?: string } = {},
): Promise<string> {
  serial += 1;
  return new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sid, ...(extra.azp ? { azp: extra.azp } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(settings.issuer)
    .setAudience(extra.aud ?? CLIENT_ID)
    .setSubject(sub)
    .setIssuedAt(NOW_S - ageSeconds)
    .setExpirationTime(NOW_S - ageSeconds + 120)
    .setJti(`jti-${serial}`)
    .sign(providerKey);
}

function receiver(overrides: Partial<LogoutReceiverDeps> = {}) {
  const ended: unknown[] = [];
  const accepted: unknown[] = [];
  const refused: ShellError[] = [];
  let discoveries = 0;
  const receive = createLogoutReceiver({
    settings,
    providerMetadata: async () => {
      discoveries += 1;
      return { issuer: settings.issuer, jwks_uri: `${new URL(settings.issuer).origin}/jwks` };
    },
    now: () => NOW,
    sessionLimitMs: SESSION_LIMIT_MS,
    audit: { logoutAccepted: (e) => accepted.push(e), logoutRefused: (e) => refused.push(e) },
    endSession: (logout) => ended.push(logout),
    ...overrides,
  });
  return { receive, ended, accepted, refused, discoveries: () => discoveries };
}

const code = (result: LogoutTokenResult): string => (result.ok ? 'accepted' : result.error.code);

describe('the logout receiver', () => {
  it('checks a fresh token, audits it and ends the session it names, with iat as the provider stamped it', async () => {
    const { receive, ended, accepted, refused } = receiver();
    expect(code(await receive(await token(5)))).toBe('accepted');
    expect(accepted).toEqual([{ subject: '555000000001', sessionId: 'sid-1' }]);
    expect(ended).toEqual([{ subject: '555000000001', sessionId: 'sid-1', issuedAt: (NOW_S - 5) * 1000 }]);
    expect(refused).toEqual([]);
  });

  it.each([
    ['10 minutes', 10 * 60],
    ['2 hours', 2 * HOUR_S],
    ['11 hours', 11 * HOUR_S],
  ])(
    'ends the session for a token %s old, long past its exp, however the relay delivered it',
    async (_age, ageSeconds) => {
      for (const delivery of ['live', 'late', 'catch-up'] as const) {
        const { receive, ended, refused } = receiver();
        expect(code(await receive(await token(ageSeconds), { delivery }))).toBe('accepted');
        expect(ended).toEqual([{ subject: '555000000001', sessionId: 'sid-1', issuedAt: (NOW_S - ageSeconds) * 1000 }]);
        expect(refused).toEqual([]);
      }
    },
  );

  it('accepts a token as old as the session limit (plus the 30 s clock skew), and no older', async () => {
    const { receive, ended, refused } = receiver();
    expect(code(await receive(await token(12 * HOUR_S + 30, 'a')))).toBe('accepted');
    expect(code(await receive(await token(12 * HOUR_S + 31, 'b'), { delivery: 'catch-up' }))).toBe(
      'LOGOUT_TOKEN_TOO_OLD',
    );
    expect(refused.map((e) => e.code)).toEqual(['LOGOUT_TOKEN_TOO_OLD']);
    expect(ended).toHaveLength(1);
  });

  it('audits a refusal once however often the relay sends the token again, and again when the reason changes', async () => {
    // The PC's clock an hour behind: the token is issued in its future. The relay sends a
    // refused logout again at every catch-up (5 minutes).
    let now = NOW - HOUR_S * 1000;
    const { receive, refused, accepted, ended } = receiver({ now: () => now });
    const early = await token(5);
    for (let i = 0; i < 4; i += 1) {
      expect(code(await receive(early, { delivery: 'catch-up' }))).toBe('LOGOUT_TOKEN_ISSUED_IN_FUTURE');
      now += 5 * 60_000;
    }
    const other = await token(5, '555000000002', 'sid-2');
    expect(code(await receive(other, { delivery: 'catch-up' }))).toBe('LOGOUT_TOKEN_ISSUED_IN_FUTURE');
    expect(refused.map((e) => e.code)).toEqual(['LOGOUT_TOKEN_ISSUED_IN_FUTURE', 'LOGOUT_TOKEN_ISSUED_IN_FUTURE']);
    // The clock put right: the same token is accepted, and audited as such.
    now = NOW;
    expect(code(await receive(early, { delivery: 'catch-up' }))).toBe('accepted');
    expect(accepted).toHaveLength(1);
    expect(ended).toHaveLength(1);
    // Its next repeat is a replay: a new reason, audited once.
    expect(code(await receive(early, { delivery: 'catch-up' }))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(code(await receive(early, { delivery: 'catch-up' }))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(refused.map((e) => e.code)).toEqual([
      'LOGOUT_TOKEN_ISSUED_IN_FUTURE',
      'LOGOUT_TOKEN_ISSUED_IN_FUTURE',
      'LOGOUT_TOKEN_REPLAYED',
    ]);
  });

  it('remembers the last 1,000 refused tokens, the oldest refusal forgotten first', async () => {
    let now = NOW - HOUR_S * 1000;
    const { receive, refused } = receiver({ now: () => now });
    const audits = (): number => refused.length;
    // Malformed strings are refused before any key is needed, each one distinct.
    const junk = (i: number): string => `not.a-token.${i}`;
    const a = await token(5);
    expect(code(await receive(a))).toBe('LOGOUT_TOKEN_ISSUED_IN_FUTURE');
    await receive('second.token.b');
    // A new reason for the first token moves it to the newest end.
    now = NOW + 13 * HOUR_S * 1000;
    expect(code(await receive(a))).toBe('LOGOUT_TOKEN_TOO_OLD');
    for (let i = 0; i < 998; i += 1) await receive(junk(i));
    expect(audits()).toBe(1001);
    // 1,000 remembered now, the second token the oldest: not audited again.
    await receive('second.token.b');
    expect(audits()).toBe(1001);
    await receive(junk(998));
    // 1,001: the oldest, the second token, was forgotten; the first, moved, is still known.
    await receive(a);
    expect(audits()).toBe(1002);
    await receive('second.token.b');
    expect(audits()).toBe(1003);
  });

  it('remembers a jti for the whole session limit: the same token 11 hours later is a replay', async () => {
    let now = NOW;
    const { receive, ended, discoveries } = receiver({ now: () => now });
    const once = await token(5);
    expect(code(await receive(once, { delivery: 'live' }))).toBe('accepted');
    now += 11 * HOUR_S * 1000;
    expect(code(await receive(once, { delivery: 'catch-up' }))).toBe('LOGOUT_TOKEN_REPLAYED');
    expect(ended).toHaveLength(1);
    // One validator, made once, for every delivery.
    expect(discoveries()).toBe(1);
  });

  it('refuses a token also addressed to an audience it does not trust, and one whose azp is not the shell', async () => {
    const { receive, ended } = receiver();
    const other = 'another-application';
    expect(code(await receive(await token(5, 'a', 's', { aud: [CLIENT_ID, other], azp: CLIENT_ID })))).toBe(
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    );
    expect(code(await receive(await token(5, 'b', 's', { aud: [CLIENT_ID], azp: other })))).toBe(
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    );
    expect(ended).toEqual([]);
    const trusting = receiver({ settings: { ...settings, trustedAudiences: [other] } });
    expect(code(await trusting.receive(await token(5, 'c', 's', { aud: [CLIENT_ID, other] })))).toBe(
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    );
    expect(code(await trusting.receive(await token(5, 'd', 's', { aud: [CLIENT_ID, other], azp: CLIENT_ID })))).toBe(
      'accepted',
    );
  });

  it('refuses and audits a token it cannot check while CIS2 is unreachable, then discovers again', async () => {
    let calls = 0;
    const unreachable = new ShellError('SIGNIN_DISCOVERY_FAILED', 'The shell could not reach NHS Care Identity.');
    const { receive, refused, ended } = receiver({
      providerMetadata: async () => {
        calls += 1;
        if (calls === 1) throw unreachable;
        return { issuer: settings.issuer, jwks_uri: `${new URL(settings.issuer).origin}/jwks` };
      },
    });
    await expect(receive(await token(5))).rejects.toBe(unreachable);
    expect(refused.map((e) => e.code)).toEqual(['SIGNIN_DISCOVERY_FAILED']);
    expect(code(await receive(await token(5)))).toBe('accepted');
    expect(calls).toBe(2);
    expect(ended).toHaveLength(1);
  });
});

describe('the logout receiver’s network path', () => {
  it('fetches CIS2’s keys through the issuer fetch port it is given (the same path as sign-in)', async () => {
    const requested: string[] = [];
    const port: NonNullable<LogoutReceiverDeps['fetch']> = (url, options) => {
      requested.push(String(url));
      return fetch(url, options as RequestInit);
    };
    const { receive, ended } = receiver({ fetch: port });
    expect(code(await receive(await token(5)))).toBe('accepted');
    expect(requested).toEqual([`${new URL(settings.issuer).origin}/jwks`]);
    expect(ended).toHaveLength(1);
  });
});
