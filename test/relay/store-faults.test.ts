// The ingress's degraded paths on one relay, over a memory store that fails as Redis does
// (fixtures/faulty-store.ts), so they run in every test run, not only where redis-server is
// installed. A valid logout is never answered 503 for want of the store: a publish that fails, or
// a store that is away, still answers 200, passes the logout to this replica's workstations at
// once and keeps it (on disk, 0600, with a state directory) until the store takes it, retried on a
// timer. 503 is left for the issuer's keys, and CIS2's retry after one is not a replay.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverIssuerKeys } from '../../main/services/oidc/issuer-keys';
import type { IssuerKeys } from '../../main/services/oidc/issuer-keys';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { faultyMemoryStore } from './fixtures/faulty-store';
import type { FaultyStore } from './fixtures/faulty-store';
import { admin, metric, postLogout, startTestRelay, until } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';

const SUB = '555000000077';
const SID = 'sid-ward-2-bay-5';

let issuer: TestIssuer;
let relay: TestRelay;
let store: FaultyStore;
let ws: TestWorkstation;
const stateDir = mkdtempSync(join(tmpdir(), 'cws-relay-faults-'));
const opened: { close(): Promise<void> | void }[] = [];

function pendingFiles(): string[] {
  return readdirSync(stateDir).filter((name) => name.endsWith('.json'));
}

async function relayOver(
  made: (s: FaultyStore) => void,
  keys?: () => Promise<IssuerKeys>,
  pendingRetryMs = 100,
): Promise<TestRelay> {
  const started = await startTestRelay(
    { issuer: issuer.issuer, ingressPerMinute: 10_000, stateDir, pendingRetryMs },
    {
      store: (parts) => {
        const s = faultyMemoryStore(parts);
        made(s);
        return s;
      },
      ...(keys === undefined ? {} : { keys }),
    },
  );
  opened.push(started);
  return started;
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await relayOver((s) => (store = s));
  ws = await TestWorkstation.connect(relay.url);
  opened.push(ws);
  expect(await ws.register(await issuer.idToken({ sub: SUB, sid: SID }))).toMatchObject({ type: 'registered' });
});

afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await issuer?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the relay when its store fails', () => {
  it('a publish that fails while the store stays up: 200, delivered here at once, and the retry timer puts it in the list although its jti is already recorded', async () => {
    const token = await issuer.logoutToken({ sub: SUB, sid: SID });
    store.failPublishes(1);
    const before = store.calls.length;
    const first = await postLogout(relay.url, token);
    expect(first.status).toBe(200);
    await ws.logout(token);
    // The jti recorded, then the publish that failed (the timer's retries follow).
    expect(store.calls.slice(before, before + 2)).toEqual(['firstSeen', 'publish']);
    // No availability change: only the timer offers it again, with its jti (already recorded).
    await until(() => relay.health().pendingPublish === 0, 5_000, 'the pending logout published by the timer');
    expect(pendingFiles()).toEqual([]);
    // It is in the revocation list: a workstation registering for the session later catches up on it.
    const later = await TestWorkstation.connect(relay.url);
    opened.push(later);
    expect(await later.register(await issuer.idToken({ sub: SUB, sid: SID }))).toMatchObject({ type: 'registered' });
    expect((await later.catchUp()).map((l) => l.logoutToken)).toEqual([token]);
    // The same token again is a replay: it was answered 200, so it is not CIS2 retrying.
    const again = await postLogout(relay.url, token);
    expect(again.body).toMatchObject({ error_description: 'LOGOUT_TOKEN_REPLAYED' });
  });

  it('a store that is away: the token is still checked, answered 200, delivered here, kept on disk (0600); ready all along', async () => {
    store.setAvailable(false);
    try {
      expect(relay.health()).toMatchObject({ ingress: 'pending', ready: true });
      expect((await admin(relay, '/readyz')).status).toBe(200);
      const bad = await issuer.logoutToken({ sub: SUB, sid: SID, aud: 'another-app' });
      const refused = await postLogout(relay.url, bad);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error_description: 'LOGOUT_TOKEN_AUDIENCE_MISMATCH' });
      const good = await issuer.logoutToken({ sub: SUB, sid: SID });
      const passed = await postLogout(relay.url, good);
      expect(passed.status).toBe(200);
      await ws.logout(good);
      expect(pendingFiles()).toHaveLength(1);
      const file = join(stateDir, pendingFiles()[0] as string);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const metrics = (await admin(relay, '/metrics')).text;
      expect(metric(metrics, 'cws_relay_logout_requests_total{status="200",code="accepted-pending"}')).toBe(2);
      expect(metric(metrics, 'cws_relay_pending_logouts')).toBe(1);
    } finally {
      store.setAvailable(true);
    }
    await until(() => relay.health().pendingPublish === 0, 5_000, 'published once the store is back');
    expect(pendingFiles()).toEqual([]);
    expect(relay.health()).toMatchObject({ ingress: 'accepting' });
  });

  it('a replica restarted while the store is away still has what it accepted, and publishes it when the store is back', async () => {
    let first!: FaultyStore;
    const one = await relayOver((s) => (first = s), undefined, 60_000);
    first.setAvailable(false);
    const token = await issuer.logoutToken({ sub: '555000000088' });
    expect((await postLogout(one.url, token)).status).toBe(200);
    expect(pendingFiles()).toHaveLength(1);
    await one.kill();

    let second!: FaultyStore;
    const two = await relayOver(
      (s) => {
        second = s;
        s.setAvailable(false);
      },
      undefined,
      60_000,
    );
    expect(two.health().pendingPublish).toBe(1);
    const watcher = await TestWorkstation.connect(two.url);
    opened.push(watcher);
    expect(await watcher.register(await issuer.idToken({ sub: '555000000088' }))).toMatchObject({
      type: 'registered',
    });
    // While the store is still away, catch-up on the restarted replica answers from what it kept.
    expect((await watcher.catchUp()).map((l) => l.logoutToken)).toEqual([token]);
    second.setAvailable(true);
    await watcher.logout(token, 5_000);
    await until(() => two.health().pendingPublish === 0, 5_000, 'published after the restart');
    expect(pendingFiles()).toEqual([]);
  });

  it("503 only when the issuer's keys are unavailable, and CIS2's retry is then accepted, not refused as a replay", async () => {
    let keysUp = false;
    const discovered = discoverIssuerKeys({ issuer: issuer.issuer, allowInsecureLoopbackIssuer: true });
    const noKeys = await relayOver(
      () => undefined,
      async () => {
        if (!keysUp) throw new Error('keys unreachable');
        return discovered();
      },
    );
    expect((await admin(noKeys, '/readyz')).status).toBe(503);
    const token = await issuer.logoutToken({ sub: SUB, sid: SID });
    const first = await postLogout(noKeys.url, token);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).not.toBeNull();
    keysUp = true;
    expect((await postLogout(noKeys.url, token)).status).toBe(200);
    expect((await admin(noKeys, '/readyz')).status).toBe(200);
    const metrics = (await admin(noKeys, '/metrics')).text;
    expect(metric(metrics, 'cws_relay_logout_requests_total{status="503",code="keys-unavailable"}')).toBe(1);
    expect(noKeys.logs.some((l) => l.includes('"event":"keys unavailable"') && l.includes('keys unreachable'))).toBe(
      true,
    );
  });
});
