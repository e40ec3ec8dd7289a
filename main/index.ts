/**
 * The composition root: builds the Electron adapters and injects them into the services.
 * Nothing here decides anything about sessions; main/core does, main/services carries it out.
 * The wiring is in main/composition/, one file per part of the shell (before 'ready', the policy
 * and the log, the services, the windows, the presence sources, the way out); this entry point
 * (dist/main/index.js, bundled by scripts/build-main.mjs) runs them in order.
 *
 * Development (`npm start`): scripts/start.mjs starts the CIS2 sandbox and passes its issuer
 * in CWS_SANDBOX_ISSUER. A packaged app ignores that variable and uses the machine policy.
 */
import { app, dialog, ipcMain } from './adapters/electron-main';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleFatalError } from './adapters/app-lifecycle';
import { appOrigin } from './adapters/app-protocol';
import { registerIpc } from './adapters/ipc-server';
import { gateViews } from './adapters/lock-guard';
import { bringToFront, createSignInFocus } from './adapters/window-focus';
import { isShellError } from './core/errors';
import { gateOnSmartcard } from './services/presence/smartcard-gate';
import { beforeReady } from './composition/before-ready';
import { howTheShellEnds } from './composition/lifecycle';
import { readPolicyAndLogs } from './composition/policy-and-logs';
import { watchPresence } from './composition/presence';
import { running } from './composition/running';
import { buildServices } from './composition/services';
import { openShellWindows } from './composition/windows';
import { faultWords } from './core/faults';
import type { OnFault } from './core/faults';

/** A development build (`npm start`): see main/build-flags.d.ts. false is inlined in the production bundle. */
const developmentBuild = typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__;
/** The app's folder: this file is dist/main/index.js once bundled. */
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const prepared = beforeReady();

async function start(): Promise<void> {
  // Refused, or an IT command: app.exit is on its way; never build a window meanwhile.
  if (prepared.notStarting) return;
  await app.whenReady();
  const policyAndLogs = await readPolicyAndLogs(developmentBuild);
  const { policy, logger, audit } = policyAndLogs;
  const production = !developmentBuild;
  // A fault on the machine, logged with its code and its words (core/faults.ts): never a secret.
  const onError: OnFault = (code) => logger.error({ event: 'adapter.error', code }, faultWords[code]);

  const services = await buildServices(policyAndLogs);
  const { session } = services;
  const windows = openShellWindows({ appRoot, policy, production, session, logger, onError });
  const { guard } = windows;
  // macOS: coming back from the system browser needs app.focus({ steal: true }) (window-focus.ts).
  const front = { kiosk: policy.kiosk, platform: process.platform, stealFocus: () => app.focus({ steal: true }) };
  // The sign-in opens in the system browser: in kiosk the shell steps aside first, and comes
  // back to the front when the attempt ends (window-focus.ts).
  running.signInFocus = createSignInFocus({ ...front, getWindow: () => guard.window(), session });
  prepared.secondInstance.attach(() => {
    const win = guard.window();
    if (win !== null) bringToFront(win, front);
  });

  // Every source that sees the clinician leave, audited at each sign-in; the smartcard among them.
  const { os, presence } = watchPresence({ session, policy, audit, wts: windows.wts, onError, logger });
  running.settleNativeWaits = () => presence.smartcard?.dispose() ?? Promise.resolve();
  running.cover = () => guard.current()?.setCovered(true);
  // RequireSmartcard gates sign-in. The IPC server trusts only the guard's current window, and
  // every view passes the guard first, so main's lock surface is up before the renderer hears of a lock.
  const card = presence.smartcard;
  const requireCard = policy.smartcard.requireSmartcard;
  const stopIpc = registerIpc({
    ipcMain,
    getWindow: () => guard.window(),
    backend: gateViews(card ? gateOnSmartcard(session.backend, card, { requireCard }) : session.backend, () =>
      guard.sync(),
    ),
    logger,
    origin: appOrigin,
  });

  running.lifecycle = howTheShellEnds({ services, windows, stopIpc, os, presence, logger, onError });
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
  // The page is covered at once; the relaunch and exit wait (briefly) for a wait still in PC/SC
  // to be cancelled and return, since after app.exit nothing would repeat a lost cancel.
  void handleFatalError(
    {
      app,
      argv: process.argv,
      now: Date.now,
      quitting: () => running.lifecycle?.quitting() ?? false,
      report: (message) => console.error(message),
      tellUser: (title, message) => dialog.showErrorBox(title, message),
      cover: () => running.cover(),
      settle: () => running.settleNativeWaits(),
    },
    isShellError(error) ? error.code : error.name,
  );
});

start().catch((error: unknown) => {
  const message = isShellError(error) || error instanceof Error ? error.message : 'The shell could not start.';
  dialog.showErrorBox('Clinical Workstation Shell cannot start', message);
  app.exit(1);
});
