/**
 * The back-channel logout relay at ward scale, on this machine, loopback only:
 * - two relay replicas, each its own process (`relay/main.ts`, as `npm run relay` runs it), sharing
 *   a real redis-server (started here, persistence off);
 * - 5,000 simulated workstations in this process (`ws` clients speaking the protocol), spread over
 *   both replicas, each registered with its own ID token from a stand-in issuer (test/relay/fixtures);
 * - delivery: logout tokens POSTed at 50 a second to either replica, each naming one workstation's
 *   session; latency from just before the POST to the workstation receiving it;
 * - memory: each replica's RSS (/proc) before and after its connections, per 1,000 connections;
 * - reconnect storm: one replica is killed (SIGKILL) and started again on its port; its workstations
 *   reconnect with jittered exponential backoff to either replica, register again and ask for
 *   catch-up, as the shell does, while logouts keep coming at 50 a second, some for workstations
 *   that are offline at that moment. Measured: time from the kill until every workstation is
 *   registered again, and whether every logout reached its workstation (live or by catch-up).
 * Everything is bounded: a fixed number of logouts, timeouts on every wait, and a guard that kills
 * the children if the run overruns.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { WORKSTATION_PATH, WORKSTATION_PROTOCOL, parseRelayMessage } from '../main/services/relay-client/protocol';
import { startTestIssuer } from '../test/relay/fixtures/issuer';
import type { TestIssuer } from '../test/relay/fixtures/issuer';
import { freePort, startRedis } from '../test/relay/fixtures/redis';
import type { RedisServer } from '../test/relay/fixtures/redis';
import { summarise } from './lib/stats';
import type { Summary } from './lib/stats';

export interface RelayBenchOptions {
  readonly workstations?: number;
  readonly logoutsPerSecond?: number;
  readonly deliverySeconds?: number;
  readonly progress?: (line: string) => void;
}

export interface RelayBenchResult {
  readonly workstations: number;
  readonly replicas: number;
  readonly connectMs: number;
  readonly memory: {
    readonly replica: string;
    readonly connections: number;
    readonly rssBeforeBytes: number;
    readonly rssAfterBytes: number;
    readonly perThousandBytes: number;
  }[];
  readonly delivery: {
    readonly rate: number;
    readonly sent: number;
    readonly received: number;
    readonly latencyMs: Summary;
    readonly postMs: Summary;
  };
  readonly storm: {
    readonly reconnecting: number;
    readonly allRegisteredMs: number;
    readonly sent: number;
    readonly received: number;
    readonly lost: number;
    readonly viaCatchUp: number;
    readonly latencyMs: Summary;
  };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A workstation as the shell behaves: register on every (re)connect, then ask for catch-up. */
export class Workstation {
  ws: WebSocket | null = null;
  registered = false;
  registeredAt = 0;
  reconnects = 0;
  /** jti-less: the raw tokens received, with when and how. */
  readonly received = new Map<string, { at: number; catchUp: boolean }>();
  onLogout: ((token: string, at: number) => void) | null = null;
  #serial = 0;
  #stopped = false;

  constructor(
    readonly idToken: string,
    readonly urls: readonly string[],
  ) {}

  connect(url: string): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${url}${WORKSTATION_PATH}`, WORKSTATION_PROTOCOL, { perMessageDeflate: false });
      this.ws = ws;
      let settled = false;
      let live = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        resolve(ok);
      };
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'register', id: `r${(this.#serial += 1)}`, idToken: this.idToken })),
      );
      ws.on('message', (data) => {
        const message = parseRelayMessage((data as Buffer).toString('utf8'));
        if (message === null) return;
        switch (message.type) {
          case 'ping':
            ws.send('{"type":"pong"}');
            return;
          case 'registered':
            this.registered = true;
            live = true;
            this.registeredAt = performance.now();
            ws.send(JSON.stringify({ type: 'catch-up', id: `c${(this.#serial += 1)}` }));
            settle(true);
            return;
          case 'refused':
            settle(false);
            ws.terminate();
            return;
          case 'logout': {
            const at = performance.now();
            if (!this.received.has(message.logoutToken)) {
              this.received.set(message.logoutToken, { at, catchUp: message.catchUp });
              this.onLogout?.(message.logoutToken, at);
            }
            return;
          }
          default:
            return;
        }
      });
      ws.on('error', () => settle(false));
      ws.on('close', () => {
        settle(false);
        if (this.ws !== ws || !live) return; // a failed attempt: the backoff loop carries on
        this.registered = false;
        if (!this.#stopped) void this.reconnect();
      });
    });
  }

  /** Full-jitter exponential backoff (1 s base, capped at a minute), to either replica. */
  async reconnect(): Promise<void> {
    for (let attempt = 0; !this.#stopped; attempt += 1) {
      await sleep(Math.random() * Math.min(60_000, 1_000 * 2 ** attempt));
      if (this.#stopped) return;
      this.reconnects += 1;
      const url = this.urls[Math.floor(Math.random() * this.urls.length)] as string;
      if (await this.connect(url)) return;
    }
  }

  stop(): void {
    this.#stopped = true;
    this.ws?.terminate();
  }
}

