// The relay benchmark's report: its figures against their targets (the run itself is
// `npm run bench -- --only relay`; no test asserts a timing).
import { describe, expect, it } from 'vitest';
import { reportRelay } from '../../bench/lib/suites';

const summary = (p99: number) => ({ n: 100, min: 1, median: 4, mean: 5, p95: 17, p99, max: p99 + 10 });
const result = (p99: number, allRegisteredMs: number, lost: number) => ({
  workstations: 5000,
  replicas: 2,
  connectMs: 4300,
  memory: [
    { replica: 'a', connections: 2500, rssBeforeBytes: 110e6, rssAfterBytes: 145e6, perThousandBytes: 14e6 },
    { replica: 'b', connections: 2500, rssBeforeBytes: 110e6, rssAfterBytes: 144e6, perThousandBytes: 13.6e6 },
  ],
  delivery: { rate: 50, sent: 1000, received: 1000, latencyMs: summary(p99), postMs: summary(p99) },
  storm: {
    reconnecting: 2500,
    allRegisteredMs,
    sent: 1000,
    received: 1000 - lost,
    lost,
    viaCatchUp: 40,
    latencyMs: summary(1400),
  },
});

describe('reportRelay', () => {
  it('checks delivery p99 (1 s), the storm (30 s) and lost logouts (none) against their targets', () => {
    expect(reportRelay(result(163, 5800, 0)).measures.map((m) => [m.name, m.verdict])).toEqual([
      ['logout POST → workstation p99 at 50/s, 5000 workstations', 'PASS'],
      ['logout POST → workstation median', 'INFO'],
      ['replica memory per 1,000 connections', 'INFO'],
      ['reconnect storm: all registered again', 'PASS'],
      ['logouts lost in the storm', 'PASS'],
    ]);
    expect(reportRelay(result(1200, 31_000, 3)).measures.filter((m) => m.verdict === 'MISS')).toHaveLength(3);
  });

  it('prints a table with memory per 1,000 connections, and fails loudly when the result changes shape', () => {
    const out = reportRelay(result(163, 5800, 0));
    expect(out.report).toContain('14.0 MB per 1,000');
    expect(out.report).toContain('1000 / 1000 (40)');
    expect(() => reportRelay({ ...result(1, 1, 0), storm: null })).toThrow(/changed shape/);
  });
});
