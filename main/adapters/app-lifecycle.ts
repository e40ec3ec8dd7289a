/**
 * How the shell ends. Every way out (a quit, the OS shutting down, Windows ending the session,
 * an unexpected error) goes through here, so the clinician's drafts are sealed before the
 * process leaves as far as each platform gives time for it:
 *
 * - A quit (the window closed, Cmd+Q, a powerMonitor 'shutdown' on Linux and macOS):
 *   'before-quit' is always prevented and the shutdown runs to the end, then `app.exit(0)`.
 * - Windows asks before it ends the session ('query-session-end', WM_QUERYENDSESSION, with
 *   Electron's reasons from its lParam: none is 'shutdown', else any of 'close-app', 'critical',
 *   'logoff'; shell/browser/native_window_views_win.cc EndSessionToStringVec). For the user's
 *   own shutdown, restart or sign-out ('shutdown', 'logoff') the event is prevented, which
 *   answers FALSE so Windows waits (`*result = !prevent_default`; Electron does not call
 *   ShutdownBlockReasonCreate, so Windows lists the shell with its own generic text); the
 *   shutdown runs to the end and the shell exits; Windows then goes on. Where Windows does not
 *   honour a veto it is not asked for (`vetoHonoured`): Restart Manager closing the shell for an
 *   MSI upgrade ('close-app') would fail its shutdown and leave the upgrade for a reboot, and a
 *   critical end ignores it. There the synchronous part of the shutdown runs inside the
 *   handler, the answer is TRUE, and the 'session-end' that follows ends the process.
 * - Windows ends the session without waiting ('session-end': a forced or critical end, or the
 *   user chose "Shut down anyway"): Electron notifies every window and then terminates the
 *   process at once unless it is already quitting (native_window_views_win.cc, PR #52604;
 *   backported to 42-x-y, 43-x-y and 44-x-y), and Windows gives no time after it anyway. So
 *   this path relies on nothing after the handler returns: the synchronous part of the
 *   shutdown (stop, then the engine's shutdown event: the session ends, tokens are wiped, the
 *   seal starts) runs inside it, and what is already on disk was sealed when it was saved.
 *
 * The order: stop (cover the page, open no window) and start the seal synchronously; let the
 * renderer hand over its last keystrokes (it gets the ended view and sends them at once); close
 * the services (every timer, the last flush); only then release the OS watchers, because on
 * Linux powerMonitor's 'shutdown' listener is what holds logind's delay lock
 * (lib/browser/api/power-monitor.ts setListeningForShutdown, shell/browser/lib/power_observer_linux.cc).
 */
import type { App, WindowSessionEndEvent } from 'electron';
import type { FaultCode, OnFault } from '../core/faults';

export interface ShutdownSteps {
  /** Synchronous: cover the page and stop opening windows (the lock guard). */
  stop(): void;
  /**
   * The session service's `os.shutdown()`: its synchronous part (the engine's shutdown event:
   * the session ends, tokens are wiped, the seal starts) runs before it returns; the promise
   * settles once every seal has finished and the vault has flushed.
   */
  seal(): void | Promise<void>;
  /** Started with the seal; a failure is reported, never fatal (the clipboard sweep). */
  alongside?(): Promise<unknown>;
  /** After the seal and the hand-over: stop IPC, close the services (the last flush). */
  close(): Promise<void>;
  /** Last: the OS watchers (on Linux, logind's shutdown delay lock goes with them). */
  release(): void;
}

export interface LifecycleDeps {
  app: Pick<App, 'on' | 'exit'>;
  steps: ShutdownSteps;
  /** Failures, by code only. */
  onError: OnFault;
  /** Windows ending the session, with Electron's reasons ('shutdown', 'logoff', 'close-app', 'critical'). */
  onSessionEnding?: (stage: 'query' | 'end', reasons: readonly string[]) => void;
  /** How long the renderer has, after the ended view, to hand over its last keystrokes. */
  handOverMs?: number;
  /** The whole shutdown's limit: a credential store that never answers must not keep the shell up. */
  deadlineMs?: number;
  /**
   * Ends native calls in flight and resolves once they have returned (the smartcard watcher:
   * SCardCancel, repeated until its wait returns). Awaited, at most `nativeSettleMs`, before
   * every exit, the deadline's included: after app.exit no JavaScript runs to repeat a lost
   * cancel, yet the process cannot end while the call is in flight.
   */
  settle?: () => Promise<unknown>;
}

/** The most an exit waits for native calls to return (the watcher's longest wait is 5 s). */
export const nativeSettleMs = 6_000;

