/**
 * The one window factory. Every ward PC runs this, so the window is locked down here once:
 * sandboxed, isolated, no Node, no navigation away, no new windows, no permissions, no
 * downloads, no devtools in production or kiosk. A crashed renderer is reloaded only after
 * the composition root has locked the session, so the reload can never show clinical content.
 */
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Menu, RenderProcessGoneDetails, WebContents, WebPreferences } from 'electron';

export interface ShellWindowOptions {
  kiosk: boolean;
  production: boolean;
  preloadPath: string;
  startUrl: string;
  /** Runs before a crashed renderer is reloaded: lock the session (main guarantees the view). */
  beforeRendererReload: (details: RenderProcessGoneDetails) => void | Promise<void>;
  /**
   * Windows only: the OS session is ending (shutdown, restart, log-off) and cannot be delayed.
   * powerMonitor has no 'shutdown' on Windows, so wire this to OsEvents.shutdown to seal drafts.
   */
  onOsSessionEnd?: () => void;
  /** Reports a failure by code only. */
  onError?: (code: string) => void;
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  Menu: Pick<typeof Menu, 'setApplicationMenu'>;
}

/** Pure: the security-relevant preferences, asserted one by one in tests. */
export function shellWebPreferences(options: Pick<ShellWindowOptions, 'kiosk' | 'production' | 'preloadPath'>): WebPreferences {
  return {
    preload: options.preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Chromium's Linux spellchecker downloads dictionaries from Google; notes stay on the ward.
    spellcheck: false,
    safeDialogs: true,
    enableWebSQL: false,
    devTools: !options.production && !options.kiosk,
  };
}

export function shellWindowOptions(options: Pick<ShellWindowOptions, 'kiosk' | 'production' | 'preloadPath'>): BrowserWindowConstructorOptions {
  return {
    title: 'Clinical Workstation Shell',
    show: false,
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    backgroundColor: '#f0f4f5',
    kiosk: options.kiosk,
    fullscreen: options.kiosk,
    autoHideMenuBar: true,
    webPreferences: shellWebPreferences(options),
  };
}

/** Renderer crashes within this window stop the reload loop (a renderer that dies on load). */
export const reloadWindowMs = 60_000;
export const maxReloadsPerWindow = 3;

/** Pure: keep the recent crash times; reload only while under the cap. */
export function crashDecision(previous: readonly number[], now: number): { reload: boolean; crashes: number[] } {
  const crashes = [...previous.filter((t) => now - t < reloadWindowMs), now];
  return { reload: crashes.length <= maxReloadsPerWindow, crashes };
}

export function createShellWindow(deps: WindowDeps, options: ShellWindowOptions): BrowserWindow {
  if (options.production || options.kiosk) deps.Menu.setApplicationMenu(null);
  const win = new deps.BrowserWindow(shellWindowOptions(options));
  const contents = win.webContents;

  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));

  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
  contents.session.on('will-download', (event) => event.preventDefault());

  if (options.production || options.kiosk) contents.on('devtools-opened', () => contents.closeDevTools());

  let crashes: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    const decision = crashDecision(crashes, Date.now());
    crashes = decision.crashes;
    if (!decision.reload) {
      options.onError?.('renderer-crash-loop');
      return;
    }
    Promise.resolve()
      .then(() => options.beforeRendererReload(details))
      .then(
        () => {
          if (!win.isDestroyed()) contents.reload();
        },
        // Locking failed: do not reload into an unknown state; the view stays gone.
        () => options.onError?.('renderer-reload-lock-failed'),
      );
  });

  if (options.onOsSessionEnd !== undefined) {
    const onOsSessionEnd = options.onOsSessionEnd;
    win.on('session-end', () => onOsSessionEnd());
  }
  win.once('ready-to-show', () => win.show());
  contents.loadURL(options.startUrl).catch(() => options.onError?.('renderer-load-failed'));
  return win;
}

/**
 * Belt and braces for any web contents the factory did not make (devtools, anything a future
 * change adds): no navigation, no new windows, no webviews. Call once, before 'ready'.
 */
export function hardenEveryWebContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
