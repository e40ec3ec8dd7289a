// The workstation registry driven directly: every cap at exactly its value and one below, places
// given back (and a source's count forgotten at zero, never below it), which connections a logout
// names (by `sid`, by `sub` when it has no `sid`) as sessions are registered, changed and closed,
// and which connections have stayed unregistered since before a time, on a manual clock.
//
// The registry only uses a connection as an identity (its source, registration and sent set); it
// never calls the WebSocket, so an empty object stands in for it (as in registry.property.test.ts).
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { createWorkstationRegistry, newConnection } from '../../relay/workstation-registry';
import type { Connection, WorkstationRegistry } from '../../relay/workstation-registry';
import type { Registration, Revocation } from '../../relay/revocations';

const WIDE = { maxConnections: 100, maxConnectionsPerSource: 100, maxUnregistered: 100, maxUnregisteredPerSource: 100 };

function connection(source: string): Connection {
  return newConnection({} as WebSocket, source);
}

function logout(claims: { sid?: string; sub?: string }): Revocation {
  return { jti: 'jti-1', iat: 0, logoutToken: 'token', acceptedAt: 0, ...claims };
}

/** Admits, adds and (optionally) registers a connection from `source`. */
function open(registry: WorkstationRegistry, source: string, registration?: Registration): Connection {
  expect(registry.admit(source)).toBe('admitted');
  const conn = connection(source);
  registry.add(conn);
  if (registration !== undefined) registry.setRegistration(conn, registration);
  return conn;
}

const named = (registry: WorkstationRegistry, claims: { sid?: string; sub?: string }): Connection[] => [
  ...registry.named(logout(claims)),
];

describe('workstation registry: admission caps', () => {
  it('refuses the replica at exactly maxConnections and admits one below it', () => {
    // One unregistered place at a time: each connection registers before the next upgrade.
    const registry = createWorkstationRegistry({ ...WIDE, maxConnections: 3, maxUnregistered: 1 }, () => 0);
    open(registry, 'a', { sub: 'u1', sid: 's1', sessionStart: 0 });
    open(registry, 'b', { sub: 'u2', sid: 's2', sessionStart: 0 });
    open(registry, 'c', { sub: 'u3', sid: 's3', sessionStart: 0 }); // at 2 of 3: admitted
    expect(registry.admit('d')).toBe('replica-full');
    expect(registry.admit('a')).toBe('replica-full');
  });

  it('refuses a source at exactly maxConnectionsPerSource, registered connections included', () => {
    const registry = createWorkstationRegistry({ ...WIDE, maxConnectionsPerSource: 3 }, () => 0);
    open(registry, 'a', { sub: 'u1', sid: 's1', sessionStart: 0 });
    expect(registry.admit('a')).toBe('admitted');
    expect(registry.admit('a')).toBe('admitted'); // at 2 of 3
    expect(registry.admit('a')).toBe('source-full');
    expect(registry.admit('b')).toBe('admitted');
  });

  it('refuses unregistered upgrades at exactly maxUnregistered; a registration frees a place', () => {
    const registry = createWorkstationRegistry({ ...WIDE, maxUnregistered: 2 }, () => 0);
    const first = open(registry, 'a');
    expect(registry.admit('b')).toBe('admitted'); // at 1 of 2
    expect(registry.admit('c')).toBe('unregistered-full');
    registry.setRegistration(first, { sub: 'u1', sessionStart: 0 });
    expect(registry.admit('c')).toBe('admitted');
    expect(registry.admit('d')).toBe('unregistered-full');
  });

  it('refuses a source unregistered upgrades at exactly maxUnregisteredPerSource', () => {
    const registry = createWorkstationRegistry({ ...WIDE, maxUnregisteredPerSource: 2 }, () => 0);
    const first = open(registry, 'a');
    expect(registry.admit('a')).toBe('admitted'); // at 1 of 2
    expect(registry.admit('a')).toBe('source-full');
    expect(registry.admit('b')).toBe('admitted');
    registry.setRegistration(first, { sub: 'u1', sessionStart: 0 });
    expect(registry.admit('a')).toBe('admitted');
    expect(registry.admit('a')).toBe('source-full');
    // Unregistering takes the place back.
    registry.setRegistration(first, null);
    registry.release('a');
    expect(registry.admit('a')).toBe('source-full');
  });
});