interface Replica {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** Health and metrics (the admin listener). */
  readonly adminUrl: string;
  child: ChildProcess;
}

export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

export async function health(url: string): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`relay bench: ${what} did not happen within ${timeoutMs / 1000} s`);
}

function startReplica(
  name: string,
  [port, adminPort]: readonly [number, number],
  issuer: TestIssuer,
  redis: RedisServer,
): Replica {
  const env = {
    ...process.env,
    RELAY_ISSUER: issuer.issuer,
    RELAY_CLIENT_ID: issuer.clientId,
    RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: String(port),
    RELAY_ADMIN_PORT: String(adminPort),
    RELAY_REDIS_URL: redis.url,
    RELAY_REPLICA_NAME: name,
    RELAY_LOG_LEVEL: 'info',
    // Every simulated workstation comes from 127.0.0.1: lift the per-source limits.
    RELAY_MAX_CONNECTIONS_PER_SOURCE: '20000',
    RELAY_MAX_UNREGISTERED: '20000',
    RELAY_MAX_UNREGISTERED_PER_SOURCE: '20000',
    RELAY_REGISTRATIONS_PER_MINUTE: '1000000',
    RELAY_INGRESS_PER_MINUTE: '1000000',
  };
  // JSON log lines go nowhere (as if shipped to a collector); errors are shown.
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { name, port, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, child };
}

