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
  relay: [
    'relay/ingress.ts',
    'relay/ingress-gate.ts',
    'relay/logout-acceptance.ts',
    'relay/id-token.ts',
    'relay/workstation-registry.ts',
    'relay/workstation-messages.ts',
    'relay/config.ts',
  ],
};

/** The mutation score as Stryker counts it: (killed + timed out) / (all but ignored, errors and no-coverage excluded nowhere). */
export function scoreOf(report) {
  let detected = 0;
  let undetected = 0;
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') detected += 1;
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') undetected += 1;
    }
  }
  const total = detected + undetected;
  return { detected, undetected, score: total === 0 ? 100 : (100 * detected) / total };
}

function run(group) {
  const args = [
    'stryker',
    'run',
    '--mutate',
    groups[group].join(','),
    '--incrementalFile',
    `reports/mutation/${group}.incremental.json`,
  ];
  const result = spawnSync('npx', args, {
    stdio: 'inherit',
    env: { ...process.env, STRYKER_JSON_REPORT: `reports/mutation/${group}.json` },
  });
  const report = JSON.parse(readFileSync(`reports/mutation/${group}.json`, 'utf8'));
  const { detected, undetected, score } = scoreOf(report);
  console.log(`mutation ${group}: ${score.toFixed(2)} % (${detected} detected, ${undetected} not)`);
  return result.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((g) => !(g in groups));
  if (unknown.length > 0) {
    console.error(`No such group: ${unknown.join(', ')}. Groups: ${Object.keys(groups).join(', ')}.`);
    process.exit(2);
  }
  let failed = false;
  for (const group of asked.length > 0 ? asked : Object.keys(groups)) if (run(group) !== 0) failed = true;
  process.exit(failed ? 1 : 0);
}
