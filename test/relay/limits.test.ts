// What someone on the trust network without a valid ID token can do to one relay, and what the
// operator sees of it. Sockets that never register are closed after the registration window and
// have caps of their own, so they cannot take the places of registered PCs; a catch-up flood
// closes only the connection that floods; a browser's upgrade (it always sends Origin) is
// refused; real workstations are served throughout. Rate-limited logout POSTs are counted and
// logged with a keyed hash of their source, never the address. Everything on loopback, bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { admin, metric, postLogout, startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';

let issuer: TestIssuer;
let relay: TestRelay;
const open: TestWorkstation[] = [];

/** A socket as if from `address` (the relay trusts loopback as its proxy here). */
async function connectFrom(address: string, headers: Record<string, string> = {}): Promise<TestWorkstation> {
  const ws = await TestWorkstation.connect(relay.url, { headers: { 'x-forwarded-for': address, ...headers } });
  open.push(ws);
  return ws;
}

async function registered(address: string, sub: string, sid: string): Promise<TestWorkstation> {
  const ws = await connectFrom(address);
  expect(await ws.register(await issuer.idToken({ sub, sid }))).toMatchObject({ type: 'registered' });
  return ws;
}

function refusedStatus(promise: Promise<unknown>): Promise<number> {
  return promise.then(
    () => 0,
    (err: { status?: number }) => err.status ?? -1,
  );
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await startTestRelay({
    issuer: issuer.issuer,
    trustedProxies: ['127.0.0.1'],
    registerTimeoutMs: 1_000,
    maxConnections: 20,
    maxUnregistered: 6,
    maxUnregisteredPerSource: 3,
    catchUpsPerMinute: 5,
    ingressPerMinute: 3,
  });
});

afterAll(async () => {
  for (const ws of open) ws.close();
  await relay?.close();
  await issuer?.close();
});

describe('limits for connections that do not register', () => {
  it('closes idle unregistered sockets after the registration window (1008), and keeps a registered one', async () => {
    const keeper = await registered('192.0.2.50', '555000000101', 'sid-keeper');
    const idle = await Promise.all([connectFrom('192.0.2.1'), connectFrom('192.0.2.2')]);
    for (const ws of idle) expect(await ws.closed).toMatchObject({ code: 1008 });
    // Well past two more windows, the registered one is still open and served.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(keeper.ws.readyState).toBe(keeper.ws.OPEN);
    const token = await issuer.logoutToken({ sub: '555000000101', sid: 'sid-keeper' });
    expect((await postLogout(relay.url, token, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    await keeper.logout(token);
  });

  it('caps unregistered sockets per source (429) and per replica (503); a real workstation from elsewhere still registers', async () => {
    const flood = await Promise.all([0, 1, 2].map(() => connectFrom('203.0.113.9')));
    expect(await refusedStatus(connectFrom('203.0.113.9'))).toBe(429);
    const more = await Promise.all([0, 1, 2].map(() => connectFrom('203.0.113.10')));
    // Six unregistered sockets held: a seventh from anywhere waits for one to close.
    expect(await refusedStatus(connectFrom('192.0.2.77'))).toBe(503);
    // The flood cannot hold its places past the window: a ward PC gets in and registers.
    for (const ws of [...flood, ...more]) await ws.closed;
    const ward = await registered('192.0.2.77', '555000000102', 'sid-ward');
    expect(ward.ws.readyState).toBe(ward.ws.OPEN);
    // Registered connections do not count against the unregistered cap.
    const others = await Promise.all([0, 1, 2].map(() => connectFrom('203.0.113.11')));
    expect(others).toHaveLength(3);
    for (const ws of others) ws.close();
  });

  it('refuses a browser’s upgrade (any Origin header) with 403; the shell sends none', async () => {
    expect(await refusedStatus(connectFrom('192.0.2.3', { origin: 'https://intranet.example.nhs.uk' }))).toBe(403);
    expect(await refusedStatus(connectFrom('192.0.2.3', { origin: 'null' }))).toBe(403);
  });
});

describe('catch-up flood', () => {
  it('closes only the connection that floods (1013); another workstation is still caught up and served', async () => {
    const flooder = await registered('192.0.2.60', '555000000103', 'sid-flood');
    const quiet = await registered('192.0.2.61', '555000000104', 'sid-quiet');
    // One after another as fast as the answers come (a burst would meet the queue limit first).
    let answered = 0;
    for (let i = 0; i < 20 && flooder.ws.readyState === flooder.ws.OPEN; i += 1) {
      const done = await flooder.catchUp(2_000).then(
        () => true,
        () => false,
      );
      if (!done) break;
      answered += 1;
    }
    expect(await flooder.closed).toMatchObject({ code: 1013 });
    expect(answered).toBe(5);
    expect(await quiet.catchUp()).toEqual([]);
    const token = await issuer.logoutToken({ sub: '555000000104', sid: 'sid-quiet' });
    expect((await postLogout(relay.url, token, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
    await quiet.logout(token);
    const metrics = (await admin(relay, '/metrics')).text;
    expect(metric(metrics, 'cws_relay_catch_ups_total{result="limited"}')).toBe(1);
    expect(metric(metrics, 'cws_relay_catch_ups_total{result="answered"}')).toBe(6);
  });
});

describe('what the operator sees', () => {
  it('a rate-limited logout POST is a 429, counted, and logged with a keyed hash of its source, never the address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const token = await issuer.logoutToken({ sub: '555000000105' });
      statuses.push((await postLogout(relay.url, token, { 'x-forwarded-for': '198.51.100.99' })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const lines = relay.logs.filter((l) => l.includes('"code":"RATE_LIMITED"'));
    expect(lines).toHaveLength(2);
    const hashes = lines.map((l) => (JSON.parse(l) as { source: string }).source);
    expect(hashes[0]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(hashes[1]).toBe(hashes[0]);
    for (const line of relay.logs) expect(line).not.toContain('198.51.100.99');
    const metrics = (await admin(relay, '/metrics')).text;
    expect(metric(metrics, 'cws_relay_logout_requests_total{status="429",code="rate-limited"}')).toBe(2);
  });

  it('serves liveness, readiness and metrics on the admin listener, none of them on the public route', async () => {
    expect((await admin(relay, '/livez')).status).toBe(200);
    expect((await admin(relay, '/readyz')).status).toBe(200);
    for (const path of ['/livez', '/readyz', '/metrics', '/healthz'])
      expect((await fetch(`${relay.url}${path}`)).status).toBe(404);
    const metrics = (await admin(relay, '/metrics')).text;
    expect(metric(metrics, 'cws_relay_registrations_total{result="accepted"}')).toBeGreaterThanOrEqual(4);
    expect(metric(metrics, 'cws_relay_connections{state="registered"}')).toBeGreaterThanOrEqual(1);
    expect(metric(metrics, 'cws_relay_logout_deliveries_total')).toBeGreaterThanOrEqual(2);
    expect(metric(metrics, 'cws_relay_logout_delivery_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(metric(metrics, 'cws_relay_issuer_keys_loaded')).toBe(1);
    expect(metric(metrics, 'cws_relay_ready')).toBe(1);
    expect(metrics).toContain('cws_relay_redis_up 0');
  });
});
