// The ingress, POST /backchannel-logout: every OIDC Back-Channel Logout 1.0 §2.6 failure is a 400
// and nothing reaches the workstation; then the endpoint's own defences (size, type, timeouts,
// rate, source ranges, the proxy's X-Forwarded-For). One relay with its in-memory store; tokens
// from a stand-in issuer whose key the test holds, so each breaks exactly one rule.
import { connect } from 'node:net';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../main/services/oidc/backchannel-logout';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { postLogout, startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation, quietFor } from './fixtures/workstation';

const SUB = '555000000042';
const SID = 'sid-ward-7-bay-3';

let issuer: TestIssuer;
let relay: TestRelay;
let ws: TestWorkstation;
const relays: TestRelay[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await startTestRelay({ issuer: issuer.issuer, ingressPerMinute: 10_000 });
  relays.push(relay);
  ws = await TestWorkstation.connect(relay.url);
  expect(await ws.register(await issuer.idToken({ sub: SUB, sid: SID }))).toMatchObject({ type: 'registered' });
});

afterAll(async () => {
  ws?.close();
  await Promise.allSettled(relays.map((r) => r.close()));
  await issuer?.close();
});

/** Raw HTTP over a socket, for what fetch will not send (stalls, lies about length). */
function raw(
  port: number,
  chunks: readonly (string | { waitMs: number })[],
): Promise<{ status: number | null; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    const done = (): void => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, elapsedMs: performance.now() - started });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        if (typeof chunk === 'string') socket.write(chunk);
        else await new Promise((r) => setTimeout(r, chunk.waitMs));
      }
    });
  });
}

