// Two relay replicas sharing a real Redis (redis-server on a free loopback port, persistence
// off), with the real sandbox provider: ID tokens from complete sandbox sign-ins, logout tokens
// signed by the sandbox's key. Workstations are `ws` clients speaking the protocol.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { freePort, redisServerAvailable, startRedis } from './fixtures/redis';
import type { RedisServer } from './fixtures/redis';
import { admin, postLogout, startTestRelay, until } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { sandboxSignIn } from './fixtures/sandbox-sign-in';
import type { SandboxSession } from './fixtures/sandbox-sign-in';
import { TestWorkstation, quietFor } from './fixtures/workstation';
import { needs } from '../support/needs';

// Skipped without redis-server on a developer's machine; in CI a missing one fails (test/support/needs.ts).
const redis = needs(redisServerAvailable ? null : 'redis-server is not installed');

redis.describe(redis.title('relay replicas sharing Redis'), () => {
  let sandbox: Sandbox;
  let redis: RedisServer;
  let a: TestRelay;
  let b: TestRelay;
  const open: TestWorkstation[] = [];
  const tokensSeen: string[] = [];
  const namesSeen: string[] = [];

  /** The log lines of a replica that was restarted. */
  const retiredLogs: string[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), 'cws-relay-state-'));

  async function replica(name: string, port = 0): Promise<TestRelay> {
    return startTestRelay({
      ...(name === 'a' ? { stateDir } : {}),
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      redisUrl: redis.url,
      replicaName: name,
      port,
      heartbeatMs: 1_000,
    });
  }

  async function workstation(relay: TestRelay, session?: SandboxSession): Promise<TestWorkstation> {
    const ws = await TestWorkstation.connect(relay.url);
    open.push(ws);
    if (session) {
      tokensSeen.push(session.idToken);
      namesSeen.push(session.sub, session.sid);
      expect(await ws.register(session.idToken)).toMatchObject({ type: 'registered' });
    }
    return ws;
  }

  async function logoutToken(claims: { sub?: string; sid?: string }): Promise<string> {
    const token = await sandbox.logoutToken(claims);
    tokensSeen.push(token);
    return token;
  }

  beforeAll(async () => {
    [sandbox, redis] = await Promise.all([startSandbox(), startRedis()]);
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    await until(
      () => [a, b].every((r) => r.store.available() && r.health().keys === 'loaded'),
      10_000,
      'both replicas connected to Redis, with the issuer’s keys',
    );
  });

  afterAll(async () => {
    for (const ws of open) ws.close();
    await Promise.allSettled([a?.close(), b?.close()]);
    await Promise.allSettled([sandbox?.close(), redis?.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a logout POSTed to replica A reaches the workstation on replica B within 2 s, as CIS2 sent it', async () => {
    const session = await sandboxSignIn(sandbox);
    const ws = await workstation(b, session);
    const token = await logoutToken({ sub: session.sub, sid: session.sid });
    const t0 = performance.now();
    const response = await postLogout(a.url, token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const received = await ws.logout(token, 2_000);
    expect(received.at - t0).toBeLessThan(2_000);
    expect(received.catchUp).toBe(false);
    expect(ws.protocolErrors).toEqual([]);
  });

  it('CIS2 itself (the sandbox) posts the logout when it ends a clinician’s session, to replica A: the workstation on replica B has it within 2 s', async () => {
    const port = await freePort();
    const provider = await startSandbox({ backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel-logout` });
    const relays = [
      await startTestRelay({
        issuer: provider.issuer,
        clientId: provider.clientId,
        redisUrl: redis.url,
        redisPrefix: 'e2e:',
        replicaName: 'e2e-a',
        port,
      }),
      await startTestRelay({
        issuer: provider.issuer,
        clientId: provider.clientId,
        redisUrl: redis.url,
        redisPrefix: 'e2e:',
        replicaName: 'e2e-b',
      }),
    ];
    try {
      await until(
        () => relays.every((r) => r.store.available() && r.health().keys === 'loaded'),
        10_000,
        'both replicas connected, with the issuer’s keys',
      );
      const session = await sandboxSignIn(provider, 'no-role-patel');
      const ws = await workstation(relays[1] as TestRelay, session);
      // Listening before the sandbox posts: the logout may arrive before the POST's answer does.
      const arrived = ws.next((m) => m.type === 'logout', 2_000);
      const t0 = performance.now();
      expect(await provider.endSessionOf('no-role-patel')).toBe(200);
      await arrived;
      expect(performance.now() - t0).toBeLessThan(2_000);
      const [logout] = ws.logouts;
      expect(decodeJwt(logout?.logoutToken ?? '')).toMatchObject({ iss: provider.issuer, sub: session.sub });
    } finally {
      await Promise.allSettled(relays.map((r) => r.close()));
      await provider.close();
    }
  });

  it('sends each logout only to the registrations it names: sub and sid both, sub alone to every session of that sub, sid alone to that session', async () => {
    const [s1, s2, other] = await Promise.all([
      sandboxSignIn(sandbox, 'locum-reid'),
      sandboxSignIn(sandbox, 'locum-reid'),
      sandboxSignIn(sandbox, 'dr-okafor'),
    ]);
    expect(s1.sub).toBe(s2.sub);
    expect(s1.sid).not.toBe(s2.sid);
    const [w1, w2, w3] = [await workstation(a, s1), await workstation(b, s2), await workstation(b, other)];

    const both = await logoutToken({ sub: s1.sub, sid: s1.sid });
    expect((await postLogout(b.url, both)).status).toBe(200);
    await w1.logout(both);
    const sidOnly = await logoutToken({ sid: s2.sid });
    expect((await postLogout(a.url, sidOnly)).status).toBe(200);
    await w2.logout(sidOnly);
    const subOnly = await logoutToken({ sub: s1.sub });
    expect((await postLogout(a.url, subOnly)).status).toBe(200);
    await Promise.all([w1.logout(subOnly), w2.logout(subOnly)]);
    await quietFor(200);
    expect(w1.logouts.map((l) => l.logoutToken)).toEqual([both, subOnly]);
    expect(w2.logouts.map((l) => l.logoutToken)).toEqual([sidOnly, subOnly]);
    expect(w3.logouts).toEqual([]);
  });

  it('answers 200 when no workstation holds the session', async () => {
    expect((await postLogout(a.url, await logoutToken({ sub: '555000000777', sid: 'nobody-holds-this' }))).status).toBe(
      200,
    );
  });

  it('refuses a jti replayed to the other replica (400), and forwards the logout once', async () => {
    const session = await sandboxSignIn(sandbox);
    const ws = await workstation(a, session);
    const token = await logoutToken({ sub: session.sub, sid: session.sid });
    expect((await postLogout(a.url, token)).status).toBe(200);
    const replay = await postLogout(b.url, token);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_request', error_description: 'LOGOUT_TOKEN_REPLAYED' });
    expect(replay.headers.get('cache-control')).toBe('no-store');
    await ws.logout(token);
    await quietFor(200);
    expect(ws.logouts).toHaveLength(1);
  });

  it('a logout sent while a workstation was offline reaches it by catch-up when it reconnects', async () => {
    const session = await sandboxSignIn(sandbox);
    const first = await workstation(a, session);
    first.close();
    await first.closed;
    const token = await logoutToken({ sub: session.sub, sid: session.sid });
    expect((await postLogout(b.url, token)).status).toBe(200);
    const again = await workstation(a, session);
    const caught = await again.catchUp();
    expect(caught.map((l) => [l.logoutToken, l.catchUp])).toEqual([[token, true]]);
    // Asking again sends nothing new on this connection.
    expect(await again.catchUp()).toEqual([]);
  });

  it('a replica killed mid-shift: its workstation reconnects to the other and catches up on what it missed', async () => {
    const session = await sandboxSignIn(sandbox);
    const c = await replica('c');
    await until(() => c.store.available(), 5_000, 'replica c connected');
    const ws = await workstation(c, session);
    await c.kill();
    expect((await ws.closed).code).toBe(1006);
    const token = await logoutToken({ sub: session.sub, sid: session.sid });
    expect((await postLogout(a.url, token)).status).toBe(200);
    const back = await workstation(b, session);
    expect((await back.catchUp()).map((l) => l.logoutToken)).toEqual([token]);
  });

  it('Redis down: a valid logout is answered 200, delivered here at once and kept on disk; the replica restarted still has it; Redis back: it reaches the workstation on the other replica and the list', async () => {
    const [held, heldElsewhere, later] = await Promise.all([
      sandboxSignIn(sandbox),
      sandboxSignIn(sandbox),
      sandboxSignIn(sandbox),
    ]);
    const onA = await workstation(a, held);
    const onB = await workstation(b, heldElsewhere);
    await redis.kill();
    await until(() => !a.store.available() && !b.store.available(), 5_000, 'both replicas noticed Redis is gone');
    expect(a.health()).toMatchObject({ redis: 'unavailable', ingress: 'pending', ready: true });
    expect((await admin(a, '/readyz')).status).toBe(200);

    // Ingress: 200 (CIS2 promises no retry); the token is passed to A's own workstation at once.
    const during = await logoutToken({ sub: held.sub, sid: held.sid });
    const accepted = await postLogout(a.url, during);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('cache-control')).toBe('no-store');
    await onA.logout(during);
    // A logout for the session held on B: 200, kept on A's disk (0600) until Redis takes it.
    const forB = await logoutToken({ sub: heldElsewhere.sub, sid: heldElsewhere.sid });
    expect((await postLogout(a.url, forB)).status).toBe(200);
    const files = readdirSync(stateDir).filter((n) => n.endsWith('.json'));
    expect(files).toHaveLength(2);
    for (const name of files) expect(statSync(join(stateDir, name)).mode & 0o777).toBe(0o600);
    // A bad token is still a 400.
    expect((await postLogout(a.url, `${during}x`)).status).toBe(400);

    // The channel: a new workstation connects, registers and catches up (from what B has).
    const newcomer = await workstation(b, later);
    expect(await newcomer.catchUp()).toEqual([]);
    await quietFor(1_200);
    expect(onB.ws.readyState).toBe(onB.ws.OPEN);
    expect(onB.logouts).toEqual([]);

    // Replica A restarted (its workstation reconnects elsewhere): the two logouts are still pending.
    const port = a.port;
    await a.kill();
    retiredLogs.push(...a.logs);
    a = await replica('a', port);
    expect(a.health().pendingPublish).toBe(2);

    await redis.restart();
    await until(() => a.store.available() && b.store.available(), 10_000, 'both replicas reconnected to Redis');
    expect(b.health()).toMatchObject({ redis: 'connected', ingress: 'accepting' });
    await onB.logout(forB, 10_000);
    await until(() => a.health().pendingPublish === 0, 10_000, 'the outage logouts published');
    expect(readdirSync(stateDir).filter((n) => n.endsWith('.json'))).toEqual([]);
    const after = await logoutToken({ sub: heldElsewhere.sub, sid: heldElsewhere.sid });
    expect((await postLogout(a.url, after)).status).toBe(200);
    await onB.logout(after, 2_000);
    // What A accepted during the outage is now in the (new) Redis list for catch-up elsewhere.
    const elsewhere = await workstation(b, held);
    expect((await elsewhere.catchUp()).map((l) => l.logoutToken)).toEqual([during]);
  });

  it('reports Redis, the connections and the counts on /healthz, on the admin listener only', async () => {
    expect((await fetch(`${b.url}/healthz`)).status).toBe(404);
    const response = await fetch(`${b.adminUrl}/healthz`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'ok',
      store: 'redis',
      redis: 'connected',
      ingress: 'accepting',
      keys: 'loaded',
    });
    expect(health['counts']).toMatchObject({
      connections: expect.any(Number),
      registered: expect.any(Number),
      accepted: expect.any(Number),
    });
  });

  it('logged every event without a token, a subject or a session id in clear', () => {
    const lines = [...retiredLogs, ...a.logs, ...b.logs];
    const events = new Set(lines.map((l) => (JSON.parse(l) as { event?: string }).event));
    for (const event of [
      'logout accepted',
      'logout refused',
      'logout delivered',
      'registration accepted',
      'redis connected',
      'redis lost',
      'logout accepted pending',
      'pending logout published',
    ])
      expect(events).toContain(event);
    for (const secret of [...tokensSeen, ...namesSeen]) {
      for (const line of lines) expect(line).not.toContain(secret);
    }
    for (const token of tokensSeen)
      for (const part of token.split('.')) for (const line of lines) expect(line).not.toContain(part);
  });
});
