// Redis that fails over: two relay replicas configured with three Sentinels (Debian's
// redis-sentinel) watching a primary and its replica, all on loopback with persistence off. The
// primary is killed mid-run while logouts keep arriving: every one is answered 200 and reaches
// its workstation on the other replica after the failover, catch-up still answers, and every
// logout accepted (before, during and after) is in the revocation list of the new primary.
// Publications wait for a Redis replica's confirmation (RELAY_REDIS_WAIT_REPLICAS=1): what the
// new primary cannot have confirmed (it has no replica until the old primary rejoins as one) is
// kept pending by the relay replica and published again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { needs } from '../support/needs';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { MASTER_NAME, redisSentinelAvailable, startSentinelSet } from './fixtures/sentinel';
import type { SentinelSet } from './fixtures/sentinel';
import { redisServerAvailable } from './fixtures/redis';
import { postLogout, startTestRelay, until } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';

// Skipped without redis-server and redis-sentinel on a developer's machine; in CI a missing one fails.
const sentinel = needs(
  redisServerAvailable && redisSentinelAvailable ? null : 'redis-server or redis-sentinel is not installed',
);

sentinel.describe(sentinel.title('relay replicas on Redis Sentinel'), () => {
  let issuer: TestIssuer;
  let set: SentinelSet;
  let a: TestRelay;
  let b: TestRelay;
  const open: TestWorkstation[] = [];
  const relays: TestRelay[] = [];
  let serial = 0;

  async function replica(name: string): Promise<TestRelay> {
    return startTestRelay({
      issuer: issuer.issuer,
      redisSentinels: set.sentinels,
      redisMasterName: MASTER_NAME,
      redisWaitReplicas: 1,
      replicaName: name,
      pendingRetryMs: 200,
      ingressPerMinute: 10_000,
    });
  }

  /** A workstation on `relay` registered for a fresh session; its sub and sid. */
  async function session(relay: TestRelay): Promise<{ ws: TestWorkstation; sub: string; sid: string }> {
    serial += 1;
    const sub = `55500000${String(serial).padStart(4, '0')}`;
    const sid = `sid-failover-${serial}`;
    const ws = await TestWorkstation.connect(relay.url);
    open.push(ws);
    expect(await ws.register(await issuer.idToken({ sub, sid }))).toMatchObject({ type: 'registered' });
    return { ws, sub, sid };
  }

  beforeAll(async () => {
    [issuer, set] = await Promise.all([startTestIssuer(), startSentinelSet()]);
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    await until(() => a.store.available() && b.store.available(), 10_000, 'both replicas on the primary');
  }, 60_000);

  afterAll(async () => {
    for (const ws of open) ws.close();
    await Promise.allSettled([a?.close(), b?.close(), ...relays.map((r) => r.close())]);
    await Promise.allSettled([issuer?.close(), set?.stop()]);
  });

  it('the primary killed mid-run: logouts before, during and after are all accepted, delivered across replicas and kept for catch-up', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => session(b)));
    const accepted: { token: string; target: (typeof sessions)[number] }[] = [];
    async function logout(target: (typeof sessions)[number]): Promise<void> {
      const token = await issuer.logoutToken({ sub: target.sub, sid: target.sid });
      const response = await postLogout(a.url, token);
      expect(response.status).toBe(200);
      accepted.push({ token, target });
    }

    await logout(sessions[0]!);
    await sessions[0]!.ws.logout(accepted[0]!.token);
    expect(await set.currentPrimary()).toBe(set.primaryPort);

    await set.kill(set.primaryPort);
    // While the Sentinels agree the primary is down and promote the replica.
    await logout(sessions[1]!);
    await logout(sessions[2]!);
    await until(async () => (await set.currentPrimary()) === set.replicaPort, 20_000, 'the replica promoted');
    await until(() => a.store.available() && b.store.available(), 20_000, 'both replicas on the new primary');
    await logout(sessions[3]!);

    // Every logout reaches its workstation on the other replica.
    for (const { token, target } of accepted) await target.ws.logout(token, 20_000);
    // The new primary has no replica to confirm to until the old one comes back (as a replica):
    // until then A keeps what it could not have confirmed, and publishes it again after.
    await set.rejoin(set.primaryPort);
    await until(() => a.health().pendingPublish === 0, 20_000, 'replica A has nothing pending');
    // Catch-up still answers, from the new primary: on a replica started now (so nothing comes
    // from its own memory), a workstation registering for each session finds its logout there.
    const c = await replica('c');
    relays.push(c);
    await until(() => c.store.available(), 10_000, 'replica C on the new primary');
    for (const { token, target } of accepted) {
      const again = await TestWorkstation.connect(c.url);
      open.push(again);
      expect(await again.register(await issuer.idToken({ sub: target.sub, sid: target.sid }))).toMatchObject({
        type: 'registered',
      });
      expect((await again.catchUp()).map((l) => l.logoutToken)).toContain(token);
    }
  }, 90_000);
});
