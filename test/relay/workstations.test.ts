// The workstation channel: who may register (an ID token of this client, from this issuer, signed
// by its keys, within the 12-hour session), what a registration hears, and the protocol's edges
// (subprotocol, message size and shape, connection and registration limits, heartbeat).
import { UnsecuredJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_MESSAGE_BYTES,
  WORKSTATION_PATH,
  WORKSTATION_PROTOCOL,
  WORKSTATION_PROTOCOL_V2,
} from '../../main/services/relay-client/protocol';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { postLogout, startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { sandboxSignIn } from './fixtures/sandbox-sign-in';
import { TestWorkstation, quietFor } from './fixtures/workstation';

const HOUR = 3600;
let issuer: TestIssuer;
let relay: TestRelay;
const relays: TestRelay[] = [];
const open: TestWorkstation[] = [];

async function connect(to: TestRelay = relay, protocol?: string): Promise<TestWorkstation> {
  const ws = await TestWorkstation.connect(to.url, protocol === undefined ? {} : { protocol });
  open.push(ws);
  return ws;
}

async function another(
  settings: Parameters<typeof startTestRelay>[0],
  deps: Parameters<typeof startTestRelay>[1] = {},
): Promise<TestRelay> {
  const r = await startTestRelay(settings, deps);
  relays.push(r);
  return r;
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await another({ issuer: issuer.issuer });
});

afterAll(async () => {
  for (const ws of open) ws.close();
  await Promise.allSettled(relays.map((r) => r.close()));
  await issuer?.close();
});

