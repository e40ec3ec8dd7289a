import { describe, expect, it } from 'vitest';
import { reportDrafts, reportEngine, reportSignIn } from '../../../bench/lib/suites';

describe('reportSignIn', () => {
  it('checks the ratio and the median against their targets', () => {
    const ok = reportSignIn({
      runs: 200,
      baseline: { medianMs: 4, p95Ms: 9 },
      shell: { medianMs: 4.2, p95Ms: 8 },
      ratio: 1.05,
    });
    expect(ok.measures.map((m) => m.verdict)).toEqual(['PASS', 'PASS']);
    const slow = reportSignIn({
      runs: 200,
      baseline: { medianMs: 40, p95Ms: 90 },
      shell: { medianMs: 60, p95Ms: 80 },
      ratio: 1.5,
    });
    expect(slow.measures.map((m) => m.verdict)).toEqual(['MISS', 'MISS']);
    expect(slow.report).toContain('1.50×');
  });

  it('fails loudly when the result has changed shape, rather than printing nothing', () => {
    expect(() =>
      reportSignIn({ runs: 200, baseline: { median: 4 }, shell: { medianMs: 4, p95Ms: 8 }, ratio: 1 }),
    ).toThrow(/changed shape/);
    expect(() => reportSignIn(null)).toThrow(/changed shape/);
  });
});

describe('reportEngine and reportDrafts', () => {
  it('use the engine formatter when there is one and fall back to a table when not', () => {
    const results = [{ name: 'shift', nsPerEventMedian: 61.7 }];
    expect(reportEngine(results, () => 'FORMATTED').report).toContain('FORMATTED');
    expect(reportEngine(results).report).toMatch(/\| shift +\| 62 +\|/);
    expect(reportEngine(results).measures[0]).toMatchObject({ bench: 'engine', value: '62', verdict: 'INFO' });
  });

  it('report each draft case as information, with no invented target', () => {
    const out = reportDrafts([
      { name: 'typical', baseline: { medianMs: 0.7, p95Ms: 0.9 }, vault: { medianMs: 1.1, p95Ms: 1.5 } },
    ]);
    expect(out.measures).toEqual([
      { bench: 'drafts', name: 'vault.save median, typical', value: '1.10 ms', target: '—', verdict: 'INFO' },
    ]);
    expect(() => reportDrafts({})).toThrow(/not a list/);
  });
});
