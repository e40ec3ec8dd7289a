/**
 * The hub's registry: the connected workstations, how many each source holds (the caps that
 * refuse an upgrade), and which session each one registered for, indexed by `sid` and by `sub` so
 * that a logout finds the connections it names without looking at the others.
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

/** Whether an upgrade may go ahead: admitted, or refused by the replica's cap or its source's. */
export type Admission = 'admitted' | 'replica-full' | 'source-full';

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

export function createWorkstationRegistry(
  limits: Pick<RelayConfig, 'maxConnections' | 'maxConnectionsPerSource'>,
): WorkstationRegistry {
  const connections = new Set<Connection>();
  const perSource = new Map<string, number>();
  const bySid = new Map<string, Set<Connection>>();
  const bySub = new Map<string, Set<Connection>>();

  function release(source: string): void {
    const n = (perSource.get(source) ?? 1) - 1;
    if (n <= 0) perSource.delete(source);
    else perSource.set(source, n);
  }

  function setRegistration(conn: Connection, registration: Registration | null): void {
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
      const fromSource = perSource.get(source) ?? 0;
      if (fromSource >= limits.maxConnectionsPerSource) return 'source-full';
      perSource.set(source, fromSource + 1);
      return 'admitted';
    },
    release,
    add(conn) {
      connections.add(conn);
    },
    remove(conn) {
      connections.delete(conn);
      setRegistration(conn, null);
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
    registered() {
      let n = 0;
      for (const c of connections) if (c.registration !== null) n += 1;
      return n;
    },
  };
}
