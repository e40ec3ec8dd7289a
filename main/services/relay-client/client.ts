/**
 * The shell's end of the workstation channel to the trust's back-channel logout relay
 * (protocol.ts): one outbound WebSocket while a clinician's session exists, registered with
 * that session's current ID token, re-registered at each unlock and hand-over, closed at the
 * end. Every logout token it hears is handed to `deliver`, which validates it locally before
 * the session acts (a relay can suppress a logout, never forge one). Nothing here decides.
 *
 * Reconnects with jittered exponential backoff (core/backoff.ts) to the relay's address (any replica behind it);
 * on every (re)connect and every CATCH_UP_MS asks whether the session was revoked meanwhile; a
 * relay silent for three heartbeats is taken as gone. A registration refused for a reason that
 * can pass (the relay could not fetch CIS2's keys, or does not know a key CIS2 has just rotated
 * to) is sent again on the same backoff; one refused because the relay serves another issuer or
 * client ends the channel until the shell restarts. The backoff starts again only once a registration is
 * accepted: a relay that accepts the socket and then fails does not bring the workstation back
 * every second. On protocol v2 each logout is acknowledged once checked (protocol.ts).
 */
import { backoffDelay } from '../../core/backoff';
import type { Backoff } from '../../core/backoff';
import { createEmitter } from '../../core/emitter';
import type { Emitter } from '../../core/emitter';
import { transportOf } from '../../core/http-scheme';
import type { Cancel } from '../time';
import {
  CATCH_UP_MS,
  HEARTBEAT_MS,
  WORKSTATION_PATH,
  WORKSTATION_PROTOCOL,
  WORKSTATION_PROTOCOL_V2,
  parseRelayMessage,
} from './protocol';
import type { RegistrationRefusal, RelayMessage, WorkstationMessage } from './protocol';
import type { DeliveryOutcome, OpenRelaySocket, RelayClient, RelayClientDeps, RelayEvent, RelaySocket } from './socket';

export type { DeliveryOutcome, OpenRelaySocket, RelayClient, RelayClientDeps, RelayEvent, RelaySocket } from './socket';

/**
 * Full jitter within the upper half: a replica's restart must not bring all its workstations back
 * at once, and a retry never comes at once. After the n-th failure the ceiling is
 * min(60 s, 1 s · 2^(n−1)), the wait between half the ceiling and the ceiling.
 */
const BACKOFF: Backoff = { firstMs: 1_000, maxMs: 60_000, jitter: 0.5 };

/**
 * Refusals that can pass without a new sign-in: the relay could not fetch CIS2's keys, or does not
 * yet know the key CIS2 signed with (a rotation its cached key set has not caught up with).
 */
const PASSING_REFUSALS: ReadonlySet<RegistrationRefusal> = new Set(['keys-unavailable', 'token-invalid']);

/**
 * Refusals that say the relay serves another CIS2 issuer or client registration than this
 * workstation's: another environment (a relay for INT beside a Live issuer, say) or another
 * trust's. The shell stops using that relay until it restarts, so no later session's ID token is
 * sent to it (docs/decisions.md, 35); only the first registration, which found it out, went.
 */
const WRONG_RELAY: ReadonlySet<RegistrationRefusal> = new Set(['wrong-issuer', 'wrong-client']);

/**
 * The channel's address: `<base>/workstations` with wss for https (or wss), ws for http (or ws)
 * on a loopback address only (main/core/http-scheme.ts). Throws on anything else.
 */