describe('registration', () => {
  const now = (): number => Math.floor(Date.now() / 1000);

  it.each([
    ['a fresh ID token', {}],
    [
      'an ID token whose exp has passed (the session outlives its ID token)',
      { iat: now() - 2 * HOUR, auth_time: now() - 2 * HOUR, exp: now() - 2 * HOUR + 300 },
    ],
    ['an ID token issued 11 hours into the session', { iat: now() - 11 * HOUR, auth_time: now() - 11 * HOUR }],
    ['azp naming the client', { azp: 'clinical-workstation-shell' }],
    ['no sid (subscribed by sub alone)', { sid: undefined }],
  ])('accepts %s', async (_name, changes) => {
    const ws = await connect();
    expect(await ws.register(await issuer.idToken(changes))).toMatchObject({ type: 'registered' });
  });

  it.each([
    [
      'a forged signature',
      async () => issuer.idToken({}, { key: (await generateKeyPair('RS256')).privateKey }),
      'token-invalid',
    ],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ iss: issuer.issuer, aud: issuer.clientId, sub: '555000000001', iat: now() }).encode(),
      'token-invalid',
    ],
    [
      'iat older than 12 hours',
      () => issuer.idToken({ iat: now() - 12 * HOUR - 120, auth_time: now() - 12 * HOUR - 120 }),
      'token-too-old',
    ],
    [
      'a refreshed ID token of a session that began over 12 hours ago',
      () => issuer.idToken({ iat: now() - 60, auth_time: now() - 13 * HOUR }),
      'token-too-old',
    ],
    ['iat in the future', () => issuer.idToken({ iat: now() + HOUR }), 'token-invalid'],
    ['another client’s ID token', () => issuer.idToken({ aud: 'another-app' }), 'wrong-client'],
    [
      'several audiences, the other not trusted, even with azp naming the client (OIDC Core §3.1.3.7)',
      () => issuer.idToken({ aud: ['clinical-workstation-shell', 'another-app'], azp: 'clinical-workstation-shell' }),
      'wrong-client',
    ],
    ['azp naming another client', () => issuer.idToken({ azp: 'another-app' }), 'wrong-client'],
    [
      'several audiences without azp',
      () => issuer.idToken({ aud: ['clinical-workstation-shell', 'another-app'] }),
      'wrong-client',
    ],
    ['another issuer', () => issuer.idToken({ iss: 'https://impostor.invalid/issuer' }), 'wrong-issuer'],
    ['no sub', () => issuer.idToken({ sub: undefined }), 'token-invalid'],
    ['a logout token', () => issuer.logoutToken({ sub: '555000000001', sid: 'sid-1' }), 'token-invalid'],
  ] as const)('refuses %s', async (_name, make, reason) => {
    const ws = await connect();
    expect(await ws.register(await make())).toEqual({ type: 'refused', id: expect.any(String), reason });
  });

  it('refuses with keys-unavailable when the issuer cannot be reached, and the channel stays open', async () => {
    const lost = await another({ issuer: 'http://127.0.0.1:9/issuer' });
    const ws = await connect(lost);
    expect(await ws.register(await issuer.idToken())).toMatchObject({ type: 'refused', reason: 'keys-unavailable' });
    expect(ws.ws.readyState).toBe(ws.ws.OPEN);
  });

  it('a refused registration replaces an earlier one: nothing more is heard for it', async () => {
    const names = { sub: '555000000301', sid: 'sid-refused-later' };
    const ws = await connect();
    expect(await ws.register(await issuer.idToken(names))).toMatchObject({ type: 'registered' });
    expect(await ws.register(await issuer.idToken({ ...names, aud: 'another-app' }))).toMatchObject({
      type: 'refused',
    });
    expect((await postLogout(relay.url, await issuer.logoutToken(names))).status).toBe(200);
    await quietFor(100);
    expect(ws.logouts).toEqual([]);
  });

  it('re-registering moves the connection to the new session; unregistering stops delivery', async () => {
    const ws = await connect();
    const first = { sub: '555000000302', sid: 'sid-first' };
    const second = { sub: '555000000303', sid: 'sid-second' };
    await ws.register(await issuer.idToken(first));
    await ws.register(await issuer.idToken(second));
    await postLogout(relay.url, await issuer.logoutToken(first));
    const mine = await issuer.logoutToken(second);
    await postLogout(relay.url, mine);
    await ws.logout(mine);
    await ws.unregister();
    await postLogout(relay.url, await issuer.logoutToken({ sub: second.sub }));
    await quietFor(100);
    expect(ws.logouts.map((l) => l.logoutToken)).toEqual([mine]);
  });

  it('catch-up does not send a sub-only logout issued before the session began (a new CIS2 session)', async () => {
    const sub = '555000000304';
    const t = now();
    // Logged out of everything at t - 2 h (the logout is in the revocation list), signed in again at t - 1 h.
    const clock = { offset: -2 * HOUR * 1000 };
    const timed = await another({ issuer: issuer.issuer }, { now: () => Date.now() + clock.offset });
    const old = await issuer.logoutToken({ sub, iat: t - 2 * HOUR, exp: t - 2 * HOUR + 120 });
    expect((await postLogout(timed.url, old)).status).toBe(200);
    clock.offset = 0;
    const ws = await connect(timed);
    await ws.register(await issuer.idToken({ sub, iat: t - HOUR, auth_time: t - HOUR }));
    expect(await ws.catchUp()).toEqual([]);
    // A workstation still in the old session gets it.
    const stale = await connect(timed);
    await stale.register(await issuer.idToken({ sub, iat: t - 3 * HOUR, auth_time: t - 3 * HOUR }));
    expect((await stale.catchUp()).map((l) => l.logoutToken)).toEqual([old]);
  });

  it('catch-up before any registration answers caught-up with nothing', async () => {
    const ws = await connect();
    expect(await ws.catchUp()).toEqual([]);
  });
});

