// The provider's own time inside a hand-over's window: the union of its request spans, clipped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeWithin } from '../../../bench/lib/provider-time';

const span = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('timeWithin', () => {
  it('is zero with no spans, or none inside the window', () => {
    expect(timeWithin([], 0, 100)).toBe(0);
    expect(timeWithin([span(-50, -10), span(100, 150)], 0, 100)).toBe(0);
  });

  it('adds spans that do not overlap', () => {
    expect(timeWithin([span(10, 20), span(40, 45)], 0, 100)).toBe(15);
  });

  it('counts overlapping spans once, in any order', () => {
    expect(timeWithin([span(30, 60), span(10, 40), span(35, 50)], 0, 100)).toBe(50);
  });

  it('clips spans that start before the window or end after it', () => {
    expect(timeWithin([span(-20, 10), span(90, 130)], 0, 100)).toBe(20);
  });

  it('never exceeds the window nor the sum of the spans, and never goes below the longest span inside it', () => {
    const spans = fc.array(
      fc.tuple(fc.integer({ min: -200, max: 400 }), fc.integer({ min: 0, max: 200 })).map(([s, d]) => span(s, s + d)),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(spans, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 300 }), (list, from, length) => {
        const to = from + length;
        const total = timeWithin(list, from, to);
        const clipped = list.map((s) => Math.max(0, Math.min(s.endMs, to) - Math.max(s.startMs, from)));
        expect(total).toBeLessThanOrEqual(length);
        expect(total).toBeLessThanOrEqual(clipped.reduce((a, b) => a + b, 0));
        expect(total).toBeGreaterThanOrEqual(Math.max(0, ...clipped));
      }),
    );
  });

  it('equals a millisecond-by-millisecond count of covered time', () => {
    const spans = fc.array(
      fc.tuple(fc.integer({ min: -20, max: 80 }), fc.integer({ min: 0, max: 30 })).map(([s, d]) => span(s, s + d)),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(spans, (list) => {
        let covered = 0;
        for (let t = 0; t < 60; t += 1) if (list.some((s) => s.startMs <= t && t + 1 <= s.endMs)) covered += 1;
        expect(timeWithin(list, 0, 60)).toBe(covered);
      }),
    );
  });
});
