#!/usr/bin/env node
// `npm run mutation [-- group ...]`: Stryker over the safety core, one group of files at a time
// (stryker.config.mjs has the settings; the groups are here). Each group keeps its own incremental
// file in reports/mutation/ (not committed: Stryker writes the machine's own paths into it), so a
// rerun after a small change tests only the mutants it touches, and
// its own JSON report in reports/mutation/<group>.json. Stryker's break threshold (90 %) applies to
// each group: the run exits non-zero when a group scores below it. With no group named, every group
// runs in turn (about two hours on a 2-core machine the first time; minutes when incremental).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ownFiles, writeSummary } from './mutation-summary.mjs';

export const groups = {
  core: ['main/core/**/*.ts', '!main/core/**/types.ts', '!main/core/faults.ts'],
  oidc: [
    'main/services/oidc/verify-session.ts',
    'main/services/oidc/authorization-code.ts',
    'main/services/oidc/logout-token-claims.ts',
    'main/services/oidc/backchannel-logout.ts',
    'main/services/oidc/logout-receiver.ts',
    'main/services/oidc/settings.ts',
  ],
  drafts: [
    'main/services/drafts/vault.ts',
    'main/services/drafts/vault-custody.ts',
    'main/services/drafts/sealed-folder.ts',
    'main/services/drafts/seal.ts',
    'main/services/drafts/key-record.ts',
    'main/services/session/backend.ts',
  ],
  edge: [
    'main/adapters/ipc-server.ts',
    'preload/contract.ts',
    'main/adapters/lock-guard.ts',
    'main/adapters/lock-guard-pages.ts',
    'main/adapters/lock-surface.ts',
  ],
  // Issues 21 and 22: what a failed refresh means (refused ends the session, unanswered never
  // does) and the smartcard gate in front of sign-in and unlock.
  gates: [
    'main/services/tokens/refresh-failure.ts',
    'main/services/tokens/token-holder.ts',
    'main/services/presence/smartcard-gate.ts',
  ],
  relay: [
    'relay/ingress.ts',
    'relay/ingress-gate.ts',
    'relay/logout-acceptance.ts',
    'relay/pending.ts',
    'relay/id-token.ts',
    'relay/workstation-registry.ts',
    'relay/workstation-messages.ts',
  ],
  // The relay's settings on their own: nearly all of config.ts is its schema, built when the module
  // loads, so its mutants are static and each would otherwise run every relay test (Redis included).
  'relay-config': ['relay/config.ts'],
};

/** The mutation score as Stryker counts it: (killed + timed out) / (all but ignored, errors and no-coverage excluded nowhere). */
export function scoreOf(report, files) {
  let detected = 0;
  let undetected = 0;
  const own = files === undefined ? null : ownFiles(files);
  for (const [name, file] of Object.entries(report.files)) {
    if (own !== null && !own.has(name)) continue;
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') detected += 1;
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') undetected += 1;
    }
  }
  const total = detected + undetected;
  return { detected, undetected, score: total === 0 ? 100 : (100 * detected) / total };
}

function run(group, force) {
  const args = [
    'stryker',
    'run',
    '--mutate',
    groups[group].join(','),
    '--incrementalFile',
    `reports/mutation/${group}.incremental.json`,
    // An incremental run keeps the old result of a static mutant (a module-level constant or
    // table) even when a new test kills it now: --force tests every mutant again.
    ...(force ? ['--force'] : []),
  ];
  const result = spawnSync('npx', args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      STRYKER_JSON_REPORT: `reports/mutation/${group}.json`,
      // vitest.mutation.config.ts picks the group's own set of tests where it has one.
      MUTATION_GROUP: group,
      // The property tests at 200 random days each rather than npm test's 2 000: a mutant of the
      // engine meets every property, and 2 000 days each would make a run of the core group last
      // a day. Fewer days can only let a mutant survive, never kill one falsely.
      FC_NUM_RUNS: process.env['FC_NUM_RUNS'] ?? '200',
    },
  });
  const report = JSON.parse(readFileSync(`reports/mutation/${group}.json`, 'utf8'));
  const { detected, undetected, score } = scoreOf(report, groups[group]);
  console.log(`mutation ${group}: ${score.toFixed(2)} % (${detected} detected, ${undetected} not)`);
  // The committed summary: every undetected mutant, without the sources and paths of Stryker's own.
  writeSummary(group, groups[group]);
  return result.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const force = process.argv.includes('--force');
  const summaryOnly = process.argv.includes('--summary');
  const asked = process.argv.slice(2).filter((a) => a !== '--force' && a !== '--summary');
  const unknown = asked.filter((g) => !(g in groups));
  if (unknown.length > 0) {
    console.error(`No such group: ${unknown.join(', ')}. Groups: ${Object.keys(groups).join(', ')}.`);
    process.exit(2);
  }
  if (summaryOnly) {
    for (const group of asked) writeSummary(group, groups[group]);
    process.exit(0);
  }
  let failed = false;
  for (const group of asked.length > 0 ? asked : Object.keys(groups)) if (run(group, force) !== 0) failed = true;
  process.exit(failed ? 1 : 0);
}
