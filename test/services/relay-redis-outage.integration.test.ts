/**
 * A Redis outage across relay replicas, end to end (issue 23): the composed shell services (sign-in
 * against the CIS2 sandbox, the session engine, the draft vault, the relay client and the logout
 * receiver) connected to replica B of two relays sharing a real Redis. Redis stops; CIS2 (the
 * sandbox) logs the clinician out by POSTing to replica A, which answers 200 and keeps the logout
 * in its state directory; A is restarted (same directory) while Redis is still down; Redis comes
 * back (same port, empty: persistence is off) and A's retry timer publishes the logout; B delivers
 * it to the PC and the session ends, the note sealed for its owner.
 *
 * "Redis back after 5 minutes" is not waited for: the relays and the shell's token checks read a
 * wall clock the test moves 5 minutes ahead during the outage, longer than the logout token's
 * 2-minute exp window, so the token reaches the PC long expired, as it would after a real outage
 * that long (late delivery is still delivery). The relays' retry period (pendingRetryMs) is 200 ms
 * so A offers the logout to Redis again soon after it is back. The relay channel's timers run on a
 * manual clock the test advances in steps shorter than three of the relays' 100 ms heartbeats.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import type { OpenRelaySocket, RelaySocket } from '../../main/services/relay-client/client';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { freePort, redisServerAvailable, startRedis } from '../relay/fixtures/redis';
import type { RedisServer } from '../relay/fixtures/redis';
import { startTestRelay } from '../relay/fixtures/relays';
import type { TestRelay } from '../relay/fixtures/relays';
import { needs } from '../support/needs';
import { ScriptedBrowser, sandboxSettings } from './oidc/fixtures';

// Skipped without redis-server on a developer's machine; in CI a missing one fails (test/support/needs.ts).
const withRedis = needs(redisServerAvailable ? null : 'redis-server is not installed');

const MINUTE = 60_000;

let sandbox: Sandbox;
let redis: RedisServer;
let a: TestRelay;
let b: TestRelay;
let portA: number;
let root: string;
let stateDir: string;
/** How far the wall clocks of the PC and the relays are ahead of the real one. */
let ahead = 0;
const wall = (): number => Date.now() + ahead;
let services: AppServices | undefined;

function replica(name: 'a' | 'b'): Promise<TestRelay> {
  return startTestRelay(
    {
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      redisUrl: redis.url,
      replicaName: name,
      heartbeatMs: 100,
      pendingRetryMs: 200,
      ...(name === 'a' ? { port: portA, stateDir } : {}),
    },
    { now: wall },
  );
}

const ready = (r: TestRelay): boolean => r.store.available() && r.health().keys === 'loaded';

/** Polls `check` every 25 ms of real time, advancing `channel` by `stepMs` between polls when given. */
async function until(what: string, check: () => boolean, channel?: ManualTime, stepMs = 0, polls = 400) {
  for (let i = 0; i < polls; i += 1) {
    if (check()) return;
    channel?.advance(stepMs);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

withRedis.describe(withRedis.title('a Redis outage across relay replicas, with the composed shell services'), () => {
  beforeAll(async () => {
    portA = await freePort();
    root = await mkdtemp(join(tmpdir(), 'cws-redis-outage-'));
    stateDir = join(root, 'relay-a-state');
    [sandbox, redis] = await Promise.all([
      startSandbox({ backchannelLogoutUri: `http://127.0.0.1:${portA}/backchannel-logout` }),
      startRedis(),
    ]);
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    await until('both replicas connected to Redis, with CIS2’s keys', () => ready(a) && ready(b));
  });

  afterAll(async () => {
    await services?.close();
    await Promise.allSettled([a?.close(), b?.close()]);
    await Promise.allSettled([sandbox?.close(), redis?.stop()]);
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('a logout answered 200 by a replica without Redis for a PC connected to the other, the replica restarted, Redis back 5 minutes later: the session ends and the note is sealed for its owner', async () => {
    const lines: Record<string, unknown>[] = [];
    const audit = (event: string) => lines.filter((l) => l['audit'] === true && l['event'] === event);
    const channel = new ManualTime({ wall: Date.now(), mono: 0 });
    const sockets: string[] = [];
    const openSocket: OpenRelaySocket = (url, protocols) => {
      sockets.push(url);
      return new WebSocket(url, [...protocols]) as unknown as RelaySocket;
    };
    services = await createAppServices({
      oidc: sandboxSettings(sandbox),
      policy: resolvePolicy({}).policy,
      browser: new ScriptedBrowser((url) => sandbox.loginAs(url, 'dr-okafor')),
      time: new ManualTime({ wall: Date.now(), mono: 0 }),
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      secretStore: createMemorySecretStore(),
      draftsDir: join(root, 'drafts'),
      signInClock: wall,
      relay: { url: b.url, openSocket, time: channel },
    });
    const pc = services;
    const inSession = () => 'clinician' in pc.session.view();

    pc.session.backend.signIn();
    await until('the sign-in', () => pc.session.view().kind === 'active');
    await until('replica B to follow the session', () => audit('relay.registered').length > 0);
    const idToken = pc.signIn.tokens.currentIdToken() ?? '';
    const { sub, sid } = decodeJwt(idToken) as { sub: string; sid: string };
    const note = { id: 'obs-1', patient: 'Jane Doe', text: 'BP 120/80, review at 14:00', updatedAt: 1 };
    expect(await pc.session.backend.saveDraft(note)).toMatchObject({ ok: true });

    await redis.kill();
    await until('both replicas to notice Redis is gone', () => !a.store.available() && !b.store.available());

    // CIS2 ends the session: replica A answers 200 and keeps the logout on disk; the PC is on B.
    expect(await sandbox.backchannelLogout({ sub, sid })).toBe(200);
    expect((await readdir(stateDir)).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    expect(a.health().pendingPublish).toBe(1);

    // Replica A restarted, same port and state directory, Redis still down: the logout is still kept.
    await a.kill();
    a = await replica('a');
    expect(a.health().pendingPublish).toBe(1);
    expect(a.store.available()).toBe(false);

    // Five minutes of outage (past the token's exp), during which the PC stays on B and signed in.
    for (let passed = 0; passed < 5 * MINUTE + 30_000; passed += 30_000) {
      ahead += 30_000;
      channel.advance(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(inSession()).toBe(true);
    expect(audit('backchannel-logout.accepted')).toEqual([]);

    // Redis back: A's retry timer publishes the logout; B has it live if it is subscribed again by
    // then, else by the catch-up it runs for its workstations once it is back on Redis.
    await redis.restart();
    await until('both replicas back on Redis', () => a.store.available() && b.store.available(), channel, 200);
    await until('the PC to be signed out', () => !inSession(), channel, 200);
    await pc.session.settled();
    await pc.vault.flush();

    expect(a.health().pendingPublish).toBe(0);
    expect((await readdir(stateDir)).filter((n) => n.endsWith('.json'))).toEqual([]);
    expect(audit('backchannel-logout.accepted')).toEqual([
      expect.objectContaining({ subject: sub, withSessionId: true }),
    ]);
    expect(audit('backchannel-logout.refused')).toEqual([]);
    expect(await pc.vault.load(sub)).toEqual([note]);
    expect(pc.signIn.tokens.hasSession()).toBe(false);
    // One connection, to B, throughout: the logout came over it, not by a reconnection elsewhere.
    expect(sockets).toHaveLength(1);
  }, 60_000);
});
