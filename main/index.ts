/**
 * The composition root: builds the Electron adapters and injects them into the services.
 * Nothing here decides anything about sessions; main/core does, main/services carries it out.
 *
 * Development (`npm start`): scripts/start.mjs starts the CIS2 sandbox and passes its issuer
 * in CWS_SANDBOX_ISSUER. A packaged app ignores that variable and uses the machine policy.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, protocol, shell as electronShell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOrigin, appStartUrl, registerAppScheme, serveRenderer } from './adapters/app-protocol';
import { registerIpc } from './adapters/ipc-server';
import { watchOsSignals } from './adapters/power-monitor';
import { createSystemBrowser } from './adapters/system-browser';
import { createShellWindow, hardenEveryWebContents } from './adapters/windows';
import { isShellError } from './core/errors';
import { osCapabilitiesFor } from './core/os-signals';
import { createShellServices } from './services/compose';
import type { ShellServices } from './services/compose';
import { createAudit } from './services/audit';
import { createFolderLogger } from './services/logger';
import { resolveOidcSettings } from './services/oidc';
import type { OidcSettings } from './services/oidc';
import { loadMachinePolicy, machinePolicyPath } from './services/policy/machine-policy';
import type { MachinePolicy } from './services/policy/machine-policy';
import { createKeyringSecretStore } from './services/secret-store';
import { systemTime } from './services/time';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Before 'ready': the privileged app:// scheme, and hardening for any web contents at all.
registerAppScheme(protocol);
hardenEveryWebContents(app);
// One shell per workstation session: a second launch focuses the first.
if (!app.requestSingleInstanceLock()) app.exit(0);

function oidcSettingsFor(policy: MachinePolicy): OidcSettings {
  if (policy.oidc) return policy.oidc;
  const sandboxIssuer = process.env['CWS_SANDBOX_ISSUER'];
  // The sandbox is development infrastructure: a packaged app never signs in against it.
  if (!app.isPackaged && sandboxIssuer) {
    return resolveOidcSettings({ issuer: sandboxIssuer, clientId: process.env['CWS_SANDBOX_CLIENT_ID'] ?? 'clinical-workstation-shell', allowInsecureLoopbackIssuer: true });
  }
  throw new Error('No CIS2 environment is configured. IT sets it in the machine policy file (cis2.environment and cis2.clientId); see docs/policy.md.');
}

async function start(): Promise<void> {
  await app.whenReady();
  const policyPath = (!app.isPackaged && process.env['CWS_POLICY_FILE']) || machinePolicyPath(process.platform, process.env);
  const policy = await loadMachinePolicy(policyPath);
  // The policy's log folder when IT sets one (MachinePolicy.logFolder, issue 5 §2), else the app's own.
  const logFolder = (policy as { readonly logFolder?: string }).logFolder ?? join(app.getPath('userData'), 'logs');
  const { logger } = await createFolderLogger({ folder: logFolder, level: policy.logLevel });
  createAudit(logger).policyLoaded({ sources: policy.source === null ? [] : [policy.source], clamps: policy.clamps, problems: [] });
  const production = app.isPackaged;
  const onError = (code: string): void => logger.error({ event: 'adapter.error', code }, 'An Electron adapter reported a failure.');

  const services: ShellServices = await createShellServices({
    oidc: oidcSettingsFor(policy),
    policy: policy.session,
    browser: createSystemBrowser(electronShell),
    time: systemTime(),
    logger,
    secretStore: createKeyringSecretStore(),
    draftsDir: join(app.getPath('userData'), 'drafts'),
    draftRetentionMs: policy.draftRetentionMs,
    capabilities: osCapabilitiesFor(process.platform, process.env),
  });
  const { shell } = services;

  serveRenderer(protocol, join(appRoot, 'dist', 'renderer'));
  let win: BrowserWindow | null = createShellWindow(
    { BrowserWindow, Menu },
    {
      kiosk: policy.kiosk,
      production,
      preloadPath: join(appRoot, 'dist', 'preload', 'index.cjs'),
      startUrl: appStartUrl,
      // A crashed renderer comes back to the lock screen, never to clinical content.
      beforeRendererReload: () => shell.lockBeforeReload(),
      // Windows ends the OS session without a powerMonitor 'shutdown': seal drafts here.
      onOsSessionEnd: () => void shell.os.shutdown(),
      onError,
    },
  );
  win.on('closed', () => (win = null));
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });

  const stopIpc = registerIpc({ ipcMain, getWindow: () => win, backend: shell.backend, logger, origin: appOrigin });
  const os = watchOsSignals({ powerMonitor, platform: process.platform, env: process.env, quit: () => app.quit(), onError }, shell.os);

  // Quitting seals the clinician's drafts first (the OS credential store keeps the key).
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    os.dispose();
    stopIpc();
    void Promise.resolve(shell.os.shutdown())
      .then(() => services.close())
      .catch((error: unknown) => logger.error({ err: error, event: 'shell.quit-failed' }, 'Sealing drafts at quit failed.'))
      .finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
  logger.info({ event: 'shell.started', kiosk: policy.kiosk, production, policy: policy.source !== null }, 'Clinical Workstation Shell started.');
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
