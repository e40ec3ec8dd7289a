/**
 * One relay replica: an HTTP server with the logout ingress (ingress.ts), the workstation channel
 * (workstations.ts) and `/healthz`, over a store that is in memory (one relay) or in Redis (several
 * replicas). docs/relay.md describes it for the trust's IT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WORKSTATION_PATH } from '../main/services/relay-client/protocol';
import type { RelayConfig } from './config';
import { INGRESS_PATH, answer, createIngress } from './ingress';
import type { IngressCounts } from './ingress';
import { issuerKeys } from './keys';
import type { IssuerKeys } from './keys';
import { createRelayLogger, logHasher } from './log';
import type { Logger } from './log';
import { addressSet, clientAddress } from './net';
import { createRedisStore } from './redis-store';
import { RevocationList } from './revocations';
import type { Revocation } from './revocations';
import { createMemoryStore } from './store';
import type { RelayStore } from './store';
import { createWorkstationHub } from './workstations';
import type { HubCounts } from './workstations';

export interface RelayDeps {
  readonly logger?: Logger;
  /** Epoch milliseconds; tests move it. */
  readonly now?: () => number;
  /** For the issuer's configuration document. */
  readonly fetch?: typeof fetch;
  /** Replaces discovery (tests and the benchmark's stand-in issuer). */
  readonly keys?: () => Promise<IssuerKeys>;
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
  /** Stops accepting, closes every connection politely (1001) and the store. */
  close(): Promise<void>;
  /** As a crashed process: every socket cut without a closing handshake. For tests. */
  kill(): Promise<void>;
}

/** Logouts accepted while the store was away, published when it is back (bounded). */
const MAX_PENDING = 10_000;

export async function startRelay(config: RelayConfig, deps: RelayDeps = {}): Promise<Relay> {
  const now = deps.now ?? Date.now;
  const logger =
    deps.logger ??
    createRelayLogger({
      level: config.logLevel,
      ...(config.replicaName === undefined ? {} : { replica: config.replicaName }),
    });
  const hash = logHasher(config.logHashKey);
  const retentionMs = config.revocationHours * 3600_000;
  const keys =
    deps.keys ??
    issuerKeys({
      issuer: config.issuer,
      allowInsecureLoopbackIssuer: config.allowInsecureLoopbackIssuer,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
  let keysLoaded = false;
  const loadKeys = (): Promise<IssuerKeys> =>
    keys().then((k) => {
      keysLoaded = true;
      return k;
    });
  const store: RelayStore =
    config.redisUrl === undefined
      ? createMemoryStore({ retentionMs, now })
      : createRedisStore({ url: config.redisUrl, prefix: config.redisPrefix, retentionMs, logger, now });
  const mirror = new RevocationList(retentionMs, now);
  const allowSources = addressSet(config.allowSources);
  const trustedProxies = addressSet(config.trustedProxies);
  const hub = createWorkstationHub({ config, logger, hash, keys: loadKeys, store, mirror, now });
  const pending: Revocation[] = [];
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
    config,
    logger,
    hash,
    keys: loadKeys,
    store,
    allowSources,
    now,
    acceptLocally(revocation) {
      if (pending.length < MAX_PENDING) pending.push(revocation);
      return deliverHere(revocation);
    },
  });

  async function flushPending(): Promise<void> {
    while (pending.length > 0 && store.available()) {
      const revocation = pending[0] as Revocation;
      try {
        // Unless CIS2 retried it meanwhile and another replica took it.
        if (await store.firstSeen(revocation.jti, now() + 300_000)) await store.publish(revocation);
        pending.shift();
      } catch {
        return;
      }
    }
  }

  store.onAvailability((up) => {
    if (up) {
      logger.info({ event: 'redis connected' }, 'replica connected to Redis');
      void flushPending().then(() => hub.catchUpAll());
    } else {
      logger.warn({ event: 'redis lost' }, 'replica lost Redis');
    }
  });

  function health(): RelayHealth {
    const { accepted, refused, unavailable } = ingress.counts();
    return {
      status: 'ok',
      replica: config.replicaName,
      store: store.kind,
      ...(store.kind === 'redis' ? { redis: store.available() ? 'connected' : 'unavailable' } : {}),
      ingress: store.available() ? 'accepting' : 'unavailable',
      keys: keysLoaded ? 'loaded' : 'not-loaded',
      revocationsKept: mirror.size,
      pendingPublish: pending.length,
      counts: { ...hub.counts(), accepted, refused, unavailable, delivered },
    };
  }

  const server = createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // How often Node checks those two timeouts (its default, 30 s, would let a slow client stay far longer).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
  });
  server.maxHeadersCount = 100;

  const sourceOf = (req: {
    socket: { remoteAddress?: string | undefined };
    headers: Record<string, string | string[] | undefined>;
  }): string => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies);

  server.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === INGRESS_PATH) {
      ingress.handle(req, res, sourceOf(req));
      return;
    }
    req.resume();
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = JSON.stringify(health());
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    answer(res, 404, { error: 'not_found' });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '/').split('?')[0] !== WORKSTATION_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    hub.upgrade(req, socket, head, sourceOf(req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ event: 'relay started', store: store.kind, port }, 'relay started');
  // Fetch the issuer's keys now, so the first logout does not wait for them (retried on demand).
  loadKeys().catch(() =>
    logger.warn({ event: 'keys unavailable' }, "the issuer's keys could not be fetched yet; retried on demand"),
  );

  let stopped = false;
  async function stop(abrupt: boolean): Promise<void> {
    if (stopped) return;
    stopped = true;
    hub.close(abrupt);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await Promise.all([closed, store.close()]);
    logger.info({ event: 'relay stopped', abrupt }, 'relay stopped');
  }

  return { url, port, store, health, close: () => stop(false), kill: () => stop(true) };
}
