/**
 * The shell page's life under main's lock surface (lock-surface.ts), for the window factory
 * (windows.ts): whether the page is covered, whether its current document has finished loading,
 * and what a failed load, a crashed renderer or a hung one does to it. A crashed or hung renderer
 * is covered at once and reloaded only after the composition root has locked the session, so the
 * reload can never show clinical content; the page is never uncovered while its current document
 * has not finished loading since it last started, crashed or hung.
 */
import type { BrowserWindow } from 'electron';
import { createEmitter } from '../core/emitter';
import type { LockSurface } from './lock-surface';
import { crashDecision } from './renderer-recovery';
import type { OnFault } from '../core/faults';

/** What the page needs of the window's options (ShellWindowOptions in windows.ts). */
export interface ShellPageOptions {
  /**
   * Runs before a crashed or hung renderer is killed or reloaded: lock the session (main
   * guarantees the view). If it fails, the page is not reloaded.
   */
  beforeRendererReload: () => void | Promise<void>;
  /** Reports a failure by code only. */
  onError?: OnFault;
}

/** The page in one window: the cover over it and its current document's lifecycle. */
export interface ShellPage {
  /** Up at once; down only when the current document has finished loading (ShellWindow.setCovered). */
  setCovered(covered: boolean): void;
  isCovered(): boolean;
  /** The current document finished loading and has not crashed or hung since. */
  pageReady(): boolean;
  /** A new document begins; until it has loaded, the surface stays over it. */
  starts(): void;
  /** Throws the current document away (ShellWindow.restartPage); nothing once the window is gone. */
  restart(): void;
  /** The page can no longer be trusted to show what main last said (crashed or hung). */
  lost(): void;
  /** The shell's page could not be loaded. */
  loadFailed(): void;
  onPageStart(listener: () => void): void;
  onPageReady(listener: () => void): void;
}

/**
 * As before the shared emitter was used here: a listener that throws still reaches whoever
 * started or finished the document (Electron's emit, restartPage's caller) and stops the
 * listeners after it.
 */
const rethrow = (error: unknown): never => {
  throw error;
};

/** The cover and the document's lifecycle; the window's contents' events that drive them. */
export function watchShellPage(win: BrowserWindow, surface: LockSurface, onError?: OnFault): ShellPage {
  const contents = win.webContents;
  let covered = true;
  let ready = false;
  let failed = false;
  const startListeners = createEmitter<[]>(rethrow);
  const readyListeners = createEmitter<[]>(rethrow);

  const cover = (): void => {
    covered = true;
    if (!win.isDestroyed()) surface.show();
  };
  const setCovered = (next: boolean): void => {
    if (next) return cover();
    if (!ready || !covered) return;
    if (win.isDestroyed()) return;
    covered = false;
    surface.hide();
    // Only a focused window: focusing the page must not pull the window in front of the
    // system browser during a sign-in.
    if (win.isFocused()) contents.focus();
  };
  // A covered page gets no keystrokes (and so cannot type into a note behind the surface).
  // Registered first, so later listeners (the clipboard guard) see it prevented.
  contents.on('before-input-event', (event) => {
    if (covered) event.preventDefault();
  });

  const starts = (): void => {
    ready = false;
    if (failed) {
      failed = false;
      surface.showWaiting();
    }
    cover();
    startListeners.emit();
  };

  contents.on('did-finish-load', () => {
    ready = true;
    readyListeners.emit();
  });
  /**
   * The shell's page could not be loaded: the surface says so (tell IT) instead of leaving a
   * blank window or "please wait" forever, and the window is shown even if it never painted.
   */
  const loadFailed = (): void => {
    if (failed || win.isDestroyed()) return;
    failed = true;
    ready = false;
    onError?.('renderer-load-failed');
    covered = true;
    surface.showFailure();
    if (!win.isVisible() && !win.isMinimized()) win.show();
  };
  contents.on('did-fail-load', (_event, errorCode, _description, _url, isMainFrame) => {
    // -3 (ERR_ABORTED): a load replaced by a newer one (a restart while loading), not a failure.
    if (isMainFrame && errorCode !== -3) loadFailed();
  });

  return {
    setCovered,
    // Covered only while the surface can paint: one whose renderer died covers nothing.
    isCovered: () => covered && surface.isPainting(),
    pageReady: () => ready,
    starts,
    restart() {
      if (win.isDestroyed()) return;
      starts();
      contents.reload();
    },
    lost() {
      ready = false;
      cover();
    },
    loadFailed,
    onPageStart: (listener) => void startListeners.on(listener),
    onPageReady: (listener) => void readyListeners.on(listener),
  };
}

