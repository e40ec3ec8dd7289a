/**
 * Faults: what an adapter, a presence source or the OS layer reports when something on the
 * machine failed and the shell carried on (it locked, fell back, or stopped that one thing). Each
 * is logged once as `adapter.error` with its code and these words; none is ever shown to a
 * clinician (what they see is the session's own view and its ShellErrorCode notices). The table is
 * exhaustive: a code without words does not compile, and docs/audit-log.md lists every code for
 * IT admins (a test keeps the two the same).
 */
export const faultWords = {
  // The Windows session API (main/platform/wts.ts, main/adapters/wts-session.ts)
  'wtsapi-load-failed':
    'wtsapi32.dll could not be loaded, so a Windows lock, logoff or remote disconnect is seen only by powerMonitor and the idle poll.',
  'wts-session-id-failed':
    "This process's Windows session id could not be read; session notifications are not registered.",
  'wts-register-failed':
    'Registering the shell window for Windows session notifications threw; the window is not watched.',
  'wts-unregister-failed':
    'Unregistering a closed window from Windows session notifications threw; nothing else is affected.',
  // Presence sources (main/services/presence/)
  'presence-listener-failed':
    "A listener of a presence source's status threw; the source and the other listeners carry on.",
  'presence-dispose-failed': 'A presence source failed to stop when the shell stopped watching it.',
  'logind-watch-failed':
    'Watching systemd-logind on the system bus failed in a way it does not name; it connects again by itself.',
  'screensaver-watch-failed':
    'Watching the screen saver on the session bus failed in a way it does not name; it connects again by itself.',
  'os-idle-read-failed':
    "The OS idle time could not be read; that second's sample is skipped and the next one tries again.",
  // The window and its lock surface (main/adapters/)
  'renderer-load-failed':
    "The shell's screens failed to load; the lock surface covers the window and asks the clinician to tell IT.",
  'renderer-crash-loop':
    "The shell's screens crashed again soon after a reload; the lock surface stays up and no further reload is tried.",
  'renderer-reload-lock-failed':
    'Locking the session before reloading crashed screens failed; the lock surface stays up.',
  'renderer-unresponsive': "The shell's screens stopped responding; the lock surface covers them until they answer.",
  'renderer-unresponsive-lock-failed':
    'Locking the session while the screens were not responding failed; the lock surface stays up.',
  'lock-surface-load-failed': 'The lock surface (the page that covers clinical content) failed to load.',
  'lock-surface-gone':
    "The lock surface's own renderer died or stopped responding; the session was locked, the window hidden and the surface reloaded.",
  'lock-surface-crash-loop':
    'The lock surface died again soon after a reload; the window stays hidden and no further reload is tried.',
  'partition-clear-failed':
    "Clearing a retired page's partition failed; that partition is never used again, and each new page still gets a clean one.",
  'partition-pool-grew':
    'The pool of page partitions grew past its expected size (wipes failing or slow); new pages still get clean partitions, but memory grows until the shell restarts.',
  'clipboard-sweep-failed': 'Clearing clinical text from the clipboard when the session locked or ended failed.',
  // Quitting (main/adapters/app-lifecycle.ts, main/adapters/power-monitor.ts)
  'shutdown-stop-failed': 'Covering the page and stopping new windows at quit threw; the shell quits all the same.',
  'shutdown-seal-failed': 'Sealing the drafts at quit or OS shutdown failed; what was sealed before stays sealed.',
  'shutdown-alongside-failed':
    'The clipboard sweep run alongside sealing at quit failed; the shell quits all the same.',
  'shutdown-close-failed':
    'Stopping IPC and closing the services (the last flush) at quit failed; the shell quits all the same.',
  'shutdown-release-failed':
    "Releasing the OS watchers at quit (on Linux, logind's shutdown delay lock) threw; the shell quits all the same.",
  'shutdown-failed': 'A step of quitting failed unexpectedly; the shell quits all the same.',
  'shutdown-deadline': 'Quitting took longer than its deadline; the shell quit without waiting for the rest.',
} as const satisfies Record<string, string>;

export type FaultCode = keyof typeof faultWords;

/** How an adapter or source reports a fault (the composition root logs it). */
export type OnFault = (code: FaultCode) => void;
