/**
 * How the shell ends (adapters/app-lifecycle.ts). Every way out seals the clinician's drafts
 * first (the OS credential store keeps the key): the page is covered and the guard stops (the
 * session's end opens no new window), the seal starts, the renderer may still hand over its last
 * keystrokes, then IPC and the services close, and the OS watchers go last (on Linux they hold
 * logind's shutdown delay lock).
 */
import { app } from '../adapters/electron-main';
import { createLifecycle } from '../adapters/app-lifecycle';
import type { Lifecycle } from '../adapters/app-lifecycle';
import type { OsSignalsHandle } from '../adapters/power-monitor';
import type { AppServices } from '../services/compose';
import type { Logger } from '../services/logger';
import type { Presence } from '../services/presence/start';
import type { ShellWindows } from './windows';
import type { OnFault } from '../core/faults';

export interface Ending {
  readonly services: AppServices;
  readonly windows: ShellWindows;
  readonly stopIpc: () => void;
  readonly os: OsSignalsHandle;
  readonly presence: Presence;
  readonly logger: Logger;
  readonly onError: OnFault;
}

export function howTheShellEnds({ services, windows, stopIpc, os, presence, logger, onError }: Ending): Lifecycle {
  const { guard, clipboardGuard } = windows;
  return createLifecycle({
    app,
    onError,
    // Every exit, the deadline's included, waits (briefly) for the smartcard wait to return.
    settle: () => presence.smartcard?.dispose() ?? Promise.resolve(),
    onSessionEnding: (stage, reasons) =>
      logger.info(
        { event: 'shell.os-session-ending', stage, reasons },
        stage === 'query' ? 'Windows is ending the session; sealing drafts first.' : 'Windows ended the session.',
      ),
    steps: {
      stop: () => {
        guard.current()?.setCovered(true);
        guard.dispose();
        // The session is ending: stop the smartcard wait now, so it has returned long before the
        // exit (a deadline exit included), which would otherwise wait for it.
        presence.smartcard?.cancelNow();
      },
      seal: () => services.session.os.shutdown(),
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
}
