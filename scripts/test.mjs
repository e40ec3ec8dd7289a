#!/usr/bin/env node
// `npm test`: everything that runs on this machine, in order — typecheck, the formatter's check, lint (with the
// layering test), the renderer build, unit + integration tests, the named mutants, browser tests.
//
// The credential-store tests need a real Secret Service. On Linux without a session bus we
// start one (dbus-run-session + an unlocked gnome-keyring) around the whole run, so the one
// command works the same on a developer's machine and in CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const needsBus = process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.CWS_TEST_IN_BUS;
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (needsBus && have('dbus-run-session') && have('gnome-keyring-daemon')) {
  // A private keyring folder: an existing login keyring (with an unknown password) would make
  // gnome-keyring ask for it through a prompt nobody can answer.
  // In the foreground, as a child of this shell, rather than --daemonize: a daemonized
  // gnome-keyring was seen to exit part-way through a long run, after which a new one is
  // D-Bus-activated with its keyring locked, and every later draft falls back to memory. The tests
  // start once the daemon owns org.freedesktop.secrets (at most 10 s).
  const inner =
    'keyrings="$(mktemp -d)" && trap \'kill $keyring 2>/dev/null; rm -rf "$keyrings"\' EXIT && ' +
    '{ echo -n test-keyring | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 & keyring=$!; } && ' +
    'for i in $(seq 100); do dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break; sleep 0.1; done && ' +
    'node scripts/test.mjs';
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, CWS_TEST_IN_BUS: '1' },
  });
  process.exit(r.status ?? 1);
}
if (needsBus) {
  console.warn(
    'note: no dbus-run-session/gnome-keyring here; credential-store tests will report that no Secret Service is available.',
  );
}

// Each runner prints its own summary; their JSON reports add up to one closing line.
const reports = mkdtempSync(join(tmpdir(), 'cws-test-'));
const vitestJson = join(reports, 'vitest.json');
const playwrightJson = join(reports, 'playwright.json');

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['format', 'npm', ['run', '--silent', 'format:check']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['renderer build', 'npm', ['run', '--silent', 'build:renderer']],
  [
    'unit and integration tests',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  ],
  // The safety rules an audit once broke with every test green, each broken again and caught (issue 20).
  ['named mutants', 'node', ['scripts/named-mutants.mjs']],
  [
    'browser tests',
    'npx',
    ['playwright', 'test', '-c', 'test/e2e/playwright.config.ts', '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  ],
];

const failed = [];
for (const [name, cmd, args, env] of steps) {
  console.log(`\n::: ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) failed.push(name);
}

function read(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
const unit = read(vitestJson);
const browser = read(playwrightJson)?.stats;
rmSync(reports, { recursive: true, force: true });
const passed = (unit?.numPassedTests ?? 0) + (browser?.expected ?? 0) + (browser?.flaky ?? 0);
const failures = (unit?.numFailedTests ?? 0) + (browser?.unexpected ?? 0);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (browser?.skipped ?? 0);
console.log(failed.length ? `\nnpm test: FAILED — ${failed.join(', ')}` : '\nnpm test: all steps passed');
console.log(`${passed} passed, ${failures} failed, ${skipped} skipped`);
process.exit(failed.length ? 1 : 0);