async function ready(replica: Replica): Promise<void> {
  await waitFor(`replica ${replica.name} ready`, 30_000, async () => {
    const h = await health(replica.adminUrl);
    return h?.['redis'] === 'connected' && h['keys'] === 'loaded';
  });
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** POSTs `tokens` at `rate` a second; resolves with each POST's duration once all are answered. */
export async function postAtRate(
  tokens: readonly { token: string; url: string }[],
  rate: number,
  onSent: (token: string, t0: number) => void,
): Promise<{ postMs: number[]; statuses: number[] }> {
  const start = performance.now();
  const posts: Promise<{ ms: number; status: number }>[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const { token, url } = tokens[i] as { token: string; url: string };
    const t0 = performance.now();
    onSent(token, t0);
    posts.push(
      fetch(`${url}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `logout_token=${token}`,
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (r) => {
          await r.arrayBuffer();
          return { ms: performance.now() - t0, status: r.status };
        })
        .catch(() => ({ ms: performance.now() - t0, status: 0 })),
    );
  }
  const done = await Promise.all(posts);
  return { postMs: done.map((d) => d.ms), statuses: done.map((d) => d.status) };
}

export async function runRelayBench(options: RelayBenchOptions = {}): Promise<RelayBenchResult> {
  const count = options.workstations ?? 5_000;
  const rate = options.logoutsPerSecond ?? 50;
  const deliverySeconds = options.deliverySeconds ?? 20;
  const progress = options.progress ?? (() => undefined);
  const children: ChildProcess[] = [];
  const workstations: Workstation[] = [];
  let redis: RedisServer | null = null;
  let issuer: TestIssuer | null = null;
  // The whole run must stop by itself, whatever happens.
  const guard = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    void redis?.kill();
    process.stderr.write('relay bench: overran its 6-minute guard; children killed\n');
  }, 6 * 60_000);
  guard.unref();

  try {
    [redis, issuer] = await Promise.all([startRedis(), startTestIssuer()]);
    const ports: [number, number][] = [
      [await freePort(), await freePort()],
      [await freePort(), await freePort()],
    ];
    const replicas = [
      startReplica('a', ports[0] as [number, number], issuer, redis),
      startReplica('b', ports[1] as [number, number], issuer, redis),
    ];
    children.push(...replicas.map((r) => r.child));
    await Promise.all(replicas.map(ready));
    await sleep(1_000);
    const rssBefore = replicas.map((r) => rssOf(r.child.pid));
    const urls = replicas.map((r) => r.url.replace(/^http/, 'ws'));
    progress(
      `relay bench: replicas up (RSS ${rssBefore.map((b) => (b / 1e6).toFixed(1)).join(' / ')} MB); signing ${count} ID tokens`,
    );

    const sessions: { sub: string; sid: string; idToken: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const sub = `555${String(100000000 + i)}`;
      const sid = `bench-sid-${i}`;
      sessions.push({ sub, sid, idToken: await issuer.idToken({ sub, sid }) });
    }

    // Connect: half to each replica, 100 handshakes in flight at a time.
    const connectStart = performance.now();
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        sessions.slice(i, i + 100).map(async (s, j) => {
          const w = new Workstation(s.idToken, urls);
          workstations[i + j] = w;
          if (!(await w.connect(urls[(i + j) % 2] as string)))
            throw new Error('relay bench: a workstation could not register');
        }),
      );
    }
    const connectMs = performance.now() - connectStart;
    progress(`relay bench: ${count} workstations registered in ${(connectMs / 1000).toFixed(1)} s`);
    await sleep(2_000);
    const rssAfter = replicas.map((r) => rssOf(r.child.pid));
    const perReplica = await Promise.all(
      replicas.map(async (r) =>
        Number(
          ((await health(r.adminUrl))?.['counts'] as Record<string, number> | undefined)?.['connections'] ?? Number.NaN,
        ),
      ),
    );
    const memory = replicas.map((r, i) => ({
      replica: r.name,
      connections: perReplica[i] as number,
      rssBeforeBytes: rssBefore[i] as number,
      rssAfterBytes: rssAfter[i] as number,
      perThousandBytes: (((rssAfter[i] as number) - (rssBefore[i] as number)) * 1000) / (perReplica[i] as number),
    }));

    // Steady delivery: the first 3/5 of the workstations are targets, each at most once.
    const order = [...workstations.keys()].sort(() => Math.random() - 0.5);
    const deliveryTargets = order.slice(0, Math.min(rate * deliverySeconds, Math.floor(count * 0.6)));
    const sentAt = new Map<string, number>();
    const arrivals = new Map<string, number>();
    for (const w of workstations) w.onLogout = (token, at) => arrivals.set(token, at);
    const deliveryTokens = await Promise.all(
      deliveryTargets.map(async (i) => ({
        token: await issuer!.logoutToken({ sub: sessions[i]!.sub, sid: sessions[i]!.sid }),
        url: replicas[Math.floor(Math.random() * 2)]!.url,
      })),
    );
    progress(`relay bench: delivering ${deliveryTokens.length} logouts at ${rate}/s`);
    const steady = await postAtRate(deliveryTokens, rate, (token, t0) => sentAt.set(token, t0));
    await waitFor('every steady-state logout delivered', 10_000, () =>
      deliveryTokens.every((t) => arrivals.has(t.token)),
    ).catch(() => undefined);
    const latencies = deliveryTokens
      .filter((t) => arrivals.has(t.token))
      .map((t) => (arrivals.get(t.token) as number) - (sentAt.get(t.token) as number));
    if (steady.statuses.some((s) => s !== 200))
      progress(
        `relay bench: ${steady.statuses.filter((s) => s !== 200).length} steady-state POSTs were not answered 200`,
      );

    // Reconnect storm: replica b dies and comes back on its port.
    const stormTargets = order.slice(deliveryTargets.length);
    const onB = workstations.filter((_, i) => i % 2 === 1);
    const killedAt = performance.now();
    progress(`relay bench: killing replica b (${onB.length} workstations) and starting it again`);
    await kill(replicas[1]!.child);
    const b2 = startReplica('b', ports[1] as [number, number], issuer, redis);
    replicas[1] = b2;
    children.push(b2.child);
    const stormCount = Math.min(stormTargets.length, rate * 20);
    const stormTokens = await Promise.all(
      stormTargets.slice(0, stormCount).map(async (i) => ({
        token: await issuer!.logoutToken({ sub: sessions[i]!.sub, sid: sessions[i]!.sid }),
        url: replicas[0]!.url,
        i,
      })),
    );
    const stormSentAt = new Map<string, number>();
    const storm = postAtRate(stormTokens, rate, (token, t0) => stormSentAt.set(token, t0));
    await waitFor('every workstation registered again', 120_000, () => workstations.every((w) => w.registered));
    const allRegisteredMs = Math.max(...onB.map((w) => w.registeredAt)) - killedAt;
    progress(`relay bench: all ${count} registered again ${(allRegisteredMs / 1000).toFixed(1)} s after the kill`);
    const stormPosts = await storm;
    await waitFor('every storm logout delivered', 15_000, () => stormTokens.every((t) => arrivals.has(t.token))).catch(
      () => undefined,
    );
    const stormReceived = stormTokens.filter((t) => arrivals.has(t.token));
    const viaCatchUp = stormTokens.filter((t) => workstations[t.i]!.received.get(t.token)?.catchUp === true).length;
    if (stormPosts.statuses.some((s) => s !== 200))
      progress(`relay bench: ${stormPosts.statuses.filter((s) => s !== 200).length} storm POSTs were not answered 200`);

    return {
      workstations: count,
      replicas: 2,
      connectMs,
      memory,
      delivery: {
        rate,
        sent: deliveryTokens.length,
        received: latencies.length,
        latencyMs: summarise(latencies),
        postMs: summarise(steady.postMs),
      },
      storm: {
        reconnecting: onB.length,
        allRegisteredMs,
        sent: stormTokens.length,
        received: stormReceived.length,
        lost: stormTokens.length - stormReceived.length,
        viaCatchUp,
        latencyMs: summarise(
          stormReceived.map((t) => (arrivals.get(t.token) as number) - (stormSentAt.get(t.token) as number)),
        ),
      },
    };
  } finally {
    clearTimeout(guard);
    for (const w of workstations) w?.stop();
    await Promise.all(children.map(kill));
    await redis?.stop();
    await issuer?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { reportRelay } = await import('./lib/suites');
  const result = await runRelayBench({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${reportRelay(result).report}\n`);
}
