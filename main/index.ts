/**
 * The composition root: builds the Electron adapters and injects them into the services.
 * Nothing here decides anything about sessions; main/core does, main/services carries it out.
 *
 * Development (`npm start`): scripts/start.mjs starts the CIS2 sandbox and passes its issuer
 * in CWS_SANDBOX_ISSUER. A packaged app ignores that variable and uses the machine policy.
 */
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  safeStorage,
  shell as electronShell,
  WebContentsView,
} from 'electron';
import { session as electronSessions } from 'electron';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLifecycle, handleFatalError, watchSecondInstance } from './adapters/app-lifecycle';
import type { Lifecycle } from './adapters/app-lifecycle';
import { appOrigin, appStartUrl, registerAppScheme, serveRenderer } from './adapters/app-protocol';
import { createClipboardGuard } from './adapters/clipboard-guard';
import { useLocalDataFolder } from './adapters/data-folder';
import { registerIpc } from './adapters/ipc-server';
import { safeStoragePort } from './adapters/safe-storage';
import { createLockGuard, gateViews } from './adapters/lock-guard';
import { issuerFetch } from './adapters/network';
import { watchOsSignals } from './adapters/power-monitor';
import { createWtsSessionSource } from './adapters/wts-session';
import { loadWtsApi } from './platform/wts';
import { createSystemBrowser } from './adapters/system-browser';
import { bringToFront, createSignInFocus } from './adapters/window-focus';
import type { SignInFocus } from './adapters/window-focus';
import { hardenEveryWebContents } from './adapters/lockdown';
import { createShellWindow } from './adapters/windows';
import { isShellError } from './core/errors';
import { osCapabilitiesFor } from './core/os-signals';
import { createAppServices } from './services/compose';
import type { AppServices } from './services/compose';
import { createAudit } from './services/audit';
import { createFolderLogger, perUserLogFolder } from './services/log-folder';
import type { OidcSettings } from './services/oidc';
import { readMachinePolicy, rereadMachinePolicy } from './services/policy/machine-policy';
import type { MachinePolicy } from './services/policy/machine-policy';
import { secretStoreForPlatform } from './services/secret-store';
import { dangerousSwitches, refusedSwitches } from './core/launch-switches';
import { clientKeyCommandIn, runClientKeyCommandHere } from './services/client-key/provision';
import { keepYoungGenerationSmall } from './services/runtime/memory';
import { systemTime } from './services/time';
import { createSmartcardSource } from './services/presence/smartcard';
import { gateOnSmartcard } from './services/presence/smartcard-gate';
import { startPresence } from './services/presence/start';

/** A development build (`npm start`): see main/build-flags.d.ts. false is inlined in the production bundle. */
const developmentBuild = typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__;
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

// Then IT's verbs (--provision-client-key <file>, --remove-client-key): carried out and exited
// here, with no window and without the single-instance lock (which would hand this command line
// to a running shell). Their messages go to the console that started the executable; the key is
// never printed (services/client-key/provision.ts).
const itCommand = launchRefused.length > 0 ? null : clientKeyCommandIn(process.argv.slice(1));
if (itCommand !== null)
  void runClientKeyCommandHere(itCommand, process.platform).then(
    (code) => app.exit(code),
    () => app.exit(1),
  );

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
// Set once the shell is up: how it ends (app-lifecycle.ts), and the kiosk sign-in's step aside.
let lifecycle: Lifecycle | null = null;
let signInFocus: SignInFocus | null = null;

function oidcSettingsFor(policy: MachinePolicy): OidcSettings {
  if (policy.oidc) return policy.oidc;
  throw new Error(
    'No CIS2 environment is configured. IT sets Issuer and ClientId in the machine policy; see docs/policy.md.',
  );
}

/** The OS account running the shell; userInfo() can throw where the account has no profile entry. */
function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USERNAME'] ?? process.env['USER'] ?? 'user';
  }
}

