/**
 * The replica's Prometheus metrics (prom-client), served on the admin listener (admin-server.ts),
 * never on the public route. One registry per replica, so replicas in one process (tests) keep
 * theirs apart. Names start `cws_relay_`; docs/relay.md lists them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { noMessageCounts } from './workstation-messages';
import type { HubCounts } from './workstations';

/** What the gauges and the counters kept elsewhere are read from at each scrape. */
export interface MetricSources {
  readonly hub: () => HubCounts;
  readonly redisUp: () => boolean | undefined;
  readonly keysLoaded: () => boolean;
  readonly ready: () => boolean;
  readonly pending: () => number;
  readonly revocationsKept: () => number;
}

export interface RelayMetrics {
  readonly registry: Registry;
  /** A logout POST's answer: its status and code (the refusal code, or accepted / accepted-pending). */
  answered(status: number, code: string): void;
  /** A logout delivered live to `connections` workstations, `seconds` after its POST was accepted. */
  delivered(connections: number, seconds: number): void;
  /** Where the gauges read from (once the replica's parts exist). */
  bind(sources: MetricSources): void;
}

type Labels = Record<string, string>;

/** A counter whose value is kept elsewhere (the hub's counts): raised by the difference at each scrape. */
function mirrored(registry: Registry, name: string, help: string, read: () => [Labels, number][]): void {
  const last = new Map<string, number>();
  const labelNames = [...new Set(read().flatMap(([labels]) => Object.keys(labels)))];
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels);
        const before = last.get(key) ?? 0;
        if (value > before) this.inc(labels, value - before);
        last.set(key, value);
      }
    },
  });
}

function gauge(registry: Registry, name: string, help: string, read: () => [Labels, number][]): void {
  const labelNames = [...new Set(read().flatMap(([labels]) => Object.keys(labels)))];
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}

const NO_HUB: HubCounts = { connections: 0, registered: 0, ...noMessageCounts() };

/** The hub's own counts (workstations.ts), mirrored as counters and the connections gauge. */
function mirrorHubCounts(registry: Registry, hub: () => HubCounts): void {
  mirrored(registry, 'cws_relay_logouts_sent_total', 'Logout messages sent to workstations (live and catch-up)', () => [
    [{}, hub().logoutsSent],
  ]);
  mirrored(
    registry,
    'cws_relay_logouts_refused_by_workstations_total',
    'Logouts a workstation checked and refused (its acknowledgement); each is sent again at its next catch-up',
    () => [[{}, hub().logoutsRefusedByWorkstations]],
  );
  mirrored(registry, 'cws_relay_registrations_total', 'Workstation registrations by result', () => [
    [{ result: 'accepted' }, hub().registrationsAccepted],
    [{ result: 'refused' }, hub().registrationsRefused],
    [{ result: 'deferred' }, hub().registrationsDeferred],
  ]);
  mirrored(
    registry,
    'cws_relay_catch_ups_total',
    'Catch-up requests by result (limited: over the per-connection rate)',
    () => [
      [{ result: 'answered' }, hub().catchUps],
      [{ result: 'limited' }, hub().catchUpsLimited],
    ],
  );
  mirrored(registry, 'cws_relay_connections_dropped_total', 'Connections dropped (no pong, or not reading)', () => [
    [{}, hub().dropped],
  ]);
}

export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cws_relay_process_' });
  let sources: MetricSources | null = null;
  const hub = (): HubCounts => sources?.hub() ?? NO_HUB;
  const flag = (value: boolean | undefined): number => (value === true ? 1 : 0);

  const answers = new Counter({
    name: 'cws_relay_logout_requests_total',
    help: 'Logout POSTs by HTTP status and code (the refusal code, accepted, accepted-pending, rate-limited, keys-unavailable …)',
    labelNames: ['status', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'cws_relay_logout_delivery_seconds',
    help: 'From a logout POST accepted (on any replica) to its live delivery to a workstation on this one',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'cws_relay_logout_deliveries_total',
    help: 'Logouts delivered live to a workstation connection on this replica',
    registers: [registry],
  });
  mirrorHubCounts(registry, hub);
  gauge(registry, 'cws_relay_connections', 'Open workstation connections by state', () => [
    [{ state: 'registered' }, hub().registered],
    [{ state: 'unregistered' }, hub().connections - hub().registered],
  ]);
  gauge(
    registry,
    'cws_relay_redis_up',
    '1 while Redis is reachable (0 also for the in-memory store: see cws_relay_ready)',
    () => [[{}, flag(sources?.redisUp())]],
  );
  gauge(registry, 'cws_relay_issuer_keys_loaded', "1 once the issuer's signing keys are loaded", () => [
    [{}, flag(sources?.keysLoaded())],
  ]);
  gauge(registry, 'cws_relay_ready', '1 while this replica can accept a logout (readiness)', () => [
    [{}, flag(sources?.ready())],
  ]);
  gauge(registry, 'cws_relay_pending_logouts', 'Logouts accepted here and not yet taken by Redis', () => [
    [{}, sources?.pending() ?? 0],
  ]);
  gauge(registry, 'cws_relay_revocations_kept', "This replica's own copy of the revocation list (not Redis's)", () => [
    [{}, sources?.revocationsKept() ?? 0],
  ]);

  return {
    registry,
    answered: (status, code) => answers.inc({ status: String(status), code }),
    delivered(connections, seconds) {
      if (connections <= 0) return;
      deliveries.inc(connections);
      for (let i = 0; i < connections; i += 1) latency.observe(Math.max(0, seconds));
    },
    bind(next) {
      sources = next;
    },
  };
}
