#!/usr/bin/env node
// `npm run mutation:named` (and a step of `npm test`): the safety rules an audit broke one at a
// time with every test green (issue 20), each broken again here, one at a time, in a copy of the
// working tree, and the tests that guard it run: every one must now fail. First the same tests run
// on the unbroken copy and must pass, so a failure means the mutation was noticed, not that the
// copy was broken. A mutation whose text is no longer in its file fails the run too, so the list
// cannot rot as the code moves. docs/mutation.md explains each, and the two IPC checks that are
// listed as equivalent instead (no Electron behaviour can tell them apart).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Each: the rule, the file, the exact text that keeps it and what the mutation puts there, the tests that must notice. */
export const namedMutants = [
  {
    rule: 'the one audience rule (ID and logout tokens): the client no longer required among the audiences',
    file: 'main/core/audience.ts',
    from: ' || !audiences.includes(rule.clientId))',
    to: ')',
    tests: ['test/services/oidc/backchannel-logout.test.ts', 'test/core/audience.test.ts'],
  },
  {
    rule: 'auth_time tolerance wiring: the configured skew replaced by 300 s',
    file: 'main/services/oidc/authorization-code.ts',
    from: 'skewSeconds: settings.authTimeSkewSeconds',
    to: 'skewSeconds: 300',
    tests: ['test/services/oidc/sign-in-rejections.integration.test.ts'],
  },
  {
    rule: 'the draft owner re-checked after a restore: the re-check removed',
    file: 'main/services/session/backend.ts',
    from: "if (draftCustodian(loop.state(), 'read') !== owner) return notActive;",
    to: '',
    tests: ['test/services/session/session-service.test.ts'],
  },
  {
    rule: 'the relay publishes a pending logout whose jti is already recorded: published only when the jti is new',
    file: 'relay/pending.ts',
    from: 'await store.publish(revocation, now() + LATE_JTI_MS);',
    to: 'if (await store.firstSeen(revocation.jti, now() + LATE_JTI_MS)) await store.publish(revocation);',
    tests: ['test/relay/store-faults.test.ts'],
  },
  {
    rule: 'https-or-loopback: plain http allowed to any host',
    file: 'main/core/http-scheme.ts',
    from: "(url.protocol === 'http:' || url.protocol === 'ws:') && isLoopbackHost(url.hostname)",
    to: "(url.protocol === 'http:' || url.protocol === 'ws:')",
    tests: ['test/core/http-scheme.test.ts', 'test/relay/config.test.ts'],
  },
  {
    rule: "https-or-loopback at the relay's configuration: the issuer's check removed",
    file: 'relay/config.ts',
    from: '!isHttpsOrLoopback(issuer, { loopbackHttp: c.allowInsecureLoopbackIssuer })',
    to: 'false',
    tests: ['test/relay/config.test.ts'],
  },
  {
    rule: "https-or-loopback at the issuer's keys (shell and relay): the check removed",
    file: 'main/services/oidc/issuer-keys.ts',
    from: '!isHttpsOrLoopback(url, { loopbackHttp: options.allowInsecureLoopbackIssuer })',
    to: 'false',
    tests: ['test/services/oidc/issuer-keys.test.ts'],
  },
  {
    rule: "the relayed logout validator's age: widened past the 12-hour session limit",
    file: 'main/services/oidc/logout-receiver.ts',
    from: 'maxAgeSeconds: deps.sessionLimitMs / 1000,',
    to: 'maxAgeSeconds: deps.sessionLimitMs / 1000 + 3600,',
    tests: ['test/services/oidc/logout-receiver.test.ts'],
  },
  {
    rule: "the relayed logout validator's exp: enforced again, so a PC back after 10 minutes refuses the genuine logout",
    file: 'main/services/oidc/logout-receiver.ts',
    from: 'enforceExp: false,',
    to: 'enforceExp: true,',
    tests: ['test/services/oidc/logout-receiver.test.ts'],
  },
  {
    rule: 'a logout the workstation refused is sent again at its next catch-up: the forgetting removed',
    file: 'relay/workstation-messages.ts',
    from: '  conn.sent.delete(jti);\n',
    to: '\n',
    tests: ['test/relay/workstations.test.ts'],
  },
  {
    rule: "the authorization endpoint's origin and path: the comparison removed",
    file: 'main/services/oidc/authorization-code.ts',
    from: "`${authUrl.origin}${authUrl.pathname}` !== endpoint.split('?')[0]",
    to: 'false',
    tests: ['test/services/oidc/sign-in-rejections.integration.test.ts'],
  },
];

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** A copy of the working tree (tracked and new files, not ignored ones) with the same node_modules. */
function copyOfTree() {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const copy = mkdtempSync(join(tmpdir(), 'cws-named-mutants-'));
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(copy, file));
    } catch {
      // A file deleted in the working tree but still tracked: the copy is as the tree is.
    }
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

function vitest(copy, tests) {
  const result = spawnSync('npx', ['vitest', 'run', '--reporter=dot', ...tests], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { passed: result.status === 0, output: `${result.stdout}\n${result.stderr}` };
}

function main() {
  const copy = copyOfTree();
  const rows = [];
  try {
    const allTests = [...new Set(namedMutants.flatMap((m) => m.tests))];
    const control = vitest(copy, allTests);
    if (!control.passed) {
      console.error(control.output);
      console.error('named mutants: the guarding tests fail on the unbroken tree, so no mutation can be judged.');
      return 1;
    }
    for (const mutant of namedMutants) {
      const path = join(copy, mutant.file);
      const original = readFileSync(path, 'utf8');
      const at = original.split(mutant.from).length - 1;
      if (at !== 1) {
        rows.push({ ...mutant, result: `its text is in ${mutant.file} ${at} times, not once` });
        continue;
      }
      writeFileSync(path, original.replace(mutant.from, mutant.to));
      try {
        rows.push({ ...mutant, result: vitest(copy, mutant.tests).passed ? 'SURVIVED' : 'killed' });
      } finally {
        writeFileSync(path, original);
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  for (const row of rows)
    console.log(`${row.result === 'killed' ? 'killed  ' : 'NOT KILLED'}  ${row.rule} (${row.file}): ${row.result}`);
  const missed = rows.filter((r) => r.result !== 'killed').length;
  console.log(`named mutants: ${rows.length - missed} of ${namedMutants.length} killed`);
  return missed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
