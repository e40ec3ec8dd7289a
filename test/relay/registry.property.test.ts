// The workstation registry's caps over any order of events: upgrades admitted or given back,
// connections opened, registered, unregistered, refused and closed. Whatever the order, the
// counts it keeps agree with the connections it holds, no unregistered connection is ever
// admitted past its caps, and once everything has closed every place is free again (a leak here
// would slowly lock ward PCs out of a long-running replica).
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { createWorkstationRegistry, newConnection } from '../../relay/workstation-registry';
import type { Connection } from '../../relay/workstation-registry';

const LIMITS = { maxConnections: 8, maxConnectionsPerSource: 5, maxUnregistered: 4, maxUnregisteredPerSource: 3 };
const SOURCES = ['192.0.2.1', '192.0.2.2', '198.51.100.3'];

type Step =
  | { kind: 'upgrade'; source: number; completes: boolean }
  | { kind: 'register'; conn: number; sid: number }
  | { kind: 'unregister'; conn: number }
  | { kind: 'close'; conn: number }
  | { kind: 'tick' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('upgrade' as const), source: fc.nat(2), completes: fc.boolean() }),
  fc.record({ kind: fc.constant('register' as const), conn: fc.nat(20), sid: fc.nat(3) }),
  fc.record({ kind: fc.constant('unregister' as const), conn: fc.nat(20) }),
  fc.record({ kind: fc.constant('close' as const), conn: fc.nat(20) }),
  fc.record({ kind: fc.constant('tick' as const) }),
);

function connection(source: string): Connection {
  return newConnection({} as WebSocket, source);
}

describe('workstation registry caps', () => {
  it('counts agree with the connections, unregistered ones never pass their caps, and nothing leaks', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        let clock = 0;
        const registry = createWorkstationRegistry(LIMITS, () => clock);
        const open: Connection[] = [];
        for (const s of steps) {
          if (s.kind === 'upgrade') {
            const source = SOURCES[s.source] as string;
            if (registry.admit(source) !== 'admitted') continue;
            if (!s.completes) {
              registry.release(source);
              continue;
            }
            const conn = connection(source);
            registry.add(conn);
            open.push(conn);
          } else if (s.kind === 'tick') {
            clock += 1_000;
          } else {
            const conn = open[s.conn % Math.max(1, open.length)];
            if (conn === undefined) continue;
            if (s.kind === 'register')
              registry.setRegistration(conn, { sub: `sub-${s.sid}`, sid: `sid-${s.sid}`, sessionStart: 0 });
            if (s.kind === 'unregister') registry.setRegistration(conn, null);
            if (s.kind === 'close') {
              registry.remove(conn);
              open.splice(open.indexOf(conn), 1);
            }
          }
          const unregistered = open.filter((c) => c.registration === null);
          expect(registry.connections().size).toBe(open.length);
          expect(registry.registered()).toBe(open.length - unregistered.length);
          expect(registry.unregisteredSince(clock + 1)).toHaveLength(unregistered.length);
          expect(open.length).toBeLessThanOrEqual(LIMITS.maxConnections);
          for (const source of SOURCES)
            expect(open.filter((c) => c.source === source).length).toBeLessThanOrEqual(LIMITS.maxConnectionsPerSource);
        }
        for (const conn of [...open]) registry.remove(conn);
        // Every place is free again: as many unregistered upgrades from one source as its cap allows.
        for (let i = 0; i < LIMITS.maxUnregisteredPerSource; i += 1)
          expect(registry.admit(SOURCES[0] as string)).toBe('admitted');
        expect(registry.admit(SOURCES[0] as string)).toBe('source-full');
        expect(registry.admit(SOURCES[1] as string)).toBe('admitted');
        expect(registry.admit(SOURCES[1] as string)).toBe('unregistered-full');
      }),
      { numRuns: 300 },
    );
  });
});
