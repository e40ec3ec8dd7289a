/**
 * The hub's registry: the connected workstations, how many each source holds (the caps that
 * refuse an upgrade), and which session each one registered for, indexed by `sid` and by `sub` so
 * that a logout finds the connections it names without looking at the others.
 *
 * Connections not (yet) registered have caps of their own, per replica and per source, far below
 * the caps for all connections: someone without a valid ID token can hold at most
 * `maxUnregistered` of a replica's `maxConnections` places (and `maxUnregisteredPerSource` from one
 * address), each for at most the registration window, so the rest stay for registered PCs.
 */
import type { WebSocket } from 'ws';
import type { RelayConfig } from './config';
import type { Registration, Revocation } from './revocations';

export interface Connection {
  readonly ws: WebSocket;
  readonly source: string;
  alive: boolean;
  registration: Registration | null;
  /** The logouts already sent on this connection (jti), so none is sent twice. */
  readonly sent: Set<string>;
  queue: Promise<void>;
  queued: number;
}

/** A connection just upgraded: alive, not registered, nothing sent or queued. */
export function newConnection(ws: WebSocket, source: string): Connection {
  return { ws, source, alive: true, registration: null, sent: new Set(), queue: Promise.resolve(), queued: 0 };
}

/** Whether an upgrade may go ahead: admitted, or refused by the replica's cap or its source's. */
export type Admission = 'admitted' | 'replica-full' | 'source-full' | 'unregistered-full';

export interface WorkstationRegistry {
  /** Counts an upgrade from `source` against the caps; on 'admitted' the source holds one more place. */
  admit(source: string): Admission;
  /** Gives back a place `admit` took (the upgrade never became a connection, or the connection closed). */
  release(source: string): void;
  add(conn: Connection): void;
  /** Forgets a closed connection: it, its registration and its source's place. */
  remove(conn: Connection): void;
  /** Registers the connection for a session (null: for none), forgetting what was sent for the last one. */
  setRegistration(conn: Connection, registration: Registration | null): void;
  /** The connections registered for what a logout names: its `sid`, or its `sub` when it has no `sid`. */
  named(revocation: Revocation): Iterable<Connection>;
  connections(): ReadonlySet<Connection>;
  /** How many connections hold a registration. */
  registered(): number;
  /** Connections that have been without a registration since before `since` (epoch ms). */
  unregisteredSince(since: number): Connection[];
}

type Limits = Pick<
  RelayConfig,
  'maxConnections' | 'maxConnectionsPerSource' | 'maxUnregistered' | 'maxUnregisteredPerSource'
>;

/** Adds `delta` to `source`'s count in `map`, forgetting it at zero. */
function bump(map: Map<string, number>, source: string, delta: number): void {
  const n = (map.get(source) ?? 0) + delta;
  if (n <= 0) map.delete(source);
  else map.set(source, n);
}

function index(map: Map<string, Set<Connection>>, key: string | undefined, conn: Connection, add: boolean): void {
  if (key === undefined) return;
  let set = map.get(key);
  if (add) {
    if (set === undefined) map.set(key, (set = new Set()));
    set.add(conn);
  } else if (set !== undefined) {
    set.delete(conn);
    if (set.size === 0) map.delete(key);
  }
}

export function createWorkstationRegistry(limits: Limits, now: () => number): WorkstationRegistry {
  const connections = new Set<Connection>();
  const perSource = new Map<string, number>();
  /** Places held by upgrades and connections without a registration, per source, and since when (connections). */
  const unregisteredPerSource = new Map<string, number>();
  const unregisteredAt = new Map<Connection, number>();
  let unregistered = 0;
  let registeredCount = 0;
  const bySid = new Map<string, Set<Connection>>();
  const bySub = new Map<string, Set<Connection>>();

  function release(source: string): void {
    bump(perSource, source, -1);
    bump(unregisteredPerSource, source, -1);
    unregistered -= 1;
  }

  function setRegistration(conn: Connection, registration: Registration | null): void {
    if ((conn.registration === null) !== (registration === null)) {
      const becomesRegistered = registration !== null;
      bump(unregisteredPerSource, conn.source, becomesRegistered ? -1 : 1);
      unregistered += becomesRegistered ? -1 : 1;
      registeredCount += becomesRegistered ? 1 : -1;
      if (becomesRegistered) unregisteredAt.delete(conn);
      else unregisteredAt.set(conn, now());
    }
    if (conn.registration !== null) {
      index(bySid, conn.registration.sid, conn, false);
      index(bySub, conn.registration.sub, conn, false);
    }
    conn.registration = registration;
    conn.sent.clear();
    if (registration !== null) {
      index(bySid, registration.sid, conn, true);
      index(bySub, registration.sub, conn, true);
    }
  }

  return {
    admit(source) {
      if (connections.size >= limits.maxConnections) return 'replica-full';
      if (unregistered >= limits.maxUnregistered) return 'unregistered-full';
      const fromSource = perSource.get(source) ?? 0;
      if (fromSource >= limits.maxConnectionsPerSource) return 'source-full';
      if ((unregisteredPerSource.get(source) ?? 0) >= limits.maxUnregisteredPerSource) return 'source-full';
      bump(perSource, source, 1);
      bump(unregisteredPerSource, source, 1);
      unregistered += 1;
      return 'admitted';
    },
    release,
    add(conn) {
      connections.add(conn);
      unregisteredAt.set(conn, now());
    },
    remove(conn) {
      if (!connections.delete(conn)) return;
      setRegistration(conn, null);
      unregisteredAt.delete(conn);
      release(conn.source);
    },
    setRegistration,
    named(revocation) {
      const candidates =
        revocation.sid !== undefined
          ? bySid.get(revocation.sid)
          : revocation.sub !== undefined
            ? bySub.get(revocation.sub)
            : undefined;
      return candidates ?? [];
    },
    connections: () => connections,
    registered: () => registeredCount,
    unregisteredSince(since) {
      const overdue: Connection[] = [];
      for (const [conn, at] of unregisteredAt) if (at < since) overdue.push(conn);
      return overdue;
    },
  };
}
