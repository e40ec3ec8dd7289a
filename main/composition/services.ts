/** The app's services (services/compose.ts) on a ward PC: Electron's ports and this PC's folders. */
import { app, safeStorage, session as electronSessions, shell as electronShell } from '../adapters/electron-main';
import { join } from 'node:path';
import { issuerFetch, issuerSession } from '../adapters/network';
import { relaySocketFor } from '../adapters/relay-socket';
import { safeStoragePort } from '../adapters/safe-storage';
import { createSystemBrowser } from '../adapters/system-browser';
import { osCapabilitiesFor } from '../core/os-signals';
import { createAudit } from '../services/audit';
import { createAppServices } from '../services/compose';
import type { AppServices } from '../services/compose';
import { secretStoreForPlatform } from '../services/secret-store';
import { systemTime } from '../services/time';
import { oidcSettingsFor } from './policy-and-logs';
import type { PolicyAndLogs } from './policy-and-logs';
import { running } from './running';

export function buildServices({ policy, logger, rereadPolicy }: PolicyAndLogs): Promise<AppServices> {
  return createAppServices({
    oidc: oidcSettingsFor(policy),
    policy: policy.session,
    // SignInBrowser: the default browser, or a private window of a named one (docs/deploy.md).
    browser: createSystemBrowser(electronShell, {
      beforeOpen: () => running.signInFocus?.stepAside(),
      signInBrowser: policy.signInBrowser,
    }),
    time: systemTime(),
    logger,
    // Draft keys and the naming key on this PC only: on Windows sealed in the local data folder
    // under a safeStorage-protected key (the keyring roams there); the keyring elsewhere.
    secretStore: secretStoreForPlatform({
      platform: process.platform,
      dir: join(app.getPath('userData'), 'secrets'),
      safeStorage: safeStoragePort(() => safeStorage, process.platform),
      // Another KEK, a folder put back from a backup, damaged secrets: an audit line for IT.
      report: (problem) => createAudit(logger).secretStoreProblem(problem.kind, problem.message),
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
    // this PC in seconds. Its WebSocket takes the route Chromium resolves for the relay's address
    // (system proxy, PAC, WPAD; asked of the issuer's session, which has the system settings) and
    // trusts the OS certificate store (adapters/relay-socket.ts, docs/decisions.md).
    ...(policy.relayUrl === undefined
      ? {}
      : {
          relay: {
            url: policy.relayUrl,
            openSocket: relaySocketFor(
              () => issuerSession(electronSessions),
              (fields, message) => logger.warn(fields, message),
            ),
          },
        }),
  });
}