describe('the one audience rule at ingress (OpenID Connect Core §3.1.3.7)', () => {
  const now = (): number => Math.floor(Date.now() / 1000);
  const post = (url: string, token: string): Promise<Response> =>
    fetch(`${url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
    });

  it('refuses a token for the client and another audience unless RELAY_TRUSTED_AUDIENCES names it, and then needs azp', async () => {
    const trusting = await startTestRelay({
      issuer: issuer.issuer,
      ingressPerMinute: 10_000,
      trustedAudiences: 'https://audit.nhs.example',
    });
    relays.push(trusting);
    const names = { sub: SUB, sid: 'sid-audiences', iat: now() };
    const both = [issuer.clientId, 'https://audit.nhs.example'];
    // The default relay trusts no other audience.
    expect(
      (await post(relay.url, await issuer.logoutToken({ ...names, aud: both, azp: issuer.clientId }))).status,
    ).toBe(400);
    // This one trusts it, with azp naming the client ...
    expect(
      (await post(trusting.url, await issuer.logoutToken({ ...names, aud: both, azp: issuer.clientId }))).status,
    ).toBe(200);
    // ... and not without azp, or with azp naming someone else.
    expect((await post(trusting.url, await issuer.logoutToken({ ...names, aud: both }))).status).toBe(400);
    expect(
      (await post(trusting.url, await issuer.logoutToken({ ...names, aud: both, azp: 'another-app' }))).status,
    ).toBe(400);
    // A third audience is still refused.
    expect(
      (await post(trusting.url, await issuer.logoutToken({ ...names, aud: [...both, 'x'], azp: issuer.clientId })))
        .status,
    ).toBe(400);
  });
});

describe('§2.6: a token that breaks any rule is refused with 400 and forwarded to no one', () => {
  const now = (): number => Math.floor(Date.now() / 1000);
  const names = { sub: SUB, sid: SID };

  const cases: [string, () => Promise<string>, string][] = [
    [
      'a signature by a key that is not the issuer’s (same kid)',
      async () => issuer.logoutToken(names, { key: (await generateKeyPair('RS256')).privateKey }),
      'LOGOUT_TOKEN_SIGNATURE_INVALID',
    ],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({
          iss: issuer.issuer,
          aud: issuer.clientId,
          iat: now(),
          jti: 'none-1',
          ...names,
          events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        }).encode(),
      'LOGOUT_TOKEN_ALG_REFUSED',
    ],
    [
      'HS256 with a guessable secret',
      async () =>
        new SignJWT({
          iss: issuer.issuer,
          aud: issuer.clientId,
          iat: now(),
          jti: 'hs-1',
          ...names,
          events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode('secret')),
      'LOGOUT_TOKEN_ALG_REFUSED',
    ],
    [
      'the wrong issuer',
      () => issuer.logoutToken({ ...names, iss: 'https://impostor.invalid/issuer' }),
      'LOGOUT_TOKEN_ISSUER_MISMATCH',
    ],
    [
      'another client as audience',
      () => issuer.logoutToken({ ...names, aud: 'another-app' }),
      'LOGOUT_TOKEN_AUDIENCE_MISMATCH',
    ],
    ['no iat', () => issuer.logoutToken({ ...names, iat: undefined }), 'LOGOUT_TOKEN_IAT_MISSING'],
    [
      'iat an hour in the future',
      () => issuer.logoutToken({ ...names, iat: now() + 3600, exp: now() + 3700 }),
      'LOGOUT_TOKEN_ISSUED_IN_FUTURE',
    ],
    [
      'iat an hour ago',
      () => issuer.logoutToken({ ...names, iat: now() - 3600, exp: now() + 60 }),
      'LOGOUT_TOKEN_TOO_OLD',
    ],
    [
      'an expired token',
      () => issuer.logoutToken({ ...names, iat: now() - 100, exp: now() - 60 }),
      'LOGOUT_TOKEN_EXPIRED',
    ],
    ['no events claim', () => issuer.logoutToken({ ...names, events: undefined }), 'LOGOUT_TOKEN_EVENTS_MISSING'],
    [
      'events without the logout event',
      () => issuer.logoutToken({ ...names, events: { 'http://schemas.openid.net/event/other': {} } }),
      'LOGOUT_TOKEN_NOT_LOGOUT_EVENT',
    ],
    [
      'a nonce (an ID token posing as a logout token)',
      () => issuer.logoutToken({ ...names, nonce: 'n-0S6_WzA2Mj' }),
      'LOGOUT_TOKEN_NONCE_PRESENT',
    ],
    ['neither sub nor sid', () => issuer.logoutToken({}), 'LOGOUT_TOKEN_SUBJECT_MISSING'],
    ['no jti', () => issuer.logoutToken({ ...names, jti: undefined }), 'LOGOUT_TOKEN_JTI_MISSING'],
    ['an ID token of the session', () => issuer.idToken(names), 'LOGOUT_TOKEN_EVENTS_MISSING'],
    ['not a JWT', async () => 'not.a.jwt-at-all', 'LOGOUT_TOKEN_MALFORMED'],
  ];

  it.each(cases)('refuses %s', async (_name, make, code) => {
    const response = await postLogout(relay.url, await make());
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: code });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a replayed jti on the same relay', async () => {
    const token = await issuer.logoutToken({ sub: '555000000099' });
    expect((await postLogout(relay.url, token)).status).toBe(200);
    const replay = await postLogout(relay.url, token);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error_description: 'LOGOUT_TOKEN_REPLAYED' });
  });

  it('forwarded none of them, and forwards a good one for the same session', async () => {
    await quietFor(100);
    expect(ws.logouts).toEqual([]);
    const good = await issuer.logoutToken(names);
    expect((await postLogout(relay.url, good)).status).toBe(200);
    await ws.logout(good);
    expect(ws.logouts).toHaveLength(1);
  });

  it('refuses a body without exactly one logout_token', async () => {
    const none = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'other=1',
    });
    expect(none.status).toBe(400);
    const token = await issuer.logoutToken(names);
    const two = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `logout_token=${token}&logout_token=${token}`,
    });
    expect(two.status).toBe(400);
  });
});

describe('the endpoint’s own defences', () => {
  it('refuses a body over the limit with 413, whether declared or streamed', async () => {
    const big = `logout_token=${'a'.repeat(40 * 1024)}`;
    const declared = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('cache-control')).toBe('no-store');
    const chunked = await raw(relay.port, [
      'POST /backchannel-logout HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${(40 * 1024).toString(16)}\r\n${'a'.repeat(40 * 1024)}\r\n0\r\n\r\n`,
    ]);
    expect(chunked.status).toBe(413);
  });

  it('refuses another content type with 415, and another method with 405', async () => {
    const token = await issuer.logoutToken({ sub: SUB, sid: SID });
    const json = await fetch(`${relay.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logout_token: token }),
    });
    expect(json.status).toBe(415);
    const get = await fetch(`${relay.url}/backchannel-logout`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('cuts off a client that sends its headers too slowly, and one whose body never finishes (408)', async () => {
    const slow = await startTestRelay({ issuer: issuer.issuer, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    relays.push(slow);
    // The client would wait 8 s; the relay's 300 ms (headers) and 600 ms (whole request) limits
    // must answer long before, with room for a loaded machine.
    const headers = await raw(slow.port, ['POST /backchannel-logout HTTP/1.1\r\nHost: relay\r\n', { waitMs: 8_000 }]);
    expect(headers.status).toBe(408);
    expect(headers.elapsedMs).toBeLessThan(5_000);
    const body = await raw(slow.port, [
      'POST /backchannel-logout HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlogout_token=',
      { waitMs: 8_000 },
    ]);
    expect(body.status).toBe(408);
    expect(body.elapsedMs).toBeLessThan(5_000);
  });

  it('answers a flood from one address with 429 and Retry-After', async () => {
    const limited = await startTestRelay({ issuer: issuer.issuer, ingressPerMinute: 5 });
    relays.push(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await postLogout(limited.url, 'x'.repeat(20))).status);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const again = await postLogout(limited.url, 'x'.repeat(20));
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('refuses a source outside the allow-list with 403, and believes X-Forwarded-For only from the named proxy', async () => {
    const token = (): Promise<string> => issuer.logoutToken({ sub: '555000000123' });
    const ranged = await startTestRelay({ issuer: issuer.issuer, allowSources: '192.0.2.0/24, 2001:db8:cafe::/48' });
    relays.push(ranged);
    // 127.0.0.1 is not in the ranges; a forged X-Forwarded-For from an untrusted peer is ignored.
    expect((await postLogout(ranged.url, await token())).status).toBe(403);
    expect((await postLogout(ranged.url, await token(), { 'x-forwarded-for': '192.0.2.10' })).status).toBe(403);

    const proxied = await startTestRelay({
      issuer: issuer.issuer,
      allowSources: ['192.0.2.0/24', '2001:db8:cafe::/48'],
      trustedProxies: '127.0.0.1',
    });
    relays.push(proxied);
    expect((await postLogout(proxied.url, await token(), { 'x-forwarded-for': '192.0.2.10' })).status).toBe(200);
    expect((await postLogout(proxied.url, await token(), { 'x-forwarded-for': '2001:db8:cafe:1::7' })).status).toBe(
      200,
    );
    // The proxy appends what it saw: a client cannot prepend its way into the range.
    expect(
      (await postLogout(proxied.url, await token(), { 'x-forwarded-for': '192.0.2.10, 198.51.100.7' })).status,
    ).toBe(403);
    expect((await postLogout(proxied.url, await token(), { 'x-forwarded-for': '2001:db8:beef::1' })).status).toBe(403);
    expect((await postLogout(proxied.url, await token(), { 'x-forwarded-for': 'garbage' })).status).toBe(403);
    // Health checks are not CIS2's endpoint: not behind the allow-list, and on the admin listener.
    expect((await fetch(`${proxied.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${proxied.url}/healthz`)).status).toBe(404);
  });

  it('answers anything else with 404', async () => {
    expect((await fetch(`${relay.url}/`)).status).toBe(404);
    expect((await fetch(`${relay.url}/workstations`)).status).toBe(404);
  });
});
