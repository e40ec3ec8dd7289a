import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../main/core/backoff';
import type { Backoff } from '../../main/core/backoff';

const schedule = fc.record({
  firstMs: fc.integer({ min: 1, max: 60_000 }),
  maxMs: fc.integer({ min: 1, max: 3_600_000 }),
  jitter: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

describe('the one retry schedule', () => {
  it('doubles from the first wait and stops at the cap: 1, 2, 4, 8 s, then 10 s', () => {
    const b: Backoff = { firstMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(b, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('waits nothing before the first failure, and a huge failure count does not overflow', () => {
    const b: Backoff = { firstMs: 15_000, maxMs: 300_000 };
    expect(backoffCeiling(b, 0)).toBe(0);
    expect(backoffCeiling(b, -3)).toBe(0);
    expect(backoffCeiling(b, Number.NaN)).toBe(0);
    expect(backoffCeiling(b, 1e9)).toBe(300_000);
  });

  it('with jitter 0.5 waits between half the ceiling and the ceiling, never at once', () => {
    const b: Backoff = { firstMs: 1_000, maxMs: 30_000, jitter: 0.5 };
    expect(backoffDelay(b, 3, 0)).toBe(2_000);
    expect(backoffDelay(b, 3, 0.999_999)).toBe(4_000);
    expect(backoffDelay(b, 3, 0.5)).toBe(3_000);
  });

  it('never waits more than the cap or less than the unjittered part, for any schedule, count and random', () => {
    fc.assert(
      fc.property(
        schedule,
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (b, n, r) => {
          const ceiling = backoffCeiling(b, n);
          const wait = backoffDelay(b, n, r);
          expect(ceiling).toBeLessThanOrEqual(b.maxMs);
          expect(wait).toBeLessThanOrEqual(Math.round(ceiling));
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling * (1 - (b.jitter ?? 0))) - 1);
        },
      ),
    );
  });

  it('never shortens as failures go on (the ceiling is monotone)', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: 1, max: 1_000 }), (b, n) => {
        expect(backoffCeiling(b, n + 1)).toBeGreaterThanOrEqual(backoffCeiling(b, n));
      }),
    );
  });
});
