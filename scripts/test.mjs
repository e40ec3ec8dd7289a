#!/usr/bin/env node
// `npm test`: everything that runs on this machine, in order — typecheck, lint (with the
// layering test), the renderer build, unit + integration tests, browser tests.
//
// The credential-store tests need a real Secret Service. On Linux without a session bus we
// start one (dbus-run-session + an unlocked gnome-keyring) around the whole run, so the one
// command works the same on a developer's machine and in CI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needsBus = process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.CWS_TEST_IN_BUS;
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (needsBus && have('dbus-run-session') && have('gnome-keyring-daemon')) {
  // A private keyring folder: an existing login keyring (with an unknown password) would make
  // gnome-keyring ask for it through a prompt nobody can answer.
  const inner =
    'keyrings="$(mktemp -d)" && trap \'rm -rf "$keyrings"\' EXIT && ' +
    'echo -n test-keyring | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && ' +
    'node scripts/test.mjs';
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, CWS_TEST_IN_BUS: '1' },
  });
  process.exit(r.status ?? 1);
}
if (needsBus) {
  console.warn('note: no dbus-run-session/gnome-keyring here; credential-store tests will report that no Secret Service is available.');
}

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['renderer build', 'npm', ['run', '--silent', 'build:renderer']],
  ['unit and integration tests', 'npx', ['vitest', 'run']],
  ['browser tests', 'npx', ['playwright', 'test', '-c', 'test/e2e/playwright.config.ts']],
];

const failed = [];
for (const [name, cmd, args] of steps) {
  if (name === 'browser tests' && !existsSync('test/e2e/playwright.config.ts')) continue;
  console.log(`\n::: ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
console.log(failed.length ? `\nnpm test: FAILED — ${failed.join(', ')}` : '\nnpm test: all steps passed');
process.exit(failed.length ? 1 : 0);
