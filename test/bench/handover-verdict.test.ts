// The hand-over benchmark's verdict (issue 24): p95 of the shell's own time (the provider's
// taken off) against 300 ms, for each way of handing over; the figures with the provider, and
// the provider's own, are reported without a target.
import { describe, expect, it } from 'vitest';
import { handoverMeasures } from '../../bench/handover.bench';
import type { HandoverResult } from '../../bench/lib/handover';
import { summarise } from '../../bench/lib/stats';

function run(way: HandoverResult['way'], shell: number[], provider: number[]): HandoverResult {
  return {
    way,
    clinicians: 4,
    warmup: 0,
    totalMs: summarise(shell.map((s, i) => s + (provider[i] as number))),
    providerMs: summarise(provider),
    shellMs: summarise(shell),
    providerRequests: { token: shell.length, userinfo: shell.length },
  };
}

const twenty = (value: number, worst: number): number[] => [...Array<number>(19).fill(value), worst];

describe('handoverMeasures', () => {
  it('judges the shell without the provider: a slow provider does not make a MISS', () => {
    const measures = handoverMeasures({
      node: 'v22',
      chromium: '1',
      clinicians: ['a', 'b'],
      runs: [run('someone-else', twenty(150, 290), twenty(400, 400))],
    });
    expect(measures.map((m) => [m.name, m.value, m.target, m.verdict])).toEqual([
      ['hand-over p95, provider excluded (someone-else, n=20)', '150 ms', '≤ 300 ms', 'PASS'],
      ['hand-over p95 with the provider (someone-else)', '550 ms', '—', 'INFO'],
      ["provider's own time, median / p95 (someone-else)", '400 ms / 400 ms', '—', 'INFO'],
    ]);
  });

  it('misses each way whose shell p95 is over 300 ms', () => {
    const measures = handoverMeasures({
      node: 'v22',
      chromium: '1',
      clinicians: ['a', 'b'],
      runs: [
        run('someone-else', twenty(100, 100), twenty(10, 10)),
        run('unlock', [...twenty(100, 100).slice(2), 301, 301], twenty(10, 10)),
      ],
    });
    expect(measures.filter((m) => m.target !== '—').map((m) => m.verdict)).toEqual(['PASS', 'MISS']);
  });
});
