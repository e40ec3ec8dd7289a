// The clock rule of main/core/clock.ts (kept with the session tests, whose rule it is).
import { describe, expect, it } from 'vitest';
import { earliest, elapsedMs, isReached, isValidInstant, msUntil, shift } from '../../../main/core/clock';

const t = { wall: 1_000_000, mono: 500 };

describe('clock rule', () => {
  it('counts elapsed time as the larger of the two clocks', () => {
    expect(elapsedMs(t, { wall: t.wall - 60_000, mono: t.mono + 10 })).toBe(10); // wall set back: mono counts
    expect(elapsedMs(t, { wall: t.wall + 60_000, mono: t.mono + 10 })).toBe(60_000); // wall forward or sleep: wall counts
  });

  it('says a deadline has come when either clock reaches it', () => {
    const d = shift(t, 1000);
    expect(isReached(d, { wall: t.wall + 999, mono: t.mono + 999 })).toBe(false);
    expect(isReached(d, { wall: t.wall + 1000, mono: t.mono })).toBe(true);
    expect(isReached(d, { wall: t.wall - 5000, mono: t.mono + 1000 })).toBe(true);
  });

  it('arms timers for whichever clock reaches the deadline first, never negative', () => {
    const d = shift(t, 1000);
    expect(msUntil(d, t)).toBe(1000);
    expect(msUntil(d, { wall: t.wall + 600, mono: t.mono + 100 })).toBe(400);
    expect(msUntil(d, { wall: t.wall + 5000, mono: t.mono })).toBe(0);
    // The wall clock set back an hour: the monotonic clock still counts the time that is left.
    expect(msUntil(d, { wall: t.wall - 3_600_000, mono: t.mono + 300 })).toBe(700);
    expect(earliest(shift(t, 5), { wall: t.wall + 9, mono: t.mono + 1 })).toEqual({
      wall: t.wall + 5,
      mono: t.mono + 1,
    });
  });

  it('accepts only finite readings', () => {
    expect(isValidInstant(t)).toBe(true);
    expect(isValidInstant({ wall: Number.NaN, mono: 0 })).toBe(false);
    expect(isValidInstant({ wall: 0 })).toBe(false);
    expect(isValidInstant(null)).toBe(false);
  });
});
