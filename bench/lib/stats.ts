/**
 * Summary statistics for benchmark samples. Percentiles use the nearest-rank method, so a
 * reported p99 is always a value that was actually measured (with 200 samples, the third-worst).
 */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly mean: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of samples already sorted ascending; q in [0, 1]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('A percentile needs at least one sample.');
  if (!(q >= 0 && q <= 1)) throw new RangeError('A percentile must be between 0 and 1.');
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

/** The median as the middle sample, or the mean of the two middle samples. */
function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('A benchmark produced no samples to summarise.');
  if (samples.some((s) => !Number.isFinite(s)))
    throw new RangeError('A benchmark produced a sample that is not a finite number.');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] as number,
    median: median(sorted),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] as number,
  };
}
