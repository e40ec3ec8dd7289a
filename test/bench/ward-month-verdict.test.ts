// The ward's-month verdicts (issue 24): heap used flat within 2 MB from the first sample to the
// last, and no growth in timers, handles, listeners, relay connections, or the fetches a
// validator or discovery cache made per sign-in would multiply.
import { describe, expect, it } from 'vitest';
import { wardMonthMeasures } from '../../bench/ward-month.bench';
import type { WardSample } from '../../bench/lib/ward-month-types';

const MB = 1_000_000;

function sample(handover: number, over: Partial<WardSample> = {}): WardSample {
  return {
    handover,
    heapUsedBytes: 16 * MB,
    heapTotalBytes: 25 * MB,
    rssBytes: 95 * MB,
    externalBytes: 4 * MB,
    activeResources: { Timeout: 2, TCPSocketWrap: 1 },
    processListeners: 5,
    relaySocketsLive: 1,
    relaySocketsClosing: 0,
    relaySocketsRetained: 1,
    relaySocketsOpened: handover + 1,
    issuerRequests: { discovery: 1, jwks: 2, token: handover * 2 },
    logouts: handover / 10,
    ...over,
  };
}

const verdicts = (first: WardSample, last: WardSample) =>
  wardMonthMeasures({ samples: [first, sample(500), last], realMs: 1, logouts: 100 }).map(
    (m) => `${m.verdict} ${m.name}`,
  );

describe('wardMonthMeasures', () => {
  it('passes a flat month: heap within 2 MB, every count the same, token requests free to grow', () => {
    const result = verdicts(sample(100), sample(1000, { heapUsedBytes: 17.9 * MB }));
    expect(result.filter((v) => !v.startsWith('PASS') && !v.startsWith('INFO'))).toEqual([]);
    expect(result.some((v) => v.includes('heap used growth, hand-over 100 → 1000'))).toBe(true);
  });

  it('misses a heap that grew more than 2 MB', () => {
    const result = verdicts(sample(100), sample(1000, { heapUsedBytes: 18.1 * MB }));
    expect(result.filter((v) => v.startsWith('MISS'))).toEqual(['MISS heap used growth, hand-over 100 → 1000']);
  });

  it('misses each count that grew, naming it with both values', () => {
    const result = verdicts(
      sample(100),
      sample(1000, {
        activeResources: { Timeout: 3, TCPSocketWrap: 1 },
        processListeners: 6,
        relaySocketsLive: 2,
        relaySocketsRetained: 2,
        issuerRequests: { discovery: 1, jwks: 9, token: 2000 },
      }),
    );
    expect(result.filter((v) => v.startsWith('MISS'))).toEqual([
      'MISS timers: 2 → 3',
      'MISS active handles (all kinds): 3 → 4',
      'MISS process listeners: 5 → 6',
      'MISS relay connections open: 1 → 2',
      'MISS relay socket objects retained: 1 → 2',
      'MISS jwks fetches (validator, discovery): 2 → 9',
    ]);
  });

  it('does not count sockets left CLOSING by a close before they opened, which hold no connection', () => {
    const result = verdicts(sample(100), sample(1000, { relaySocketsClosing: 5 }));
    expect(result.filter((v) => v.startsWith('MISS'))).toEqual([]);
  });

  it('refuses a month with fewer than two samples', () => {
    expect(() => wardMonthMeasures({ samples: [sample(100)], realMs: 1, logouts: 0 })).toThrow(/two samples/);
  });
});
