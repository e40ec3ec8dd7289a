/**
 * The shell's window, behind the lock guard: each window lives on its own in-memory partition (one
 * of a small pool, wiped between clinicians: adapters/partition-pool.ts), serves app:// on its own session before loading, and on Windows is
 * registered for the session notifications (adapters/wts-session.ts).
 */
import { BrowserWindow, clipboard, Menu, WebContentsView } from '../adapters/electron-main';
import { join } from 'node:path';
import { appStartUrl, serveRenderer } from '../adapters/app-protocol';
import { createClipboardGuard } from '../adapters/clipboard-guard';
import type { ClipboardGuard } from '../adapters/clipboard-guard';
import { createLockGuard } from '../adapters/lock-guard';
import { createPartitionPool } from '../adapters/partition-pool';
import type { LockGuard } from '../adapters/lock-guard';
import { createShellWindow } from '../adapters/windows';
import { createWtsSessionSource } from '../adapters/wts-session';
import type { WtsSessionSource } from '../adapters/wts-session';
import { loadWtsApi } from '../platform/wts';
import type { Logger } from '../services/logger';
import type { MachinePolicy } from '../services/policy/machine-policy';
import type { SessionService } from '../services/session/session-service';
import { running } from './running';
import type { OnFault } from '../core/faults';

export interface ShellWindows {
  readonly guard: LockGuard;
  readonly clipboardGuard: ClipboardGuard;
  /** Windows: the session notifications of every shell window, a presence source; null elsewhere. */
  readonly wts: WtsSessionSource | null;
}

export interface ShellWindowsOptions {
  readonly appRoot: string;
  readonly policy: MachinePolicy;
  readonly production: boolean;
  readonly session: SessionService;
  readonly logger: Logger;
  readonly onError: OnFault;
}

export function openShellWindows(options: ShellWindowsOptions): ShellWindows {
  const { policy, session, logger, onError } = options;
  const rendererRoot = join(options.appRoot, 'dist', 'renderer');
  const clipboardGuard = createClipboardGuard({ clipboard, platform: process.platform, onError });
  const quitting = (): boolean => running.lifecycle?.quitting() ?? false;
  // Windows: a disconnect or logoff of this session locks (adapters/wts-session.ts), on every shell window.
  const wts =
    process.platform === 'win32'
      ? createWtsSessionSource({ api: loadWtsApi(onError), pid: process.pid, onError }, session.os)
      : null;
  // A few partitions, wiped between clinicians: Electron never frees one (partition-pool.ts).
  const partitions = createPartitionPool({ onError });
  const guard = createLockGuard({
    session,
    clipboard: clipboardGuard,
    onError,
    newPartition: partitions.acquire,
    openWindow: (partition) => {
      const shell = createShellWindow(
        { BrowserWindow, WebContentsView, Menu },
        {
          kiosk: policy.kiosk,
          production: options.production,
          platform: process.platform,
          preloadPath: join(options.appRoot, 'dist', 'preload', 'index.cjs'),
          startUrl: appStartUrl,
          partition,
          serve: (windowSession) => serveRenderer(windowSession.protocol, rendererRoot),
          // A crashed or hung renderer comes back to the lock screen, never to clinical content.
          beforeRendererReload: () => session.lockBeforeReload(),
          // Windows has no powerMonitor 'shutdown': it asks each window first (seal, then exit),
          // and may end the session without waiting (only the synchronous part counts there).
          onOsQueryEndSession: (event) => running.lifecycle?.onQueryEndSession(event),
          onOsSessionEnd: (event) => running.lifecycle?.onEndSession(event),
          quitting,
          // Kiosk: Alt+F4 is refused, and the session locks.
          onCloseRefused: () => {
            logger.info(
              { event: 'shell.kiosk-close-refused' },
              'A request to close the kiosk window was refused; the session was locked.',
            );
            session.lockBeforeReload();
          },
          retire: (windowSession) => partitions.release(partition, windowSession),
          // Windows: unregistered from session notifications while the handle is still valid.
          beforeDestroy: (win) => wts?.unwatchWindow(win),
          onError,
        },
      );
      wts?.watchWindow(shell.window);
      return shell;
    },
  });
  return { guard, clipboardGuard, wts };
}
