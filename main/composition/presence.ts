/**
 * The OS signals and every presence source on a ward PC: the Electron-built ones (powerMonitor and
 * the idle poll, adapters/power-monitor.ts; WTS on Windows, adapters/wts-session.ts) handed to
 * services/presence/start.ts, which builds the rest from its registration table (the smartcard,
 * logind, the screen saver) and audits them all at each sign-in.
 */
import { app, powerMonitor } from '../adapters/electron-main';
import { watchOsSignals } from '../adapters/power-monitor';
import type { OsSignalsHandle } from '../adapters/power-monitor';
import type { WtsSessionSource } from '../adapters/wts-session';
import type { Audit } from '../services/audit';
import type { MachinePolicy } from '../services/policy/machine-policy';
import type { Logger } from '../services/logger';
import { logSmartcardEvent } from '../services/presence/smartcard';
import { startPresence } from '../services/presence/start';
import { presenceEnvironment } from '../services/presence/trusted-env';
import type { Presence } from '../services/presence/start';
import type { SessionService } from '../services/session/session-service';
import { running } from './running';
import type { OnFault } from '../core/faults';

export interface PresenceWiring {
  readonly session: SessionService;
  readonly policy: MachinePolicy;
  readonly audit: Audit;
  /** Windows' session notifications (built with the windows they watch); null elsewhere. */
  readonly wts: WtsSessionSource | null;
  readonly onError: OnFault;
  /** Where the smartcard watcher's PC/SC failures are logged. */
  readonly logger: Logger;
}

export function watchPresence({ session, policy, audit, wts, onError, logger }: PresenceWiring): {
  os: OsSignalsHandle;
  presence: Presence;
} {
  // The OS shutting down (powerMonitor 'shutdown', Linux and macOS) is the same shutdown as a quit.
  const os = watchOsSignals(
    { powerMonitor, platform: process.platform, env: process.env, quit: () => app.quit(), onError },
    { ...session.os, shutdown: () => running.lifecycle?.shutDown() },
  );
  // A production build reads no bus address or session id from the environment (trusted-env.ts).
  const trusted = presenceEnvironment(process.env, {
    production: !(typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__),
    uid: process.getuid?.(),
  });
  const presence = startPresence({
    platform: process.platform,
    env: trusted.env,
    ...(trusted.logindOwnerUid === undefined ? {} : { logindOwnerUid: trusted.logindOwnerUid }),
    pid: process.pid,
    events: session.os,
    sources: [...os.presence, ...(wts ? [wts] : [])],
    // The card leaving the reader locks at once (LockOnCardRemoval).
    smartcard: {
      lockOnRemoval: policy.smartcard.lockOnCardRemoval,
      onEvent: (event) => logSmartcardEvent(logger, event),
    },
    audit,
    session,
    onError,
  });
  return { os, presence };
}
