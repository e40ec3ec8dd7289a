/**
 * The one window factory. Every ward PC runs this, so the window is locked down here once:
 * sandboxed, isolated, no Node, no navigation away, no new windows, no permissions, no
 * downloads, no devtools in production or kiosk. Each window has its own in-memory partition
 * and main's lock surface over its page (lock-surface.ts). A crashed or hung renderer is
 * covered at once and reloaded only after the composition root has locked the session, so the
 * reload can never show clinical content; the window never uncovers a page whose current
 * document has not finished loading since it last started, crashed or hung (the page's
 * lifecycle under the surface is shell-page.ts).
 */
import type {
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Menu,
  MenuItemConstructorOptions,
  Session,
  WebPreferences,
  WindowSessionEndEvent,
} from 'electron';
import { createLockSurface } from './lock-surface';
import type { LockSurfaceDeps } from './lock-surface';
import { lockDownContents, lockDownSession, secureWebPreferences } from './lockdown';
import { wipeSession } from './partition-pool';
import { loadErrorCode } from './renderer-recovery';
import { watchRendererHealth, watchShellPage, watchSurfaceHealth } from './shell-page';
import type { ShellPageOptions } from './shell-page';

/** Also from the page's options: beforeRendererReload (lock first) and onError (shell-page.ts). */
export interface ShellWindowOptions extends ShellPageOptions {
  kiosk: boolean;
  production: boolean;
  preloadPath: string;
  startUrl: string;
  /**
   * The page's session. Without a `persist:` prefix it lives in memory only; the lock guard
   * gives each clinician a new one (lock-guard.ts).
   */
  partition: string;
  /**
   * Serves the renderer on this window's session before the page loads; returns the function
   * that stops. Protocol handlers belong to a session, so a new partition needs its own
   * (Electron's protocol docs, "Using protocol with a custom partition or session").
   */
  serve?: (session: Session) => () => void;
  /**
   * Windows only: the OS session is about to end (shutdown, restart, sign-out, or Restart
   * Manager closing the shell for an MSI upgrade). `event.preventDefault()` asks Windows to wait,
   * which it honours only for the user's own shutdown or sign-out (app-lifecycle.ts
   * `vetoHonoured`). powerMonitor has no 'shutdown' on Windows; wire this to the shutdown.
   */
  onOsQueryEndSession?: (event: WindowSessionEndEvent) => void;
  /**
   * Windows only: the OS session is ending now and cannot be delayed; Electron ends the process
   * as soon as the handlers return. Only synchronous work counts here.
   */
  onOsSessionEnd?: (event: WindowSessionEndEvent) => void;
  /** The shell is quitting: a kiosk window may close. */
  quitting?: () => boolean;
  /**
   * Kiosk only: the window was asked to close (Alt+F4, which kiosk mode does not block) and
   * refused; lock the session here.
   */
  onCloseRefused?: () => void;
  /**
   * After destroy() has destroyed the window and stopped serving: wipe the partition's session
   * and hand the partition back (partition-pool.ts). Without it the session is only wiped.
   */
  retire?: (session: Session) => Promise<void>;
  /**
   * Runs in destroy() while the window still exists, just before it is destroyed: what must be
   * undone with a live handle (Windows' session notifications, wts-session.ts unwatchWindow).
   */
  beforeDestroy?: (win: BrowserWindow) => void;
  /** Which application menu a production or kiosk window keeps (macOS keeps a minimal one). */
  platform?: NodeJS.Platform;
}

export interface WindowDeps extends LockSurfaceDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  Menu: Pick<typeof Menu, 'setApplicationMenu' | 'buildFromTemplate'>;
}

/**
 * macOS has no copy, paste, undo or quit without an application menu: its Edit menu's items
 * are what Cmd+C, Cmd+V and Cmd+Z reach. So a production or kiosk window keeps a menu of just
 * the app menu (About, Hide, Quit) and the Edit menu there: no View menu, so no reload or
 * devtools accelerators. Elsewhere the menu is removed; Chromium handles the editing keys.
 */
export const macApplicationMenu: readonly MenuItemConstructorOptions[] = [{ role: 'appMenu' }, { role: 'editMenu' }];

