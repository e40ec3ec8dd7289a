// The tests Stryker runs against the core group's mutants (scripts/mutation.mjs): the core's own
// tests and the session service's, which drive the engine through its port. The other groups'
// tests (the relay's with Redis, the adapters') never reach a core rule the core's tests do not,
// and running them for each of the engine's static mutants (its vocabulary and tables, which
// every test meets) would take hours.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts', 'test/services/session/**/*.test.ts'],
    exclude: ['node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
