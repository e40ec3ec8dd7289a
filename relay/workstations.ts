/**
 * The workstation channel (main/services/relay-client/protocol.ts): one WebSocket per shell.
 * A connection hears only the logouts of the session it registered with a valid ID token; every
 * message is parsed with the protocol's schemas and anything else closes the connection.
 *
 * The hub takes the HTTP upgrades, keeps each connection alive with a heartbeat, closes one that
 * has not registered within the registration window, and hands logouts to the connections they
 * name. Who is connected and registered for what, with the connection
 * caps, is the registry's (workstation-registry.ts); what a workstation says and what it is sent,
 * the messages' (workstation-messages.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import {
  MAX_MESSAGE_BYTES,
  WORKSTATION_PROTOCOL,
  WORKSTATION_PROTOCOL_V2,
} from '../main/services/relay-client/protocol';
import type { Delivery } from '../main/services/relay-client/protocol';
import type { ReplicaDeps } from './deps';
import { sourceHash } from './log';
import { perObjectLimiter, rateLimiter } from './rate-limit';
import { registrationQueue as createRegistrationQueue } from './registration-queue';
import type { Revocation, RevocationList } from './revocations';
import { CLOSE, catchUp, noMessageCounts, receive, send, sendLogout } from './workstation-messages';
import type { MessageContext, MessageCounts } from './workstation-messages';
import { createWorkstationRegistry, newConnection } from './workstation-registry';
import type { Admission, Connection } from './workstation-registry';

export interface WorkstationHubOptions extends ReplicaDeps {
  /** This replica's own copy of the revocation list, for catch-up while the store is away. */
  readonly mirror: RevocationList;
}

export interface HubCounts extends MessageCounts {
  connections: number;
  registered: number;
}

export interface WorkstationHub {
  /** Takes over an HTTP upgrade to WORKSTATION_PATH from `source`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, source: string): void;
  /**
   * Sends a logout to every connection whose registration it names; returns how many. Marked
   * `catch-up` when `catchUp`, else `late` when it was accepted or issued more than LATE_AFTER_MS
   * ago (a replica publishing what it accepted while Redis was down), else `live`.
   */
  deliver(revocation: Revocation, catchUp: boolean): number;
  /** Catches every registered connection up from the store (after the store came back). */
  catchUpAll(): Promise<void>;
  counts(): HubCounts;
  /**
   * Stops taking handshakes and registrations first (those waiting are refused), then closes every
   * connection: politely (1001, in batches), or abruptly as a crashed process would.
   */
  close(abrupt?: boolean): void;
}

/** The HTTP answer to an upgrade the hub refuses, by why. */
const REFUSED: Record<Exclude<Admission, 'admitted'>, readonly [number, string]> = {
  'replica-full': [503, 'Service Unavailable'],
  'unregistered-full': [503, 'Service Unavailable'],
  'source-full': [429, 'Too Many Requests'],
};

/** A logout passed on later than this after it was accepted (or issued) is marked `late`. */
const LATE_AFTER_MS = 30_000;

function deliveryOf(revocation: Revocation, catchUp: boolean, now: number): Delivery {
  if (catchUp) return 'catch-up';
  const held = Math.max(now - revocation.acceptedAt, now - revocation.iat * 1000);
  return held > LATE_AFTER_MS ? 'late' : 'live';
}

/** v2 when the workstation offers it (current shells), else v1 (upgrade checked it offers one). */
function chooseProtocol(offered: Set<string>): string {
  return offered.has(WORKSTATION_PROTOCOL_V2) ? WORKSTATION_PROTOCOL_V2 : WORKSTATION_PROTOCOL;
}

