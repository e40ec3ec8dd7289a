/**
 * A hand-written fake of the small part of Electron the adapters use. Each fake records what
 * the adapter did to it and lets a test emit the events Electron would. Casts to Electron's
 * types happen only in `asDeps`-style helpers at the edge of each test.
 *
 * The fake must behave as Electron 45 does, never kinder: a page finishes loading only when a
 * test says so, a killed renderer's 'render-process-gone' arrives later, a window's child views
 * cover its page only when they fill it, a window cannot be made before 'ready', Windows ends
 * the process as soon as the 'session-end' handlers return. Each such behaviour cites where
 * Electron documents it (node_modules/electron/electron.d.ts, Electron's docs/api) or, where the
 * docs are silent, the Electron source it follows (electron/electron, tag
 * v45.0.0-nightly.20260821, the newest v45 tag in the mirror; paths below are in that repository).
 *
 * Without a FakeApp (FakeApp.current === null) the window, view and session fakes behave as
 * after 'ready': those tests model code that only runs after it. A test that makes a FakeApp
 * gets the whole life cycle: nothing window-like before `becomeReady()`, quitting, exiting and
 * the process ending.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  HandlerDetails,
  Input,
  MenuItemConstructorOptions,
  Rectangle,
  RelaunchOptions,
  WebContentsViewConstructorOptions,
  WindowOpenHandlerResponse,
} from 'electron';

type Listener = (...args: never[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapper = (...args: never[]): unknown => {
      this.removeListener(event, wrapper);
      return listener(...args);
    };
    return this.on(event, wrapper);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
  listenerCount(event: string): number {
    return this.count(event);
  }
}

/** An Electron-style event whose default can be prevented. */
export function fakeEvent(): { preventDefault: () => void; defaultPrevented: boolean } {
  const event = {
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** 'query-session-end' / 'session-end' (electron.d.ts, WindowSessionEndEvent: an Event with `reasons`). */
export function sessionEndEvent(reasons: string[]): ReturnType<typeof fakeEvent> & { reasons: string[] } {
  return Object.assign(fakeEvent(), { reasons });
}

/**
 * The app and its process. Models Electron's Browser (shell/browser/browser.cc) and WindowList
 * (shell/browser/window_list.cc) as far as the shell uses them:
 *
 * - 'ready' comes only when the test says so (`becomeReady()`); windows, views and sessions made
 *   before it throw, with Electron's messages (see FakeBrowserWindow and FakeSession).
 * - `quit()` is Browser::Quit: 'before-quit'; if prevented, nothing is quitting
 *   (`is_quitting_ = HandleBeforeQuit()`); otherwise every window is asked to close
 *   (WindowList::CloseAllWindows) and a window whose 'close' is prevented cancels the quit
 *   (Browser::OnWindowCloseCancelled); once all are closed, 'will-quit' then 'quit'.
 * - `exit(code)` is Browser::ExitWithCode: windows are destroyed without 'close', no
 *   'before-quit' or 'will-quit' (docs/api/app.md, app.exit), then the process ends.
 * - Windows ending the session: `queryEndSession` is WM_QUERYENDSESSION, `endSession` is
 *   WM_ENDSESSION (shell/browser/native_window_views_win.cc).
 * - Once the process has ended (`running()` false) nothing it does has any effect: a test's
 *   fake disk or store records a write only through `whileRunning`, so an async continuation
 *   that Electron would never have run is observably lost.
 */
export class FakeApp extends FakeEmitter {
  static current: FakeApp | null = null;
  /** Forget the app and the desktop (call in afterEach of any test that makes a FakeApp). */
  static reset(): void {
    FakeApp.current = null;
    FakeDesktop.reset();
  }
  /** True before 'ready' in a test that made a FakeApp. */
  static beforeReady(): boolean {
    return FakeApp.current !== null && !FakeApp.current.ready;
  }

  ready = false;
  /** Browser::is_quitting_. */
  quitting = false;
  private exiting = false;
  /** Set when the process ended by app.exit or a completed quit. */
  exitCode: number | null = null;
  /** Set when the OS (or Electron on its behalf) ended the process: no cleanup ran. */
  terminated = false;
  /** Effects asked for after the process had ended (they never happened). */
  lostAfterEnd = 0;
  relaunches: Array<RelaunchOptions | undefined> = [];
  /** Whether requestSingleInstanceLock() gets the lock (false: another instance holds it). */
  singleInstanceLock = true;
  isPackaged = true;
  /**
   * app.commandLine: Electron's CommandLine.hasSwitch is base::CommandLine::ForCurrentProcess()->
   * HasSwitch (electron: shell/common/api/electron_api_command_line.cc; docs/api/command-line.md),
   * over the process's own arguments. Chromium (base/command_line.cc) reads `--name`, `-name`
   * (and `/name` on Windows) up to an optional `=value`, lowercasing the name on Windows only.
   * Read from process.argv at each call, as the composition-root tests set it before a boot.
   */
  readonly commandLine = {
    hasSwitch: (name: string): boolean =>
      process.argv.slice(1).some((arg) => {
        const match = (this.platform === 'win32' ? /^(?:--|-|\/)([^=]+)/ : /^(?:--|-)([^=]+)/).exec(arg);
        const found = match?.[1];
        return found !== undefined && (this.platform === 'win32' ? found.toLowerCase() : found) === name;
      }),
  };
  private sessionEnded = false;
  private readyWaiters: Array<() => void> = [];

  constructor(readonly platform: NodeJS.Platform = 'win32') {
    super();
    FakeApp.current = this;
  }

  running(): boolean {
    return !this.terminated && this.exitCode === null && this.exitWaiting === null;
  }

  /**
   * Native calls in flight (a koffi async call: PC/SC's SCardGetStatusChange). Electron's
   * teardown after app.exit frees the Node environment, whose cleanup runs the event loop until
   * its pending requests complete (a koffi async call is a libuv work request), with no more
   * JavaScript timers: so the process ends only when the call returns, and nothing the app
   * scheduled (a repeated SCardCancel) runs meanwhile (`exitWaiting`).
   */
  private nativeInFlight = 0;
  /** app.exit was called with native calls in flight: its code, until the last one returns. */
  exitWaiting: number | null = null;
  /** A native call starts (test helper); call the result when it returns. */
  nativeCallStarted(): () => void {
    this.nativeInFlight += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.nativeInFlight -= 1;
      if (this.nativeInFlight === 0 && this.exitWaiting !== null) {
        const code = this.exitWaiting;
        this.exitWaiting = null;
        this.shutdown(code);
      }
    };
  }

  /** Runs `effect` only while the process is alive; afterwards it is counted as lost. */
  whileRunning(effect: () => void): boolean {
    if (!this.running()) {
      this.lostAfterEnd += 1;
      return false;
    }
    effect();
    return true;
  }

  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  /** Electron's 'ready' (test helper). */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.emit('ready', fakeEvent(), {});
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  /** The live windows (WindowList). */
  windows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((w) => !w.destroyed);
  }

  quit(): void {
    if (!this.running() || this.quitting) return;
    const event = fakeEvent();
    this.emit('before-quit', event);
    this.quitting = !event.defaultPrevented;
    if (!this.quitting) return;
    const open = this.windows();
    if (open.length === 0) return this.notifyAndShutdown();
    // WindowList::CloseAllWindows: each window as if its close button were clicked.
    for (const win of open) if (!win.destroyed) win.close();
  }

  exit(code = 0): void {
    if (!this.running()) return;
    this.quitting = true;
    this.exiting = true;
    // WindowList::DestroyAllWindows: no 'close' event, straight to 'closed'.
    for (const win of this.windows()) win.destroy();
    if (this.exitCode !== null) return;
    if (this.nativeInFlight > 0) this.exitWaiting = code;
    else this.shutdown(code);
  }

  /**
   * app.focus: macOS `activateIgnoringOtherApps:steal` (shell/browser/browser_mac.mm
   * Browser::Focus): with `steal` the app becomes active even though another is, and its key
   * window (the first visible one) has the focus; without, only if nobody else is active.
   * Windows: focuses the first window (its focus(), with Windows' foreground rules).
   */
  focusCalls: Array<{ steal: boolean } | undefined> = [];
  focus(options?: { steal: boolean }): void {
    this.focusCalls.push(options);
    const first = this.windows().find((w) => w.isVisible());
    if (first === undefined) return;
    if (this.platform === 'darwin' && options?.steal === true) FakeDesktop.foreground = null;
    first.focus();
  }

  /** "Relaunches the app when the current instance exits" (docs/api/app.md, app.relaunch). */
  relaunch(options?: RelaunchOptions): void {
    this.relaunches.push(options);
  }

  /** The userData folder when the lock was asked for: Chromium's ProcessSingleton is keyed on it. */
  singleInstanceFolder: string | null = null;
  requestSingleInstanceLock(): boolean {
    this.singleInstanceFolder = this.getPath('userData');
    return this.singleInstanceLock;
  }

  /** Paths overridden with setPath; the rest are `/fake/<name>`. */
  readonly paths = new Map<string, string>();

  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`;
  }

  /**
   * `App::SetPath` (shell/browser/api/electron_api_app.cc): a relative path throws "Path must be
   * absolute"; otherwise PathService::OverrideAndCreateIfNeeded with create = false (the folder
   * is not made; docs/api/app.md says to create it first). Records when it happened, since
   * userData must be set before 'ready' to move sessionData with it.
   */
  readonly setPathCalls: { name: string; path: string; beforeReady: boolean }[] = [];
  setPath(name: string, path: string): void {
    if (!/^([A-Za-z]:\\|\/)/.test(path)) throw new Error('Path must be absolute');
    this.setPathCalls.push({ name, path, beforeReady: !this.isReady() });
    this.paths.set(name, path);
  }

  /** A second launch of the shell: 'second-instance' (docs/api/app.md), emitted with or without listeners. */
  secondInstance(argv: string[] = ['shell.exe']): void {
    this.emit('second-instance', fakeEvent(), argv, 'C:\\', {});
  }

  /**
   * WM_QUERYENDSESSION, as each top-level window gets it: every window emits
   * 'query-session-end'; a prevented event answers FALSE, asking Windows to wait
   * (native_window_views_win.cc: `*result = !prevent_default`). Electron does not call
   * ShutdownBlockReasonCreate (nothing in shell/ does), so Windows shows the app with its own
   * generic text. Returns whether any window asked Windows to wait.
   */
  queryEndSession(reasons: string[] = ['shutdown']): boolean {
    if (!this.running()) return false;
    let wait = false;
    for (const win of this.windows()) {
      const event = sessionEndEvent(reasons);
      win.emit('query-session-end', event);
      wait ||= event.defaultPrevented;
    }
    return wait;
  }

  /**
   * WM_ENDSESSION(TRUE): every window hears 'session-end', then, unless the app is already
   * quitting, Electron ends the process at once: "The OS kills us and our child processes right
   * after this returns ... leave immediately ... unless the app already began its own quit"
   * (native_window_views_win.cc, `if (!Browser::Get()->is_quitting())
   * base::Process::TerminateCurrentProcessImmediately(0)`, PR #52604, backported to 42-x-y,
   * 43-x-y and 44-x-y). A quitting app still dies with the session; this fake ends it at once
   * either way, since Windows gives no time after WM_ENDSESSION returns.
   */
  endSession(reasons: string[] = ['shutdown']): void {
    if (!this.running() || this.sessionEnded) return;
    this.sessionEnded = true;
    for (const win of this.windows()) win.emit('session-end', sessionEndEvent(reasons));
    this.terminate();
  }

  /**
   * What Windows does when the session ends (shutdown, restart, sign-out, or Restart Manager
   * closing apps for an MSI upgrade with reasons ['close-app']): it asks every top-level window
   * (WM_QUERYENDSESSION), then:
   * - 'critical' (ENDSESSION_CRITICAL): the app "is forced to shut down" and a veto is ignored
   *   (Microsoft's WM_QUERYENDSESSION page): the session ends at once.
   * - 'close-app' (ENDSESSION_CLOSEAPP, Restart Manager): a veto makes RmShutdown fail with
   *   ERROR_FAIL_SHUTDOWN (Microsoft's "Guidelines for Applications" for the Restart Manager):
   *   the windows get WM_ENDSESSION(FALSE), which Electron ignores (native_window_views_win.cc,
   *   `if (!w_param || session_ended) return false`), and the installer leaves the files in use
   *   for a reboot (`cancelled`). The app keeps running and nobody waits for it.
   * - otherwise (the user's own shutdown, restart or sign-out): if nobody asked it to wait, the
   *   session ends at once; when an app asked to wait, Windows shows it as preventing shutdown
   *   until it exits; `force()` is the user's "Shut down anyway".
   */
  windowsEndsSession(reasons: string[] = ['shutdown']): { waiting: boolean; cancelled: boolean; force: () => void } {
    const force = (): void => this.endSession(reasons);
    const vetoed = this.queryEndSession(reasons);
    if (reasons.includes('critical') || !vetoed) {
      this.endSession(reasons);
      return { waiting: false, cancelled: false, force };
    }
    if (reasons.includes('close-app')) {
      this.restartManagerCancelled += 1;
      return { waiting: false, cancelled: true, force };
    }
    return { waiting: true, cancelled: false, force };
  }
  /** Restart Manager shutdowns a veto cancelled (the upgrade then waits for a reboot). */
  restartManagerCancelled = 0;

  /** The process ends with no cleanup (TerminateCurrentProcessImmediately, or the OS at shutdown). */
  terminate(): void {
    if (!this.running()) return;
    this.terminated = true;
  }

  /** Browser::OnWindowCloseCancelled: a window refused to close, so the quit is off. */
  windowCloseCancelled(): void {
    if (this.quitting && !this.exiting) this.quitting = false;
  }

  /** WindowList::RemoveWindow → Browser::OnWindowAllClosed. */
  windowClosed(): void {
    if (this.windows().length > 0 || !this.running()) return;
    if (this.exiting) return; // exit() finishes the shutdown itself
    if (this.quitting) return this.notifyAndShutdown();
    // "If you do not subscribe to this event and all windows are closed, the default behavior
    // is to quit the app" (docs/api/app.md, 'window-all-closed').
    if (this.count('window-all-closed') === 0) return this.quit();
    this.emit('window-all-closed', fakeEvent());
  }

  private notifyAndShutdown(): void {
    const event = fakeEvent();
    this.emit('will-quit', event);
    if (event.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.shutdown(0);
  }

  private shutdown(code: number): void {
    this.exitCode = code;
    this.emit('quit', fakeEvent(), code);
  }
}

/**
 * The Windows desktop, as little of it as the kiosk sign-in needs: which window has the
 * foreground, and whether the system browser is open and above the shell.
 *
 * - A shell window can take the foreground only while the shell's process has it (or nobody
 *   yet: the user just launched it). `focus()` is NativeWindowViews::Focus → widget()->Activate()
 *   (shell/browser/native_window_views.cc), i.e. SetForegroundWindow, which Windows refuses to a
 *   background process and answers by flashing its taskbar button (Microsoft's
 *   SetForegroundWindow documentation). `restore()` of a minimised window activates it
 *   (ShowWindow SW_RESTORE: "Activates and displays the window"), which is why the
 *   minimise-then-restore pattern works where focus() alone does not.
 * - shell.openExternal hands the address to ShellExecuteEx on a worker thread with SW_SHOWNORMAL
 *   and nothing to bring the browser forward (shell/common/platform_util_win.cc
 *   OpenExternalOnWorkerThread; `activate` is macOS-only, docs/api/shell.md). A kiosk window is
 *   full screen, not always-on-top (native_window_views.cc: SetKiosk(kiosk) is
 *   SetFullScreen(kiosk)), and the browser has been seen to open behind it: the fake always
 *   opens it behind a visible full-screen shell window, and in front of anything else.
 */
export class FakeDesktop {
  /** The foreground window: one of the shell's, the system browser, the rest of the desktop, or nobody yet. */
  static foreground: FakeBrowserWindow | 'browser' | 'desktop' | null = null;
  static browserOpen = false;
  /** The system browser is above the shell's windows in z-order. */
  static browserAboveShell = false;
  static reset(): void {
    FakeDesktop.foreground = null;
    FakeDesktop.browserOpen = false;
    FakeDesktop.browserAboveShell = false;
  }
  /** Whether the shell's process holds the foreground (or nobody does yet). */
  static shellMayActivate(): boolean {
    return FakeDesktop.foreground === null || FakeDesktop.foreground instanceof FakeBrowserWindow;
  }
  static openBrowser(): void {
    FakeDesktop.browserOpen = true;
    // macOS: openExternal's `activate` defaults to true, bringing the browser forward
    // (docs/api/shell.md; shell/common/platform_util_mac.mm).
    if (FakeApp.current?.platform === 'darwin') {
      FakeDesktop.browserAboveShell = true;
      FakeDesktop.foreground = 'browser';
      return;
    }
    const covering = FakeBrowserWindow.created.some((w) => !w.destroyed && w.isVisible() && w.isFullScreen());
    if (covering) return; // behind the full-screen shell; the shell keeps the foreground
    FakeDesktop.browserAboveShell = true;
    FakeDesktop.foreground = 'browser';
  }
  /** What the person at the workstation sees of the browser: open, and not hidden behind a shell window. */
  static browserSeen(): boolean {
    if (!FakeDesktop.browserOpen) return false;
    return FakeDesktop.browserAboveShell || !FakeBrowserWindow.created.some((w) => !w.destroyed && w.isVisible());
  }
}

let nextFrameToken = 1;

const frameDisposed = 'Render frame was disposed before WebFrameMain could be accessed';

/**
 * A WebFrameMain. Once its render frame is disposed (a navigation to another process, a crash,
 * the page closing), its getters throw "Render frame was disposed before WebFrameMain could be
 * accessed" (shell/browser/api/electron_api_web_frame_main.cc, CheckRenderFrame, used by
 * `url`, `origin`, `frameToken`, `processId`, `parent`, `top`, `frames`...); `detached` does not
 * check and keeps answering.
 */
export class FakeFrame {
  private _url: string;
  private _frameToken = `frame-${nextFrameToken++}`;
  private _processId = 7;
  private _parent: FakeFrame | null = null;
  private _disposed = false;
  detached = false;
  constructor(url: string) {
    this._url = url;
  }
  private check(): void {
    if (this._disposed) throw new Error(frameDisposed);
  }
  get url(): string {
    this.check();
    return this._url;
  }
  set url(url: string) {
    this._url = url;
  }
  get origin(): string {
    this.check();
    try {
      const parsed = new URL(this._url);
      return parsed.host === '' ? 'null' : `${parsed.protocol}//${parsed.host}`;
    } catch {
      return 'null';
    }
  }
  get frameToken(): string {
    this.check();
    return this._frameToken;
  }
  set frameToken(token: string) {
    this._frameToken = token;
  }
  get processId(): number {
    this.check();
    return this._processId;
  }
  set processId(id: number) {
    this._processId = id;
  }
  get parent(): FakeFrame | null {
    this.check();
    return this._parent;
  }
  set parent(parent: FakeFrame | null) {
    this._parent = parent;
  }
  /** The render frame went away (test helper). */
  dispose(): void {
    this._disposed = true;
  }
  isDestroyed(): boolean {
    return this._disposed;
  }
  /** A sub-frame of this frame (an iframe). */
  child(url: string): FakeFrame {
    const frame = new FakeFrame(url);
    frame.parent = this;
    return frame;
  }
}

