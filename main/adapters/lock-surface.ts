/**
 * Main's own lock surface: a WebContentsView laid over the shell page inside the same window,
 * showing a static page that main wrote (no preload, no IPC, JavaScript off, its own in-memory
 * partition). Putting it up or taking it down is a call on a view in the main process; the
 * shell's renderer takes no part, so a renderer that has hung on its last frame, or that an
 * injected script keeps drawing a note into, is covered all the same.
 *
 * Why a view over the page, and not the alternatives (see docs/security.md, "The lock without
 * the renderer"):
 * - Electron 45 paints views added to a BrowserWindow's `contentView` above the window's own
 *   page: the page's WebContentsView is a sibling inserted before `contentView`
 *   (electron/electron shell/browser/api/electron_api_browser_window.cc, "so that any views
 *   added to BrowserWindow's contentView will be painted on top of the BrowserWindow's
 *   WebContentsView", PR #41256). A child view lives inside the window, so it covers in kiosk
 *   and full screen as well, with no second top-level window to keep above the first.
 * - The page's own view is not reachable from the API (BrowserWindow does not expose it), so it
 *   cannot be hidden; `win.hide()` would show the desktop underneath instead.
 * - A plain `View` with a background colour paints into the window's own layer, beneath the
 *   native surface that hosts web contents, so it is not relied on to cover a page.
 *   A WebContentsView hosts a surface of its own; its background colour (set here, opaque) is
 *   what shows until and unless its page paints (WebContentsView.setBackgroundColor also sets
 *   the web contents' background, electron_api_web_contents_view.cc). It is loaded once, when the
 *   window is made, so it is ready long before the first lock.
 */
import { createHash } from 'node:crypto';
import type {
  BrowserWindow,
  WebContents,
  WebContentsView,
  WebContentsViewConstructorOptions,
  WebPreferences,
} from 'electron';
import { lockDownContents, lockDownSession, secureWebPreferences } from './lockdown';
import { createEmitter } from '../core/emitter';
import { crashDecision, loadErrorCode } from './renderer-recovery';
import type { OnFault } from '../core/faults';

/** No `persist:` prefix: an in-memory session (Electron's `partition` rule), shared by every surface. */
export const lockSurfacePartition = 'lock-surface';
/** NHS Blue, opaque: shown before, and instead of, anything the surface's page paints. */
export const lockSurfaceColor = '#005eb8';

const style =
  'html,body{margin:0;height:100%;background:#005eb8;color:#ffffff;font-family:Arial,Helvetica,sans-serif}' +
  'main{box-sizing:border-box;display:flex;flex-direction:column;justify-content:center;height:100%;padding:0 10%}' +
  'h1{font-size:2.5rem;margin:0 0 1.5rem}p{font-size:1.5rem;line-height:1.4;margin:0;max-width:44rem}';

/** No script at all (JavaScript is also off for this page); only the one inline style, by hash. */
export const lockSurfaceContentSecurityPolicy = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const lockSurfaceHtml =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  `<meta http-equiv="Content-Security-Policy" content="${lockSurfaceContentSecurityPolicy}">` +
  `<title>Clinical Workstation Shell</title><style>${style}</style></head>` +
  '<body><main><h1>Please wait</h1>' +
  '<p>The workstation is locking or changing hands. The screen will be back in a moment.</p>' +
  '<p>If it does not come back within a minute, tell IT.</p></main></body></html>';

export const lockSurfaceUrl = `data:text/html;charset=utf-8,${encodeURIComponent(lockSurfaceHtml)}`;

/**
 * Shown instead when the shell's own page could not be loaded (a missing or damaged
 * installation): a visible message rather than a blank window, with the same policy and style.
 */
export const lockSurfaceFailedHtml =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  `<meta http-equiv="Content-Security-Policy" content="${lockSurfaceContentSecurityPolicy}">` +
  `<title>Clinical Workstation Shell</title><style>${style}</style></head>` +
  '<body><main><h1>The shell could not start</h1>' +
  '<p>Clinical Workstation Shell could not load its screens on this workstation. Saved notes are kept.</p>' +
  '<p>Tell IT: the installation may be damaged.</p></main></body></html>';

export const lockSurfaceFailedUrl = `data:text/html;charset=utf-8,${encodeURIComponent(lockSurfaceFailedHtml)}`;

/** Pure: the surface's preferences, asserted in tests. Nothing but a static page. */
export function lockSurfaceWebPreferences(): WebPreferences {
  return {
    partition: lockSurfacePartition,
    ...secureWebPreferences,
    javascript: false,
    images: false,
    devTools: false,
  };
}

export interface LockSurfaceDeps {
  WebContentsView: new (options: WebContentsViewConstructorOptions) => WebContentsView;
}