describe('workstation registry: places given back', () => {
  it('release and remove give a place back, exactly one each', () => {
    const registry = createWorkstationRegistry({ ...WIDE, maxConnectionsPerSource: 2 }, () => 0);
    const conn = open(registry, 'a', { sub: 'u1', sid: 's1', sessionStart: 0 });
    expect(registry.admit('a')).toBe('admitted');
    expect(registry.admit('a')).toBe('source-full');
    registry.release('a');
    expect(registry.admit('a')).toBe('admitted');
    expect(registry.admit('a')).toBe('source-full');
    registry.remove(conn);
    registry.remove(conn); // a second close of the same connection gives nothing back
    expect(registry.admit('a')).toBe('admitted');
    expect(registry.admit('a')).toBe('source-full');
  });

  it('a count forgotten at zero never goes below it: a release with no place held gives no extra place', () => {
    for (const limits of [
      { ...WIDE, maxConnectionsPerSource: 2 },
      { ...WIDE, maxUnregisteredPerSource: 2 },
    ]) {
      const registry = createWorkstationRegistry(limits, () => 0);
      expect(registry.admit('a')).toBe('admitted');
      registry.release('a');
      registry.release('a'); // nothing held any more
      expect(registry.admit('a')).toBe('admitted');
      expect(registry.admit('a')).toBe('admitted');
      expect(registry.admit('a')).toBe('source-full');
    }
  });
});

describe('workstation registry: which connections a logout names', () => {
  it('by sid when it has one (sid wins over sub), by sub otherwise, nothing with neither', () => {
    const registry = createWorkstationRegistry(WIDE, () => 0);
    const a = open(registry, 'x', { sub: 'u1', sid: 's1', sessionStart: 0 });
    const b = open(registry, 'x', { sub: 'u1', sid: 's2', sessionStart: 0 });
    const c = open(registry, 'x', { sub: 'u2', sessionStart: 0 });
    open(registry, 'x'); // unregistered: never named
    expect(named(registry, { sid: 's1' })).toEqual([a]);
    expect(named(registry, { sid: 's2' })).toEqual([b]);
    expect(named(registry, { sub: 'u1' })).toEqual([a, b]);
    expect(named(registry, { sub: 'u2' })).toEqual([c]);
    expect(named(registry, { sid: 's1', sub: 'u2' })).toEqual([a]);
    expect(named(registry, { sid: 's9', sub: 'u1' })).toEqual([]);
    expect(named(registry, {})).toEqual([]);
    expect(named(registry, { sid: 's9' })).toEqual([]);
    expect(named(registry, { sub: 'u9' })).toEqual([]);
  });

  it('after re-registration only the new session names it, and what was sent is forgotten', () => {
    const registry = createWorkstationRegistry(WIDE, () => 0);
    const conn = open(registry, 'x', { sub: 'u1', sid: 's1', sessionStart: 0 });
    conn.sent.add('jti-old');
    registry.setRegistration(conn, { sub: 'u2', sid: 's2', sessionStart: 5 });
    expect(conn.sent.size).toBe(0);
    expect(named(registry, { sid: 's1' })).toEqual([]);
    expect(named(registry, { sub: 'u1' })).toEqual([]);
    expect(named(registry, { sid: 's2' })).toEqual([conn]);
    expect(named(registry, { sub: 'u2' })).toEqual([conn]);
    // Re-registering for the same session keeps it named once.
    registry.setRegistration(conn, { sub: 'u2', sid: 's2', sessionStart: 5 });
    expect(named(registry, { sid: 's2' })).toEqual([conn]);
    registry.setRegistration(conn, null);
    expect(named(registry, { sid: 's2' })).toEqual([]);
    expect(named(registry, { sub: 'u2' })).toEqual([]);
  });

  it('two connections in one session are both named; closing one leaves the other', () => {
    const registry = createWorkstationRegistry(WIDE, () => 0);
    const session = { sub: 'u1', sid: 's1', sessionStart: 0 };
    const a = open(registry, 'x', session);
    const b = open(registry, 'y', session);
    expect(named(registry, { sid: 's1' })).toEqual([a, b]);
    registry.remove(a);
    expect(named(registry, { sid: 's1' })).toEqual([b]);
    expect(named(registry, { sub: 'u1' })).toEqual([b]);
    registry.remove(b);
    expect(named(registry, { sid: 's1' })).toEqual([]);
    expect(named(registry, { sub: 'u1' })).toEqual([]);
  });

  it('keeps no index entry for a session whose last connection has gone', () => {
    // The only outside sign of an empty entry left behind (memory that grows with every session
    // a long-running replica sees) is that `named` answers with it instead of its empty array.
    const registry = createWorkstationRegistry(WIDE, () => 0);
    const conn = open(registry, 'x', { sub: 'u1', sid: 's1', sessionStart: 0 });
    registry.setRegistration(conn, { sub: 'u2', sid: 's2', sessionStart: 0 });
    expect(registry.named(logout({ sid: 's1' }))).toEqual([]);
    expect(registry.named(logout({ sub: 'u1' }))).toEqual([]);
    registry.remove(conn);
    expect(registry.named(logout({ sid: 's2' }))).toEqual([]);
    expect(registry.named(logout({ sub: 'u2' }))).toEqual([]);
  });
});

