/**
 * The composition root: builds the Electron adapters and injects them into the services.
 * Nothing here decides anything about sessions; main/core does, main/services carries it out.
 *
 * Development (`npm start`): scripts/start.mjs starts the CIS2 sandbox and passes its issuer
 * in CWS_SANDBOX_ISSUER. A packaged app ignores that variable and uses the machine policy.
 */
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, powerMonitor, protocol, shell as electronShell, WebContentsView } from 'electron';
import { session as electronSessions } from 'electron';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOrigin, appStartUrl, registerAppScheme, serveRenderer } from './adapters/app-protocol';
import { createClipboardGuard } from './adapters/clipboard-guard';
import { registerIpc } from './adapters/ipc-server';
import { createLockGuard, gateViews } from './adapters/lock-guard';
import { issuerFetch } from './adapters/network';
import { watchOsSignals } from './adapters/power-monitor';
import { createSystemBrowser } from './adapters/system-browser';
import { createShellWindow, hardenEveryWebContents } from './adapters/windows';
import { isShellError } from './core/errors';
import { osCapabilitiesFor } from './core/os-signals';
import { createAppServices } from './services/compose';
import type { AppServices } from './services/compose';
import { createAudit } from './services/audit';
import { createFolderLogger, perUserLogFolder } from './services/logger';
import type { OidcSettings } from './services/oidc';
import { readMachinePolicy, rereadMachinePolicy } from './services/policy/machine-policy';
import type { MachinePolicy } from './services/policy/machine-policy';
import { createKeyringSecretStore } from './services/secret-store';
import { keepYoungGenerationSmall } from './services/runtime/memory';
import { systemTime } from './services/time';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// A shift-long process: stop V8 keeping young-generation memory it grew for one burst.
keepYoungGenerationSmall();

// Before 'ready': the privileged app:// scheme, and hardening for any web contents at all.
registerAppScheme(protocol);
hardenEveryWebContents(app);
// One shell per workstation session: a second launch focuses the first.
if (!app.requestSingleInstanceLock()) app.exit(0);

function oidcSettingsFor(policy: MachinePolicy): OidcSettings {
  if (policy.oidc) return policy.oidc;
  throw new Error('No CIS2 environment is configured. IT sets Issuer and ClientId in the machine policy; see docs/policy.md.');
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
  await app.whenReady();
  // The sandbox (CWS_SANDBOX_ISSUER) and CWS_POLICY_FILE count only when not packaged.
  const policyOptions = { platform: process.platform, env: process.env, packaged: app.isPackaged };
  const policy = await readMachinePolicy(policyOptions);
  // IT's folder gets a subfolder per Windows account (one account cannot rotate another's files);
  // the app's own folder is the fallback when IT's cannot be written.
  const ownLogs = join(app.getPath('userData'), 'logs');
  const { logger } = await createFolderLogger({
    folder: policy.logFolder === undefined ? ownLogs : perUserLogFolder(policy.logFolder, accountName()),
    fallbackFolder: ownLogs,
    level: policy.logLevel,
  });
  const audit = createAudit(logger);
  // Where settings came from, each clamp, and each ignored setting by name (never its value).
  const reportPolicy = (read: MachinePolicy): void =>
    audit.policyLoaded({ sources: read.sources.filter((s) => s.status === 'read').map((s) => s.source), clamps: read.clamps, problems: read.problems });
  reportPolicy(policy);
  // Session limits follow IT's changes at the next sign-in or unlock; the rest (issuer, kiosk,
  // log folder, retention) at the next start.
  const rereadPolicy = async (): Promise<MachinePolicy['session'] | null> => {
    const { policy: read, session } = await rereadMachinePolicy(policyOptions);
    reportPolicy(read);
    return session;
  };
  const production = app.isPackaged;
  const onError = (code: string): void => logger.error({ event: 'adapter.error', code }, 'An Electron adapter reported a failure.');

  const services: AppServices = await createAppServices({
    oidc: oidcSettingsFor(policy),
    policy: policy.session,
    browser: createSystemBrowser(electronShell),
    time: systemTime(),
    logger,
    secretStore: createKeyringSecretStore(),
    draftsDir: join(app.getPath('userData'), 'drafts'),
    draftRetentionMs: policy.draftRetentionMs,
    capabilities: osCapabilitiesFor(process.platform, process.env),
    rereadPolicy,
    // Every request to CIS2 on Chromium's network stack: the system proxy, PAC/WPAD, proxy
    // authentication and the Windows certificate store, as the PC's browser has them.
    fetch: issuerFetch(electronSessions),
  });
  const { session } = services;

  // Each shell window lives on its own in-memory partition (a new one for each clinician), and
  // app:// is served per session, so every window serves it on its own session before loading.
  const rendererRoot = join(appRoot, 'dist', 'renderer');
  const clipboardGuard = createClipboardGuard({ clipboard, platform: process.platform, onError });
  const guard = createLockGuard({
    session,
    clipboard: clipboardGuard,
    onError,
    openWindow: (partition) =>
      createShellWindow(
        { BrowserWindow, WebContentsView, Menu },
        {
          kiosk: policy.kiosk,
          production,
          preloadPath: join(appRoot, 'dist', 'preload', 'index.cjs'),
          startUrl: appStartUrl,
          partition,
          serve: (windowSession) => serveRenderer(windowSession.protocol, rendererRoot),
          // A crashed or hung renderer comes back to the lock screen, never to clinical content.
          beforeRendererReload: () => session.lockBeforeReload(),
          // Windows ends the OS session without a powerMonitor 'shutdown': seal drafts here.
          onOsSessionEnd: () => void session.os.shutdown(),
          onError,
        },
      ),
  });
  app.on('second-instance', () => {
    const win = guard.window();
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });

  // The IPC server trusts only the guard's current window, and every view passes the guard
  // first, so main's lock surface is up before the renderer hears of a lock.
  const stopIpc = registerIpc({
    ipcMain,
    getWindow: () => guard.window(),
    backend: gateViews(session.backend, () => guard.sync()),
    logger,
    origin: appOrigin,
  });
  const os = watchOsSignals({ powerMonitor, platform: process.platform, env: process.env, quit: () => app.quit(), onError }, session.os);

  // Quitting seals the clinician's drafts first (the OS credential store keeps the key). The
  // guard stops first, so the session's end at shutdown opens no new window; the clipboard is
  // swept here instead, as at any end.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    os.dispose();
    stopIpc();
    guard.dispose();
    const sweep = clipboardGuard.sweep({ forget: true }).catch(() => onError('clipboard-sweep-failed'));
    void Promise.all([session.os.shutdown(), sweep])
      .then(() => clipboardGuard.dispose())
      .then(() => services.close())
      .catch((error: unknown) => logger.error({ err: error, event: 'shell.quit-failed' }, 'Sealing drafts at quit failed.'))
      .finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
  logger.info({ event: 'shell.started', kiosk: policy.kiosk, production, policy: policy.sources.some((s) => s.status === 'read') }, 'Clinical Workstation Shell started.');
}

// A fault in main must not leave a ward PC on clinical content: restart clean, which starts
// signed out (secrets were in memory only); saved drafts wait sealed for their owner.
process.on('uncaughtException', (error) => {
  console.error('Clinical Workstation Shell stopped after an unexpected error and will restart.', isShellError(error) ? error.code : error.name);
  app.relaunch();
  app.exit(1);
});

start().catch((error: unknown) => {
  const message = isShellError(error) || error instanceof Error ? error.message : 'The shell could not start.';
  dialog.showErrorBox('Clinical Workstation Shell cannot start', message);
  app.exit(1);
});
