// The tests Stryker runs against each mutant of the safety core (stryker.config.mjs): the ones
// that exercise it, in Node, without a Secret Service or a browser. Every other test still runs
// in `npm test`. (Not merged with vitest.config.ts: a merge would add these globs to its own.)
//
// scripts/mutation.mjs names the group in MUTATION_GROUP. A group with its own, narrower set runs
// only that: a static mutant (a module-level constant or table, which every test meets) runs the
// whole set, and with the shared set that meant every Redis, sandbox and adapter test for each of
// the engine's vocabulary mutants (hours per group). A narrower set can only let a mutant survive
// that a test outside it would kill, never kill one falsely; the groups' sets hold every test that
// imports the group's files.
import { defineConfig } from 'vitest/config';

const shared = [
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
];

const byGroup: Record<string, string[]> = {
  // The engine and its pure rules: the core's own tests and the session service's, which drive
  // the engine through its port.
  core: ['test/core/**/*.test.ts', 'test/services/session/**/*.test.ts'],
  // What a failed refresh means and the smartcard gate: their own tests and the session service's.
  gates: [
    'test/services/tokens/**/*.test.ts',
    'test/services/presence/smartcard-gate.test.ts',
    'test/services/session/**/*.test.ts',
  ],
  // The relay's rules over real Redis. Not its deployment tests (test/relay/deploy: the built
  // bundle, nginx, systemd) nor the Sentinel and two-replica runs, which test the wiring of the
  // same rules and take tens of seconds each.
  relay: [
    'test/relay/ingress.test.ts',
    'test/relay/ingress-answers.test.ts',
    'test/relay/id-token.test.ts',
    'test/relay/late-marks.test.ts',
    'test/relay/pending.test.ts',
    'test/relay/pending-unconfirmed.test.ts',
    'test/relay/limits.test.ts',
    'test/relay/registry.property.test.ts',
    'test/relay/store-faults.test.ts',
    'test/relay/stores.test.ts',
    'test/relay/workstations.test.ts',
    'test/relay/workstation-registry.test.ts',
    'test/relay/workstation-messages.test.ts',
  ],
  // The relay's settings: the parser's own tests.
  'relay-config': [
    'test/relay/config.test.ts',
    'test/relay/config-rules.test.ts',
    'test/relay/config-settings.test.ts',
  ],
};

export default defineConfig({
  test: {
    include: byGroup[process.env['MUTATION_GROUP'] ?? ''] ?? shared,
    // Needs a Secret Service on a session bus; the custody rules are the same over the memory store.
    exclude: ['test/services/drafts/keyring-vault.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