export function workstationUrl(base: string): string {
  const url = new URL(base);
  const transport = transportOf(url);
  if (transport === null)
    throw new RangeError('The relay address must be https:// (or wss://); plain http is for loopback only.');
  url.protocol = transport === 'tls' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + WORKSTATION_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** One relay channel: at most one socket, its registration, and the timers that keep it alive. */
class RelayChannel implements RelayClient {
  private readonly address: string;
  private readonly open: OpenRelaySocket;
  private readonly random: () => number;
  private readonly events: Emitter<[RelayEvent]> = createEmitter<[RelayEvent]>();
  private socket: RelaySocket | null = null;
  private connected = false;
  /** The ID token last sent in a register on this connection. */
  private registered: string | null = null;
  /** Failures since the last accepted registration: connections lost and registrations refused. */
  private failures = 0;
  private retry: Cancel | null = null;
  private reregister: Cancel | null = null;
  private silence: Cancel | null = null;
  private catchUp: Cancel | null = null;
  private requests = 0;
  private closed = false;
  private readonly deps: RelayClientDeps;

  constructor(deps: RelayClientDeps) {
    this.deps = deps;
    this.address = workstationUrl(deps.url);
    this.open = deps.openSocket ?? ((url, protocols) => new WebSocket(url, [...protocols]) as unknown as RelaySocket);
    this.random = deps.random ?? Math.random;
    if (deps.onEvent !== undefined) this.events.on(deps.onEvent);
  }

  sessionChanged(): void {
    if (this.closed) return;
    if (this.wanted() === null) {
      // The session ended: say so, then close; nothing more to listen for.
      this.sync();
      this.retry?.();
      this.retry = null;
      if (this.socket !== null) this.drop();
      return;
    }
    if (this.socket === null) {
      if (this.retry === null) this.connect();
      return;
    }
    // A new session (or a new ID token after an unlock): ask at once whether it is revoked. A
    // change that kept the token (the idle warning coming and going) asks nothing.
    if (this.sync()) this.send({ type: 'catch-up', id: this.nextId() });
  }

  close(): void {
    this.closed = true;
    this.retry?.();
    this.retry = null;
    this.drop();
  }

  private nextId(): string {
    return `r${++this.requests}`;
  }

  private send(message: WorkstationMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private wanted(): string | null {
    return this.closed ? null : this.deps.currentIdToken();
  }

  private emit(event: RelayEvent): void {
    this.events.emit(event);
  }

  private listen(): void {
    this.silence?.();
    // Three heartbeats without a word: the relay (or the network to it) is gone.
    this.silence = this.deps.time.after(3 * HEARTBEAT_MS, () => this.drop());
  }

  private connect(): void {
    this.retry = null;
    if (this.socket !== null || this.wanted() === null) return;
    let s: RelaySocket;
    try {
      s = this.open(this.address, [WORKSTATION_PROTOCOL_V2, WORKSTATION_PROTOCOL]);
    } catch {
      return this.scheduleRetry();
    }
    this.socket = s;
    s.onopen = () => {
      if (this.socket === s) this.opened();
    };
    s.onmessage = (event) => {
      if (this.socket === s) this.heard(event.data);
    };
    s.onclose = () => {
      if (this.socket === s) this.drop();
    };
    s.onerror = () => {
      if (this.socket === s) this.drop();
    };
  }

  private opened(): void {
    this.connected = true;
    this.emit({ kind: 'connected' });
    this.listen();
    this.sync();
    this.send({ type: 'catch-up', id: this.nextId() });
    this.catchUp?.();
    this.catchUp = this.deps.time.every(
      CATCH_UP_MS,
      () => this.connected && this.registered !== null && this.send({ type: 'catch-up', id: this.nextId() }),
    );
  }

  private heard(data: unknown): void {
    this.listen();
    const message = typeof data === 'string' ? parseRelayMessage(data) : null;
    if (message === null) {
      this.emit({ kind: 'protocol-error' });
      return this.drop();
    }
    switch (message.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'registered':
        this.failures = 0;
        return this.emit({ kind: 'registered' });
      case 'refused':
        return this.refused(message.reason);
      case 'logout':
        return this.logout(message);
      case 'unregistered':
      case 'caught-up':
        return;
    }
  }

  /** A logout: handed on to be checked, then acknowledged to a v2 relay with what was made of it. */
  private logout(message: Extract<RelayMessage, { type: 'logout' }>): void {
    const delivery = message.delivery ?? (message.catchUp ? 'catch-up' : 'live');
    this.emit({ kind: 'logout-heard', delivery });
    const s = this.socket;
    const { ref } = message;
    void this.deps
      .deliver(message.logoutToken, delivery)
      .catch((): DeliveryOutcome => ({ outcome: 'refused', code: 'LOGOUT_NOT_CHECKED' }))
      .then((made) => {
        // Only on the connection that sent it: a new one is sent the logout again anyway.
        if (ref === undefined || s === null || s !== this.socket || s.protocol !== WORKSTATION_PROTOCOL_V2) return;
        this.send({ type: 'logout-ack', ref, ...made });
      });
  }

  /** A refused registration: sent again on the backoff when the reason can pass. */
  private refused(reason: RegistrationRefusal): void {
    if (WRONG_RELAY.has(reason)) {
      this.emit({ kind: 'refused', reason, stopped: true });
      return this.close();
    }
    if (!PASSING_REFUSALS.has(reason)) return this.emit({ kind: 'refused', reason });
    this.failures += 1;
    const wait = backoffDelay(BACKOFF, this.failures, this.random());
    this.emit({ kind: 'refused', reason, retryInMs: wait });
    this.reregister?.();
    this.reregister = this.deps.time.after(wait, () => {
      this.reregister = null;
      // Registered again from scratch, then asked at once what it missed meanwhile.
      this.registered = null;
      if (this.sync()) this.send({ type: 'catch-up', id: this.nextId() });
    });
  }

  /** Forget this connection and try again later if a session still wants one. */
  private drop(): void {
    const s = this.socket;
    this.socket = null;
    this.reregister?.();
    this.reregister = null;
    this.connected = false;
    this.registered = null;
    this.silence?.();
    this.silence = null;
    this.catchUp?.();
    this.catchUp = null;
    if (s !== null) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close(1000);
      } catch {
        // Already closed.
      }
    }
    if (this.wanted() !== null) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retry !== null || this.closed) return;
    this.failures += 1;
    const wait = backoffDelay(BACKOFF, this.failures, this.random());
    this.emit({ kind: 'disconnected', retryInMs: wait });
    this.retry = this.deps.time.after(wait, () => this.connect());
  }

  /** Registers what the workstation holds now, or says it holds nothing; true when it registered anew. */
  private sync(): boolean {
    const token = this.wanted();
    if (!this.connected || token === this.registered) return false;
    if (token === null) {
      this.send({ type: 'unregister', id: this.nextId() });
      this.registered = null;
      return false;
    }
    this.send({ type: 'register', id: this.nextId(), idToken: token });
    this.registered = token;
    return true;
  }
}

/**
 * The relay client. Its events go through one listener set (core/emitter.ts): a listener that
 * throws is kept from the channel, so a failing audit line cannot stop a reconnect.
 */
export function createRelayClient(deps: RelayClientDeps): RelayClient {
  const channel = new RelayChannel(deps);
  return {
    sessionChanged: () => channel.sessionChanged(),
    close: () => channel.close(),
  };
}
