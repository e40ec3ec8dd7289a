/**
 * The shell's end of the workstation channel, against an in-memory socket that behaves as a
 * WHATWG WebSocket does (events after open, close ends it), with the protocol parsed on the
 * relay's side too, so a message the relay would refuse fails here.
 */
import { describe, expect, it } from 'vitest';
import { createRelayClient, workstationUrl } from '../../../main/services/relay-client/client';
import type { RelayEvent, RelaySocket } from '../../../main/services/relay-client/client';
import {
  CATCH_UP_MS,
  HEARTBEAT_MS,
  WORKSTATION_PROTOCOL,
  WORKSTATION_PROTOCOL_V2,
  parseWorkstationMessage,
} from '../../../main/services/relay-client/protocol';
import type { RelayMessage, WorkstationMessage } from '../../../main/services/relay-client/protocol';
import { ManualTime } from '../../../main/services/time';

const TOKEN_A = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWE';
const TOKEN_B = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnbmF0dXJlLWI';
const LOGOUT = 'eyJhbGciOiJSUzI1NiJ9.eyJldmVudHMiOnt9fQ.c2lnbmF0dXJlLWw';

class FakeSocket implements RelaySocket {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: WorkstationMessage[] = [];
  closed = false;
  /** The subprotocol the relay chose: its newest the shell offered. */
  readonly protocol: string;
  constructor(
    readonly url: string,
    readonly offered: readonly string[],
    relayKnows: readonly string[] = [WORKSTATION_PROTOCOL_V2, WORKSTATION_PROTOCOL],
  ) {
    this.protocol = offered.find((p) => relayKnows.includes(p)) ?? '';
  }
  send(data: string): void {
    if (this.closed) throw new Error('send on a closed socket');
    const message = parseWorkstationMessage(data);
    if (message === null) throw new Error(`the relay would refuse this frame: ${data}`);
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  // The relay's side.
  open(): void {
    this.onopen?.({});
  }
  say(message: RelayMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(): void {
    this.closed = true;
    this.onclose?.({});
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

function setup(
  initial: string | null = TOKEN_A,
  options: { relayKnows?: readonly string[]; refuse?: (token: string) => string | null } = {},
) {
  const time = new ManualTime();
  const sockets: FakeSocket[] = [];
  const delivered: Array<[string, string]> = [];
  const events: RelayEvent[] = [];
  let idToken = initial;
  const client = createRelayClient({
    url: 'https://relay.trust.example/nhs',
    time,
    openSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols, options.relayKnows);
      sockets.push(s);
      return s;
    },
    currentIdToken: () => idToken,
    deliver: async (token, delivery) => {
      delivered.push([token, delivery]);
      const code = options.refuse?.(token) ?? null;
      return code === null ? { outcome: 'accepted' } : { outcome: 'refused', code };
    },
    onEvent: (event) => events.push(event),
    random: () => 0.5,
  });
  return {
    time,
    sockets,
    delivered,
    events,
    client,
    last: (): FakeSocket => {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket opened');
      return s;
    },
    setToken: (token: string | null) => {
      idToken = token;
    },
  };
}

describe('the relay address', () => {
  it.each([
    ['https://relay.trust.example', 'wss://relay.trust.example/workstations'],
    ['https://relay.trust.example/nhs/', 'wss://relay.trust.example/nhs/workstations'],
    ['wss://relay.trust.example', 'wss://relay.trust.example/workstations'],
    ['http://127.0.0.1:4100', 'ws://127.0.0.1:4100/workstations'],
    ['HTTP://127.0.0.1:4100', 'ws://127.0.0.1:4100/workstations'],
    ['ws://[::1]:4100', 'ws://[::1]:4100/workstations'],
  ])('%s → %s', (base, expected) => {
    expect(workstationUrl(base)).toBe(expected);
  });

  it.each([
    'http://relay.trust.example',
    'ws://10.1.2.3:80',
    'ftp://relay.trust.example',
    // A name is looked up and may resolve elsewhere (main/core/http-scheme.ts, RFC 8252 §8.3).
    'http://localhost:4100',
    'http://127.0.0.1@relay.trust.example',
  ])('refuses %s: plain http is for loopback only', (base) => {
    expect(() => workstationUrl(base)).toThrow(/https/);
  });
});

describe('relay client', () => {
  it('connects when a session exists, registers its ID token and asks whether it was revoked', () => {
    const { client, sockets, last, events } = setup();
    client.sessionChanged();
    expect(sockets).toHaveLength(1);
    expect(last().url).toBe('wss://relay.trust.example/nhs/workstations');
    expect(last().offered).toEqual([WORKSTATION_PROTOCOL_V2, WORKSTATION_PROTOCOL]);
    last().open();
    expect(last().sent).toEqual([
      { type: 'register', id: expect.any(String), idToken: TOKEN_A },
      { type: 'catch-up', id: expect.any(String) },
    ]);
    last().say({ type: 'registered', id: 'r1' });
    expect(events).toEqual([{ kind: 'connected' }, { kind: 'registered' }]);
  });

  it('does not connect while no session exists', () => {
    const { client, sockets } = setup(null);
    client.sessionChanged();
    expect(sockets).toHaveLength(0);
  });

  it('hands every logout token to be checked locally, live or from catch-up, and answers pings', async () => {
    const { client, last, delivered } = setup();
    client.sessionChanged();
    last().open();
    last().say({ type: 'ping' });
    expect(last().sent.at(-1)).toEqual({ type: 'pong' });
    last().say({ type: 'logout', logoutToken: LOGOUT, catchUp: false });
    last().say({ type: 'logout', logoutToken: LOGOUT, catchUp: true });
    await Promise.resolve();
    expect(delivered).toEqual([
      [LOGOUT, 'live'],
      [LOGOUT, 'catch-up'],
    ]);
  });

  it('on v2, checks each logout as marked (live, late, catch-up) and acknowledges it by its ref: accepted, or refused with the code', async () => {
    const LATE = 'eyJhbGciOiJSUzI1NiJ9.eyJsYXRlIjp0cnVlfQ.c2lnbmF0dXJlLWw';
    const { client, last, delivered, events } = setup(TOKEN_A, {
      refuse: (token) => (token === LATE ? 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' : null),
    });
    client.sessionChanged();
    last().open();
    last().say({ type: 'logout', logoutToken: LOGOUT, catchUp: false, delivery: 'live', ref: 'l1' });
    last().say({ type: 'logout', logoutToken: LATE, catchUp: true, delivery: 'late', ref: 'l2' });
    last().say({ type: 'logout', logoutToken: LOGOUT, catchUp: true, delivery: 'catch-up', ref: 'l3' });
    await new Promise((r) => setTimeout(r, 0));
    expect(delivered).toEqual([
      [LOGOUT, 'live'],
      [LATE, 'late'],
      [LOGOUT, 'catch-up'],
    ]);
    expect(events.filter((e) => e.kind === 'logout-heard')).toEqual([
      { kind: 'logout-heard', delivery: 'live' },
      { kind: 'logout-heard', delivery: 'late' },
      { kind: 'logout-heard', delivery: 'catch-up' },
    ]);
    expect(last().sent.filter((m) => m.type === 'logout-ack')).toEqual([
      { type: 'logout-ack', ref: 'l1', outcome: 'accepted' },
      { type: 'logout-ack', ref: 'l2', outcome: 'refused', code: 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' },
      { type: 'logout-ack', ref: 'l3', outcome: 'accepted' },
    ]);
  });

  it('sends no acknowledgement to a relay that speaks only v1 (it would take it as a protocol error)', async () => {
    const { client, last, delivered } = setup(TOKEN_A, { relayKnows: [WORKSTATION_PROTOCOL] });
    client.sessionChanged();
    last().open();
    last().say({ type: 'logout', logoutToken: LOGOUT, catchUp: false });
    await new Promise((r) => setTimeout(r, 0));
    expect(delivered).toEqual([[LOGOUT, 'live']]);
    expect(last().types()).toEqual(['register', 'catch-up']);
  });

  it('re-registers with the new ID token after an unlock or hand-over, and asks again', () => {
    const { client, last, setToken } = setup();
    client.sessionChanged();
    last().open();
    setToken(TOKEN_B);
    client.sessionChanged();
    expect(last().sent.slice(-2)).toEqual([
      { type: 'register', id: expect.any(String), idToken: TOKEN_B },
      { type: 'catch-up', id: expect.any(String) },
    ]);
  });

  it('unregisters and closes at the end of the session, and does not come back', () => {
    const { client, last, setToken, sockets, time } = setup();
    client.sessionChanged();
    last().open();
    setToken(null);
    client.sessionChanged();
    expect(last().types().at(-1)).toBe('unregister');
    expect(last().closed).toBe(true);
    time.advance(10 * 60_000);
    expect(sockets).toHaveLength(1);
  });

  it('reconnects with growing, jittered waits while the session lasts, then registers and catches up again', () => {
    const { client, last, sockets, time, events } = setup();
    client.sessionChanged();
    last().drop(); // never opened: the relay is down
    const waits = (): number[] => events.flatMap((e) => (e.kind === 'disconnected' ? [e.retryInMs] : []));
    expect(waits()).toEqual([750]); // half the 1 s ceiling plus half of it times random 0.5
    time.advance(749);
    expect(sockets).toHaveLength(1);
    time.advance(1);
    expect(sockets).toHaveLength(2);
    last().drop();
    time.advance(1500);
    expect(sockets).toHaveLength(3);
    expect(waits()).toEqual([750, 1500]);
    last().open();
    expect(last().types()).toEqual(['register', 'catch-up']);
    // Once registered, the next loss starts from the shortest wait again.
    last().say({ type: 'registered', id: 'r1' });
    last().drop();
    expect(waits().at(-1)).toBe(750);
  });

  it('does not start its waits again for a relay that accepts the socket and then fails: only an accepted registration does', () => {
    const { client, last, sockets, time, events } = setup();
    client.sessionChanged();
    const waits = (): number[] => events.flatMap((e) => (e.kind === 'disconnected' ? [e.retryInMs] : []));
    for (let i = 0; i < 4; i += 1) {
      last().open();
      last().drop();
      time.advance(60_000);
    }
    expect(waits()).toEqual([750, 1500, 3000, 6000]);
    expect(sockets).toHaveLength(5);
  });

  it('caps the wait at a minute however long the relay stays down', () => {
    const { client, last, time, events } = setup();
    client.sessionChanged();
    for (let i = 0; i < 20; i += 1) {
      last().drop();
      time.advance(60_000);
    }
    const waits = events.flatMap((e) => (e.kind === 'disconnected' ? [e.retryInMs] : []));
    expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
    expect(waits.at(-1)).toBe(45_000);
  });

  it('takes a relay silent for three heartbeats as gone, and reconnects', () => {
    const { client, last, sockets, time } = setup();
    client.sessionChanged();
    last().open();
    time.advance(3 * HEARTBEAT_MS - 1);
    expect(last().closed).toBe(false);
    time.advance(1);
    expect(sockets[0]?.closed).toBe(true);
    time.advance(1000);
    expect(sockets).toHaveLength(2);
  });

  it('asks again every few minutes whether the session was revoked', () => {
    const { client, last, time, sockets } = setup();
    client.sessionChanged();
    last().open();
    // A relay that pings on time, for three catch-up periods.
    for (let elapsed = 0; elapsed < 3 * CATCH_UP_MS; elapsed += HEARTBEAT_MS) {
      time.advance(HEARTBEAT_MS);
      last().say({ type: 'ping' });
    }
    expect(sockets).toHaveLength(1);
    expect(
      last()
        .types()
        .filter((t) => t === 'catch-up'),
    ).toHaveLength(4);
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown message', JSON.stringify({ type: 'shutdown-everything' })],
    ['a logout that is not a JWT', JSON.stringify({ type: 'logout', logoutToken: 'not a token', catchUp: false })],
  ])('drops a relay that sends %s, says so, and reconnects', (_what, frame) => {
    const { client, last, sockets, events, delivered, time } = setup();
    client.sessionChanged();
    last().open();
    last().say(frame);
    expect(events).toContainEqual({ kind: 'protocol-error' });
    expect(sockets[0]?.closed).toBe(true);
    expect(delivered).toEqual([]);
    time.advance(1000);
    expect(sockets).toHaveLength(2);
  });

  it('keeps reconnecting when the listener of its events throws (one listener set, core/emitter.ts)', () => {
    const time = new ManualTime();
    const sockets: FakeSocket[] = [];
    const client = createRelayClient({
      url: 'https://relay.trust.example',
      time,
      openSocket: (url, protocols) => {
        const s = new FakeSocket(url, protocols);
        sockets.push(s);
        return s;
      },
      currentIdToken: () => TOKEN_A,
      deliver: async () => ({ outcome: 'accepted' }),
      onEvent: () => {
        throw new Error('the audit log is full');
      },
      random: () => 0.5,
    });
    client.sessionChanged();
    expect(() => sockets[0]?.drop()).not.toThrow();
    time.advance(750);
    expect(sockets).toHaveLength(2);
    sockets[1]?.open();
    expect(sockets[1]?.types()).toEqual(['register', 'catch-up']);
  });

  it('reports a refused registration and keeps the connection for the next session', () => {
    const { client, last, events, time } = setup();
    client.sessionChanged();
    last().open();
    last().say({ type: 'refused', id: 'r1', reason: 'token-too-old' });
    expect(events.at(-1)).toEqual({ kind: 'refused', reason: 'token-too-old' });
    expect(last().closed).toBe(false);
    // Not a refusal that passes: not sent again (within the relay's silence limit).
    time.advance(3 * HEARTBEAT_MS - 1);
    expect(
      last()
        .types()
        .filter((t) => t === 'register'),
    ).toHaveLength(1);
  });

  it.each(['wrong-issuer', 'wrong-client'] as const)(
    'a relay that refuses for %s serves another environment or registration: the shell closes it and sends it no later token until it restarts',
    (reason) => {
      const { client, last, events, time, sockets, setToken } = setup();
      client.sessionChanged();
      last().open();
      last().say({ type: 'refused', id: 'r1', reason });
      expect(events.at(-1)).toEqual({ kind: 'refused', reason, stopped: true });
      expect(last().closed).toBe(true);
      // No reconnect however long, and none for the next clinician's session or an unlock.
      time.advance(24 * 60 * 60_000);
      setToken(TOKEN_B);
      client.sessionChanged();
      time.advance(60 * 60_000);
      expect(sockets).toHaveLength(1);
      expect(last().sent.filter((m) => m.type === 'register')).toEqual([
        { type: 'register', id: 'r1', idToken: TOKEN_A },
      ]);
      expect(events.filter((e) => e.kind === 'disconnected')).toEqual([]);
    },
  );

  it.each(['keys-unavailable', 'token-invalid'] as const)(
    'registers again with growing waits after a %s refusal, asks what it missed, and starts its waits again once accepted',
    (reason) => {
      const { client, last, events, time, sockets } = setup();
      client.sessionChanged();
      last().open();
      const retries = (): number[] => events.flatMap((e) => (e.kind === 'refused' ? [e.retryInMs ?? -1] : []));
      last().say({ type: 'refused', id: 'r1', reason });
      expect(retries()).toEqual([750]);
      time.advance(749);
      expect(last().types()).toEqual(['register', 'catch-up']);
      time.advance(1);
      expect(last().types()).toEqual(['register', 'catch-up', 'register', 'catch-up']);
      last().say({ type: 'refused', id: 'r3', reason });
      expect(retries()).toEqual([750, 1500]);
      time.advance(1500);
      last().say({ type: 'registered', id: 'r5' });
      expect(
        last()
          .types()
          .filter((t) => t === 'register'),
      ).toHaveLength(3);
      expect(
        last()
          .sent.filter((m) => m.type === 'register')
          .every((m) => 'idToken' in m && m.idToken === TOKEN_A),
      ).toBe(true);
      // Accepted: the next refusal (a rotation later in the shift) waits the shortest time again.
      last().say({ type: 'refused', id: 'r7', reason });
      expect(retries().at(-1)).toBe(750);
      expect(sockets).toHaveLength(1);
    },
  );

  it('stops re-registering when the connection is lost (the new one registers anyway)', () => {
    const { client, last, time, sockets } = setup();
    client.sessionChanged();
    last().open();
    last().say({ type: 'refused', id: 'r1', reason: 'keys-unavailable' });
    const first = last();
    first.drop();
    time.advance(60_000);
    expect(first.types()).toEqual(['register', 'catch-up']);
    expect(sockets).toHaveLength(2);
  });
});