/** Resolves when `settle` has, or after `nativeSettleMs`; never rejects. */
function settled(settle: (() => Promise<unknown>) | undefined): Promise<void> {
  if (settle === undefined) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, nativeSettleMs);
  });
  const done = Promise.resolve()
    .then(settle)
    .then(
      () => undefined,
      () => undefined,
    );
  return Promise.race([done, bound]).finally(() => clearTimeout(timer));
}

export interface Lifecycle {
  /** Idempotent. The synchronous part runs before it returns; resolves once the shell has exited. Never rejects. */
  shutDown(): Promise<void>;
  /** The shutdown has begun. */
  quitting(): boolean;
  /** Each shell window's 'query-session-end' (Windows). */
  onQueryEndSession(event: Pick<WindowSessionEndEvent, 'preventDefault' | 'reasons'>): void;
  /** Each shell window's 'session-end' (Windows): the last resort. */
  onEndSession(event?: Pick<WindowSessionEndEvent, 'reasons'>): void;
}

/**
 * The renderer's last save after the ended view: one IPC hop and one sealed write. The
 * renderer's own budget for a save's answer is 2 s (renderer/store.ts `flushWaitMs`); a
 * renderer that has not sent by now is hung, and a hung one never will.
 */
export const quitHandOverMs = 1_000;
/** Exit anyway after this long. Windows and logind (5 s by default) may cut it shorter. */
export const shutdownDeadlineMs = 15_000;

/**
 * Pure: whether Windows waits for a window that answers WM_QUERYENDSESSION with FALSE. Not for
 * Restart Manager ('close-app': RmShutdown fails with ERROR_FAIL_SHUTDOWN and an MSI upgrade
 * leaves its files for a reboot; Microsoft's Restart Manager "Guidelines for Applications"), nor
 * for a critical end ('critical': the application is forced to shut down; Microsoft's
 * WM_QUERYENDSESSION page). For the user's own shutdown, restart or sign-out it shows the shell
 * as preventing it, with "Shut down anyway".
 */
export function vetoHonoured(reasons: readonly string[]): boolean {
  return !reasons.includes('close-app') && !reasons.includes('critical');
}

export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const handOverMs = deps.handOverMs ?? quitHandOverMs;
  const deadlineMs = deps.deadlineMs ?? shutdownDeadlineMs;
  let running: Promise<void> | null = null;

  const attempt = (code: FaultCode, step: () => void): void => {
    try {
      step();
    } catch {
      deps.onError(code);
    }
  };
  const started = (code: FaultCode, step: () => unknown): Promise<void> => {
    try {
      return Promise.resolve(step()).then(
        () => undefined,
        () => deps.onError(code),
      );
    } catch {
      deps.onError(code);
      return Promise.resolve();
    }
  };

  function shutDown(): Promise<void> {
    if (running !== null) return running;
    // Synchronous, in this order, before anything waits: on Windows' session-end nothing after
    // this handler returns will run.
    attempt('shutdown-stop-failed', () => deps.steps.stop());
    const sealing = started('shutdown-seal-failed', () => deps.steps.seal());
    const alongside = deps.steps.alongside
      ? started('shutdown-alongside-failed', () => deps.steps.alongside?.())
      : Promise.resolve();
    let exited: Promise<void> | null = null;
    const exit = (): Promise<void> => (exited ??= settled(deps.settle).then(() => deps.app.exit(0)));
    const deadline = setTimeout(() => {
      deps.onError('shutdown-deadline');
      void exit();
    }, deadlineMs);
    running = (async () => {
      await Promise.all([sealing, alongside]);
      await new Promise<void>((resolve) => setTimeout(resolve, handOverMs));
      await started('shutdown-close-failed', () => deps.steps.close());
      attempt('shutdown-release-failed', () => deps.steps.release());
    })()
      .catch(() => deps.onError('shutdown-failed'))
      .finally(() => {
        clearTimeout(deadline);
        return exit();
      });
    return running;
  }

  // A quit from anywhere becomes the shutdown; the shell leaves by app.exit, which emits no
  // 'before-quit', so preventing it every time cannot keep the shell up.
  deps.app.on('before-quit', (event) => {
    event.preventDefault();
    void shutDown();
  });

  return {
    shutDown,
    quitting: () => running !== null,
    onQueryEndSession(event) {
      deps.onSessionEnding?.('query', event.reasons);
      // Ask Windows to wait while the drafts are sealed, where it honours that; the shell exits
      // when they are. Elsewhere the synchronous part (the seal started) is all there is.
      if (vetoHonoured(event.reasons)) event.preventDefault();
      void shutDown();
    },
    onEndSession(event) {
      deps.onSessionEnding?.('end', event?.reasons ?? []);
      void shutDown();
    },
  };
}