export interface LockSurface {
  /** Over the page, topmost, filling the window. Synchronous. */
  show(): void;
  /**
   * The surface can paint: false from its renderer dying or hanging until its page has loaded
   * again. While false it covers nothing (a view whose renderer is gone has nothing promised to
   * paint), whatever show() said.
   */
  isPainting(): boolean;
  /** Its renderer died or hung (the page under it must be hidden by other means). */
  onLost(listener: () => void): void;
  /** It has painted again after being lost. */
  onPainted(listener: () => void): void;
  /** Over the page, saying the shell could not start (tell IT) instead of "please wait". */
  showFailure(): void;
  /** Back to "please wait" for the next time it goes up (a new document is loading). */
  showWaiting(): void;
  hide(): void;
  isShown(): boolean;
  /** Closes the surface's web contents: a view's web contents outlive their window otherwise. */
  dispose(): void;
}

export function createLockSurface(
  deps: LockSurfaceDeps,
  win: Pick<BrowserWindow, 'contentView' | 'getContentSize' | 'on'>,
  onError?: OnFault,
): LockSurface {
  const view = new deps.WebContentsView({ webPreferences: lockSurfaceWebPreferences() });
  const contents = view.webContents;
  lockDownContents(contents);
  lockDownSession(contents.session);
  contents.on('devtools-opened', () => contents.closeDevTools());
  view.setBackgroundColor(lockSurfaceColor);

  // Child views are not laid out by Electron: keep the surface the size of the window's content.
  const fill = (): void => {
    const [width = 0, height = 0] = win.getContentSize();
    view.setBounds({ x: 0, y: 0, width, height });
  };
  fill();
  win.on('resize', fill);
  win.contentView.on('bounds-changed', fill);

  let shown = true;
  let page = lockSurfaceUrl;
  const load = (url: string): void => {
    page = url;
    contents.loadURL(url).catch((error: unknown) => {
      // -3 (ERR_ABORTED): replaced by the other page before it finished, not a failure; nor is
      // a load cut short because the surface was closed with its window.
      if (loadErrorCode(error) !== -3 && !contents.isDestroyed()) onError?.('lock-surface-load-failed');
    });
  };
  win.contentView.addChildView(view);
  view.setVisible(true);
  load(lockSurfaceUrl);

  const show = (): void => {
    // Adding a view its parent already holds makes it the topmost (View.addChildView).
    win.contentView.addChildView(view);
    // Stryker disable next-line CallExpression: equivalent: every change of the content size has already reached fill() through 'resize' or the content view's 'bounds-changed' (both heard above); kept so that show() never depends on an event
    fill();
    view.setVisible(true);
    shown = true;
  };

  const health = watchSurfaceRenderer(contents, () => load(page), onError);

  return {
    show,
    isPainting: health.isPainting,
    onLost: health.onLost,
    onPainted: health.onPainted,
    showFailure() {
      if (page !== lockSurfaceFailedUrl && !contents.isDestroyed()) load(lockSurfaceFailedUrl);
      show();
    },
    showWaiting() {
      if (page !== lockSurfaceUrl && !contents.isDestroyed()) load(lockSurfaceUrl);
    },
    hide() {
      view.setVisible(false);
      shown = false;
    },
    isShown: () => shown,
    dispose() {
      if (!contents.isDestroyed()) contents.close();
    },
  };
}

/**
 * The surface's own renderer. A view whose renderer has died paints nothing that can be relied
 * on to cover the page (Chromium draws no sad tab in Electron; what shows is unspecified), and a
 * hung one may never paint a change. So on 'render-process-gone' or 'unresponsive' (WebContents
 * events, lib/browser/api/web-contents.ts; shell/browser/api/electron_api_web_contents.cc
 * RenderProcessGone / OnRendererUnresponsive) the surface counts as lost until its page has
 * loaded again: a dead one is reloaded, a hung one killed first (its renderer has only the
 * static page, so a crash dump of it holds nothing clinical). Reloads are capped as the page's
 * are (renderer-recovery.ts); past the cap it stays lost.
 */
function watchSurfaceRenderer(contents: WebContents, reload: () => void, onError?: OnFault) {
  let painting = true;
  // Stryker disable next-line ArrayDeclaration: a non-time entry fails crashDecision's window test and is dropped, as an empty list starts
  let crashes: number[] = [];
  const lostListeners = createEmitter<[]>();
  const paintedListeners = createEmitter<[]>();
  const lose = (): void => {
    const was = painting;
    painting = false;
    if (was) {
      onError?.('lock-surface-gone');
      lostListeners.emit();
    }
  };
  contents.on('render-process-gone', () => {
    lose();
    const decision = crashDecision(crashes, Date.now());
    crashes = decision.crashes;
    if (!decision.reload) return onError?.('lock-surface-crash-loop');
    if (!contents.isDestroyed()) reload();
  });
  contents.on('unresponsive', () => {
    lose();
    if (!contents.isDestroyed()) contents.forcefullyCrashRenderer();
  });
  contents.on('did-finish-load', () => {
    if (painting) return;
    painting = true;
    paintedListeners.emit();
  });
  return {
    isPainting: () => painting,
    onLost: (listener: () => void) => void lostListeners.on(listener),
    onPainted: (listener: () => void) => void paintedListeners.on(listener),
  };
}
