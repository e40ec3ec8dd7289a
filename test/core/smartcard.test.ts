import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../main/core/smartcard';

describe('smartcard service retries (core/backoff.ts)', () => {
  it('waits 1, 2, 4, 8 s, then every 10 s; from the first attempt (0) on', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 50].map(retryDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('is the schedule it was before the shared backoff, for every attempt', () => {
    const before = (attempt: number): number => Math.min(10_000, 1_000 * 2 ** Math.max(0, Math.min(attempt, 10)));
    for (let attempt = -3; attempt <= 40; attempt += 1)
      expect(retryDelayMs(attempt), String(attempt)).toBe(before(attempt));
  });
});