export class FakeSession extends FakeEmitter {
  /**
   * session.fromPartition: "If there is already a Session with the same partition, it will be
   * returned"; an empty partition is the default session (electron.d.ts, Session.fromPartition).
   * A page's `webPreferences.partition` picks its session the same way (WebPreferences.partition).
   * Before 'ready' there is no session: "Session can only be received when app is ready"
   * (shell/browser/api/electron_api_session.cc, FromPartition), a TypeError.
   */
  static sessions = new Map<string, FakeSession>();
  static fromPartition(partition = ''): FakeSession {
    if (FakeApp.beforeReady()) throw new TypeError('Session can only be received when app is ready');
    let session = FakeSession.sessions.get(partition);
    if (session === undefined) {
      session = new FakeSession(partition);
      FakeSession.sessions.set(partition, session);
    }
    return session;
  }
  static reset(): void {
    FakeSession.sessions = new Map();
  }

  permissionRequestHandler:
    ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null =
    null;
  /** Protocol handlers are per session (Electron docs/api/protocol.md, "Using protocol with a custom partition or session"). */
  readonly protocol = new FakeProtocol();
  storageCleared = 0;
  cacheCleared = 0;
  constructor(readonly partition = '') {
    super();
  }
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
  /**
   * What pages have left in this session, by the call that clears it (test helper `leave`). An
   * in-memory session keeps all of it for as long as it lives, and Electron never frees one:
   * `ElectronBrowserContext::From` keeps each partition's context in a static map, destroyed
   * only at shutdown (shell/browser/electron_browser_context.cc ContextMap, DestroyAllContexts);
   * so does this fake (`sessions` is never pruned).
   */
  readonly residue = new Set<'storage' | 'cache' | 'auth' | 'host-resolver' | 'connections'>();
  /** Test control: the next clears reject. */
  failClears = false;
  leave(...kinds: Array<'storage' | 'cache' | 'auth' | 'host-resolver' | 'connections'>): void {
    for (const kind of kinds) this.residue.add(kind);
  }
  private clear(kind: 'storage' | 'cache' | 'auth' | 'host-resolver' | 'connections'): Promise<void> {
    if (this.failClears) return Promise.reject(new Error(`clearing ${kind} failed`));
    this.residue.delete(kind);
    return Promise.resolve();
  }
  /** Resolves when the storage data has been cleared (electron.d.ts, Session.clearStorageData). */
  clearStorageData(): Promise<void> {
    this.storageCleared += 1;
    return this.clear('storage');
  }
  /** Resolves when the HTTP cache has been cleared (electron.d.ts, Session.clearCache). */
  clearCache(): Promise<void> {
    this.cacheCleared += 1;
    return this.clear('cache');
  }
  /** "resolves when the session’s HTTP authentication cache has been cleared" (electron.d.ts). */
  clearAuthCache(): Promise<void> {
    return this.clear('auth');
  }
  /** "Clears the host resolver cache" (electron.d.ts). */
  clearHostResolverCache(): Promise<void> {
    return this.clear('host-resolver');
  }
  /** "Resolves when all connections are closed" (electron.d.ts). */
  closeAllConnections(): Promise<void> {
    return this.clear('connections');
  }
}