async function start(): Promise<void> {
  // Refused above: app.exit is on its way; never build a window meanwhile.
  if (launchRefused.length > 0 || itCommand !== null) return;
  await app.whenReady();
  // The sandbox (CWS_SANDBOX_ISSUER, CWS_SANDBOX_RELAY) and CWS_POLICY_FILE count only in a
  // development build: decided when the bundle is built (`__CWS_DEV__`, main/build-flags.d.ts),
  // never from app.isPackaged, which only compares the executable's file name (a copied install
  // with the exe renamed electron.exe would count as unpackaged).
  const policyOptions = { platform: process.platform, env: process.env, packaged: !developmentBuild };
  const policy = await readMachinePolicy(policyOptions);
  // IT's folder gets a subfolder per Windows account (one account cannot rotate another's files);
  // the app's own folder is the fallback when IT's cannot be written.
  const ownLogs = join(app.getPath('userData'), 'logs');
  const { logger } = await createFolderLogger({
    folder: policy.logFolder === undefined ? ownLogs : perUserLogFolder(policy.logFolder, accountName()),
    fallbackFolder: ownLogs,
    level: policy.logLevel,
    // Every line names this PC and OS account: a ward's PCs may share IT's log folder.
    workstation: { host: hostname(), account: accountName() },
  });
  const audit = createAudit(logger);
  // Where settings came from, each clamp, and each ignored setting by name (never its value).
  const reportPolicy = (read: MachinePolicy): void =>
    audit.policyLoaded({
      sources: read.sources.filter((s) => s.status === 'read').map((s) => s.source),
      clamps: read.clamps,
      problems: read.problems,
    });
  reportPolicy(policy);
  // Session limits follow IT's changes at the next sign-in or unlock; the rest (issuer, kiosk,
  // log folder, retention) at the next start.
  const rereadPolicy = async (): Promise<MachinePolicy['session'] | null> => {
    const { policy: read, session } = await rereadMachinePolicy(policyOptions);
    reportPolicy(read);
    return session;
  };
  const production = !developmentBuild;
  const onError = (code: string): void =>
    logger.error({ event: 'adapter.error', code }, 'An Electron adapter reported a failure.');

  const services: AppServices = await createAppServices({
    oidc: oidcSettingsFor(policy),
    policy: policy.session,
    browser: createSystemBrowser(electronShell, { beforeOpen: () => signInFocus?.stepAside() }),
    time: systemTime(),
    logger,
    // Draft keys and the naming key on this PC only: on Windows sealed in the local data folder
    // under a safeStorage-protected key (the keyring roams there); the keyring elsewhere.
    secretStore: secretStoreForPlatform({
      platform: process.platform,
      dir: join(app.getPath('userData'), 'secrets'),
      safeStorage: safeStoragePort(() => safeStorage, process.platform),
    }).store,
    draftsDir: join(app.getPath('userData'), 'drafts'),
    draftRetentionMs: policy.draftRetentionMs,
    capabilities: osCapabilitiesFor(process.platform, process.env),
    rereadPolicy,
    organisation: policy.organisationName,
    // Every request to CIS2 on Chromium's network stack: the system proxy, PAC/WPAD, proxy
    // authentication and the Windows certificate store, as the PC's browser has them.
    fetch: issuerFetch(electronSessions),
    // The trust's back-channel logout relay (RelayUrl): CIS2 ending a clinician's session reaches
    // this PC in seconds. Node's WebSocket: the relay is on the trust's own network (docs/relay.md).
    ...(policy.relayUrl === undefined ? {} : { relay: { url: policy.relayUrl } }),
  });
  const { session } = services;

  // Each shell window lives on its own in-memory partition (a new one for each clinician), and
  // app:// is served per session, so every window serves it on its own session before loading.
  const rendererRoot = join(appRoot, 'dist', 'renderer');
  const clipboardGuard = createClipboardGuard({ clipboard, platform: process.platform, onError });
  const quitting = (): boolean => lifecycle?.quitting() ?? false;
  // Windows: a disconnect or logoff of this session locks (adapters/wts-session.ts), on every shell window.
  const wts =
    process.platform === 'win32'
      ? createWtsSessionSource({ api: loadWtsApi(onError), pid: process.pid, onError }, session.os)
      : null;
  const guard = createLockGuard({
    session,
    clipboard: clipboardGuard,
    onError,
    openWindow: (partition) =>
      watchedByWts(
        createShellWindow(
          { BrowserWindow, WebContentsView, Menu },
          {
            kiosk: policy.kiosk,
            production,
            platform: process.platform,
            preloadPath: join(appRoot, 'dist', 'preload', 'index.cjs'),
            startUrl: appStartUrl,
            partition,
            serve: (windowSession) => serveRenderer(windowSession.protocol, rendererRoot),
            // A crashed or hung renderer comes back to the lock screen, never to clinical content.
            beforeRendererReload: () => session.lockBeforeReload(),
            // Windows has no powerMonitor 'shutdown': it asks each window first (seal, then exit),
            // and may end the session without waiting (only the synchronous part counts there).
            onOsQueryEndSession: (event) => lifecycle?.onQueryEndSession(event),
            onOsSessionEnd: (event) => lifecycle?.onEndSession(event),
            quitting,
            // Kiosk: Alt+F4 is refused, and the session locks.
            onCloseRefused: () => {
              logger.info(
                { event: 'shell.kiosk-close-refused' },
                'A request to close the kiosk window was refused; the session was locked.',
              );
              session.lockBeforeReload();
            },
            onError,
          },
        ),
      ),
  });
  function watchedByWts<T extends { window: BrowserWindow }>(shell: T): T {
    wts?.watchWindow(shell.window);
    return shell;
  }
  const front = { kiosk: policy.kiosk, platform: process.platform };
  // The sign-in opens in the system browser: in kiosk the shell steps aside first, and comes
  // back to the front when the attempt ends (window-focus.ts).
  signInFocus = createSignInFocus({ ...front, getWindow: () => guard.window(), session });
  secondInstance.attach(() => {
    const win = guard.window();
    if (win !== null) bringToFront(win, front);
  });

  // The card leaving the reader locks at once (LockOnCardRemoval); RequireSmartcard gates sign-in.
  const smartcard = createSmartcardSource({ events: session.os, lockOnRemoval: policy.smartcard.lockOnCardRemoval });
  // The IPC server trusts only the guard's current window, and every view passes the guard
  // first, so main's lock surface is up before the renderer hears of a lock.
  const stopIpc = registerIpc({
    ipcMain,
    getWindow: () => guard.window(),
    backend: gateViews(
      gateOnSmartcard(session.backend, smartcard, { requireCard: policy.smartcard.requireSmartcard }),
      () => guard.sync(),
    ),
    logger,
    origin: appOrigin,
  });
  // The OS shutting down (powerMonitor 'shutdown', Linux and macOS) is the same shutdown as a quit.
  const os = watchOsSignals(
    { powerMonitor, platform: process.platform, env: process.env, quit: () => app.quit(), onError },
    { ...session.os, shutdown: () => lifecycle?.shutDown() },
  );
  // Every source that sees the clinician leave (and Linux's over D-Bus), audited at each sign-in.
  const presence = startPresence({
    platform: process.platform,
    env: process.env,
    pid: process.pid,
    events: session.os,
    sources: [...os.presence, smartcard, ...(wts ? [wts] : [])],
    audit,
    session,
    onError,
  });

  // Every way out seals the clinician's drafts first (the OS credential store keeps the key):
  // the page is covered and the guard stops (the session's end opens no new window), the seal
  // starts, the renderer may still hand over its last keystrokes, then IPC and the services
  // close, and the OS watchers go last (on Linux they hold logind's shutdown delay lock).
  lifecycle = createLifecycle({
    app,
    onError,
    onSessionEnding: (stage, reasons) =>
      logger.info(
        { event: 'shell.os-session-ending', stage, reasons },
        stage === 'query' ? 'Windows is ending the session; sealing drafts first.' : 'Windows ended the session.',
      ),
    steps: {
      stop: () => {
        guard.current()?.setCovered(true);
        guard.dispose();
      },
      seal: () => session.os.shutdown(),
      // The clipboard is swept here, as at any end (the guard has stopped).
      alongside: () => clipboardGuard.sweep({ forget: true }),
      close: async () => {
        stopIpc();
        clipboardGuard.dispose();
        await services.close();
      },
      release: () => {
        os.dispose();
        void presence.dispose();
      },
    },
  });
  app.on('window-all-closed', () => app.quit());
  logger.info(
    {
      event: 'shell.started',
      kiosk: policy.kiosk,
      production,
      policy: policy.sources.some((s) => s.status === 'read'),
    },
    'Clinical Workstation Shell started.',
  );
}

// A fault in main must not leave a ward PC on clinical content: restart clean, which starts
// signed out (secrets were in memory only); saved drafts wait sealed for their owner. Not in a
// loop, and not while the shell is closing (app-lifecycle.ts).
process.on('uncaughtException', (error) => {
  handleFatalError(
    {
      app,
      argv: process.argv,
      now: Date.now,
      quitting: () => lifecycle?.quitting() ?? false,
      report: (message) => console.error(message),
      tellUser: (title, message) => dialog.showErrorBox(title, message),
    },
    isShellError(error) ? error.code : error.name,
  );
});

start().catch((error: unknown) => {
  const message = isShellError(error) || error instanceof Error ? error.message : 'The shell could not start.';
  dialog.showErrorBox('Clinical Workstation Shell cannot start', message);
  app.exit(1);
});
