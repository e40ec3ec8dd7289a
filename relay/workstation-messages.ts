/**
 * The messages on one workstation connection (main/services/relay-client/protocol.ts). Each text
 * frame is parsed with the protocol's schemas, and anything else closes the connection; the
 * messages are then handled one after another: register (with a valid ID token), unregister and
 * catch-up, and on protocol v2 the workstation's acknowledgements. The logouts that name the
 * connection's registration are sent on it, each marked by how it comes (`live`, `late`,
 * `catch-up`) and, on v2, with a `ref` the workstation acknowledges it by. A logout is sent once
 * per connection unless the workstation refuses it (its clock, CIS2's keys unreachable from the
 * PC): then the next catch-up sends it again, so one refused delivery never loses it.
 */
import type { RawData } from 'ws';
import { WORKSTATION_PROTOCOL_V2, parseWorkstationMessage } from '../main/services/relay-client/protocol';
import type {
  Delivery,
  RelayMessage,
  RegistrationRefusal,
  WorkstationMessage,
} from '../main/services/relay-client/protocol';
import type { ReplicaDeps } from './deps';
import { causeOf } from './log';
import { checkIdToken } from './id-token';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';
import type { RateLimiter } from './rate-limit';
import type { RegistrationQueue } from './registration-queue';
import { appliesToSession } from './revocations';
import type { Registration, Revocation, RevocationList } from './revocations';
import type { Connection, WorkstationRegistry } from './workstation-registry';

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
/** Logouts awaiting the workstation's acknowledgement on one connection; past it the oldest is forgotten. */
const MAX_AWAITING_ACK = 256;

/** v2 connections: each logout sent and not yet acknowledged, by the `ref` it was sent with (→ its jti). */
const awaitingAck = new WeakMap<Connection, Map<string, string>>();
let refs = 0;

/** What the hub counts of its messages (health and the benchmark read them). */
export interface MessageCounts {
  registrationsAccepted: number;
  registrationsRefused: number;
  /** Registrations told to try again later (1013): the queue of registrations waiting to be checked was full. */
  registrationsDeferred: number;
  logoutsSent: number;
  /** Logouts a v2 workstation acknowledged as refused (sent again at its next catch-up). */
  logoutsRefusedByWorkstations: number;
  dropped: number;
  /** Catch-up requests answered, and refused over the per-connection rate (the connection closed). */
  catchUps: number;
  catchUpsLimited: number;
}

/** Every count at zero: a new hub's, or the metrics' before a hub exists. */
export function noMessageCounts(): MessageCounts {
  return {
    registrationsAccepted: 0,
    registrationsRefused: 0,
    registrationsDeferred: 0,
    logoutsSent: 0,
    logoutsRefusedByWorkstations: 0,
    dropped: 0,
    catchUps: 0,
    catchUpsLimited: 0,
  };
}

/** What the messages are handled with: the replica's parts, the hub's registry, counts and registration rate. */
export interface MessageContext extends ReplicaDeps {
  /** This replica's own copy of the revocation list, for catch-up while the store is away. */
  readonly mirror: RevocationList;
  readonly registry: WorkstationRegistry;
  readonly counts: MessageCounts;
  /** Registrations per source (a register message beyond it closes the connection: try again later). */
  readonly registrations: RateLimiter;
  /** Where registrations wait to be checked, a few at a time (registration-queue.ts). */
  readonly registrationQueue: RegistrationQueue;
  /** Takes one catch-up from the connection's allowance; false when it is spent. */
  readonly catchUps: (conn: Connection) => boolean;
}

/** Sends a message on an open connection; one that is not reading what it was sent is dropped. */
export function send(ctx: MessageContext, conn: Connection, message: RelayMessage): void {
  if (conn.ws.readyState !== conn.ws.OPEN) return;
  if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ctx.counts.dropped += 1;
    conn.ws.terminate();
    return;
  }
  conn.ws.send(JSON.stringify(message));
}

/**
 * Sends a logout on a connection if it applies to its registration and was not sent on it yet
 * (or was refused by the workstation since). v1 connections hear `catchUp` alone: true for
 * anything not live.
 */
export function sendLogout(ctx: MessageContext, conn: Connection, revocation: Revocation, delivery: Delivery): boolean {
  if (conn.registration === null || conn.sent.has(revocation.jti) || !appliesToSession(revocation, conn.registration))
    return false;
  conn.sent.add(revocation.jti);
  ctx.counts.logoutsSent += 1;
  const logout = { type: 'logout', logoutToken: revocation.logoutToken, catchUp: delivery !== 'live' } as const;
  if (conn.ws.protocol !== WORKSTATION_PROTOCOL_V2) {
    send(ctx, conn, logout);
    return true;
  }
  const ref = `l${(refs += 1)}`;
  let waiting = awaitingAck.get(conn);
  if (waiting === undefined) awaitingAck.set(conn, (waiting = new Map()));
  waiting.set(ref, revocation.jti);
  for (const oldest of waiting.keys()) {
    if (waiting.size <= MAX_AWAITING_ACK) break;
    waiting.delete(oldest);
  }
  send(ctx, conn, { ...logout, delivery, ref });
  return true;
}

/**
 * A v2 workstation checked a logout. Accepted (or refused as a replay: it had it already): done.
 * Refused for any other reason: forgotten as sent, so the next catch-up sends it again.
 */
