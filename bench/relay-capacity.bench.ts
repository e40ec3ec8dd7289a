/**
 * One relay replica's capacity (issue 23): as many workstations as this machine can hold on ONE
 * replica of the built relay (`npm run build:relay`, started as `node main.mjs`, the production
 * entry point), sharing a real redis-server. Measured:
 * - registration: how fast N workstations (each its own RS256-signed ID token) register, and the
 *   replica's CPU seconds for it (/proc/<pid>/stat), so registrations per second per core;
 * - memory: the replica's RSS before and with N connections, per 1,000 connections;
 * - Redis: commands processed (INFO stats) per registration and per logout;
 * - delivery: 1,000 logouts at 50 a second, POST → workstation latency with N connected;
 * - restart: the replica stopped with SIGTERM (workstations hear 1001) and started again; time from
 *   the signal until all N have registered again (jittered backoff as the shell), and 500 logouts
 *   POSTed as soon as it is back, for workstations that may not have re-registered yet: none lost.
 * `npx tsx bench/relay-capacity.bench.ts [workstations]` (default 18,000: see docs/benchmarks.md).
 * Bounded: a 6-minute guard kills everything.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { buildRelayOutside, removeFolder } from '../test/relay/fixtures/built-relay';
import { startTestIssuer } from '../test/relay/fixtures/issuer';
import type { TestIssuer } from '../test/relay/fixtures/issuer';
import { freePort, startRedis } from '../test/relay/fixtures/redis';
import type { RedisServer } from '../test/relay/fixtures/redis';
import { summarise } from './lib/stats';
import { Workstation, kill, postAtRate, rssOf, waitFor } from './relay.bench';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

function startBuilt(
  folder: string,
  ports: { port: number; adminPort: number },
  issuer: TestIssuer,
  redis: RedisServer,
  n: number,
): ChildProcess {
  return spawn(process.execPath, ['main.mjs'], {
    cwd: folder,
    env: {
      PATH: process.env['PATH'] ?? '',
      RELAY_ISSUER: issuer.issuer,
      RELAY_CLIENT_ID: issuer.clientId,
      RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: String(ports.port),
      RELAY_ADMIN_PORT: String(ports.adminPort),
      RELAY_REDIS_URL: redis.url,
      RELAY_REPLICA_NAME: 'capacity',
      RELAY_LOG_LEVEL: 'info',
      // Every simulated workstation comes from 127.0.0.1: lift the per-source limits.
      RELAY_MAX_CONNECTIONS: String(n + 1_000),
      RELAY_MAX_CONNECTIONS_PER_SOURCE: String(n + 1_000),
      // …and let one source hold the replica's whole unregistered allowance, as PCs on many
      // addresses would (the per-replica cap and the registration queue keep their defaults).
      RELAY_MAX_UNREGISTERED_PER_SOURCE: '1000',
      RELAY_REGISTRATIONS_PER_MINUTE: '1000000',
      RELAY_INGRESS_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function runCapacity(count: number, progress: (line: string) => void) {
  const children: ChildProcess[] = [];
  const workstations: Workstation[] = [];
  let redis: RedisServer | null = null;
  let issuer: TestIssuer | null = null;
  let watcher: Redis | null = null;
  const folder = buildRelayOutside();
  const guard = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    void redis?.kill();
    process.stderr.write('relay capacity: overran its 6-minute guard; children killed\n');
    process.exit(1);
  }, 6 * 60_000);
  guard.unref();
  try {
    [redis, issuer] = await Promise.all([startRedis(), startTestIssuer()]);
    watcher = new Redis(redis.url);
    const ports = { port: await freePort(), adminPort: await freePort() };
    const url = `http://127.0.0.1:${ports.port}`;
    // Health is on the admin listener, never the public route.
    const adminUrl = `http://127.0.0.1:${ports.adminPort}`;
    let lastHealth = 'not asked';
    const readyCheck = async () => {
      try {
        const response = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        const h = (await response.json()) as Record<string, unknown>;
        lastHealth = JSON.stringify({ redis: h['redis'], keys: h['keys'] });
        return h['redis'] === 'connected' && h['keys'] === 'loaded';
      } catch (error) {
        lastHealth = `${(error as Error).name}: ${(error as Error).message} (${String((error as { cause?: { code?: string } }).cause?.code)})`;
        return false;
      }
    };
    let child = startBuilt(folder, ports, issuer, redis, count);
    children.push(child);
    await waitFor('replica ready', 30_000, readyCheck);
    await sleep(1_000);
    const rssBefore = rssOf(child.pid);
    progress(`relay capacity: replica up (RSS ${(rssBefore / 1e6).toFixed(1)} MB); signing ${count} ID tokens`);

    const sessions: { sub: string; sid: string; idToken: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const sub = `555${String(100000000 + i)}`;
      const sid = `capacity-sid-${i}`;
      sessions.push({
        sub,
        sid,
        idToken: await issuer.idToken({ sub, sid, exp: Math.floor(Date.now() / 1000) + 3600 }),
      });
    }

    const wsUrl = url.replace(/^http/, 'ws');
    const cpu0 = cpuSeconds(child.pid);
    const redis0 = await redisCommands(watcher);
    const connectStart = performance.now();
    for (let i = 0; i < count; i += 200) {
      await Promise.all(
        sessions.slice(i, i + 200).map(async (s, j) => {
          const w = new Workstation(s.idToken, [wsUrl]);
          workstations[i + j] = w;
          if (!(await w.connect(wsUrl))) throw new Error(`relay capacity: workstation ${i + j} could not register`);
        }),
      );
    }
    const connectMs = performance.now() - connectStart;
    const registrationCpu = cpuSeconds(child.pid) - cpu0;
    const registrationRedis = (await redisCommands(watcher)) - redis0;
    progress(
      `relay capacity: ${count} registered in ${(connectMs / 1000).toFixed(1)} s (${registrationCpu.toFixed(1)} CPU s)`,
    );
    await sleep(2_000);
    const rssAfter = rssOf(child.pid);

    const order = [...workstations.keys()].sort(() => Math.random() - 0.5);
    const arrivals = new Map<string, number>();
    for (const w of workstations) w.onLogout = (token, at) => arrivals.set(token, at);
    const tokens = async (indexes: number[]) =>
      Promise.all(
        indexes.map(async (i) => ({
          token: await issuer!.logoutToken({ sub: sessions[i]!.sub, sid: sessions[i]!.sid }),
          url,
        })),
      );
    const steadyCount = Math.min(1_000, Math.floor(count / 2));
    const delivery = await tokens(order.slice(0, steadyCount));
    const sentAt = new Map<string, number>();
    const redis1 = await redisCommands(watcher);
    progress(`relay capacity: delivering ${delivery.length} logouts at 50/s`);
    const steady = await postAtRate(delivery, 50, (token, t0) => sentAt.set(token, t0));
    await waitFor('steady logouts delivered', 10_000, () => delivery.every((t) => arrivals.has(t.token))).catch(
      () => undefined,
    );
    const logoutRedis = ((await redisCommands(watcher)) - redis1) / delivery.length;
    const latencies = delivery
      .filter((t) => arrivals.has(t.token))
      .map((t) => arrivals.get(t.token)! - sentAt.get(t.token)!);

    const rss = (b: number) => (b / 1e6).toFixed(1);
    progress(
      `relay capacity: RSS ${rss(rssBefore)} → ${rss(rssAfter)} MB; ${(count / registrationCpu).toFixed(0)} registrations per CPU second; ` +
        `Redis ${(registrationRedis / count).toFixed(2)} commands per registration, ${logoutRedis.toFixed(2)} per logout; ` +
        `POST → workstation p50 / p99 / max ${latencies.length ? ['median', 'p99', 'max'].map((k) => summarise(latencies)[k as 'p99'].toFixed(1)).join(' / ') : '-'} ms (${latencies.length} of ${delivery.length})`,
    );
    // Restart: SIGTERM (the workstations hear 1001 and back off), then start again on the port.
    progress(`relay capacity: SIGTERM to the replica with ${count} workstations, then starting it again`);
    const stoppedAt = performance.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const exitCode = await exited;
    const stopMs = performance.now() - stoppedAt;
    child = startBuilt(folder, ports, issuer, redis, count);
    children.push(child);
    // Its health answers only between the registrations of the returning workstations: wait longer.
    await waitFor('replica ready again', 120_000, readyCheck).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last health answer: ${lastHealth}`);
    });
    const restart = await tokens(order.slice(steadyCount, steadyCount + Math.min(500, count - steadyCount)));
    const restartSentAt = new Map<string, number>();
    const restartPosts = postAtRate(restart, 50, (token, t0) => restartSentAt.set(token, t0));
    await waitFor('every workstation registered again', 180_000, () => workstations.every((w) => w.registered));
    const allRegisteredMs = Math.max(...workstations.map((w) => w.registeredAt)) - stoppedAt;
    progress(`relay capacity: all ${count} registered again ${(allRegisteredMs / 1000).toFixed(1)} s after SIGTERM`);
    const posted = await restartPosts;
    await waitFor('restart logouts delivered', 15_000, () => restart.every((t) => arrivals.has(t.token))).catch(
      () => undefined,
    );
    const restartReceived = restart.filter((t) => arrivals.has(t.token));

    return {
      workstations: count,
      connectMs,
      registrationsPerSecond: count / (connectMs / 1000),
      registrationCpuSeconds: registrationCpu,
      registrationsPerCpuSecond: count / registrationCpu,
      redisCommandsPerRegistration: registrationRedis / count,
      redisCommandsPerLogout: logoutRedis,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      perThousandBytes: ((rssAfter - rssBefore) * 1000) / count,
      delivery: {
        sent: delivery.length,
        answered200: steady.statuses.filter((s) => s === 200).length,
        received: latencies.length,
        latencyMs: summarise(latencies),
      },
      restart: {
        stopMs,
        exitCode,
        allRegisteredMs,
        sent: restart.length,
        answered200: posted.statuses.filter((s) => s === 200).length,
        received: restartReceived.length,
        lost: restart.length - restartReceived.length,
        latencyMs: summarise(restartReceived.map((t) => arrivals.get(t.token)! - restartSentAt.get(t.token)!)),
      },
    };
  } finally {
    clearTimeout(guard);
    for (const w of workstations) w?.stop();
    await Promise.all(children.map(kill));
    watcher?.disconnect();
    await redis?.stop();
    await issuer?.close();
    removeFolder(folder);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 18_000);
  const result = await runCapacity(count, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
