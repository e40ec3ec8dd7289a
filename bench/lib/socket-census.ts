/**
 * How many of the relay sockets a process made are still connections, by their WHATWG
 * WebSocket readyState at the time of asking, not by the 'close' events they fired: Node 22's
 * WebSocket (undici) closed while still CONNECTING fires 'error' but never 'close', and stays
 * CLOSING for good, holding no TCP connection. The ward's month's client closes a socket while it
 * is connecting whenever a hand-over comes before the relay's upgrade answer, so a count of
 * 'close' events kept counting those as open.
 */

/** WHATWG WebSocket readyState values (the HTML standard's WebSocket interface). */
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;

export interface SocketCensus {
  /** Connecting or open: a connection held or being made. */
  readonly live: number;
  /** Closed by this end but never reported closed (see above). */
  readonly closing: number;
  /** Socket objects not yet garbage-collected, in any state. */
  readonly retained: number;
}

export function socketCensus(readyStates: Iterable<number>): SocketCensus {
  let live = 0;
  let closing = 0;
  let retained = 0;
  for (const state of readyStates) {
    retained += 1;
    if (state === CONNECTING || state === OPEN) live += 1;
    else if (state === CLOSING) closing += 1;
  }
  return { live, closing, retained };
}
