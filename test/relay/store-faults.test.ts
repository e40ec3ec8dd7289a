// The ingress's degraded paths on one relay, over a memory store that fails as Redis does
// (fixtures/faulty-store.ts), so they run in every test run, not only where redis-server is
// installed: a publish that fails forgets the jti (so CIS2's retry is not refused as a replay)
// and passes the logout on to this replica's workstations with a 503; a store that is away
// checks everything but the cross-replica replay, passes the logout on here and answers 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { faultyMemoryStore } from './fixtures/faulty-store';
import type { FaultyStore } from './fixtures/faulty-store';
import { postLogout, startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';

const SUB = '555000000077';
const SID = 'sid-ward-2-bay-5';

let issuer: TestIssuer;
let relay: TestRelay;
let store: FaultyStore;
let ws: TestWorkstation;

beforeAll(async () => {
  issuer = await startTestIssuer();
  relay = await startTestRelay(
    { issuer: issuer.issuer, ingressPerMinute: 10_000 },
    {
      store: (parts) => {
        store = faultyMemoryStore(parts);
        return store;
      },
    },
  );
  ws = await TestWorkstation.connect(relay.url);
  expect(await ws.register(await issuer.idToken({ sub: SUB, sid: SID }))).toMatchObject({ type: 'registered' });
});

afterAll(async () => {
  ws?.close();
  await relay?.close();
  await issuer?.close();
});

describe('the relay when its store fails', () => {
  it('a publish that fails: 503, the logout reaches this replica’s workstation, and the retry is accepted, not refused as a replay', async () => {
    const token = await issuer.logoutToken({ sub: SUB, sid: SID });
    store.failPublishes(1);
    const first = await postLogout(relay.url, token);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).not.toBeNull();
    await ws.logout(token);
    expect(store.calls.slice(-3)).toEqual(['firstSeen', 'publish', 'forget']);
    // CIS2 retries the same token: its jti was forgotten, so it is recorded and fanned out now.
    const retry = await postLogout(relay.url, token);
    expect(retry.status).toBe(200);
    expect(retry.body).toBeNull();
    // Once recorded, the same token again is a replay.
    const third = await postLogout(relay.url, token);
    expect(third.status).toBe(400);
    expect(third.body).toMatchObject({ error_description: 'LOGOUT_TOKEN_REPLAYED' });
  });

  it('a store that is away: the token is still checked, passed on here with a 503, and health says so', async () => {
    store.setAvailable(false);
    try {
      const health = (await (await fetch(`${relay.url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ ingress: 'unavailable' });
      const bad = await issuer.logoutToken({ sub: SUB, sid: SID, aud: 'another-app' });
      const refused = await postLogout(relay.url, bad);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error_description: 'LOGOUT_TOKEN_AUDIENCE_MISMATCH' });
      const good = await issuer.logoutToken({ sub: SUB, sid: SID });
      const passed = await postLogout(relay.url, good);
      expect(passed.status).toBe(503);
      await ws.logout(good);
    } finally {
      store.setAvailable(true);
    }
    const health = (await (await fetch(`${relay.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ingress: 'accepting' });
  });
});
