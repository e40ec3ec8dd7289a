/**
 * The lock-down every web contents the shell creates gets, whatever it shows: no navigation
 * away, no new windows, no webviews, no permissions, no downloads. Shared by the shell page
 * (windows.ts) and main's own lock surface (lock-surface.ts), so a new window or surface
 * cannot forget an item.
 */
import type { App, Session, WebContents, WebPreferences } from 'electron';

/**
 * The preferences every web contents the shell makes starts from (the shell page and the lock
 * surface): sandboxed, isolated, no Node anywhere, web security on, no webviews, no drag-and-drop
 * navigation, no spellchecker (Chromium's Linux one downloads dictionaries from Google: notes stay
 * on the ward), no WebSQL. Each adds what is its own (preload, partition, devtools, scripts).
 */
export const secureWebPreferences = {
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
  spellcheck: false,
  safeDialogs: true,
  enableWebSQL: false,
} as const satisfies WebPreferences;

export type LockableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function lockDownContents(contents: LockableContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

type LockableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'on'>;
const lockedSessions = new WeakSet<LockableSession>();

/**
 * Permission handlers and downloads belong to the session (the partition), not the page, so
 * each new partition needs them again. A session shared by several web contents (the lock
 * surface's) is locked down once.
 */
export function lockDownSession(session: LockableSession): void {
  if (lockedSessions.has(session)) return;
  lockedSessions.add(session);
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
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
