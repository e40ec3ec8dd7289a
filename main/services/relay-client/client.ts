/**
 * The shell's end of the workstation channel to the trust's back-channel logout relay
 * (protocol.ts): one outbound WebSocket while a clinician's session exists, registered with
 * that session's current ID token, re-registered at each unlock and hand-over, closed at the
 * end. Every logout token it hears is handed to `deliver`, which validates it locally before
 * the session acts (a relay can suppress a logout, never forge one). Nothing here decides.
 *
 * Reconnects with jittered exponential backoff to the relay's address (any replica behind it);
 * on every (re)connect and every CATCH_UP_MS asks whether the session was revoked meanwhile; a
 * relay silent for three heartbeats is taken as gone.
 */
import type { TimeSource, Cancel } from '../time';
import { CATCH_UP_MS, HEARTBEAT_MS, WORKSTATION_PATH, WORKSTATION_PROTOCOL, parseRelayMessage } from './protocol';
import type { RegistrationRefusal, WorkstationMessage } from './protocol';

/** The part of a WHATWG WebSocket the client uses (Node 22's global WebSocket, or a test's). */
export interface RelaySocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type OpenRelaySocket = (url: string, protocol: string) => RelaySocket;

/** What the audit log hears: states and failures, never a token or a subject. */
export type RelayEvent =
  | { kind: 'connected' }
  | { kind: 'disconnected'; retryInMs: number }
  | { kind: 'registered' }
  | { kind: 'refused'; reason: RegistrationRefusal }
  | { kind: 'protocol-error' }
  | { kind: 'logout-heard'; catchUp: boolean };

export interface RelayClientDeps {
  /** The relay's base address (https/wss, or http/ws on loopback), from machine policy. */
  readonly url: string;
  readonly time: TimeSource;
  readonly openSocket?: OpenRelaySocket;
  /** The ID token of the session the workstation holds now, or null when none. */
  readonly currentIdToken: () => string | null;
  /** A logout token from the relay: validate it locally, then act. Never throws. */
  readonly deliver: (logoutToken: string, catchUp: boolean) => Promise<void>;
  readonly onEvent?: (event: RelayEvent) => void;
  /** For the backoff's jitter; tests pass a fixed one. */
  readonly random?: () => number;
}

export interface RelayClient {
  /** The session changed (signed in, unlocked, handed over, ended): register what is held now. */
  sessionChanged(): void;
  close(): void;
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/** The channel's address: `<base>/workstations` with ws(s) for http(s). Throws on anything else. */
export function workstationUrl(base: string): string {
  const url = new URL(base);
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
  if (url.protocol === 'https:' || url.protocol === 'wss:') url.protocol = 'wss:';
  else if ((url.protocol === 'http:' || url.protocol === 'ws:') && loopback) url.protocol = 'ws:';
  else throw new RangeError('The relay address must be https:// (or wss://); plain http is for loopback only.');
  url.pathname = url.pathname.replace(/\/+$/, '') + WORKSTATION_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export function createRelayClient(deps: RelayClientDeps): RelayClient {
  const address = workstationUrl(deps.url);
  const open: OpenRelaySocket =
    deps.openSocket ?? ((url, protocol) => new WebSocket(url, protocol) as unknown as RelaySocket);
  const random = deps.random ?? Math.random;
  const emit = (event: RelayEvent): void => deps.onEvent?.(event);
  let socket: RelaySocket | null = null;
  let connected = false;
  /** The ID token last sent in a register on this connection. */
  let registered: string | null = null;
  let failures = 0;
  let retry: Cancel | null = null;
  let silence: Cancel | null = null;
  let catchUp: Cancel | null = null;
  let requests = 0;
  let closed = false;

  const nextId = (): string => `r${++requests}`;
  const send = (message: WorkstationMessage): void => socket?.send(JSON.stringify(message));
  const wanted = (): string | null => (closed ? null : deps.currentIdToken());

  function listen(): void {
    silence?.();
    // Three heartbeats without a word: the relay (or the network to it) is gone.
    silence = deps.time.after(3 * HEARTBEAT_MS, () => drop());
  }

  function connect(): void {
    retry = null;
    if (socket !== null || wanted() === null) return;
    let s: RelaySocket;
    try {
      s = open(address, WORKSTATION_PROTOCOL);
    } catch {
      return scheduleRetry();
    }
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      connected = true;
      failures = 0;
      emit({ kind: 'connected' });
      listen();
      sync();
      send({ type: 'catch-up', id: nextId() });
      catchUp?.();
      catchUp = deps.time.every(
        CATCH_UP_MS,
        () => connected && registered !== null && send({ type: 'catch-up', id: nextId() }),
      );
    };
    s.onmessage = (event) => {
      if (socket !== s) return;
      listen();
      const message = typeof event.data === 'string' ? parseRelayMessage(event.data) : null;
      if (message === null) {
        emit({ kind: 'protocol-error' });
        return drop();
      }
      switch (message.type) {
        case 'ping':
          return send({ type: 'pong' });
        case 'registered':
          return emit({ kind: 'registered' });
        case 'refused':
          return emit({ kind: 'refused', reason: message.reason });
        case 'logout':
          emit({ kind: 'logout-heard', catchUp: message.catchUp });
          return void deps.deliver(message.logoutToken, message.catchUp).catch(() => undefined);
        case 'unregistered':
        case 'caught-up':
          return;
      }
    };
    s.onclose = () => {
      if (socket === s) drop();
    };
    s.onerror = () => {
      if (socket === s) drop();
    };
  }

  /** Forget this connection and try again later if a session still wants one. */
  function drop(): void {
    const s = socket;
    socket = null;
    connected = false;
    registered = null;
    silence?.();
    silence = null;
    catchUp?.();
    catchUp = null;
    if (s !== null) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close(1000);
      } catch {
        // Already closed.
      }
    }
    if (wanted() !== null) scheduleRetry();
  }

  function scheduleRetry(): void {
    if (retry !== null || closed) return;
    failures += 1;
    // Full jitter: a replica's restart must not bring all its workstations back at once.
    const ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(failures - 1, 16));
    const wait = Math.round(ceiling / 2 + (random() * ceiling) / 2);
    emit({ kind: 'disconnected', retryInMs: wait });
    retry = deps.time.after(wait, connect);
  }

  /** Registers what the workstation holds now, or says it holds nothing; true when it registered anew. */
  function sync(): boolean {
    const token = wanted();
    if (!connected || token === registered) return false;
    if (token === null) {
      send({ type: 'unregister', id: nextId() });
      registered = null;
      return false;
    }
    send({ type: 'register', id: nextId(), idToken: token });
    registered = token;
    return true;
  }

  return {
    sessionChanged() {
      if (closed) return;
      if (wanted() === null) {
        // The session ended: say so, then close; nothing more to listen for.
        sync();
        retry?.();
        retry = null;
        if (socket !== null) drop();
        return;
      }
      if (socket === null) {
        if (retry === null) connect();
        return;
      }
      // A new session (or a new ID token after an unlock): ask at once whether it is revoked. A
      // change that kept the token (the idle warning coming and going) asks nothing.
      if (sync()) send({ type: 'catch-up', id: nextId() });
    },
    close() {
      closed = true;
      retry?.();
      retry = null;
      drop();
    },
  };
}
