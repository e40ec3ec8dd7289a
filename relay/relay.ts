/**
 * One relay replica: an HTTP server (relay-server.ts) with the logout ingress (ingress.ts), the
 * workstation channel (workstations.ts) and `/healthz`, over a store that is in memory (one relay)
 * or in Redis (several replicas). docs/relay.md describes it for the trust's IT.
 */
import type { RelayConfig } from './config';
import type { ReplicaDeps } from './deps';
import { createIngress } from './ingress';
import type { Ingress, IngressCounts } from './ingress';
import { discoverIssuerKeys } from '../main/services/oidc/issuer-keys';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';
import { createRelayLogger, logHasher } from './log';
import type { Logger } from './log';
import { addressSet } from './net';
import { pendingPublish } from './pending';
import type { PendingPublish } from './pending';
import { createRedisStore } from './redis-store';
import { listenRelay } from './relay-server';
import { RevocationList } from './revocations';
import type { Revocation } from './revocations';
import { SHUTDOWN_GRACE_MS, trackSockets } from './shutdown';
import { createMemoryStore } from './store';
import type { RelayStore } from './store';
import { createWorkstationHub } from './workstations';
import type { HubCounts, WorkstationHub } from './workstations';

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

export interface RelayHealth {
  readonly status: 'ok';
  readonly replica: string | undefined;
  readonly store: 'memory' | 'redis';
  /** Redis reachable (only with a Redis store). */
  readonly redis?: 'connected' | 'unavailable';
  readonly ingress: 'accepting' | 'unavailable';
  readonly keys: 'loaded' | 'not-loaded';
  readonly revocationsKept: number;
  readonly pendingPublish: number;
  readonly counts: HubCounts & IngressCounts & { delivered: number };
}

export interface Relay {
  readonly url: string;
  readonly port: number;
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
  const store: RelayStore = overrides.store
    ? overrides.store({ retentionMs, now, logger })
    : config.redisUrl === undefined
      ? createMemoryStore({ retentionMs, now, logger })
      : createRedisStore({ url: config.redisUrl, prefix: config.redisPrefix, retentionMs, logger, now });
  const deps: ReplicaDeps = { config, logger, hash, keys: keys.load, store, now };
  return { deps, keysLoaded: keys.loaded, retentionMs };
}

interface HealthSources {
  readonly deps: ReplicaDeps;
  readonly keysLoaded: () => boolean;
  readonly mirror: RevocationList;
  readonly pending: PendingPublish;
  readonly hub: WorkstationHub;
  readonly ingress: Ingress;
  readonly delivered: () => number;
}

function healthOf(sources: HealthSources): RelayHealth {
  const { config, store } = sources.deps;
  const { accepted, refused, unavailable } = sources.ingress.counts();
  return {
    status: 'ok',
    replica: config.replicaName,
    store: store.kind,
    ...(store.kind === 'redis' ? { redis: store.available() ? 'connected' : 'unavailable' } : {}),
    ingress: store.available() ? 'accepting' : 'unavailable',
    keys: sources.keysLoaded() ? 'loaded' : 'not-loaded',
    revocationsKept: sources.mirror.size,
    pendingPublish: sources.pending.size,
    counts: { ...sources.hub.counts(), accepted, refused, unavailable, delivered: sources.delivered() },
  };
}

export async function startRelay(config: RelayConfig, overrides: RelayOverrides = {}): Promise<Relay> {
  const { deps, keysLoaded, retentionMs } = replicaParts(config, overrides);
  const { logger, store, now } = deps;
  const mirror = new RevocationList(retentionMs, now);
  const allowSources = addressSet(config.allowSources);
  const trustedProxies = addressSet(config.trustedProxies);
  const hub = createWorkstationHub({ ...deps, mirror });
  const pending = pendingPublish(store, now);
  let delivered = 0;

  function deliverHere(revocation: Revocation): number {
    mirror.add(revocation);
    const n = hub.deliver(revocation, false);
    delivered += n;
    return n;
  }

  store.onRevocation((revocation) => {
    const n = deliverHere(revocation);
    logger.info({ event: 'logout delivered', connections: n }, 'logout delivered');
  });

  const ingress = createIngress({
    ...deps,
    allowSources,
    acceptLocally(revocation) {
      pending.add(revocation);
      return deliverHere(revocation);
    },
  });

  store.onAvailability((up) => {
    if (up) {
      logger.info({ event: 'redis connected' }, 'replica connected to Redis');
      void pending.flush().then(() => hub.catchUpAll());
    } else {
      logger.warn({ event: 'redis lost' }, 'replica lost Redis');
    }
  });

  const sources: HealthSources = { deps, keysLoaded, mirror, pending, hub, ingress, delivered: () => delivered };
  const health = (): RelayHealth => healthOf(sources);
  const { server, port, url } = await listenRelay(config, trustedProxies, { ingress, hub, health });
  const sockets = trackSockets(server);
  logger.info({ event: 'relay started', store: store.kind, port }, 'relay started');
  // Fetch the issuer's keys now, so the first logout does not wait for them (retried on demand).
  deps
    .keys()
    .catch(() =>
      logger.warn({ event: 'keys unavailable' }, "the issuer's keys could not be fetched yet; retried on demand"),
    );

  let stopped = false;
  async function stop(abrupt: boolean): Promise<void> {
    if (stopped) return;
    stopped = true;
    // In-flight POSTs finish first (they may still need the store), then the store closes.
    await sockets.stop({ abrupt, graceMs: SHUTDOWN_GRACE_MS, closeWorkstations: (cut) => hub.close(cut) });
    await store.close();
    logger.info({ event: 'relay stopped', abrupt }, 'relay stopped');
  }

  return { url, port, store, health, close: () => stop(false), kill: () => stop(true) };
}
