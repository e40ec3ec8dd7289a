/**
 * The workstation channel (main/services/relay-client/protocol.ts): one WebSocket per shell.
 * A connection hears only the logouts of the session it registered with a valid ID token; every
 * message is parsed with the protocol's schemas and anything else closes the connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import {
  MAX_MESSAGE_BYTES,
  WORKSTATION_PROTOCOL,
  parseWorkstationMessage,
} from '../main/services/relay-client/protocol';
import type { RelayMessage, RegistrationRefusal, WorkstationMessage } from '../main/services/relay-client/protocol';
import type { RelayDeps } from './deps';
import { checkIdToken } from './id-token';
import type { IssuerKeys } from './keys';
import { rateLimiter } from './rate-limit';
import { appliesToSession } from './revocations';
import type { Registration, Revocation, RevocationList } from './revocations';

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE = {
  protocolError: 1002,
  unsupportedData: 1003,
  policy: 1008,
  tooBig: 1009,
  goingAway: 1001,
  tryAgainLater: 1013,
} as const;

/** A connection whose unsent data passes this is not reading: it is dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Messages waiting for the one before them (a registration being checked) on one connection. */
const MAX_QUEUED_MESSAGES = 16;

interface Connection {
  readonly ws: WebSocket;
  readonly source: string;
  alive: boolean;
  registration: Registration | null;
  /** The logouts already sent on this connection (jti), so none is sent twice. */
  readonly sent: Set<string>;
  queue: Promise<void>;
  queued: number;
}

export interface WorkstationHubOptions extends RelayDeps {
  /** This replica's own copy of the revocation list, for catch-up while the store is away. */
  readonly mirror: RevocationList;
}

export interface HubCounts {
  connections: number;
  registered: number;
  registrationsAccepted: number;
  registrationsRefused: number;
  logoutsSent: number;
  dropped: number;
}