/** Closes the connections that have not registered within the window (1008), checked a few times a window. */
function startRegisterDeadline(ctx: MessageContext): ReturnType<typeof setInterval> {
  const window = ctx.config.registerTimeoutMs;
  const timer = setInterval(
    () => {
      for (const conn of ctx.registry.unregisteredSince(ctx.now() - window)) {
        conn.ws.close(CLOSE.policy, 'not registered in time');
        // Not waiting for the closing handshake of a client that may not answer it.
        setTimeout(() => conn.ws.terminate(), 1_000).unref();
      }
    },
    Math.max(25, Math.min(1_000, Math.floor(window / 4))),
  );
  timer.unref();
  return timer;
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n`,
  );
  socket.destroy();
}

function offersProtocol(req: IncomingMessage): boolean {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .some((p) => p === WORKSTATION_PROTOCOL || p === WORKSTATION_PROTOCOL_V2);
}

/** A new connection: its messages to the message handling, its end to the registry. */
function attach(ctx: MessageContext, ws: WebSocket, source: string): void {
  const conn = newConnection(ws, source);
  ctx.registry.add(conn);
  ws.on('message', (data, isBinary) => receive(ctx, conn, data, isBinary));
  ws.on('error', () => ws.terminate());
  ws.on('close', () => ctx.registry.remove(conn));
}

/** Pings every connection each period; one that did not answer the last ping is dropped. */
function startHeartbeat(ctx: MessageContext): ReturnType<typeof setInterval> {
  const heartbeat = setInterval(() => {
    for (const conn of ctx.registry.connections()) {
      if (!conn.alive) {
        ctx.counts.dropped += 1;
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      send(ctx, conn, { type: 'ping' });
    }
  }, ctx.config.heartbeatMs);
  heartbeat.unref();
  return heartbeat;
}

/** Closing frames sent per turn of the loop when the replica stops. */
const CLOSE_BATCH = 500;

/**
 * Closes every connection: abruptly all at once (a crash), or politely (1001) a batch per turn, so
 * the closing handshakes of the first come back while the rest are being sent, and a stop with
 * thousands of workstations stays inside its limit (shutdown.ts cuts what is left after the grace).
 */
function closeAll(connections: readonly Connection[], abrupt: boolean): void {
  if (abrupt) {
    for (const conn of connections) conn.ws.terminate();
    return;
  }
  const batch = (from: number): void => {
    for (const conn of connections.slice(from, from + CLOSE_BATCH))
      conn.ws.close(CLOSE.goingAway, 'relay shutting down');
    if (from + CLOSE_BATCH < connections.length) setImmediate(() => batch(from + CLOSE_BATCH));
  };
  batch(0);
}

export function createWorkstationHub(options: WorkstationHubOptions): WorkstationHub {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: chooseProtocol,
  });
  const registry = createWorkstationRegistry(options.config, options.now);
  const counts: MessageCounts = noMessageCounts();
  const registrations = rateLimiter(options.config.registrationsPerMinute, options.now);
  const catchUps = perObjectLimiter<Connection>(options.config.catchUpsPerMinute, options.now);
  const registrationQueue = createRegistrationQueue({
    inFlight: options.config.registrationsInFlight,
    maxWaiting: options.config.maxQueuedRegistrations,
  });
  const handshakes = createRegistrationQueue({
    inFlight: options.config.registrationsInFlight,
    maxWaiting: options.config.maxQueuedRegistrations,
  });
  const ctx: MessageContext = { ...options, registry, counts, registrations, registrationQueue, catchUps };
  const heartbeat = startHeartbeat(ctx);
  const deadline = startRegisterDeadline(ctx);

  return {
    upgrade(req, socket, head, source) {
      if (!offersProtocol(req)) return reject(socket, 400, 'Bad Request');
      const admission = registry.admit(source);
      if (admission !== 'admitted') {
        if (admission === 'source-full')
          options.logger.warn(
            { event: 'connection refused', code: 'SOURCE_FULL', source: sourceHash(source) },
            'workstation connection over the per-source cap',
          );
        return reject(socket, ...REFUSED[admission]);
      }
      let attached = false;
      socket.once('close', () => {
        if (!attached) registry.release(source);
      });
      // The handshake waits its turn too (registration-queue.ts): a storm of returning
      // workstations is taken on a few per turn of the loop, with logout POSTs served between.
      const handshake = (): Promise<void> => {
        if (!socket.destroyed)
          wss.handleUpgrade(req, socket, head, (ws) => {
            attached = true;
            attach(ctx, ws, source);
          });
        return Promise.resolve();
      };
      void handshakes.run(handshake).then((ran) => {
        if (!ran) reject(socket, 503, 'Service Unavailable');
      });
    },
    deliver(revocation, catchUpFlag) {
      let n = 0;
      const delivery = deliveryOf(revocation, catchUpFlag, options.now());
      for (const conn of registry.named(revocation)) if (sendLogout(ctx, conn, revocation, delivery)) n += 1;
      return n;
    },
    async catchUpAll() {
      const registered = [...registry.connections()].filter((c) => c.registration !== null);
      for (let i = 0; i < registered.length; i += 100) {
        await Promise.all(registered.slice(i, i + 100).map((conn) => catchUp(ctx, conn, null).catch(() => undefined)));
      }
    },
    counts() {
      return { connections: registry.connections().size, registered: registry.registered(), ...counts };
    },
    close(abrupt = false) {
      handshakes.close();
      registrationQueue.close();
      clearInterval(heartbeat);
      clearInterval(deadline);
      closeAll([...registry.connections()], abrupt);
      wss.close();
    },
  };
}
