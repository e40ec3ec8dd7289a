// The tests Stryker runs against each mutant of the safety core (stryker.config.mjs): the ones
// that exercise it, in Node, without a Secret Service or a browser. Every other test still runs
// in `npm test`. (Not merged with vitest.config.ts: a merge would add these globs to its own.)
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/services/oidc/**/*.test.ts',
      'test/services/drafts/**/*.test.ts',
      'test/services/session/**/*.test.ts',
      // core/smartcard.ts's decisions are driven through the watcher over the in-memory PC/SC.
      'test/services/presence/smartcard.test.ts',
      'test/services/presence/smartcard-gate.test.ts',
      'test/services/tokens/**/*.test.ts',
      'test/adapters/**/*.test.ts',
      'test/contract/**/*.test.ts',
      'test/relay/**/*.test.ts',
    ],
    // Needs a Secret Service on a session bus; the custody rules are the same over the memory store.
    exclude: ['test/services/drafts/keyring-vault.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
