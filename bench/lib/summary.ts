/**
 * The runner's closing summary: one line per headline figure with its target and whether it
 * was met. Benchmarks report; they do not gate, so a MISS is information, not a failure.
 */
import { table } from './print';

export type Verdict = 'PASS' | 'MISS' | 'INFO';

export interface Measure {
  readonly bench: string;
  readonly name: string;
  /** Already formatted for a reader, e.g. "12.3 ms". */
  readonly value: string;
  /** Human text, e.g. "≤ 50 ms"; "—" when the figure has no target. */
  readonly target: string;
  readonly verdict: Verdict;
}

/** A figure that must not exceed `limit` (latency, size, memory). */
export function atMost(
  bench: string,
  name: string,
  value: number,
  limit: number,
  format: (n: number) => string,
): Measure {
  if (!Number.isFinite(value)) throw new RangeError(`The ${bench} benchmark produced no value for "${name}".`);
  return { bench, name, value: format(value), target: `≤ ${format(limit)}`, verdict: value <= limit ? 'PASS' : 'MISS' };
}

/** A figure reported without a target. */
export function info(bench: string, name: string, value: string): Measure {
  return { bench, name, value, target: '—', verdict: 'INFO' };
}

export function formatSummary(measures: readonly Measure[]): string {
  return table(
    ['bench', 'measure', 'value', 'target', 'result'],
    measures.map((m) => [m.bench, m.name, m.value, m.target, m.verdict]),
  );
}
