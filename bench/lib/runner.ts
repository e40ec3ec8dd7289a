/**
 * Runs benchmark suites one after another. A crash in one is recorded and the rest still run;
 * a missing benchmark file is skipped with its message. The caller decides the exit code.
 */
import type { Measure } from './summary';
import { MissingBench } from './suites';
import type { Suite } from './suites';

export interface RunOutcome {
  readonly measures: readonly Measure[];
  /** One line per suite: how long it ran, or that it was skipped or crashed. */
  readonly notes: readonly string[];
  readonly crashed: boolean;
}

export async function runSuites(
  suites: readonly Suite[],
  write: (text: string) => void,
  now: () => number = () => performance.now(),
): Promise<RunOutcome> {
  const measures: Measure[] = [];
  const notes: string[] = [];
  let crashed = false;
  for (const suite of suites) {
    write(`\n== ${suite.name} (bench/${suite.file}) ==\n`);
    const started = now();
    try {
      const outcome = await suite.run();
      write(`${outcome.report}\n`);
      measures.push(...outcome.measures);
      notes.push(`${suite.name}: ran in ${((now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      if (error instanceof MissingBench) {
        write(`${error.message}\n`);
        notes.push(`${suite.name}: skipped (bench/${suite.file} is missing)`);
        continue;
      }
      crashed = true;
      write(
        `The ${suite.name} benchmark crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      notes.push(`${suite.name}: CRASHED`);
    }
  }
  return { measures, notes, crashed };
}
