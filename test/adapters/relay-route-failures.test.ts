// What the ward PC's log says when the relay cannot be reached by a route (adapters/relay-socket.ts):
// each route's reason once while it stays the same, not at every retry, and again after the relay
// was reached; and the reason in words IT can act on.
import { describe, expect, it } from 'vitest';
import { routeFailureLog, routeFailureReason } from '../../main/adapters/relay-socket';

describe('routeFailureReason', () => {
  it.each<[{ statusCode?: number; code?: unknown }, string]>([
    [{ statusCode: 407 }, 'the proxy asked for credentials (407 Proxy Authentication Required)'],
    [{ statusCode: 403 }, 'answered 403 to the upgrade'],
    [{ statusCode: 0 }, 'answered 0 to the upgrade'],
    [{ code: 'ECONNREFUSED' }, 'ECONNREFUSED'],
    [{ code: 42 }, 'the connection failed'],
    [{}, 'the connection failed'],
  ])('%j → %s', (failure, reason) => {
    expect(routeFailureReason(failure)).toBe(reason);
  });
});

describe('routeFailureLog', () => {
  it('writes a route’s reason once while it stays the same, a new reason or route at once, all again after an open', () => {
    const lines: [Record<string, string>, string][] = [];
    const log = routeFailureLog((fields, message) => void lines.push([fields, message]));
    log.failed('PROXY proxy.trust.nhs.uk:8080', 'the proxy asked for credentials (407 Proxy Authentication Required)');
    log.failed('PROXY proxy.trust.nhs.uk:8080', 'the proxy asked for credentials (407 Proxy Authentication Required)');
    log.failed('DIRECT', 'ECONNRESET');
    log.failed('DIRECT', 'ECONNRESET');
    log.failed('DIRECT', 'ETIMEDOUT');
    expect(lines.map(([f]) => `${f['route']}: ${f['reason']}`)).toEqual([
      'PROXY proxy.trust.nhs.uk:8080: the proxy asked for credentials (407 Proxy Authentication Required)',
      'DIRECT: ECONNRESET',
      'DIRECT: ETIMEDOUT',
    ]);
    expect(lines[0]).toEqual([
      {
        event: 'relay route failed',
        route: 'PROXY proxy.trust.nhs.uk:8080',
        reason: 'the proxy asked for credentials (407 Proxy Authentication Required)',
      },
      'the relay could not be reached by this route',
    ]);
    log.opened();
    log.failed('DIRECT', 'ETIMEDOUT');
    expect(lines).toHaveLength(4);
  });
});