/**
 * A second launch of the shell brings the first forward. Registered at once, before any slow
 * start-up work: Electron emits 'second-instance' whether or not anyone listens, so a launch
 * during start-up would otherwise be lost. One that comes before the window exists is kept
 * until `attach`.
 */
export function watchSecondInstance(app: Pick<App, 'on'>): { attach(bringForward: () => void): void } {
  let bringForward: (() => void) | null = null;
  let pending = false;
  app.on('second-instance', () => {
    if (bringForward === null) pending = true;
    else bringForward();
  });
  return {
    attach(next) {
      bringForward = next;
      if (pending) {
        pending = false;
        next();
      }
    },
  };
}

/** The command-line argument that carries recent crash relaunches to the relaunched shell. */
export const crashRelaunchArg = '--cws-crash-relaunches=';
/** At most this many relaunches after a crash within `crashRelaunchWindowMs`. */
export const maxCrashRelaunches = 3;
export const crashRelaunchWindowMs = 10 * 60_000;

/**
 * Pure: whether to relaunch after a crash at `now`, and the arguments for the new process (this
 * one's, with the recent relaunch times). `argv` is process.argv: argv[0] is the executable.
 */
export function crashRelaunchDecision(argv: readonly string[], now: number): { relaunch: boolean; args: string[] } {
  const previous = argv
    .filter((arg) => arg.startsWith(crashRelaunchArg))
    .flatMap((arg) => arg.slice(crashRelaunchArg.length).split(','))
    .map(Number)
    .filter((t) => Number.isFinite(t) && t <= now && now - t < crashRelaunchWindowMs);
  const args = [
    ...argv.slice(1).filter((arg) => !arg.startsWith(crashRelaunchArg)),
    `${crashRelaunchArg}${[...previous, now].join(',')}`,
  ];
  return { relaunch: previous.length < maxCrashRelaunches, args };
}

export interface FatalErrorDeps {
  app: Pick<App, 'relaunch' | 'exit'>;
  argv: readonly string[];
  now: () => number;
  /** The shutdown has begun: it ends the process itself, and nothing is relaunched. */
  quitting: () => boolean;
  /** Says what happened, without content (standard error or the log). */
  report: (message: string) => void;
  /** Tells the person at the workstation (a blocking error box) when the shell will not come back. */
  tellUser: (title: string, message: string) => void;
  /** Synchronous, first: cover the page (main's lock surface) while native calls settle. */
  cover?: () => void;
  /** As LifecycleDeps.settle: awaited (at most `nativeSettleMs`) before the relaunch and the exit. */
  settle?: () => Promise<unknown>;
}

/**
 * A fault in main must not leave a ward PC on clinical content: restart clean, which starts
 * signed out (secrets were in memory only); saved drafts wait sealed for their owner. But not
 * in a loop: after `maxCrashRelaunches` within `crashRelaunchWindowMs` the shell stops and says
 * so. And not during the shutdown, which exits by itself (an error there must not relaunch a
 * shell the OS or the user is closing).
 */
export function handleFatalError(deps: FatalErrorDeps, name: string): Promise<void> {
  if (deps.quitting()) {
    deps.report(`Clinical Workstation Shell hit an unexpected error while closing (${name}); it is closing anyway.`);
    return Promise.resolve();
  }
  try {
    deps.cover?.();
  } catch {
    // Exiting all the same.
  }
  const decision = crashRelaunchDecision(deps.argv, deps.now());
  if (decision.relaunch) {
    deps.report(`Clinical Workstation Shell stopped after an unexpected error and will restart (${name}).`);
    return settled(deps.settle).then(() => {
      deps.app.relaunch({ args: decision.args });
      deps.app.exit(1);
    });
  }
  deps.report(
    `Clinical Workstation Shell stopped after an unexpected error (${name}) and has restarted too often to try again.`,
  );
  deps.tellUser(
    'Clinical Workstation Shell has stopped',
    `The shell stopped after an unexpected error ${maxCrashRelaunches + 1} times within ${crashRelaunchWindowMs / 60_000} minutes, so it will not restart on its own. Saved notes are kept. Tell IT.`,
  );
  return settled(deps.settle).then(() => deps.app.exit(1));
}