/** A shell window: the BrowserWindow, its page's lifecycle, and main's lock surface over it. */
export interface ShellWindow {
  readonly window: BrowserWindow;
  readonly partition: string;
  /**
   * Main's lock surface over the page (true) or not. Synchronous and renderer-independent.
   * Taking it down is refused while the page's current document has not finished loading.
   */
  setCovered(covered: boolean): void;
  isCovered(): boolean;
  /** The current document finished loading and has not crashed or hung since. */
  pageReady(): boolean;
  /**
   * Throw the page's document away: reload the shell, so nothing the old document held (its
   * script's memory, an injected script) survives into the lock screen. Not a kill: on Windows
   * and macOS Electron's forcefullyCrashRenderer asks for a crash dump of the renderer first
   * (CrashDumpHungChildProcess in WebContents::ForcefullyCrashRenderer), and a dump of a page
   * that showed a note would put clinical text on disk at every lock. A hung page is killed by
   * the 'unresponsive' path instead.
   */
  restartPage(): void;
  /** A new document begins (first load, restart, reload after a crash): it has shown nothing yet. */
  onPageStart(listener: () => void): void;
  /** The current document finished loading (did-finish-load). */
  onPageReady(listener: () => void): void;
  /**
   * Destroys the window without giving the page a say (no beforeunload), closes the lock
   * surface, stops serving the renderer on the session, and wipes the session (storage, caches,
   * authentication, connections) or hands it to `retire`.
   */
  destroy(): Promise<void>;
}

/** Pure: the security-relevant preferences, asserted one by one in tests. */
export function shellWebPreferences(
  options: Pick<ShellWindowOptions, 'kiosk' | 'production' | 'preloadPath' | 'partition'>,
): WebPreferences {
  return {
    preload: options.preloadPath,
    partition: options.partition,
    ...secureWebPreferences,
    devTools: !options.production && !options.kiosk,
  };
}

export function shellWindowOptions(
  options: Pick<ShellWindowOptions, 'kiosk' | 'production' | 'preloadPath' | 'partition'>,
): BrowserWindowConstructorOptions {
  return {
    title: 'Clinical Workstation Shell',
    show: false,
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    backgroundColor: '#f0f4f5',
    // Only when true: an explicit `fullscreen: false` makes a macOS window un-fullscreenable
    // (Electron's shell/browser/native_window.cc, "Disable fullscreen button if 'fullscreen' is
    // specified to false").
    ...(options.kiosk ? { kiosk: true, fullscreen: true } : {}),
    autoHideMenuBar: true,
    webPreferences: shellWebPreferences(options),
  };
}

/** The OS ending its session (Windows only), and a kiosk window's refused close. */
function watchWindowClosing(win: BrowserWindow, options: ShellWindowOptions): void {
  const { onOsQueryEndSession, onOsSessionEnd, onCloseRefused } = options;
  if (onOsQueryEndSession !== undefined) win.on('query-session-end', (event) => onOsQueryEndSession(event));
  if (onOsSessionEnd !== undefined) win.on('session-end', (event) => onOsSessionEnd(event));
  // Kiosk mode does not block Alt+F4, which closes the window and so quits the shell: refuse
  // the close and lock instead. A real quit exits without asking windows (app.exit).
  if (options.kiosk) {
    win.on('close', (event) => {
      if (options.quitting?.()) return;
      event.preventDefault();
      onCloseRefused?.();
    });
  }
}

export function createShellWindow(deps: WindowDeps, options: ShellWindowOptions): ShellWindow {
  if (options.production || options.kiosk) {
    const platform = options.platform ?? process.platform;
    deps.Menu.setApplicationMenu(platform === 'darwin' ? deps.Menu.buildFromTemplate([...macApplicationMenu]) : null);
  }
  const win = new deps.BrowserWindow(shellWindowOptions(options));
  const contents = win.webContents;
  // Kept now: the session is needed to clear it after the window (and its page) are gone.
  const session = contents.session;

  lockDownContents(contents);
  lockDownSession(session);
  if (options.production || options.kiosk) contents.on('devtools-opened', () => contents.closeDevTools());

  const surface = createLockSurface(deps, win, options.onError);
  const page = watchShellPage(win, surface, options.onError);
  watchRendererHealth(win, page, options);
  watchSurfaceHealth(win, surface, page, options);
  watchWindowClosing(win, options);
  win.on('closed', () => surface.dispose());
  win.once('ready-to-show', () => win.show());

  const stopServing = options.serve?.(session);
  page.starts();
  contents.loadURL(options.startUrl).catch((error: unknown) => {
    // -3: replaced by a newer load (a restart while loading); anything else did not load.
    if (loadErrorCode(error) !== -3) page.loadFailed();
  });

  return {
    window: win,
    partition: options.partition,
    setCovered: page.setCovered,
    isCovered: page.isCovered,
    pageReady: page.pageReady,
    restartPage: page.restart,
    onPageStart: page.onPageStart,
    onPageReady: page.onPageReady,
    async destroy() {
      page.setCovered(true);
      if (!win.isDestroyed()) {
        options.beforeDestroy?.(win);
        win.destroy();
      }
      surface.dispose();
      stopServing?.();
      await (options.retire ?? wipeSession)(session);
    },
  };
}