describe('delivery marks and acknowledgements (protocol v2)', () => {
  const now = (): number => Math.floor(Date.now() / 1000);
  let n = 0;
  const names = (): { sub: string; sid: string } => ({ sub: `55500000040${(n += 1)}`, sid: `sid-ack-${n}` });

  it('chooses v2 when the workstation offers it before v1, and v1 for a workstation that offers only v1', async () => {
    const current = await TestWorkstation.connect(relay.url, {
      protocol: [WORKSTATION_PROTOCOL_V2, WORKSTATION_PROTOCOL],
    });
    open.push(current);
    expect(current.ws.protocol).toBe(WORKSTATION_PROTOCOL_V2);
    const old = await connect(relay, WORKSTATION_PROTOCOL);
    expect(old.ws.protocol).toBe(WORKSTATION_PROTOCOL);
  });

  it('marks a live logout live with a ref on v2, and sends a v1 workstation the v1 shape alone', async () => {
    const who = names();
    const v2 = await connect(relay, WORKSTATION_PROTOCOL_V2);
    const v1 = await connect(relay, WORKSTATION_PROTOCOL);
    await v2.register(await issuer.idToken(who));
    await v1.register(await issuer.idToken(who));
    const token = await issuer.logoutToken(who);
    expect((await postLogout(relay.url, token)).status).toBe(200);
    expect(await v2.logout(token)).toMatchObject({ catchUp: false, delivery: 'live', ref: expect.any(String) });
    const old = await v1.logout(token);
    expect(old.catchUp).toBe(false);
    expect(old).not.toHaveProperty('delivery');
    expect(v1.messages.find((m) => m.type === 'logout')).not.toHaveProperty('ref');
  });

  it('marks a logout passed on well after it was issued late, not live', async () => {
    const who = names();
    const ws = await connect(relay, WORKSTATION_PROTOCOL_V2);
    await ws.register(await issuer.idToken(who));
    // Issued a minute ago: still within what the ingress accepts (120 s + skew), but not immediate.
    const token = await issuer.logoutToken({ ...who, iat: now() - 60, exp: now() + 60 });
    expect((await postLogout(relay.url, token)).status).toBe(200);
    expect(await ws.logout(token)).toMatchObject({ catchUp: true, delivery: 'late' });
  });

  it('sends a logout the workstation refused again at its next catch-up, and one it accepted never again', async () => {
    const who = names();
    const ws = await connect(relay, WORKSTATION_PROTOCOL_V2);
    await ws.register(await issuer.idToken(who));
    const token = await issuer.logoutToken(who);
    await postLogout(relay.url, token);
    const first = await ws.logout(token);
    // Not yet acknowledged: a catch-up on the same connection does not send it twice.
    expect(await ws.catchUp()).toEqual([]);
    ws.ack(first.ref, 'refused', 'LOGOUT_TOKEN_KEYS_UNAVAILABLE');
    const again = await ws.catchUp();
    expect(again).toEqual([expect.objectContaining({ logoutToken: token, delivery: 'catch-up' })]);
    expect(again[0]?.ref).not.toBe(first.ref);
    ws.ack(again[0]?.ref, 'accepted');
    expect(await ws.catchUp()).toEqual([]);
    expect(relay.health().counts.logoutsRefusedByWorkstations).toBeGreaterThanOrEqual(1);
    expect(relay.logs.some((l) => l.includes('logout refused by workstation'))).toBe(true);
  });

  it('takes a refusal as a replay for done (the workstation had it already), and ignores an unknown ref', async () => {
    const who = names();
    const ws = await connect(relay, WORKSTATION_PROTOCOL_V2);
    await ws.register(await issuer.idToken(who));
    const token = await issuer.logoutToken(who);
    await postLogout(relay.url, token);
    const first = await ws.logout(token);
    ws.ack('l-unknown', 'refused', 'LOGOUT_TOKEN_KEYS_UNAVAILABLE');
    ws.ack(first.ref, 'refused', 'LOGOUT_TOKEN_REPLAYED');
    expect(await ws.catchUp()).toEqual([]);
    expect(ws.ws.readyState).toBe(ws.ws.OPEN);
  });
});

