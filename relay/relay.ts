/**
 * One relay replica: a public HTTP server (relay-server.ts) with the logout ingress (ingress.ts)
 * and the workstation channel (workstations.ts), an admin listener with health and metrics
 * (admin-server.ts), over a store that is in memory (one relay) or in Redis (several replicas).
 * docs/relay.md describes it for the trust's IT.
 */
import type { Server } from 'node:http';
import type { RelayConfig } from './config';
import type { ReplicaDeps } from './deps';
import { createIngress } from './ingress';
import { listenAdmin } from './admin-server';
import { discoverIssuerKeys } from '../main/services/oidc/issuer-keys';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';
import { causeOf, createRelayLogger, logHasher } from './log';
import type { Logger } from './log';
import { addressSet } from './net';
import { createRelayMetrics } from './metrics';
import type { RelayMetrics } from './metrics';
import { pendingPublish } from './pending';
import type { PendingPublish } from './pending';
import { createRedisStore } from './redis-store';
import type { RedisTarget } from './redis-link';
import { healthOf, isReady } from './replica-health';
import type { HealthSources, RelayHealth } from './replica-health';
import { listenRelay } from './relay-server';
import { RevocationList } from './revocations';
import type { Revocation } from './revocations';
import { SHUTDOWN_GRACE_MS, trackSockets } from './shutdown';
import { createMemoryStore } from './store';
import type { RelayStore } from './store';
import { createWorkstationHub } from './workstations';
import type { WorkstationHub } from './workstations';
import { parseHostPort } from './config';

export type { RelayHealth } from './replica-health';

/** What a test (or the benchmark) may put in place of what startRelay would make itself. */
export interface RelayOverrides {
  readonly logger?: Logger;
  /** Epoch milliseconds; tests move it. */
  readonly now?: () => number;
  /** For the issuer's configuration document. */
  readonly fetch?: typeof fetch;
  /** Replaces discovery (tests and the benchmark's stand-in issuer). */
  readonly keys?: () => Promise<IssuerKeys>;
  /** Replaces the store the configuration names (tests: a memory store that can fail as Redis does). */
  readonly store?: (parts: {
    readonly retentionMs: number;
    readonly now: () => number;
    readonly logger: Logger;
  }) => RelayStore;
}

export interface Relay {
  readonly url: string;
  readonly port: number;
  /** The admin listener: /livez, /readyz, /healthz, /metrics. */
  readonly adminUrl: string;
  readonly store: RelayStore;
  health(): RelayHealth;
  /** Stops accepting, closes every workstation politely (1001), lets in-flight POSTs finish, then closes the store (shutdown.ts). */
  close(): Promise<void>;
  /** As a crashed process: every socket cut without a closing handshake. For tests. */
  kill(): Promise<void>;
}

/** The issuer's keys (discovered unless overridden), and whether they have been loaded yet. */
function keysFor(
  config: RelayConfig,
  overrides: RelayOverrides,
): { load: () => Promise<IssuerKeys>; loaded(): boolean } {
  const keys =
    overrides.keys ??
    discoverIssuerKeys({
      issuer: config.issuer,
      allowInsecureLoopbackIssuer: config.allowInsecureLoopbackIssuer,
      ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
    });
  let loaded = false;
  return {
    load: () =>
      keys().then((k) => {
        loaded = true;
        return k;
      }),
    loaded: () => loaded,
  };
}

interface ReplicaParts {
  readonly deps: ReplicaDeps;
  readonly keysLoaded: () => boolean;
  readonly retentionMs: number;
}

/** One Redis URL, the Sentinels that name the primary, or neither (the in-memory store). */
function redisTarget(config: RelayConfig): RedisTarget | null {
  if (config.redisUrl !== undefined) return { url: config.redisUrl };
  if (config.redisSentinels.length === 0 || config.redisMasterName === undefined) return null;
  return {
    sentinels: config.redisSentinels.map((entry) => parseHostPort(entry) ?? { host: entry, port: 26379 }),
    name: config.redisMasterName,
    ...(config.redisPassword === undefined ? {} : { password: config.redisPassword }),
    ...(config.redisSentinelPassword === undefined ? {} : { sentinelPassword: config.redisSentinelPassword }),
  };
}

/** The replica's parts: its log, its keyed hash for log lines, the issuer's keys and the store. */
function replicaParts(config: RelayConfig, overrides: RelayOverrides): ReplicaParts {
  const now = overrides.now ?? Date.now;
  const logger =
    overrides.logger ??
    createRelayLogger({
      level: config.logLevel,
      ...(config.replicaName === undefined ? {} : { replica: config.replicaName }),
    });
  const hash = logHasher(config.logHashKey);
  const retentionMs = config.revocationHours * 3600_000;
  const keys = keysFor(config, overrides);
  const target = redisTarget(config);
  const store: RelayStore = overrides.store
    ? overrides.store({ retentionMs, now, logger })
    : target === null
      ? createMemoryStore({ retentionMs, now, logger })
      : createRedisStore({
          target,
          prefix: config.redisPrefix,
          retentionMs,
          waitReplicas: config.redisWaitReplicas,
          logger,
          now,
        });
  const deps: ReplicaDeps = { config, logger, hash, keys: keys.load, store, now };
  return { deps, keysLoaded: keys.loaded, retentionMs };
}