describe('workstation registry: registered connections and overdue registrations', () => {
  it('counts registered connections through registration, re-registration, unregistration and close', () => {
    const registry = createWorkstationRegistry(WIDE, () => 0);
    const a = open(registry, 'x');
    const b = open(registry, 'x');
    expect(registry.registered()).toBe(0);
    registry.setRegistration(a, { sub: 'u1', sid: 's1', sessionStart: 0 });
    registry.setRegistration(b, { sub: 'u2', sessionStart: 0 });
    expect(registry.registered()).toBe(2);
    registry.setRegistration(a, { sub: 'u3', sid: 's3', sessionStart: 0 });
    expect(registry.registered()).toBe(2);
    registry.setRegistration(b, null);
    registry.setRegistration(b, null);
    expect(registry.registered()).toBe(1);
    registry.remove(a);
    expect(registry.registered()).toBe(0);
    expect(registry.connections()).toEqual(new Set([b]));
  });

  it('names connections unregistered since strictly before `since`, from their upgrade or unregistration', () => {
    let clock = 1_000;
    const registry = createWorkstationRegistry(WIDE, () => clock);
    const conn = open(registry, 'x');
    expect(registry.unregisteredSince(999)).toEqual([]);
    expect(registry.unregisteredSince(1_000)).toEqual([]);
    expect(registry.unregisteredSince(1_001)).toEqual([conn]);
    clock = 2_000;
    registry.setRegistration(conn, { sub: 'u1', sessionStart: 0 });
    expect(registry.unregisteredSince(5_000)).toEqual([]);
    clock = 3_000;
    registry.setRegistration(conn, null);
    expect(registry.unregisteredSince(3_000)).toEqual([]);
    expect(registry.unregisteredSince(3_001)).toEqual([conn]);
    registry.remove(conn);
    expect(registry.unregisteredSince(5_000)).toEqual([]);
  });
});

type Op =
  | { kind: 'open'; source: number }
  | { kind: 'register'; conn: number; sub: number; sid: number | null }
  | { kind: 'unregister'; conn: number }
  | { kind: 'close'; conn: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), source: fc.nat(2) }),
  fc.record({
    kind: fc.constant('register' as const),
    conn: fc.nat(20),
    sub: fc.nat(2),
    sid: fc.option(fc.nat(3), { nil: null }),
  }),
  fc.record({ kind: fc.constant('unregister' as const), conn: fc.nat(20) }),
  fc.record({ kind: fc.constant('close' as const), conn: fc.nat(20) }),
);

/** What a logout should name, worked out from the connections' registrations alone. */
function modelNamed(open: Connection[], claims: { sid?: string; sub?: string }): Connection[] {
  if (claims.sid !== undefined) return open.filter((c) => c.registration?.sid === claims.sid);
  if (claims.sub !== undefined) return open.filter((c) => c.registration?.sub === claims.sub);
  return [];
}

const CLAIMS = [{}, ...[0, 1, 2, 3].map((i) => ({ sid: `s${i}` })), ...[0, 1, 2].map((i) => ({ sub: `u${i}` }))];

describe('workstation registry: any order of events', () => {
  it('a logout names exactly the open connections registered for what it names, and sources stay within caps', () => {
    const limits = { maxConnections: 12, maxConnectionsPerSource: 6, maxUnregistered: 5, maxUnregisteredPerSource: 3 };
    const sources = ['192.0.2.1', '192.0.2.2', '198.51.100.3'];
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const registry = createWorkstationRegistry(limits, () => 0);
        const live: Connection[] = [];
        for (const o of ops) {
          if (o.kind === 'open') {
            const source = sources[o.source] as string;
            if (registry.admit(source) !== 'admitted') continue;
            const conn = connection(source);
            registry.add(conn);
            live.push(conn);
          } else {
            const conn = live[o.conn % Math.max(1, live.length)];
            if (conn === undefined) continue;
            if (o.kind === 'register') {
              const sid = o.sid === null ? {} : { sid: `s${o.sid}` };
              registry.setRegistration(conn, { sub: `u${o.sub}`, sessionStart: 0, ...sid });
            } else if (o.kind === 'unregister') registry.setRegistration(conn, null);
            else {
              registry.remove(conn);
              live.splice(live.indexOf(conn), 1);
            }
          }
          for (const claims of CLAIMS) {
            const expected = modelNamed(live, claims);
            const answer = registry.named(logout(claims));
            // Nothing named: the empty answer, not an empty index entry left behind.
            if (expected.length === 0) expect(answer).toEqual([]);
            else expect(new Set(answer)).toEqual(new Set(expected));
          }
          for (const source of sources) {
            const fromSource = live.filter((c) => c.source === source);
            expect(fromSource.length).toBeLessThanOrEqual(limits.maxConnectionsPerSource);
            const unregistered = fromSource.filter((c) => c.registration === null);
            expect(unregistered.length).toBeLessThanOrEqual(limits.maxUnregisteredPerSource);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
