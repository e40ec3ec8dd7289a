/**
 * The types at the edges of the shell's relay client (client.ts): what it is given, the socket it
 * opens, what the workstation made of a logout, and the events the audit hears.
 */
import type { TimeSource } from '../time';
import type { Delivery, RegistrationRefusal } from './protocol';

/** The part of a WHATWG WebSocket the client uses (Node 22's global WebSocket, or a test's). */
export interface RelaySocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** The subprotocol the relay chose, once open (WHATWG WebSocket.protocol). */
  readonly protocol?: string;
}
/** Opens a socket offering these subprotocols, most preferred first. */
export type OpenRelaySocket = (url: string, protocols: readonly string[]) => RelaySocket;

/** What the workstation made of a logout it was given: acknowledged to a v2 relay. */
export type DeliveryOutcome = { readonly outcome: 'accepted' } | { readonly outcome: 'refused'; readonly code: string };

/** What the audit log hears: states and failures, never a token or a subject. */
export type RelayEvent =
  | { kind: 'connected' }
  | { kind: 'disconnected'; retryInMs: number }
  | { kind: 'registered' }
  /**
   * `retryInMs`: the refusal may pass, and the registration is sent again after that wait.
   * `stopped`: the relay serves another issuer or client; the channel is closed until a restart.
   */
  | { kind: 'refused'; reason: RegistrationRefusal; retryInMs?: number; stopped?: true }
  | { kind: 'protocol-error' }
  | { kind: 'logout-heard'; delivery: Delivery };

export interface RelayClientDeps {
  /** The relay's base address (https/wss, or http/ws on loopback), from machine policy. */
  readonly url: string;
  readonly time: TimeSource;
  readonly openSocket?: OpenRelaySocket;
  /** The ID token of the session the workstation holds now, or null when none. */
  readonly currentIdToken: () => string | null;
  /** A logout token from the relay: validate it locally, then act; says what it made of it. Never throws. */
  readonly deliver: (logoutToken: string, delivery: Delivery) => Promise<DeliveryOutcome>;
  readonly onEvent?: (event: RelayEvent) => void;
  /** For the backoff's jitter; tests pass a fixed one. */
  readonly random?: () => number;
}

export interface RelayClient {
  /** The session changed (signed in, unlocked, handed over, ended): register what is held now. */
  sessionChanged(): void;
  close(): void;
}