function acknowledged(
  ctx: MessageContext,
  conn: Connection,
  ack: Extract<WorkstationMessage, { type: 'logout-ack' }>,
): void {
  const waiting = awaitingAck.get(conn);
  const jti = waiting?.get(ack.ref);
  if (waiting === undefined || jti === undefined) return;
  waiting.delete(ack.ref);
  if (ack.outcome === 'accepted' || ack.code === 'LOGOUT_TOKEN_REPLAYED') return;
  conn.sent.delete(jti);
  ctx.counts.logoutsRefusedByWorkstations += 1;
  ctx.logger.warn(
    { event: 'logout refused by workstation', code: ack.code ?? 'unknown' },
    'a workstation refused a logout; it is sent again at its next catch-up',
  );
}

async function revocationsFor(ctx: MessageContext, registration: Registration): Promise<Revocation[]> {
  if (ctx.store.available()) {
    try {
      return await ctx.store.revocationsFor(registration);
    } catch {
      // Fall through to what this replica has.
    }
  }
  return ctx.mirror.for(registration);
}

async function register(ctx: MessageContext, conn: Connection, id: string, idToken: string): Promise<void> {
  const { config, logger, hash, now } = ctx;
  const refuse = (reason: RegistrationRefusal): void => {
    ctx.registry.setRegistration(conn, null);
    ctx.counts.registrationsRefused += 1;
    logger.info({ event: 'registration refused', reason }, 'registration refused');
    send(ctx, conn, { type: 'refused', id, reason });
  };
  let keys: IssuerKeys;
  try {
    keys = await ctx.keys();
  } catch {
    refuse('keys-unavailable');
    return;
  }
  const result = await checkIdToken(idToken, keys, {
    issuer: config.issuer,
    clientId: config.clientId,
    trustedAudiences: config.trustedAudiences,
    now,
  });
  if (!result.ok) {
    refuse(result.reason);
    return;
  }
  ctx.registry.setRegistration(conn, {
    sub: result.sub,
    // undefined without a sid: every reader of a registration checks for undefined.
    sid: result.sid,
    sessionStart: result.sessionStart,
  });
  ctx.counts.registrationsAccepted += 1;
  logger.info(
    { event: 'registration accepted', sub: hash(result.sub), sid: hash(result.sid) },
    'registration accepted',
  );
  send(ctx, conn, { type: 'registered', id });
}

/** Sends a connection every kept logout for its registration; answers `caught-up` when it asked (id). */
export async function catchUp(ctx: MessageContext, conn: Connection, id: string | null): Promise<void> {
  const registration = conn.registration;
  if (registration !== null) {
    for (const revocation of await revocationsFor(ctx, registration)) {
      // The registration may have changed while the store answered.
      if (conn.registration === registration) sendLogout(ctx, conn, revocation, 'catch-up');
    }
  }
  if (id !== null) send(ctx, conn, { type: 'caught-up', id });
}

/**
 * A registration waits its turn in the queue; one that finds it full is told to try again later
 * (1013, counted, not logged one by one: a storm would flood the log). A connection that closed
 * while it waited is not checked.
 */
async function queueRegistration(ctx: MessageContext, conn: Connection, id: string, idToken: string): Promise<void> {
  const ran = await ctx.registrationQueue.run(() =>
    conn.ws.readyState === conn.ws.OPEN ? register(ctx, conn, id, idToken) : Promise.resolve(),
  );
  if (ran) return;
  ctx.counts.registrationsDeferred += 1;
  ctx.logger.debug({ event: 'registration deferred' }, 'registration queue full; told to try again later');
  conn.ws.close(CLOSE.tryAgainLater, 'relay busy, try again later');
}

async function handle(ctx: MessageContext, conn: Connection, message: WorkstationMessage): Promise<void> {
  switch (message.type) {
    case 'register':
      if (!ctx.registrations.take(conn.source)) {
        ctx.counts.registrationsRefused += 1;
        ctx.logger.warn({ event: 'registration refused', reason: 'rate-limited' }, 'registration refused');
        conn.ws.close(CLOSE.tryAgainLater, 'too many registrations');
        return;
      }
      await queueRegistration(ctx, conn, message.id, message.idToken);
      return;
    case 'unregister':
      ctx.registry.setRegistration(conn, null);
      send(ctx, conn, { type: 'unregistered', id: message.id });
      return;
    case 'catch-up':
      if (!ctx.catchUps(conn)) {
        ctx.counts.catchUpsLimited += 1;
        conn.ws.close(CLOSE.tryAgainLater, 'too many catch-ups');
        return;
      }
      ctx.counts.catchUps += 1;
      await catchUp(ctx, conn, message.id);
      return;
    case 'logout-ack':
      acknowledged(ctx, conn, message);
      return;
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: receive() drops a pong before it is queued, and this last case only returns
    case 'pong':
      return;
  }
}

/** One frame from a workstation: parsed, then queued behind the messages still being handled. */
export function receive(ctx: MessageContext, conn: Connection, data: RawData, isBinary: boolean): void {
  if (isBinary) {
    conn.ws.close(CLOSE.unsupportedData, 'text frames only');
    return;
  }
  const message = parseWorkstationMessage(
    (Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString('utf8'),
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
    .then(() => handle(ctx, conn, message))
    .catch((err: unknown) =>
      ctx.logger.error(
        { event: 'workstation message failed', ...causeOf(err) },
        'a workstation message could not be handled',
      ),
    )
    .finally(() => {
      conn.queued -= 1;
    });
}
