/**
 * A hand-written fake of the small part of Electron the adapters use. Each fake records what
 * the adapter did to it and lets a test emit the events Electron would. Casts to Electron's
 * types happen only in `asDeps`-style helpers at the edge of each test.
 *
 * The fake must behave as Electron 45 does, never kinder: a page finishes loading only when a
 * test says so, a killed renderer's 'render-process-gone' arrives later, a window's child views
 * cover its page only when they fill it. Each such behaviour cites where Electron documents it
 * (node_modules/electron/electron.d.ts, Electron's docs/api) or, where the docs are silent, the
 * Electron source it follows (electron/electron, tag v45.0.0-nightly.20260821).
 */
import type { BrowserWindowConstructorOptions, CustomScheme, HandlerDetails, Input, Rectangle, WebContentsViewConstructorOptions, WindowOpenHandlerResponse } from 'electron';

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
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
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

let nextFrameToken = 1;

export class FakeFrame {
  readonly frameToken = `frame-${nextFrameToken++}`;
  processId = 7;
  detached = false;
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
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
   */
  static sessions = new Map<string, FakeSession>();
  static fromPartition(partition = ''): FakeSession {
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

  permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null;
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
  /** Resolves when the storage data has been cleared (electron.d.ts, Session.clearStorageData). */
  clearStorageData(): Promise<void> {
    this.storageCleared += 1;
    return Promise.resolve();
  }
  /** Resolves when the HTTP cache has been cleared (electron.d.ts, Session.clearCache). */
  clearCache(): Promise<void> {
    this.cacheCleared += 1;
    return Promise.resolve();
  }
}

/** A key press as 'before-input-event' hands it over (electron.d.ts, Input). */
export function keyInput(fields: Partial<Input> & Pick<Input, 'key'>): Input {
  return { type: 'keyDown', code: '', isAutoRepeat: false, isComposing: false, shift: false, control: false, alt: false, meta: false, location: 0, modifiers: [], ...fields };
}

export class FakeWebContents extends FakeEmitter {
  readonly session: FakeSession;
  mainFrame = new FakeFrame('app://shell/index.html');
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
  private pending: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(session: FakeSession = FakeSession.fromPartition('')) {
    super();
    this.session = session;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /**
   * "the promise will resolve when the page has finished loading (see did-finish-load), and
   * rejects if the page fails to load (see did-fail-load)" (electron.d.ts, loadURL). Nothing
   * finishes until the test calls finishLoad() or failLoad().
   */
  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.process = 'alive';
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }
  /** A reload starts a new document; after a kill, in a new process (forcefullyCrashRenderer's docs). */
  reload(): void {
    this.reloads += 1;
    this.process = 'alive';
  }
  /** The page's load event fired: 'did-finish-load'. A page without a live renderer cannot get there. */
  finishLoad(): void {
    if (this.process !== 'alive') throw new Error('A page whose renderer is not running cannot finish loading.');
    this.emit('did-finish-load', fakeEvent());
    this.pending?.resolve();
    this.pending = null;
  }
  /** 'did-fail-load' for the main frame (electron.d.ts: event, errorCode, errorDescription, validatedURL, isMainFrame). */
  failLoad(errorCode = -6): void {
    this.emit('did-fail-load', fakeEvent(), errorCode, 'ERR_FILE_NOT_FOUND', this.loadedUrls.at(-1) ?? '', true);
    this.pending?.reject(new Error(`ERR ${errorCode}`));
    this.pending = null;
  }
  /**
   * "Forcefully terminates the renderer process ... This will cause the render-process-gone event
   * to be emitted with the reason=killed || reason=crashed" (electron.d.ts). With no renderer
   * there is nothing to kill and no event (WebContents::ForcefullyCrashRenderer returns early
   * without a view). The event comes later, not inside the call: Electron posts it as a task
   * (WebContents::PrimaryMainFrameRenderProcessGone).
   */
  forcefullyCrashRenderer(): void {
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
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** "the WebContents will be destroyed and no longer usable. The destroyed event will be emitted" (electron.d.ts, close). */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.process = 'none';
    this.emit('destroyed');
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
  focused = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.webContents = new FakeWebContents(FakeSession.fromPartition(options.webPreferences?.partition ?? ''));
    FakeBrowserWindow.created.push(this);
  }
  /** "Emitted when the window is shown" ('show', electron.d.ts). */
  show(): void {
    this.shown = true;
    this.emit('show');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isFocused(): boolean {
    return this.focused;
  }
  getContentSize(): number[] {
    return [this.options.width ?? 800, this.options.height ?? 600];
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
    this.webContents.close();
    this.emit('closed');
  }
  /**
   * What the window shows now: the topmost visible child view that fills the content area, or
   * its own page. Conservative where Electron documents nothing: a view that covers only part
   * of the window does not hide the page, and a WebContentsView that has never loaded anything
   * is not counted as covering it (no page, nothing promised to paint).
   */
  onScreen(): FakeView | 'page' {
    const [width = 0, height = 0] = this.getContentSize();
    for (const view of [...this.contentView.children].reverse()) {
      const { x, y, width: w, height: h } = view.bounds;
      const fills = view.visible && x <= 0 && y <= 0 && x + w >= width && y + h >= height;
      const painted = !(view instanceof FakeWebContentsView) || (view.webContents.loadedUrls.length > 0 && !view.webContents.destroyed);
      if (fills && painted) return view;
    }
    return 'page';
  }
}

export class FakeMenu {
  applicationMenuCalls: unknown[] = [];
  setApplicationMenu(menu: unknown): void {
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
  async invoke(channel: string, from: { sender: FakeWebContents; senderFrame: FakeFrame | null }, payload?: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler(from, payload);
  }
}

export class FakePowerMonitor extends FakeEmitter {
  idleSeconds = 0;
  idleState: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  getSystemIdleState(_threshold: number): 'active' | 'idle' | 'locked' | 'unknown' {
    return this.idleState;
  }
}

export class FakeProtocol {
  privileged: CustomScheme[] = [];
  handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
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

export class FakeShell {
  opened: string[] = [];
  fail = false;
  openExternal(url: string): Promise<void> {
    if (this.fail) return Promise.reject(new Error('no browser'));
    this.opened.push(url);
    return Promise.resolve();
  }
}
