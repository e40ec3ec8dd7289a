/**
 * Windows: session changes from Remote Desktop Services (WTS), which Electron's powerMonitor
 * reports only in part: it emits lock-screen for WTS_SESSION_LOCK and nothing for a console or
 * remote (RDP, Citrix) disconnect or a logoff without a lock. The shell's window registers for
 * WM_WTSSESSION_CHANGE (WTSRegisterSessionNotification, NOTIFY_FOR_THIS_SESSION: Microsoft's
 * "WTSRegisterSessionNotification function" and "WM_WTSSESSION_CHANGE message" pages) and hooks
 * the message with BrowserWindow.hookWindowMessage. wParam is the event, lParam the session id.
 * For OUR session (ProcessIdToSessionId of this process), a disconnect, a logoff and a lock are a
 * lock, exactly like an OS lock; events for other sessions are ignored (NOTIFY_FOR_THIS_SESSION
 * should send none, but a fast-user-switching machine is where that must not be assumed).
 * WTS_SESSION_LOCK also arrives through powerMonitor: the engine's lock is idempotent (a lock
 * while locked changes nothing), so the second one is harmless.
 *
 * The shell's window is replaced for each clinician (lock-guard.ts), so every new window is
 * registered and each one unregistered when it closes. The Win32 calls are a port (WtsApi,
 * main/platform/wts.ts); on a ward PC they go through koffi (prebuilt N-API FFI, no compiler, nothing rebuilt per Electron
 * version; docs/decisions.md), and the tests use a fake with the real message numbers.
 */
import type { BrowserWindow } from 'electron';
import type { OsEvents, OsSignal } from '../core/os-signals';
import type { PresenceSource, PresenceStatus } from '../core/presence';
import { WM_WTSSESSION_CHANGE, wtsEvents } from '../platform/wts';
import type { WtsApi } from '../platform/wts';

/**
 * What each event for our session means for the person at the workstation. A (re)connect or a
 * logon proves nothing about who is there: only a sign-in in the shell does.
 */
const signalFor: Partial<Record<number, OsSignal>> = {
  [wtsEvents.WTS_CONSOLE_DISCONNECT]: 'lock-screen',
  [wtsEvents.WTS_REMOTE_DISCONNECT]: 'lock-screen',
  [wtsEvents.WTS_SESSION_LOGOFF]: 'lock-screen',
  [wtsEvents.WTS_SESSION_LOCK]: 'lock-screen',
  [wtsEvents.WTS_SESSION_UNLOCK]: 'unlock-screen',
};

export type HookableWindow = Pick<
  BrowserWindow,
  'hookWindowMessage' | 'unhookWindowMessage' | 'getNativeWindowHandle' | 'isDestroyed' | 'once'
>;

export interface WtsSessionSource extends PresenceSource {
  /** Registers this window for session notifications until it closes. */
  watchWindow(win: HookableWindow): void;
}

/** A pointer-sized little-endian integer from one of Electron's WPARAM/LPARAM/HWND Buffers. */
export function readPointerSized(buffer: Buffer): number {
  if (buffer.length >= 8) return Number(buffer.readBigUInt64LE(0));
  if (buffer.length >= 4) return buffer.readUInt32LE(0);
  return Number.NaN;
}

export interface WtsSessionDeps {
  /** The Win32 calls, or null where they could not be loaded (the source is then unavailable). */
  readonly api: WtsApi | null;
  readonly pid: number;
  readonly onError?: (code: string) => void;
}

export function createWtsSessionSource(deps: WtsSessionDeps, events: Pick<OsEvents, 'signal'>): WtsSessionSource {
  const sees: OsSignal[] = ['lock-screen', 'unlock-screen'];
  const listeners = new Set<(status: PresenceStatus) => void>();
  const watched = new Map<HookableWindow, Buffer>();
  let ourSession: number | null = null;
  let status: PresenceStatus = {
    source: 'wts',
    state: 'unavailable',
    sees,
    reason: deps.api === null ? 'wtsapi-unavailable' : 'no-window-yet',
  };
  const setStatus = (next: PresenceStatus): void => {
    if (next.state === status.state && next.reason === status.reason) return;
    status = next;
    for (const listener of [...listeners]) listener(status);
  };
  if (deps.api !== null) {
    try {
      ourSession = deps.api.sessionIdOf(deps.pid);
    } catch {
      deps.onError?.('wts-session-id-failed');
      status = { ...status, reason: 'session-id-unknown' };
    }
  }

  const onMessage = (wParam: Buffer, lParam: Buffer): void => {
    const signal = signalFor[readPointerSized(wParam)];
    if (signal === undefined || readPointerSized(lParam) !== ourSession) return;
    events.signal(signal);
  };

  const release = (win: HookableWindow): void => {
    const hwnd = watched.get(win);
    if (hwnd === undefined) return;
    watched.delete(win);
    try {
      deps.api?.unregister(hwnd);
    } catch {
      deps.onError?.('wts-unregister-failed');
    }
    if (watched.size === 0 && status.state === 'live')
      setStatus({ source: 'wts', state: 'unavailable', sees, reason: 'no-window' });
  };

  return {
    name: 'wts',
    status: () => status,
    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchWindow(win) {
      const api = deps.api;
      if (api === null || ourSession === null || watched.has(win) || win.isDestroyed()) return;
      try {
        const hwnd = win.getNativeWindowHandle();
        // Hooked before registering, so the first notification has somewhere to go.
        win.hookWindowMessage(WM_WTSSESSION_CHANGE, onMessage);
        if (!api.register(hwnd)) {
          win.unhookWindowMessage(WM_WTSSESSION_CHANGE);
          setStatus({ source: 'wts', state: 'unavailable', sees, reason: 'register-refused' });
          return;
        }
        watched.set(win, hwnd);
        setStatus({ source: 'wts', state: 'live', sees });
      } catch {
        deps.onError?.('wts-register-failed');
        setStatus({ source: 'wts', state: 'unavailable', sees, reason: 'register-failed' });
        return;
      }
      // 'closed': the handle is gone; Windows drops a destroyed window's registration itself, and
      // the unregister (with the handle read while the window lived) is best effort.
      win.once('closed', () => release(win));
    },
    dispose() {
      for (const win of [...watched.keys()]) {
        if (!win.isDestroyed()) {
          try {
            win.unhookWindowMessage(WM_WTSSESSION_CHANGE);
          } catch {
            // destroyed meanwhile
          }
        }
        release(win);
      }
      listeners.clear();
    },
  };
}