describe('registration with real sandbox ID tokens', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('accepts the sandbox’s own ID token, refuses it at a relay for another client, and once its session is past 12 hours', async () => {
    const session = await sandboxSignIn(sandbox);
    const own = await another({ issuer: sandbox.issuer, clientId: sandbox.clientId });
    expect(await (await connect(own)).register(session.idToken)).toMatchObject({ type: 'registered' });
    const otherClient = await another({ issuer: sandbox.issuer, clientId: 'another-trust-app' });
    expect(await (await connect(otherClient)).register(session.idToken)).toMatchObject({
      type: 'refused',
      reason: 'wrong-client',
    });
    const later = await another(
      { issuer: sandbox.issuer, clientId: sandbox.clientId },
      { now: () => Date.now() + 12 * HOUR * 1000 + 5 * 60_000 },
    );
    expect(await (await connect(later)).register(session.idToken)).toMatchObject({
      type: 'refused',
      reason: 'token-too-old',
    });
  });
});

describe('the protocol’s edges', () => {
  it('refuses an upgrade without the subprotocol, or on another path', async () => {
    await expect(TestWorkstation.connect(relay.url, { protocol: 'cws-relay.v0' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(TestWorkstation.connect(relay.url, { path: '/backchannel-logout' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(TestWorkstation.connect(relay.url, { path: `${WORKSTATION_PATH}/other` })).rejects.toMatchObject({
      status: 404,
    });
  });

  it.each([
    ['a message that is not JSON', 'hello', 1002],
    ['an unknown message type', JSON.stringify({ type: 'subscribe', sub: '555000000001' }), 1002],
    ['a known message with an extra field', JSON.stringify({ type: 'catch-up', id: 'c1', sub: '555000000001' }), 1002],
  ])('closes the connection on %s', async (_name, text, code) => {
    const ws = await connect();
    ws.ws.send(text);
    expect((await ws.closed).code).toBe(code);
  });

  it('closes on a binary frame (1003) and on a message over the size limit (1009)', async () => {
    const binary = await connect();
    binary.ws.send(Buffer.from([1, 2, 3]));
    expect((await binary.closed).code).toBe(1003);
    const big = await connect();
    big.ws.send(JSON.stringify({ type: 'register', id: 'r1', idToken: `a.${'b'.repeat(MAX_MESSAGE_BYTES)}.c` }));
    expect((await big.closed).code).toBe(1009);
  });

  it('limits connections per source (429 at the upgrade)', async () => {
    const small = await another({ issuer: issuer.issuer, maxConnectionsPerSource: 2 });
    const [a, b] = [await connect(small), await connect(small)];
    await expect(TestWorkstation.connect(small.url)).rejects.toMatchObject({ status: 429 });
    a.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    await connect(small);
    expect(b.ws.readyState).toBe(b.ws.OPEN);
  });

  it('limits registrations per source: past the rate the connection is closed with 1013 (try again later)', async () => {
    const limited = await another({ issuer: issuer.issuer, registrationsPerMinute: 3 });
    const ws = await connect(limited);
    const token = await issuer.idToken();
    for (let i = 0; i < 3; i += 1) expect(await ws.register(token)).toMatchObject({ type: 'registered' });
    ws.send({ type: 'register', id: 'r-over', idToken: token });
    expect((await ws.closed).code).toBe(1013);
  });

  it('pings every heartbeat and drops a workstation that does not answer', async () => {
    const quick = await another({ issuer: issuer.issuer, heartbeatMs: 100 });
    const alive = await connect(quick);
    const hung = await connect(quick);
    hung.autoPong = false;
    expect((await hung.closed).code).toBe(1006);
    expect(alive.messages.filter((m) => m.type === 'ping').length).toBeGreaterThanOrEqual(2);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });

  it('closes connections politely (1001) when the relay stops', async () => {
    const stopping = await another({ issuer: issuer.issuer });
    const ws = await connect(stopping);
    await stopping.close();
    expect((await ws.closed).code).toBe(1001);
  });
});
