import { describe, expect, it } from 'vitest';
import { ms } from '../../../bench/lib/print';
import { atMost, formatSummary, info } from '../../../bench/lib/summary';

describe('atMost', () => {
  it('passes at or under the limit and misses over it', () => {
    expect(atMost('shell', 'p99', 50, 50, ms).verdict).toBe('PASS');
    expect(atMost('shell', 'p99', 49.9, 50, ms).verdict).toBe('PASS');
    expect(atMost('shell', 'p99', 50.1, 50, ms).verdict).toBe('MISS');
  });

  it('formats the value and the target with the same unit', () => {
    const m = atMost('shell', 'p99', 12.34, 50, ms);
    expect(m.value).toBe('12.3 ms');
    expect(m.target).toBe('≤ 50.0 ms');
  });

  it('refuses a missing figure instead of calling it a pass', () => {
    expect(() => atMost('shell', 'p99', Number.NaN, 50, ms)).toThrow(/no value/);
  });
});

describe('formatSummary', () => {
  it('prints one row per measure with its verdict', () => {
    const text = formatSummary([atMost('shell', 'bundle', 200, 150, String), info('engine', 'ns/event', '60')]);
    const rows = text.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/\| shell +\| bundle +\| 200 +\| ≤ 150 +\| MISS +\|/);
    expect(rows[3]).toMatch(/\| engine +\| ns\/event +\| 60 +\| — +\| INFO +\|/);
  });
});
