/**
 * What a replica says about itself on the admin listener: readiness (can it accept a logout now?)
 * and the JSON detail of `/healthz`.
 *
 * Ready means the issuer's keys are loaded (without them no logout can be checked: 503) and either
 * Redis is reachable or logouts accepted without it can be kept (the state directory writable and
 * not full). Redis down alone does not make a replica not-ready: it still answers 200 for a valid
 * logout and keeps it until Redis takes it (logout-acceptance.ts), so taking every replica out of
 * the load balancer for a Redis outage would turn a degraded service into none.
 */
import type { RelayConfig } from './config';
import type { IngressCounts } from './ingress';
import type { RelayStore } from './store';
import type { HubCounts } from './workstations';

export interface RelayHealth {
  readonly status: 'ok';
  readonly ready: boolean;
  readonly replica: string | undefined;
  readonly store: 'memory' | 'redis';
  /** Redis reachable (only with a Redis store). */
  readonly redis?: 'connected' | 'unavailable';
  /** `accepting`: into Redis; `pending`: kept on this replica until Redis is back; `unavailable`: 503. */
  readonly ingress: 'accepting' | 'pending' | 'unavailable';
  readonly keys: 'loaded' | 'not-loaded';
  /** This replica's own copy of the revocation list (Redis holds the shared one). */
  readonly revocationsKept: number;
  readonly pendingPublish: number;
  readonly pendingDurable: boolean;
  readonly counts: HubCounts & IngressCounts & { delivered: number };
}

export interface HealthSources {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly keysLoaded: () => boolean;
  readonly revocationsKept: () => number;
  readonly pending: { readonly size: number; healthy(): boolean };
  readonly hub: () => HubCounts;
  readonly ingress: () => IngressCounts;
  readonly delivered: () => number;
}

export function isReady(s: HealthSources): boolean {
  return s.keysLoaded() && (s.store.available() || s.pending.healthy());
}

export function healthOf(s: HealthSources): RelayHealth {
  const { config, store } = s;
  const ready = isReady(s);
  return {
    status: 'ok',
    ready,
    replica: config.replicaName,
    store: store.kind,
    ...(store.kind === 'redis' ? { redis: store.available() ? 'connected' : 'unavailable' } : {}),
    ingress: !ready ? 'unavailable' : store.available() ? 'accepting' : 'pending',
    keys: s.keysLoaded() ? 'loaded' : 'not-loaded',
    revocationsKept: s.revocationsKept(),
    pendingPublish: s.pending.size,
    pendingDurable: config.stateDir !== undefined && s.pending.healthy(),
    counts: { ...s.hub(), ...s.ingress(), delivered: s.delivered() },
  };
}
