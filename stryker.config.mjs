// Mutation testing of the safety core (issue 20): `npm run mutation`. Stryker changes the code
// one small way at a time (a comparison flipped, a condition removed, a string emptied) and runs
// the tests that cover it; a mutant the tests do not notice is a rule that could break with
// every test green. docs/mutation.md has the scores, the command and date, and the surviving
// mutants that are equivalent (no test can tell them apart), each with its reason.
import process from 'node:process';
import { groups } from './scripts/mutation.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // The tests per group: vitest.mutation.config.ts, told the group by MUTATION_GROUP.
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  // The safety core, by group (scripts/mutation.mjs runs one group at a time).
  mutate: Object.values(groups).flat(),
  // A mutant in module-level code (a constant, a table) runs against every test with the module
  // loaded afresh; with per-test coverage alone it would meet only the tests that happened to load
  // the module first, and survive falsely.
  ignoreStatic: false,
  incremental: true,
  incrementalFile: 'reports/mutation/all.incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: process.env['STRYKER_JSON_REPORT'] ?? 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  timeoutMS: 30000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