/**
 * A crashed or hung renderer. The page can no longer be trusted to show what main last said:
 * it is covered (and no longer ready) at once, the session is locked, and only then is the
 * page reloaded (a crash) or killed (a hang, whose crash then takes the crash path).
 */
export function watchRendererHealth(win: BrowserWindow, page: ShellPage, options: ShellPageOptions): void {
  const contents = win.webContents;
  let crashes: number[] = [];

  contents.on('render-process-gone', () => {
    page.lost();
    const decision = crashDecision(crashes, Date.now());
    crashes = decision.crashes;
    if (!decision.reload) {
      options.onError?.('renderer-crash-loop');
      return;
    }
    Promise.resolve()
      .then(() => options.beforeRendererReload())
      .then(
        () => page.restart(),
        // Locking failed: do not reload into an unknown state; the page stays covered.
        () => options.onError?.('renderer-reload-lock-failed'),
      );
  });

  // Chromium's hang monitor: the page has not answered input for its hang timeout. Cover it
  // now, lock the session, then kill it; the process-gone path above reloads it (locked).
  // BrowserWindow re-emits this as its own 'unresponsive' 50 ms later; this one is earlier.
  contents.on('unresponsive', () => {
    page.lost();
    options.onError?.('renderer-unresponsive');
    const kill = (): void => {
      if (!contents.isDestroyed()) contents.forcefullyCrashRenderer();
    };
    Promise.resolve()
      .then(() => options.beforeRendererReload())
      .then(kill, () => {
        // A hung page stays covered either way; killing it cannot show anything, and the
        // process-gone path will not reload it unless the session locks.
        options.onError?.('renderer-unresponsive-lock-failed');
        kill();
      });
  });
}

/**
 * The lock surface's own renderer died or hung (lock-surface.ts): the page under it could show.
 * The page's own view is out of reach (BrowserWindow does not expose it), so the whole window is
 * made transparent (setOpacity(0); Windows and macOS) or hidden (Linux, where setOpacity does
 * nothing: docs/api/base-window.md), the page is covered (no keystrokes reach it) and the session
 * locked; the window comes back once the surface has painted again. Until then the window does
 * not count as covered (ShellPage.isCovered).
 */
export function watchSurfaceHealth(
  win: BrowserWindow,
  surface: Pick<LockSurface, 'onLost' | 'onPainted'>,
  page: Pick<ShellPage, 'setCovered'>,
  options: ShellPageOptions & { platform?: NodeJS.Platform },
): void {
  const linux = (options.platform ?? process.platform) === 'linux';
  let hidden: 'no' | 'transparent' | 'hidden' | 'hidden-was-hidden' = 'no';
  surface.onLost(() => {
    if (win.isDestroyed()) return;
    page.setCovered(true);
    if (hidden === 'no') {
      if (!linux) {
        win.setOpacity(0);
        hidden = 'transparent';
      } else {
        hidden = win.isVisible() ? 'hidden' : 'hidden-was-hidden';
        win.hide();
      }
    }
    Promise.resolve()
      .then(() => options.beforeRendererReload())
      .catch(() => options.onError?.('renderer-reload-lock-failed'));
  });
  surface.onPainted(() => {
    const was = hidden;
    hidden = 'no';
    if (win.isDestroyed()) return;
    if (was === 'transparent') win.setOpacity(1);
    // Shown without taking the focus: a sign-in may be under way in the system browser.
    if (was === 'hidden') win.showInactive();
  });
}
