import { describe, expect, it } from 'vitest';
import { runSuites } from '../../../bench/lib/runner';
import { MissingBench, loadBench } from '../../../bench/lib/suites';
import type { Suite } from '../../../bench/lib/suites';
import { info } from '../../../bench/lib/summary';

const suite = (name: Suite['name'], run: Suite['run']): Suite => ({ name, file: `${name}.bench.ts`, run });

describe('runSuites', () => {
  it('keeps running after a crash, reports it, and marks the run as crashed', async () => {
    let out = '';
    const result = await runSuites(
      [
        suite('engine', async () => {
          throw new Error('engine exploded');
        }),
        suite('shell', async () => ({ report: 'SHELL TABLE', measures: [info('shell', 'x', '1')] })),
      ],
      (t) => (out += t),
      () => 0,
    );
    expect(result.crashed).toBe(true);
    expect(out).toContain('The engine benchmark crashed: Error: engine exploded');
    expect(out).toContain('SHELL TABLE');
    expect(result.measures).toEqual([info('shell', 'x', '1')]);
    expect(result.notes).toEqual(['engine: CRASHED', 'shell: ran in 0.0 s']);
  });

  it('skips a missing benchmark with its message, which is not a crash', async () => {
    let out = '';
    const result = await runSuites(
      [
        suite('drafts', async () => {
          throw new MissingBench(
            'bench/drafts.bench.ts does not exist in this checkout, so that benchmark was skipped.',
          );
        }),
      ],
      (t) => (out += t),
    );
    expect(result.crashed).toBe(false);
    expect(out).toContain('does not exist in this checkout');
    expect(result.notes).toEqual(['drafts: skipped (bench/drafts.bench.ts is missing)']);
  });
});

describe('loadBench', () => {
  it('says a benchmark file is missing rather than crashing on the import', async () => {
    await expect(loadBench('no-such.bench.ts')).rejects.toBeInstanceOf(MissingBench);
    await expect(loadBench('no-such.bench.ts')).rejects.toThrow(/bench\/no-such\.bench\.ts does not exist/);
  });
});
