/**
 * What the shell does before Electron's 'ready', in this order: refuse a dangerous launch, carry
 * out IT's command-line verbs, then prepare the app (memory, the app:// scheme, hardening, the
 * local data folder, one shell per workstation session).
 */
import { app, dialog, protocol } from '../adapters/electron-main';
import { watchSecondInstance } from '../adapters/app-lifecycle';
import { registerAppScheme } from '../adapters/app-protocol';
import { useLocalDataFolder } from '../adapters/data-folder';
import { hardenEveryWebContents } from '../adapters/lockdown';
import { dangerousSwitches, environmentRefused, environmentToRemove, refusedSwitches } from '../core/launch-switches';
import { clientKeyCommandIn, runClientKeyCommandHere } from '../services/client-key/provision';
import { keepYoungGenerationSmall } from '../services/runtime/memory';

export interface BeforeReady {
  /** True when the shell must not start: a launch refused, or an IT command being carried out. */
  readonly notStarting: boolean;
  readonly secondInstance: ReturnType<typeof watchSecondInstance>;
}

/** No logger exists yet: standard error (when there is one), the error box, and exit. */
function refuseToStart(found: readonly string[]): void {
  try {
    process.stderr.write(`${JSON.stringify({ event: 'shell.refused-switches', switches: found })}\n`);
  } catch {
    // A GUI program on Windows may have no standard error: the error box still says it.
  }
  dialog.showErrorBox(
    'Clinical Workstation Shell cannot start',
    `The shell was started with ${found.map((name) => `--${name}`).join(', ')}, which would let another program control it, so it has not started. Tell IT: the shortcut or start-up entry that opens the shell has been changed.`,
  );
  app.exit(1);
}

/** The same for a variable Electron has already acted on (core/launch-switches.ts, refusedEnvironment). */
function refuseEnvironment(found: readonly string[]): void {
  try {
    process.stderr.write(`${JSON.stringify({ event: 'shell.refused-environment', variables: found })}\n`);
  } catch {
    // As above.
  }
  dialog.showErrorBox(
    'Clinical Workstation Shell cannot start',
    `The shell was started with the environment variable ${found.join(', ')} set, which makes it write a log of its network activity that can hold sign-in tokens, so it has not started. Tell IT: remove the variable from the user's or the machine's environment (System Properties, Environment Variables) or from the start-up entry.`,
  );
  app.exit(1);
}

const production = !(typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__);

export function beforeReady(): BeforeReady {
  // First of all, before 'ready': a shortcut or Run key edited to add a debugging port, --inspect,
  // --js-flags, --no-sandbox, --user-data-dir or --disable-web-security (core/launch-switches.ts)
  // would hand the shell to whoever edited it. The fuses do not cover these: refuse to start, in
  // every build. Both what Chromium parsed (app.commandLine) and the raw argv are checked.
  const launchRefused = [
    ...new Set([
      ...dangerousSwitches(process.argv, process.platform),
      ...refusedSwitches.filter((name) => app.commandLine.hasSwitch(name)),
    ]),
  ];
  if (launchRefused.length > 0) refuseToStart(launchRefused);
  // ELECTRON_ENABLE_LOGGING / ELECTRON_LOG_FILE: Electron has acted on them already, so a
  // production build refuses to start (core/launch-switches.ts, refusedEnvironment).
  const environmentRefusedNow = launchRefused.length > 0 ? [] : environmentRefused(process.env, production);
  if (environmentRefusedNow.length > 0) refuseEnvironment(environmentRefusedNow);
  // And SSLKEYLOGFILE, which Chromium's network service would honour like --ssl-key-log-file:
  // removed (not refused: a developer's machine may set it for other programs), and said so.
  // In a production build PCSCLITE_CSOCK_NAME too (pcscd's socket, issue 24 item 11).
  const removed = environmentToRemove(process.env, production);
  for (const name of removed) delete process.env[name];
  if (removed.length > 0) {
    try {
      process.stderr.write(`${JSON.stringify({ event: 'shell.environment-removed', variables: removed })}\n`);
    } catch {
      // No standard error (a GUI program on Windows): the variable is gone all the same.
    }
  }

  // Then IT's verbs (--provision-client-key <file>, --remove-client-key): carried out and exited
  // here, with no window and without the single-instance lock (which would hand this command line
  // to a running shell). Their messages go to the console that started the executable; the key is
  // never printed (services/client-key/provision.ts).
  const refused = launchRefused.length > 0 || environmentRefusedNow.length > 0;
  const itCommand = refused ? null : clientKeyCommandIn(process.argv.slice(1));
  if (itCommand !== null)
    void runClientKeyCommandHere(itCommand, process.platform).then(
      (code) => app.exit(code),
      () => app.exit(1),
    );

  // A shift-long process: stop V8 keeping young-generation memory it grew for one burst.
  keepYoungGenerationSmall();

  // Before 'ready': the privileged app:// scheme, and hardening for any web contents at all.
  registerAppScheme(protocol);
  hardenEveryWebContents(app);
  // Drafts, logs and Chromium's own files on this PC only, never in a roaming Windows profile
  // (adapters/data-folder.ts): before the single-instance lock and 'ready', which both use it.
  useLocalDataFolder(app, process.platform, process.env);
  // One shell per workstation session: a second launch focuses the first. Listened for now,
  // before the slow start-up work: Electron emits 'second-instance' whether or not anyone listens.
  if (itCommand === null && !app.requestSingleInstanceLock()) app.exit(0);
  const secondInstance = watchSecondInstance(app);
  return { notStarting: refused || itCommand !== null, secondInstance };
}
