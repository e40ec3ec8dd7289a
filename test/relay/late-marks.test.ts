// A logout one replica accepted while its store was away reaches a workstation on another replica
// only when the store is back: that delivery is marked `late` (protocol v2), not passed off as
// live, and `catchUp: true` for a v1 reader. Two replicas share one memory store, each through its
// own view that can fail as Redis does (fixtures/faulty-store.ts), so this runs without Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSTATION_PROTOCOL, WORKSTATION_PROTOCOL_V2 } from '../../main/services/relay-client/protocol';
import { createMemoryStore } from '../../relay/store';
import type { RelayStore } from '../../relay/store';
import { faultyMemoryStore } from './fixtures/faulty-store';
import type { FaultyStore } from './fixtures/faulty-store';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { postLogout, startTestRelay } from './fixtures/relays';
import type { TestRelay } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';

const NAMES = { sub: '555000000088', sid: 'sid-ward-7-bay-1' };

let issuer: TestIssuer;
let shared: RelayStore | undefined;
let awayA: FaultyStore;
let a: TestRelay;
let b: TestRelay;
/** Both replicas' clock, ahead of the real one by this. */
let ahead = 0;
const now = (): number => Date.now() + ahead;
const open: TestWorkstation[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  const settings = { issuer: issuer.issuer, ingressPerMinute: 10_000 };
  a = await startTestRelay(settings, {
    now,
    store: (parts) => {
      shared ??= createMemoryStore(parts);
      awayA = faultyMemoryStore(parts, shared);
      return awayA;
    },
  });
  b = await startTestRelay(settings, {
    now,
    store: (parts) => faultyMemoryStore(parts, (shared ??= createMemoryStore(parts))),
  });
});

afterAll(async () => {
  for (const ws of open) ws.close();
  await Promise.allSettled([a?.close(), b?.close()]);
  await issuer?.close();
});

async function workstationOn(relay: TestRelay, protocol: string): Promise<TestWorkstation> {
  const ws = await TestWorkstation.connect(relay.url, { protocol });
  open.push(ws);
  expect(await ws.register(await issuer.idToken(NAMES))).toMatchObject({ type: 'registered' });
  return ws;
}

describe('a logout a replica accepted while its store was away', () => {
  it('reaches a workstation on another replica, when the store is back a minute later, marked late', async () => {
    const current = await workstationOn(b, WORKSTATION_PROTOCOL_V2);
    const older = await workstationOn(b, WORKSTATION_PROTOCOL);
    awayA.setAvailable(false);
    const token = await issuer.logoutToken(NAMES);
    // Checked, answered 200 and kept by replica A; replica B's workstations cannot hear it yet.
    expect((await postLogout(a.url, token)).status).toBe(200);
    expect(current.logouts).toEqual([]);

    ahead += 60_000;
    awayA.setAvailable(true);
    expect(await current.logout(token, 5_000)).toMatchObject({ delivery: 'late', catchUp: true });
    expect(await older.logout(token, 5_000)).toMatchObject({ catchUp: true });
    expect(older.logouts[0]).not.toHaveProperty('delivery');
  });
});