/** Stops listening and cuts every connection still open. */
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

function bindMetrics(metrics: RelayMetrics, sources: HealthSources, ready: () => boolean): void {
  const { store } = sources;
  metrics.bind({
    hub: sources.hub,
    redisUp: () => (store.kind === 'redis' ? store.available() : undefined),
    keysLoaded: sources.keysLoaded,
    ready,
    pending: () => sources.pending.size,
    revocationsKept: sources.revocationsKept,
  });
}

/** Offers pending logouts to Redis when it comes back and on a timer; catches workstations up after a return. */
function keepPublishing(
  deps: ReplicaDeps,
  pending: PendingPublish,
  hub: WorkstationHub,
): ReturnType<typeof setInterval> {
  const { store, logger, config } = deps;
  store.onAvailability((up) => {
    if (up) {
      logger.info({ event: 'redis connected' }, 'replica connected to Redis');
      void pending.flush().then(() => hub.catchUpAll());
    } else {
      logger.warn({ event: 'redis lost' }, 'replica lost Redis');
    }
  });
  // Also on a timer: a command that timed out while Redis stayed "up" leaves logouts pending too.
  const retry = setInterval(() => {
    if (pending.size > 0 && store.available()) void pending.flush();
  }, config.pendingRetryMs);
  retry.unref();
  return retry;
}

/** Fetches the issuer's keys until they load (a replica that is not ready gets no traffic to fetch them on demand). */
function loadKeysUntilLoaded(
  deps: ReplicaDeps,
  keysLoaded: () => boolean,
  every: number,
): ReturnType<typeof setInterval> {
  const attempt = (): void => {
    if (keysLoaded()) return;
    deps
      .keys()
      .catch((err: unknown) =>
        deps.logger.warn(
          { event: 'keys unavailable', ...causeOf(err) },
          "the issuer's keys could not be fetched; tried again shortly and on demand",
        ),
      );
  };
  attempt();
  const timer = setInterval(attempt, every);
  timer.unref();
  return timer;
}

export async function startRelay(config: RelayConfig, overrides: RelayOverrides = {}): Promise<Relay> {
  const { deps, keysLoaded, retentionMs } = replicaParts(config, overrides);
  const { logger, store, now } = deps;
  const metrics = createRelayMetrics();
  const mirror = new RevocationList(retentionMs, now);
  const allowSources = addressSet(config.allowSources);
  const trustedProxies = addressSet(config.trustedProxies);
  const hub = createWorkstationHub({ ...deps, mirror });
  const pending = pendingPublish({ store, now, logger, dir: config.stateDir, retryMs: config.pendingRetryMs });
  // What a previous run kept is this replica's to answer catch-up with while Redis is still away.
  for (const revocation of pending.kept()) mirror.add(revocation);
  let delivered = 0;

  function deliverHere(revocation: Revocation): number {
    mirror.add(revocation);
    const n = hub.deliver(revocation, false);
    delivered += n;
    metrics.delivered(n, (now() - revocation.acceptedAt) / 1000);
    return n;
  }

  store.onRevocation((revocation) => {
    const n = deliverHere(revocation);
    logger.info({ event: 'logout delivered', connections: n }, 'logout delivered');
  });

  const ingress = createIngress({
    ...deps,
    allowSources,
    answered: metrics.answered,
    acceptLocally(revocation) {
      pending.add(revocation);
      return deliverHere(revocation);
    },
  });
  const retry = keepPublishing(deps, pending, hub);

  const sources: HealthSources = {
    config,
    store,
    keysLoaded,
    revocationsKept: () => mirror.size,
    pending,
    hub: () => hub.counts(),
    ingress: () => ingress.counts(),
    delivered: () => delivered,
  };
  const ready = (): boolean => isReady(sources);
  bindMetrics(metrics, sources, ready);
  const health = (): RelayHealth => healthOf(sources);
  const { server, port, url } = await listenRelay(config, trustedProxies, { ingress, hub });
  const sockets = trackSockets(server);
  const admin = await listenAdmin(config, { ready, health, metrics }).catch(async (err: unknown) => {
    await closeServer(server);
    throw err;
  });
  logger.info({ event: 'relay started', store: store.kind, port, admin: admin.url }, 'relay started');
  // Fetch the issuer's keys now, so the first logout does not wait for them, and again until they load.
  const keysTimer = loadKeysUntilLoaded(deps, keysLoaded, 10_000);

  let stopped = false;
  async function stop(abrupt: boolean): Promise<void> {
    if (stopped) return;
    stopped = true;
    clearInterval(retry);
    clearInterval(keysTimer);
    // In-flight POSTs finish first (they may still need the store), then the store closes.
    await Promise.all([
      sockets.stop({ abrupt, graceMs: SHUTDOWN_GRACE_MS, closeWorkstations: (cut) => hub.close(cut) }),
      closeServer(admin.server),
    ]);
    await store.close();
    logger.info({ event: 'relay stopped', abrupt }, 'relay stopped');
  }

  const adminUrl = admin.url;
  return { url, port, adminUrl, store, health, close: () => stop(false), kill: () => stop(true) };
}
