import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percentile, summarise } from '../../../bench/lib/stats';

describe('summarise', () => {
  it('takes the middle sample as the median of an odd count, and the mean of the middle two of an even count', () => {
    expect(summarise([5, 1, 3]).median).toBe(3);
    expect(summarise([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('reports p99 of 200 samples as the third-worst (nearest rank), so one or two outliers cannot hide in it', () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
    const s = summarise(samples.reverse());
    expect(s.p99).toBe(198);
    expect(s.p95).toBe(190);
    expect(s.min).toBe(1);
    expect(s.max).toBe(200);
    expect(s.n).toBe(200);
    expect(s.mean).toBe(100.5);
  });

  it('refuses no samples and non-finite samples rather than printing NaN', () => {
    expect(() => summarise([])).toThrow(/no samples/);
    expect(() => summarise([1, Number.NaN])).toThrow(/finite/);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });

  it('keeps min ≤ median ≤ p95 ≤ p99 ≤ max, each a value that was measured (except an even median)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (samples) => {
          const s = summarise(samples);
          expect(s.min).toBeLessThanOrEqual(s.median);
          expect(s.median).toBeLessThanOrEqual(s.p95);
          expect(s.p95).toBeLessThanOrEqual(s.p99);
          expect(s.p99).toBeLessThanOrEqual(s.max);
          for (const v of [s.min, s.p95, s.p99, s.max]) expect(samples).toContain(v);
        },
      ),
    );
  });
});