/** A key press as 'before-input-event' hands it over (electron.d.ts, Input). */
export function keyInput(fields: Partial<Input> & Pick<Input, 'key'>): Input {
  return {
    type: 'keyDown',
    code: '',
    isAutoRepeat: false,
    isComposing: false,
    shift: false,
    control: false,
    alt: false,
    meta: false,
    location: 0,
    modifiers: [],
    ...fields,
  };
}

const netErrors: Readonly<Record<number, string>> = {
  [-2]: 'ERR_FAILED',
  [-3]: 'ERR_ABORTED',
  [-6]: 'ERR_FILE_NOT_FOUND',
  [-379]: 'ERR_HTTP_RESPONSE_CODE_FAILURE',
};

/**
 * The error loadURL rejects with: "<description> (<code>) loading '<url>'", with `errno` and
 * `code` (lib/browser/api/web-contents.ts, _awaitNextLoad's rejectAndCleanup).
 */
export function loadError(errorCode: number, url: string): Error {
  const description = netErrors[errorCode] ?? 'ERR_FAILED';
  return Object.assign(new Error(`${description} (${errorCode}) loading '${url}'`), {
    errno: errorCode,
    code: description,
    url,
  });
}

export class FakeWebContents extends FakeEmitter {
  readonly session: FakeSession;
  private _mainFrame = new FakeFrame('app://shell/index.html');
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  loadedUrls: string[] = [];
  reloads = 0;
  devToolsClosed = 0;
  focusCalls = 0;
  crashRequests = 0;
  sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  /**
   * The renderer process: none before the first load, alive once a load starts, gone after it
   * crashes or is killed until the next load starts one.
   */
  process: 'none' | 'alive' | 'gone' = 'none';
  private pending: { url: string; resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(session: FakeSession = FakeSession.fromPartition('')) {
    super();
    this.session = session;
  }
  /**
   * A destroyed WebContents' properties and methods throw "Object has been destroyed"
   * (shell/common/gin_helper/function_template.h); `send` goes through `mainFrame`
   * (lib/browser/api/web-contents.ts).
   */
  private alive(): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }
  get mainFrame(): FakeFrame {
    this.alive();
    return this._mainFrame;
  }
  set mainFrame(frame: FakeFrame) {
    this._mainFrame = frame;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /**
   * "the promise will resolve when the page has finished loading (see did-finish-load), and
   * rejects if the page fails to load (see did-fail-load)" (electron.d.ts, loadURL). Nothing
   * finishes until the test calls finishLoad() or failLoad(). A newer navigation rejects it
   * with ERR_ABORTED (-3), and the contents going away with ERR_FAILED (-2)
   * (lib/browser/api/web-contents.ts, _awaitNextLoad).
   */
  loadURL(url: string): Promise<void> {
    this.alive();
    this.abortPending();
    this.loadedUrls.push(url);
    this.process = 'alive';
    return new Promise((resolve, reject) => {
      this.pending = { url, resolve, reject };
    });
  }
  /** A load still in progress is replaced: 'did-fail-load' with ERR_ABORTED, and its promise rejects. */
  private abortPending(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.emit('did-fail-load', fakeEvent(), -3, 'ERR_ABORTED', pending.url, true);
    pending.reject(loadError(-3, pending.url));
  }
  /** A reload starts a new document; after a kill, in a new process (forcefullyCrashRenderer's docs). */
  reload(): void {
    this.alive();
    this.abortPending();
    this.reloads += 1;
    this.process = 'alive';
  }
  /** The page's load event fired: 'did-finish-load'. A page without a live renderer cannot get there. */
  finishLoad(): void {
    if (this.process !== 'alive') throw new Error('A page whose renderer is not running cannot finish loading.');
    const pending = this.pending;
    this.pending = null;
    this.emit('did-finish-load', fakeEvent());
    pending?.resolve();
  }
  /** 'did-fail-load' for the main frame (electron.d.ts: event, errorCode, errorDescription, validatedURL, isMainFrame); loadURL rejects. */
  failLoad(errorCode = -6): void {
    const pending = this.pending;
    this.pending = null;
    const url = pending?.url ?? this.loadedUrls.at(-1) ?? '';
    this.emit('did-fail-load', fakeEvent(), errorCode, netErrors[errorCode] ?? 'ERR_FAILED', url, true);
    pending?.reject(loadError(errorCode, url));
  }
  /**
   * "Forcefully terminates the renderer process ... This will cause the render-process-gone event
   * to be emitted with the reason=killed || reason=crashed" (electron.d.ts). With no renderer
   * there is nothing to kill and no event (WebContents::ForcefullyCrashRenderer returns early
   * without a view). The event comes later, not inside the call: Electron posts it as a task
   * (WebContents::PrimaryMainFrameRenderProcessGone).
   */
  forcefullyCrashRenderer(): void {
    this.alive();
    this.crashRequests += 1;
    if (this.process !== 'alive') return;
    this.process = 'gone';
    setTimeout(() => this.emit('render-process-gone', fakeEvent(), { reason: 'killed', exitCode: 1 }), 0);
  }
  /** The renderer died on its own: 'render-process-gone' (test helper). */
  crash(reason: 'crashed' | 'oom' | 'killed' = 'crashed'): void {
    this.process = 'gone';
    this.emit('render-process-gone', fakeEvent(), { reason, exitCode: 1 });
  }
  /** "Whether the renderer process has crashed" (electron.d.ts, isCrashed). */
  isCrashed(): boolean {
    return this.process === 'gone';
  }
  /** Chromium's hang monitor gave up on the page (electron.d.ts, 'unresponsive'; test helper). */
  hang(): void {
    this.emit('unresponsive');
  }
  /**
   * A key press reaches main before the page: 'before-input-event' ("Calling event.preventDefault
   * will prevent the page keydown/keyup events", electron.d.ts). Returns whether the page gets it.
   */
  press(fields: Partial<Input> & Pick<Input, 'key'>): boolean {
    const event = fakeEvent();
    this.emit('before-input-event', event, keyInput(fields));
    return !event.defaultPrevented;
  }
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
  focus(): void {
    this.focusCalls += 1;
  }
  send(channel: string, ...args: unknown[]): void {
    this.alive();
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /**
   * "the WebContents will be destroyed and no longer usable. The destroyed event will be emitted"
   * (electron.d.ts, close). Closing one already destroyed throws "Object has been destroyed", as
   * every method of a destroyed WebContents does (WebContents::FillObjectTemplate makes it
   * gin_helper::Destroyable; shell/common/gin_helper/function_template.h throws for a destroyed
   * holder). The window that owns it destroys it without that check (`destroyWithWindow`).
   */
  close(): void {
    this.alive();
    this.destroyWithWindow();
  }
  /** ~BrowserWindow destroying its own web contents (no JS call, so no "destroyed" check). */
  destroyWithWindow(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.process = 'none';
    const pending = this.pending;
    this.pending = null;
    this.emit('destroyed');
    pending?.reject(loadError(-2, pending.url));
  }
}

/** A basic native view (electron.d.ts, View). */
export class FakeView extends FakeEmitter {
  children: FakeView[] = [];
  visible = true;
  bounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  backgroundColor: string | null = null;
  /** "If the same View is added to a parent which already contains it, it will be reordered such that it becomes the topmost view." */
  addChildView(view: FakeView, index?: number): void {
    this.children = this.children.filter((child) => child !== view);
    if (index === undefined) this.children.push(view);
    else this.children.splice(index, 0, view);
  }
  /** "If the view passed as a parameter is not a child of this view, this method is a no-op." */
  removeChildView(view: FakeView): void {
    this.children = this.children.filter((child) => child !== view);
  }
  setBounds(bounds: Rectangle): void {
    this.bounds = { ...bounds };
    this.emit('bounds-changed');
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
  }
  getVisible(): boolean {
    return this.visible;
  }
  setBackgroundColor(color: string): void {
    this.backgroundColor = color;
  }
}

export class FakeWebContentsView extends FakeView {
  static created: FakeWebContentsView[] = [];
  readonly webContents: FakeWebContents;
  constructor(readonly options: WebContentsViewConstructorOptions = {}) {
    super();
    this.webContents = new FakeWebContents(FakeSession.fromPartition(options.webPreferences?.partition ?? ''));
    // "By default, WebContentsView instantiates with a white background" (Electron's
    // WebContentsView migration guide, electron/website PR #699).
    this.backgroundColor = '#ffffff';
    FakeWebContentsView.created.push(this);
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  /**
   * Views added here are painted above the window's own page: Electron 45 inserts the page's
   * WebContentsView as a sibling before `contentView` (electron_api_browser_window.cc, "so that
   * any views added to BrowserWindow's contentView will be painted on top of the
   * BrowserWindow's WebContentsView", PR #41256).
   */
  readonly contentView = new FakeView();
  destroyed = false;
  shown = false;
  minimized = false;
  fullScreen: boolean;
  /** Focus requests Windows refused (the taskbar button flashed instead). */
  flashes = 0;
  /**
   * `fullscreen: false` given explicitly makes a macOS window un-fullscreenable: "Disable
   * fullscreen button if 'fullscreen' is specified to false" (shell/browser/native_window.cc;
   * docs/api/structures/base-window-options.md, `fullscreen`).
   */
  readonly fullScreenable: boolean;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    // BrowserWindow::New: "Cannot create BrowserWindow before app is ready"
    // (shell/browser/api/electron_api_browser_window.cc).
    if (FakeApp.beforeReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    const platform = FakeApp.current?.platform ?? 'win32';
    this.fullScreenable = options.fullscreenable ?? !(options.fullscreen === false && platform === 'darwin');
    this.fullScreen = options.kiosk === true || options.fullscreen === true;
    this.kiosk = options.kiosk === true;
    this.webContents = new FakeWebContents(FakeSession.fromPartition(options.webPreferences?.partition ?? ''));
    FakeBrowserWindow.created.push(this);
  }
  /**
   * NativeWindowViews::Show shows the window and "explicitly focus[es] the window"
   * (widget()->Activate(), shell/browser/native_window_views.cc), which Windows grants only
   * while the shell's process has the foreground; then 'show'.
   */
  show(): void {
    if (this.destroyed) return;
    this.shown = true;
    this.hidden = false;
    this.minimized = false;
    this.activate();
    this.emit('show');
  }
  /**
   * "Hides the window" (electron.d.ts, hide): no longer visible, and it loses the foreground.
   */
  hide(): void {
    if (this.destroyed) return;
    this.shown = false;
    this.hidden = true;
    if (FakeDesktop.foreground === this) FakeDesktop.foreground = FakeDesktop.browserOpen ? 'browser' : 'desktop';
    this.emit('hide');
  }
  /** "Shows the window but doesn't focus on it" (electron.d.ts, showInactive). */
  showInactive(): void {
    if (this.destroyed) return;
    this.shown = true;
    this.hidden = false;
    this.minimized = false;
    this.emit('show');
  }
  /** Hidden by hide() (a window never shown yet is not counted: it was never on screen). */
  hidden = false;
  /** 0 (transparent) to 1; setOpacity is "Windows, macOS": on Linux it does nothing (docs/api/base-window.md). */
  opacity = 1;
  setOpacity(opacity: number): void {
    if ((FakeApp.current?.platform ?? 'win32') === 'linux') return;
    this.opacity = Math.min(1, Math.max(0, opacity));
  }
  getOpacity(): number {
    return this.opacity;
  }
  /** Windows: WS_VISIBLE and not minimised (NativeWindowViews::IsVisible). */
  isVisible(): boolean {
    return !this.destroyed && this.shown && !this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** NativeWindowViews::IsFocused: the active window. */
  isFocused(): boolean {
    return FakeDesktop.foreground === this && this.isVisible();
  }
  get focused(): boolean {
    return this.isFocused();
  }
  /**
   * NativeWindowViews::Focus: "For hidden window focus() should do nothing", else Activate (see
   * FakeDesktop). macOS (NativeWindowMac::Focus): `activateIgnoringOtherApps:NO` then
   * makeKeyAndOrderFront, which does not take the focus from another active app (macOS 14's
   * cooperative activation); refused the same way here. app.focus({ steal: true }) does.
   */
  focus(): void {
    if (!this.isVisible()) return;
    this.activate();
  }
  private activate(): void {
    if (FakeDesktop.shellMayActivate()) {
      FakeDesktop.foreground = this;
      FakeDesktop.browserAboveShell = false;
      this.emit('focus');
    } else {
      this.flashes += 1;
    }
  }
  /**
   * NativeWindowViews::Minimize: a hidden window is shown minimised. The next window in z-order
   * gets the foreground. macOS: NativeWindowMac::Minimize is `[window_ miniaturize:nil]`, which
   * AppKit ignores for a window in full screen or on its way out of it (the exit is an
   * asynchronous transition: see setFullScreen).
   */
  minimize(): void {
    if (this.destroyed) return;
    if (this.platform() === 'darwin' && (this.fullScreen || this.transition !== null)) {
      this.minimizesIgnored += 1;
      return;
    }
    this.shown = true;
    this.minimized = true;
    if (FakeDesktop.foreground === this) FakeDesktop.foreground = FakeDesktop.browserOpen ? 'browser' : 'desktop';
    this.emit('minimize');
  }
  /**
   * Windows: restoring a minimised window activates it (ShowWindow SW_RESTORE), and puts it above
   * the browser. macOS: NativeWindowMac::Restore is `[window_ deminiaturize:nil]`, which does not
   * make the app active: while another app (the browser) is active the window comes back behind
   * it, without the focus.
   */
  restore(): void {
    if (this.destroyed || !this.minimized) return;
    this.minimized = false;
    if (this.platform() === 'darwin' && !FakeDesktop.shellMayActivate()) {
      this.emit('restore');
      return;
    }
    FakeDesktop.foreground = this;
    FakeDesktop.browserAboveShell = false;
    this.emit('restore');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  private kiosk: boolean;
  private fullScreenBeforeKiosk = false;
  /** macOS: the full-screen transition under way (its target), or null. */
  transition: boolean | null = null;
  private readonly pendingTransitions: boolean[] = [];
  /** macOS: minimize() calls AppKit ignored (full screen, or a transition under way). */
  minimizesIgnored = 0;
  private platform(): NodeJS.Platform {
    return FakeApp.current?.platform ?? 'win32';
  }
  /**
   * Windows: SetKiosk(kiosk) is SetFullScreen(kiosk) (native_window_views.cc); no always-on-top.
   * macOS (native_window_mac.mm SetKiosk): entering notes whether the window was already full
   * screen and goes full screen if not; leaving goes out of full screen only if kiosk put it
   * there. A window made with `kiosk: true` was made full screen by it (the constructor's own
   * SetFullScreen(true) is still in transition when SetKiosk reads IsFullscreen()).
   */
  setKiosk(kiosk: boolean): void {
    if (this.platform() !== 'darwin') {
      this.kiosk = kiosk;
      this.setFullScreen(kiosk);
      return;
    }
    if (kiosk && !this.kiosk) {
      this.kiosk = true;
      this.fullScreenBeforeKiosk = this.fullScreen;
      if (!this.fullScreenBeforeKiosk) this.setFullScreen(true);
    } else if (!kiosk && this.kiosk) {
      this.kiosk = false;
      if (!this.fullScreenBeforeKiosk) this.setFullScreen(false);
    }
  }
  isKiosk(): boolean {
    return this.kiosk;
  }
  /**
   * NativeWindowViews::SetFullScreen does nothing for a window that is not fullscreenable, and
   * on Windows takes effect at once, with 'enter-full-screen' / 'leave-full-screen' and a resize.
   * macOS (NativeWindowMac::SetFullScreen): `toggleFullScreen` is asynchronous; a request during
   * a transition is queued; IsFullscreen() (the full-screen style mask) changes only when the
   * transition ends (`completeFullScreenTransition()`, test helper), and then the event comes
   * (electron_ns_window_delegate.mm windowDidExitFullScreen → 'leave-full-screen').
   */
  setFullScreen(fullScreen: boolean): void {
    if (!this.fullScreenable) return;
    if (this.platform() !== 'darwin') return this.applyFullScreen(fullScreen);
    if (this.transition !== null) {
      if (this.pendingTransitions.at(-1) !== fullScreen) this.pendingTransitions.push(fullScreen);
      return;
    }
    if (fullScreen === this.fullScreen) return;
    this.transition = fullScreen;
  }
  /** macOS: the transition under way ends (test helper); a queued one then starts. */
  completeFullScreenTransition(): void {
    const target = this.transition;
    if (target === null) return;
    this.transition = null;
    this.applyFullScreen(target);
    const next = this.pendingTransitions.shift();
    if (next !== undefined) this.setFullScreen(next);
  }
  private applyFullScreen(fullScreen: boolean): void {
    if (fullScreen === this.fullScreen) return;
    this.fullScreen = fullScreen;
    this.emit(fullScreen ? 'enter-full-screen' : 'leave-full-screen');
    this.emit('resize');
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  isFullScreenable(): boolean {
    return this.fullScreenable;
  }
  /** The screen's size: a full-screen (or kiosk) window's content fills it. */
  static screenSize: readonly [number, number] = [1920, 1080];
  /** The content area: the whole screen in full screen, else the size the window was made with. */
  getContentSize(): number[] {
    if (this.fullScreen) return [...FakeBrowserWindow.screenSize];
    return [this.options.width ?? 800, this.options.height ?? 600];
  }
  /**
   * Alt+F4, the close button or win.close(): NativeWindow::NotifyWindowCloseButtonClicked emits
   * 'close'; if prevented, the close (and any quit in progress) is cancelled
   * (WindowList::WindowCloseCancelled); otherwise the page is closed and then the window.
   * The shell's page has no beforeunload handler, so it closes at once.
   */
  close(): void {
    if (this.destroyed) return;
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) {
      FakeApp.current?.windowCloseCancelled();
      return;
    }
    this.destroy();
  }
  /**
   * "Force closing the window, the unload and beforeunload event won't be emitted for the web
   * page, and close event will also not be emitted for this window, but it guarantees the
   * closed event will be emitted" (electron.d.ts, destroy). The window's own web contents go
   * with it (~BrowserWindow destroys them); a child WebContentsView's do not ("the webContents
   * of the WebContentsView are not destroyed automatically", docs/api/base-window.md).
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (FakeDesktop.foreground === this) FakeDesktop.foreground = FakeDesktop.browserOpen ? 'browser' : 'desktop';
    this.webContents.destroyWithWindow();
    this.emit('closed');
    FakeApp.current?.windowClosed();
  }
  /**
   * Windows only. BaseWindow::HookWindowMessage keeps one callback per message number
   * (messages_callback_map_[message] = callback: a second hook replaces the first), and
   * BaseWindow::OnWindowMessage runs it with two Buffers copied from the WPARAM and LPARAM, each
   * sizeof(WPARAM) / sizeof(LPARAM) bytes: 8 on x64, little-endian
   * (shell/browser/api/electron_api_base_window.cc, ToBuffer). A destroyed window throws, as every
   * method of a destroyed BaseWindow does ("Object has been destroyed").
   */
  private readonly windowMessageHooks = new Map<number, (wParam: Buffer, lParam: Buffer) => void>();
  /** The HWND, unique per window (getNativeWindowHandle: a Buffer holding the handle, sizeof(HWND) bytes). */
  private readonly hwnd = BigInt(0x10000 + FakeBrowserWindow.created.length * 0x10);
  private alive(): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }
  hookWindowMessage(message: number, callback: (wParam: Buffer, lParam: Buffer) => void): void {
    this.alive();
    this.windowMessageHooks.set(message, callback);
  }
  unhookWindowMessage(message: number): void {
    this.alive();
    this.windowMessageHooks.delete(message);
  }
  isWindowMessageHooked(message: number): boolean {
    this.alive();
    return this.windowMessageHooks.has(message);
  }
  unhookAllWindowMessages(): void {
    this.alive();
    this.windowMessageHooks.clear();
  }
  getNativeWindowHandle(): Buffer {
    this.alive();
    const handle = Buffer.alloc(8);
    handle.writeBigUInt64LE(this.hwnd);
    return handle;
  }
  /** Test control: Windows sends this window a message (as the window procedure would pass it on). */
  deliverWindowMessage(message: number, wParam: number, lParam: number): void {
    if (this.destroyed) return;
    const param = (value: number): Buffer => {
      const buffer = Buffer.alloc(8);
      buffer.writeBigUInt64LE(BigInt(value));
      return buffer;
    };
    this.windowMessageHooks.get(message)?.(param(wParam), param(lParam));
  }
  /**
   * What the window shows now: nothing of it ('hidden': not visible, or fully transparent), the
   * topmost visible child view that fills the content area, or its own page. Conservative where
   * Electron documents nothing: a view that covers only part of the window does not hide the
   * page, and a WebContentsView without a live renderer (never loaded, or its renderer died:
   * Electron draws no sad tab, and what a view with no renderer shows is unspecified) is not
   * counted as covering it.
   */
  onScreen(): FakeView | 'page' | 'hidden' {
    if (this.hidden || this.opacity === 0) return 'hidden';
    const [width = 0, height = 0] = this.getContentSize();
    for (const view of [...this.contentView.children].reverse()) {
      const { x, y, width: w, height: h } = view.bounds;
      const fills = view.visible && x <= 0 && y <= 0 && x + w >= width && y + h >= height;
      const painted =
        !(view instanceof FakeWebContentsView) || (view.webContents.process === 'alive' && !view.webContents.destroyed);
      if (fills && painted) return view;
    }
    return 'page';
  }
}

/** A menu as Menu.buildFromTemplate returns it: the template's items (electron.d.ts, Menu). */
export interface FakeMenuValue {
  items: MenuItemConstructorOptions[];
}

export class FakeMenu {
  applicationMenuCalls: Array<FakeMenuValue | null> = [];
  buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenuValue {
    return { items: template };
  }
  setApplicationMenu(menu: FakeMenuValue | null): void {
    this.applicationMenuCalls.push(menu);
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain extends FakeEmitter {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke would resolve to, sent from `sender`'s `frame`. */
  async invoke(
    channel: string,
    from: { sender: FakeWebContents; senderFrame: FakeFrame | null },
    payload?: unknown,
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler(from, payload);
  }
}

/** logind's default InhibitDelayMaxSec: how long a delay lock may hold a shutdown back (logind.conf). */
export const logindMaxDelayMs = 5_000;

/**
 * powerMonitor. Usable before 'ready' since Electron 25 ("remove on(ready) requirement from
 * powerMonitor", PR #37937; lib/browser/api/power-monitor.ts creates the native monitor at the
 * first listener, with no readiness check), so the fake does not throw there.
 *
 * 'shutdown' is "_Linux_ _macOS_" only (docs/api/power-monitor.md): on Windows
 * `systemShutdown()` emits nothing (the window's 'query-session-end'/'session-end' are the
 * signals there). On Linux, while anything listens for 'shutdown' the app holds logind's
 * shutdown delay lock (lib/browser/api/power-monitor.ts setListeningForShutdown on
 * 'newListener'/'removeListener'; shell/browser/lib/power_observer_linux.cc
 * SetShutdownHandler → BlockShutdown/UnblockShutdown). At PrepareForShutdown an unprevented
 * event releases the lock and the shutdown goes on; a prevented one holds it until the last
 * 'shutdown' listener is removed (or logind's delay runs out), and then the system ends the
 * process. On macOS an unprevented 'shutdown' lets the system's terminate go to Browser::Quit;
 * a prevented one leaves it to the app ("User will call Quit later",
 * shell/browser/mac/electron_application.mm).
 */
export class FakePowerMonitor extends FakeEmitter {
  idleSeconds = 0;
  idleState: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  /** Linux: logind's shutdown delay lock is held. */
  shutdownLockHeld = false;
  private shutdownWaiting = false;
  private delayTimer: ReturnType<typeof setTimeout> | null = null;
  constructor(readonly platform: NodeJS.Platform = 'linux') {
    super();
  }
  override on(event: string, listener: Listener): this {
    super.on(event, listener);
    this.syncShutdownLock();
    return this;
  }
  override removeListener(event: string, listener: Listener): this {
    super.removeListener(event, listener);
    this.syncShutdownLock();
    return this;
  }
  private syncShutdownLock(): void {
    if (this.platform !== 'linux') return;
    const held = this.count('shutdown') > 0;
    const released = this.shutdownLockHeld && !held;
    this.shutdownLockHeld = held;
    if (released && this.shutdownWaiting) this.systemProceeds();
  }
  private systemProceeds(): void {
    this.shutdownWaiting = false;
    if (this.delayTimer !== null) clearTimeout(this.delayTimer);
    this.delayTimer = null;
    FakeApp.current?.terminate();
  }
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  getSystemIdleState(_threshold: number): 'active' | 'idle' | 'locked' | 'unknown' {
    return this.idleState;
  }
  /** The OS is shutting down (test helper). Returns whether 'shutdown' was emitted and whether it was prevented. */
  systemShutdown(): { emitted: boolean; prevented: boolean } {
    if (this.platform === 'win32') return { emitted: false, prevented: false };
    const event = fakeEvent();
    this.emit('shutdown', event);
    if (this.platform === 'linux') {
      if (!event.defaultPrevented || !this.shutdownLockHeld) this.systemProceeds();
      else {
        this.shutdownWaiting = true;
        this.delayTimer = setTimeout(() => this.systemProceeds(), logindMaxDelayMs);
      }
    } else if (!event.defaultPrevented) FakeApp.current?.quit();
    return { emitted: true, prevented: event.defaultPrevented };
  }
}

/**
 * A protocol. Each session has its own (FakeSession.protocol). The `protocol` module's is
 * `{ global: true }`: its handle/unhandle are the default session's
 * (`handle: (...args) => session.defaultSession.protocol.handle(...args)`,
 * lib/browser/api/protocol.ts), so before 'ready' they throw the session's TypeError; and
 * registerSchemesAsPrivileged after 'ready' throws "protocol.registerSchemesAsPrivileged should
 * be called before app is ready" (shell/browser/api/electron_api_protocol.cc).
 */
export class FakeProtocol {
  privileged: CustomScheme[] = [];
  handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  constructor(readonly options: { global?: boolean } = {}) {}
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (this.options.global && FakeApp.current?.ready)
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.options.global) FakeSession.fromPartition('');
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    if (this.options.global) FakeSession.fromPartition('');
    this.handlers.delete(scheme);
  }
}

/**
 * Electron 45's clipboard (electron.d.ts, Clipboard): readText() is a Promise, clear() empties
 * it. One text stands for the system clipboard; `selection` is Linux's PRIMARY selection.
 */
export class FakeClipboard {
  text = '';
  clears = 0;
  readonly selection: FakeClipboard | undefined;
  constructor(options: { selection?: boolean } = {}) {
    this.selection = options.selection ? new FakeClipboard() : undefined;
  }
  readText(): Promise<string> {
    return Promise.resolve(this.text);
  }
  writeText(text: string): Promise<void> {
    this.text = text;
    return Promise.resolve();
  }
  clear(): void {
    this.text = '';
    this.clears += 1;
  }
}

/** shell.openExternal: the system browser opens where FakeDesktop says (behind a visible full-screen shell window). */
export class FakeShell {
  opened: string[] = [];
  fail = false;
  openExternal(url: string): Promise<void> {
    if (this.fail) return Promise.reject(new Error('no browser'));
    this.opened.push(url);
    FakeDesktop.openBrowser();
    return Promise.resolve();
  }
}

/**
 * Electron 45's safeStorage, asynchronous API (electron/electron
 * shell/browser/api/electron_api_safe_storage.cc, docs/api/safe-storage.md), never kinder:
 *
 * - before 'ready' (a FakeApp that is not ready), isAsyncEncryptionAvailable() resolves false and
 *   encryptStringAsync/decryptStringAsync reject "safeStorage cannot be used before app is ready";
 * - after 'ready' isAsyncEncryptionAvailable() resolves true even where the OS protects nothing:
 *   the real one only waits for os_crypt_async's encryptor, which Chromium always hands over
 *   (on Linux with no secret service, a fallback provider), so true says nothing about Linux's
 *   'basic_text'; getSelectedStorageBackend() (Linux only) is what says it, 'unknown' before ready;
 * - decryptStringAsync rejects a non-Buffer, answers '' for an empty buffer, and rejects a
 *   ciphertext its key did not make ("Error while decrypting the ciphertext provided to
 *   safeStorage.decryptStringAsync."); a ciphertext under a key since rotated opens with
 *   shouldReEncrypt true;
 * - `failing` plays an OS that refuses (DPAPI or Keychain errors): encryption rejects with
 *   Electron's message.
 *
 * The key stands for the profile's (Chromium keeps it DPAPI-protected in the user data folder's
 * Local State on Windows): two fakes share what they can decrypt only if they share `key`.
 */
export class FakeSafeStorage {
  failing = false;
  private keys: Buffer[];
  readonly getSelectedStorageBackend?: () => string;

  constructor(
    readonly platform: NodeJS.Platform = 'win32',
    options: { key?: Buffer; linuxBackend?: string } = {},
  ) {
    this.keys = [options.key ?? randomBytes(32)];
    if (platform === 'linux')
      this.getSelectedStorageBackend = () => (this.ready() ? (options.linuxBackend ?? 'gnome_libsecret') : 'unknown');
  }

  private ready(): boolean {
    return FakeApp.current === null || FakeApp.current.ready;
  }

  /** The OS rotated its key: older ciphertexts still open, with shouldReEncrypt. */
  rotate(): void {
    this.keys = [randomBytes(32), ...this.keys];
  }

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.ready());
  }

  encryptStringAsync(plainText: string): Promise<Buffer> {
    if (!this.ready()) return Promise.reject(new Error('safeStorage cannot be used before app is ready'));
    if (this.failing)
      return Promise.reject(new Error('Error while encrypting the text provided to safeStorage.encryptStringAsync.'));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Promise.resolve(Buffer.concat([Buffer.from('v10'), iv, body, cipher.getAuthTag()]));
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    if (!this.ready()) return Promise.reject(new Error('safeStorage cannot be used before app is ready'));
    if (!Buffer.isBuffer(encrypted))
      return Promise.reject(new Error('Expected the first argument of decryptStringAsync() to be a buffer'));
    if (encrypted.length === 0) return Promise.resolve({ shouldReEncrypt: false, result: '' });
    const failed = new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.');
    if (this.failing || encrypted.length < 3 + 12 + 16 || encrypted.subarray(0, 3).toString() !== 'v10')
      return Promise.reject(failed);
    for (const [index, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(3, 15));
        decipher.setAuthTag(encrypted.subarray(encrypted.length - 16));
        const result = Buffer.concat([
          decipher.update(encrypted.subarray(15, encrypted.length - 16)),
          decipher.final(),
        ]).toString('utf8');
        return Promise.resolve({ shouldReEncrypt: index > 0, result });
      } catch {
        // Not this key: try the older ones.
      }
    }
    return Promise.reject(failed);
  }
}

/** Every fake's global state back to a fresh process (test helper for beforeEach). */
export function resetFakeElectron(): void {
  FakeApp.reset();
  FakeBrowserWindow.created = [];
  FakeWebContentsView.created = [];
  FakeSession.reset();
}
