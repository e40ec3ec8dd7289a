import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { futureSealToleranceMs, isSealExpired, maxRetentionMs, resolveRetention } from '../../../main/core/drafts';
import { ShellError } from '../../../main/core/errors';

/** CI raises this (FC_NUM_RUNS) to run the safety properties over many more cases. */
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

const hour = 60 * 60 * 1000;

describe('resolveRetention', () => {
  it.each([
    ['no policy: the 12 h default', undefined, 12 * hour, false],
    ['a shorter policy is honoured', 2 * hour, 2 * hour, false],
    ['exactly 12 h is allowed', 12 * hour, 12 * hour, false],
    ['a longer policy is cut to 12 h', 24 * hour, 12 * hour, true],
    ['zero (no retention) is a valid shortening', 0, 0, false],
    ['fractions of a millisecond are dropped', 1000.7, 1000, false],
    ['Infinity is refused below', Number.POSITIVE_INFINITY, null, null],
  ] as const)('%s', (_name, requested, retentionMs, clamped) => {
    if (retentionMs === null) {
      expect(() => resolveRetention(requested)).toThrow(ShellError);
      return;
    }
    expect(resolveRetention(requested)).toEqual({ retentionMs, clamped });
  });

  it.each([Number.NaN, -1, Number.NEGATIVE_INFINITY])('refuses %s with CONFIG_INVALID and a sentence for IT', (bad) => {
    try {
      resolveRetention(bad);
      expect.unreachable('resolveRetention accepted an invalid value');
    } catch (error) {
      expect(error).toBeInstanceOf(ShellError);
      expect((error as ShellError).code).toBe('CONFIG_INVALID');
      expect((error as ShellError).message).toMatch(/^The draft retention .*\.$/);
    }
  });

  it('never lengthens: any finite request resolves to at most 12 h and at most what was asked', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (requested) => {
        const { retentionMs } = resolveRetention(requested);
        expect(retentionMs).toBeLessThanOrEqual(maxRetentionMs);
        expect(retentionMs).toBeLessThanOrEqual(requested);
      }),
      { numRuns },
    );
  });
});

describe('isSealExpired', () => {
  const sealedAt = 1_000_000_000_000;
  it.each([
    ['just sealed', sealedAt, false],
    ['one ms before the limit', sealedAt + 12 * hour - 1, false],
    ['at the limit', sealedAt + 12 * hour, true],
    ['long after', sealedAt + 48 * hour, true],
    ['clock a little behind the seal (within tolerance)', sealedAt - futureSealToleranceMs, false],
    ['seal stamped from the future (clock set back): not trusted', sealedAt - futureSealToleranceMs - 1, true],
  ])('%s', (_name, now, expired) => {
    expect(isSealExpired(sealedAt, now, 12 * hour)).toBe(expired);
  });

  it('a retention above 12 h passed directly is still capped at 12 h', () => {
    expect(isSealExpired(0, 12 * hour, 100 * hour)).toBe(true);
  });

  it('a non-finite sealedAt is expired', () => {
    expect(isSealExpired(Number.NaN, 0, 12 * hour)).toBe(true);
  });
});

describe('isSealExpired over every age', () => {
  it('property: a seal is kept only while now is within [sealedAt - tolerance, sealedAt + retention)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 0, max: maxRetentionMs }),
        (sealedAt, offset, retention) => {
          const now = sealedAt + offset;
          const kept = !isSealExpired(sealedAt, now, retention);
          expect(kept).toBe(offset < retention && offset >= -futureSealToleranceMs);
        },
      ),
      { numRuns },
    );
  });
});