export interface WorkstationHub {
  /** Takes over an HTTP upgrade to WORKSTATION_PATH from `source`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, source: string): void;
  /** Sends a logout to every connection whose registration it names; returns how many. */
  deliver(revocation: Revocation, catchUp: boolean): number;
  /** Catches every registered connection up from the store (after the store came back). */
  catchUpAll(): Promise<void>;
  counts(): HubCounts;
  /** Closes every connection: politely (1001), or abruptly as a crashed process would. */
  close(abrupt?: boolean): void;
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n`,
  );
  socket.destroy();
}

export function createWorkstationHub(options: WorkstationHubOptions): WorkstationHub {
  const { config, logger, hash, store, mirror, now } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: () => WORKSTATION_PROTOCOL,
  });
  const connections = new Set<Connection>();
  const perSource = new Map<string, number>();
  const bySid = new Map<string, Set<Connection>>();
  const bySub = new Map<string, Set<Connection>>();
  const registrations = rateLimiter(config.registrationsPerMinute, now);
  const counts = { registrationsAccepted: 0, registrationsRefused: 0, logoutsSent: 0, dropped: 0 };

  function send(conn: Connection, message: RelayMessage): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      counts.dropped += 1;
      conn.ws.terminate();
      return;
    }
    conn.ws.send(JSON.stringify(message));
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

  function sendLogout(conn: Connection, revocation: Revocation, catchUp: boolean): boolean {
    if (conn.registration === null || conn.sent.has(revocation.jti) || !appliesToSession(revocation, conn.registration))
      return false;
    conn.sent.add(revocation.jti);
    counts.logoutsSent += 1;
    send(conn, { type: 'logout', logoutToken: revocation.logoutToken, catchUp });
    return true;
  }

  async function revocationsFor(registration: Registration): Promise<Revocation[]> {
    if (store.available()) {
      try {
        return await store.revocationsFor(registration);
      } catch {
        // Fall through to what this replica has.
      }
    }
    return mirror.for(registration);
  }

  async function register(conn: Connection, id: string, idToken: string): Promise<void> {
    const refuse = (reason: RegistrationRefusal): void => {
      setRegistration(conn, null);
      counts.registrationsRefused += 1;
      logger.info({ event: 'registration refused', reason }, 'registration refused');
      send(conn, { type: 'refused', id, reason });
    };
    let keys: IssuerKeys;
    try {
      keys = await options.keys();
    } catch {
      refuse('keys-unavailable');
      return;
    }
    const result = await checkIdToken(idToken, keys, { issuer: config.issuer, clientId: config.clientId, now });
    if (!result.ok) {
      refuse(result.reason);
      return;
    }
    setRegistration(conn, {
      sub: result.sub,
      ...(result.sid === undefined ? {} : { sid: result.sid }),
      sessionStart: result.sessionStart,
    });
    counts.registrationsAccepted += 1;
    logger.info(
      { event: 'registration accepted', sub: hash(result.sub), sid: hash(result.sid) },
      'registration accepted',
    );
    send(conn, { type: 'registered', id });
  }

  async function catchUp(conn: Connection, id: string | null): Promise<void> {
    const registration = conn.registration;
    if (registration !== null) {
      for (const revocation of await revocationsFor(registration)) {
        // The registration may have changed while the store answered.
        if (conn.registration === registration) sendLogout(conn, revocation, true);
      }
    }
    if (id !== null) send(conn, { type: 'caught-up', id });
  }

  async function handle(conn: Connection, message: WorkstationMessage): Promise<void> {
    switch (message.type) {
      case 'register':
        if (!registrations.take(conn.source)) {
          counts.registrationsRefused += 1;
          logger.warn({ event: 'registration refused', reason: 'rate-limited' }, 'registration refused');
          conn.ws.close(CLOSE.tryAgainLater, 'too many registrations');
          return;
        }
        await register(conn, message.id, message.idToken);
        return;
      case 'unregister':
        setRegistration(conn, null);
        send(conn, { type: 'unregistered', id: message.id });
        return;
      case 'catch-up':
        await catchUp(conn, message.id);
        return;
      case 'pong':
        return;
    }
  }

  function onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      conn.ws.close(CLOSE.unsupportedData, 'text frames only');
      return;
    }
    const message = parseWorkstationMessage(
      Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'),
    );
    if (message === null) {
      conn.ws.close(CLOSE.protocolError, 'not a workstation message');
      return;
    }
    conn.alive = true;
    if (message.type === 'pong') return;
    if (conn.queued >= MAX_QUEUED_MESSAGES) {
      conn.ws.close(CLOSE.policy, 'too many messages at once');
      return;
    }
    conn.queued += 1;
    conn.queue = conn.queue
      .then(() => handle(conn, message))
      .catch((err: unknown) =>
        logger.error(
          { event: 'workstation message failed', err: err instanceof Error ? err.name : 'unknown' },
          'a workstation message could not be handled',
        ),
      )
      .finally(() => {
        conn.queued -= 1;
      });
  }

  function attach(ws: WebSocket, source: string): void {
    const conn: Connection = {
      ws,
      source,
      alive: true,
      registration: null,
      sent: new Set(),
      queue: Promise.resolve(),
      queued: 0,
    };
    connections.add(conn);
    ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connections.delete(conn);
      setRegistration(conn, null);
      const n = (perSource.get(source) ?? 1) - 1;
      if (n <= 0) perSource.delete(source);
      else perSource.set(source, n);
    });
  }

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        counts.dropped += 1;
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      send(conn, { type: 'ping' });
    }
  }, config.heartbeatMs);
  heartbeat.unref();

  return {
    upgrade(req, socket, head, source) {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim());
      if (!offered.includes(WORKSTATION_PROTOCOL)) return reject(socket, 400, 'Bad Request');
      if (connections.size >= config.maxConnections) return reject(socket, 503, 'Service Unavailable');
      const fromSource = perSource.get(source) ?? 0;
      if (fromSource >= config.maxConnectionsPerSource) return reject(socket, 429, 'Too Many Requests');
      perSource.set(source, fromSource + 1);
      let attached = false;
      socket.once('close', () => {
        if (attached) return;
        const n = (perSource.get(source) ?? 1) - 1;
        if (n <= 0) perSource.delete(source);
        else perSource.set(source, n);
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        attached = true;
        attach(ws, source);
      });
    },
    deliver(revocation, catchUpFlag) {
      const candidates =
        revocation.sid !== undefined
          ? bySid.get(revocation.sid)
          : revocation.sub !== undefined
            ? bySub.get(revocation.sub)
            : undefined;
      let n = 0;
      for (const conn of candidates ?? []) if (sendLogout(conn, revocation, catchUpFlag)) n += 1;
      return n;
    },
    async catchUpAll() {
      const registered = [...connections].filter((c) => c.registration !== null);
      for (let i = 0; i < registered.length; i += 100) {
        await Promise.all(registered.slice(i, i + 100).map((conn) => catchUp(conn, null).catch(() => undefined)));
      }
    },
    counts() {
      let registered = 0;
      for (const c of connections) if (c.registration !== null) registered += 1;
      return { connections: connections.size, registered, ...counts };
    },
    close(abrupt = false) {
      clearInterval(heartbeat);
      for (const conn of connections) {
        if (abrupt) conn.ws.terminate();
        else conn.ws.close(CLOSE.goingAway, 'relay shutting down');
      }
      wss.close();
    },
  };
}
