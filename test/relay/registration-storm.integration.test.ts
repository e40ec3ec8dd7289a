// A replica's restart storm, on the built relay run as a trust runs it (its own process, real
// Redis): thousands of workstations register at once (as after a restart, docs/benchmarks.md
// "Relay capacity") while CIS2 POSTs a logout for a PC that was already registered. Registrations
// and handshakes wait their turn (relay/registration-queue.ts), so the logout is answered and
// delivered while the storm is still being worked through, not after it; the workstations told
// to try again later (503 at the upgrade, 1013 after it) come back on a jittered backoff as the
// shell does, and every one ends registered. Then SIGTERM with all of them connected: the replica
// stops taking registrations, closes every workstation (1001) and exits 0 within 10 s.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  WORKSTATION_PATH,
  WORKSTATION_PROTOCOL_V2,
  parseRelayMessage,
} from '../../main/services/relay-client/protocol';
import { startTestIssuer } from './fixtures/issuer';
import type { TestIssuer } from './fixtures/issuer';
import { buildRelayOutside, removeFolder, startBuiltRelay } from './fixtures/built-relay';
import type { BuiltRelay } from './fixtures/built-relay';
import { freePort, redisServerAvailable, startRedis } from './fixtures/redis';
import type { RedisServer } from './fixtures/redis';
import { postLogout, until } from './fixtures/relays';
import { TestWorkstation } from './fixtures/workstation';
import { needs } from '../support/needs';

// Skipped without redis-server on a developer's machine; in CI a missing one fails (test/support/needs.ts).
const redisNeeded = needs(redisServerAvailable ? null : 'redis-server is not installed');

const STORM = 2_000;

/** A workstation of the storm: connects and registers, and on any refusal tries again after 0.2–1 s. */
class StormWorkstation {
  registered = false;
  /** The close code that ended the registered connection, if one did. */
  closedWith: number | null = null;
  #stopped = false;
  #ws: WebSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly idToken: string,
    private readonly onRegistered: () => void,
  ) {}

  start(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}${WORKSTATION_PATH}`, WORKSTATION_PROTOCOL_V2, {
      perMessageDeflate: false,
    });
    this.#ws = ws;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'register', id: 'r1', idToken: this.idToken })));
    ws.on('message', (data) => {
      const message = parseRelayMessage((data as Buffer).toString('utf8'));
      if (message?.type === 'ping') ws.send('{"type":"pong"}');
      if (message?.type === 'registered' && !this.registered) {
        this.registered = true;
        this.onRegistered();
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.registered) this.closedWith = code;
      if (this.registered || this.#stopped) return;
      setTimeout(() => this.start(), 200 + Math.random() * 800);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#ws?.terminate();
  }
}

let redis: RedisServer;
let issuer: TestIssuer;
let folder: string;
let relay: BuiltRelay;
const storm: StormWorkstation[] = [];

/** The number after `name ` in the relay's Prometheus text. */
async function gauge(adminUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.slice(name.length + 1) ?? Number.NaN);
}

redisNeeded.describe(redisNeeded.title('a registration storm on one replica of the built relay'), () => {
  let adminUrl: string;

  beforeAll(async () => {
    folder = buildRelayOutside();
    [redis, issuer] = await Promise.all([startRedis(), startTestIssuer()]);
    const adminPort = await freePort();
    adminUrl = `http://127.0.0.1:${adminPort}`;
    relay = await startBuiltRelay(folder, {
      RELAY_ISSUER: issuer.issuer,
      RELAY_CLIENT_ID: issuer.clientId,
      RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
      RELAY_PORT: '0',
      RELAY_ADMIN_PORT: String(adminPort),
      RELAY_REDIS_URL: redis.url,
      RELAY_LOG_LEVEL: 'warn',
      // Every simulated workstation comes from 127.0.0.1: lift the per-source caps, not the queue's.
      RELAY_MAX_CONNECTIONS_PER_SOURCE: String(STORM + 100),
      RELAY_MAX_UNREGISTERED: String(STORM + 100),
      RELAY_MAX_UNREGISTERED_PER_SOURCE: String(STORM + 100),
      RELAY_REGISTRATIONS_PER_MINUTE: '1000000',
      RELAY_MAX_QUEUED_REGISTRATIONS: '1000',
      RELAY_REGISTER_TIMEOUT_MS: '30000',
    });
    await until(async () => (await fetch(`${adminUrl}/readyz`)).status === 200, 15_000, 'the relay ready');
  }, 60_000);

  afterAll(async () => {
    for (const w of storm) w.stop();
    relay?.child.kill('SIGKILL');
    await redis?.stop();
    await issuer?.close();
    if (folder !== undefined) removeFolder(folder);
  });

  it(`answers and delivers a logout while ${STORM} registrations arrive at once, within 30 s; every workstation ends registered`, async () => {
    const target = await TestWorkstation.connect(relay.url);
    const session = { sub: '5550000001', sid: 'storm-target' };
    expect(await target.register(await issuer.idToken(session))).toMatchObject({ type: 'registered' });
    const idTokens = await Promise.all(
      Array.from({ length: STORM }, (_, i) => issuer.idToken({ sub: `555${2_000_000 + i}`, sid: `storm-${i}` })),
    );
    const logoutToken = await issuer.logoutToken(session);

    let registeredCount = 0;
    for (const idToken of idTokens) storm.push(new StormWorkstation(relay.url, idToken, () => (registeredCount += 1)));
    for (const w of storm) w.start();
    // CIS2's POST comes while every one of them is still connecting.
    const sentAt = performance.now();
    const answer = postLogout(relay.url, logoutToken);
    const delivered = await target.logout(logoutToken, 30_000);
    expect((await answer).status).toBe(200);
    // How much of the storm registers before the logout reaches its PC is the machine's: a few
    // dozen at a load of 20, all 2,000 on a quiet CI machine that takes the storm in 3 s. The
    // rule checked is the one a clinician needs: the logout is answered and delivered during
    // the storm, within a bound (docs/benchmarks.md has the measured order, with and without the
    // queue).
    expect(delivered.at - sentAt).toBeLessThan(30_000);

    await until(() => storm.every((w) => w.registered), 50_000, `all ${STORM} registered`);
    expect(await gauge(adminUrl, 'cws_relay_connections{state="registered"}')).toBe(STORM + 1);
    target.close();
  }, 90_000);

  it(`stops within 10 s on SIGTERM with ${STORM} workstations connected: each closed with 1001, exit 0`, async () => {
    const signalled = performance.now();
    relay.child.kill('SIGTERM');
    const exit = await relay.exited();
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan(10_000);
    await until(() => storm.every((w) => w.closedWith !== null), 10_000, 'every workstation closed');
    expect(storm.filter((w) => w.closedWith !== 1001)).toHaveLength(0);
  }, 30_000);
});
