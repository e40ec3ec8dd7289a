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
 * registered, and each one unregistered before it is destroyed (`unwatchWindow`, from the
 * window's own destroy; Microsoft: "When a window no longer requires these notifications, it
 * must call WTSUnRegisterSessionNotification before being destroyed"), or at the latest when it
 * has closed (best effort: the handle is gone by then). Early at logon the registration can fail
 * (RPC_S_INVALID_BINDING until Remote Desktop Services' dependent services have started and
 * Global\TermSrvReadyEvent is set; Microsoft's "WTSRegisterSessionNotification function"), so a
 * refusal is tried again with backoff (`wtsRetryDelaysMs`) while the window lives. The Win32 calls are a port (WtsApi,
 * main/platform/wts.ts); on a ward PC they go through koffi (prebuilt N-API FFI, no compiler, nothing rebuilt per Electron
 * version; docs/decisions.md), and the tests use a fake with the real message numbers.
 */
import type { BrowserWindow } from 'electron';
import type { OsEvents, OsSignal } from '../core/os-signals';
import { createPresenceStatus, presenceStatus } from '../core/presence';
import type { PresenceReason, PresenceSource, PresenceStatusCell } from '../core/presence';
import { WM_WTSSESSION_CHANGE, wtsEvents } from '../platform/wts';
import type { WtsApi } from '../platform/wts';
import type { OnFault } from '../core/faults';

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
  /** Registers this window for session notifications until it closes (retrying a refusal). */
  watchWindow(win: HookableWindow): void;
  /** Unhooks and unregisters this window now, while its handle is still valid: call before destroying it. */
  unwatchWindow(win: HookableWindow): void;
}

/**
 * A refused (or throwing) registration is tried again after each of these delays in turn, then
 * every last one, while the window lives: Remote Desktop Services is usually ready within
 * seconds of logon. Any refusal is retried, not only RPC_S_INVALID_BINDING: the call has nothing
 * else to fail on for a live window of our own, and each try is one cheap call.
 */
export const wtsRetryDelaysMs: readonly number[] = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** Tries after the first before giving up (about ten minutes at the last delay). */
export const wtsMaxRetries = 25;

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
  readonly onError?: OnFault;
}

const sees: OsSignal[] = ['lock-screen', 'unlock-screen'];
const unavailable = (reason: PresenceReason) => presenceStatus('wts', 'unavailable', sees, reason);

/** Our session's id, or null (with the status saying why) where it cannot be read. */
function ourSessionId(deps: WtsSessionDeps): { session: number | null; reason: PresenceReason } {
  if (deps.api === null) return { session: null, reason: 'wtsapi-unavailable' };
  try {
    return { session: deps.api.sessionIdOf(deps.pid), reason: 'no-window-yet' };
  } catch {
    deps.onError?.('wts-session-id-failed');
    return { session: null, reason: 'session-id-unknown' };
  }
}

/** Each registered window and its handle; the source is live while there is at least one. */
function windowRegistry(deps: WtsSessionDeps, status: PresenceStatusCell, onMessage: (w: Buffer, l: Buffer) => void) {
  const watched = new Map<HookableWindow, Buffer>();
  const retries = new Map<HookableWindow, ReturnType<typeof setTimeout>>();
  const stopRetry = (win: HookableWindow): void => {
    clearTimeout(retries.get(win));
    retries.delete(win);
  };
  const unhook = (win: HookableWindow): void => {
    if (win.isDestroyed()) return;
    try {
      win.unhookWindowMessage(WM_WTSSESSION_CHANGE);
    } catch {
      // destroyed meanwhile
    }
  };
  const release = (win: HookableWindow): void => {
    stopRetry(win);
    const hwnd = watched.get(win);
    if (hwnd === undefined) return;
    watched.delete(win);
    try {
      deps.api?.unregister(hwnd);
    } catch {
      deps.onError?.('wts-unregister-failed');
    }
    if (watched.size === 0 && status.get().state === 'live') status.set(unavailable('no-window'));
  };
  /** One try; false when Windows refused or the call threw (the status says which). */
  const tryRegister = (api: WtsApi, win: HookableWindow): boolean => {
    try {
      const hwnd = win.getNativeWindowHandle();
      // Hooked before registering, so the first notification has somewhere to go.
      win.hookWindowMessage(WM_WTSSESSION_CHANGE, onMessage);
      if (!api.register(hwnd)) {
        win.unhookWindowMessage(WM_WTSSESSION_CHANGE);
        if (watched.size === 0) status.set(unavailable('register-refused'));
        return false;
      }
      watched.set(win, hwnd);
      status.set(presenceStatus('wts', 'live', sees));
      return true;
    } catch {
      deps.onError?.('wts-register-failed');
      if (watched.size === 0) status.set(unavailable('register-failed'));
      return false;
    }
  };
  const attempt = (api: WtsApi, win: HookableWindow, retry: number): void => {
    retries.delete(win);
    if (win.isDestroyed() || tryRegister(api, win) || retry >= wtsMaxRetries) return;
    const delay = wtsRetryDelaysMs[Math.min(retry, wtsRetryDelaysMs.length - 1)];
    retries.set(
      win,
      setTimeout(() => attempt(api, win, retry + 1), delay),
    );
  };
  const register = (api: WtsApi, win: HookableWindow): void => {
    attempt(api, win, 0);
    // 'closed': the handle is gone; this unregister (with the handle read while the window lived)
    // is a last, best-effort one for a window destroyed without unwatchWindow.
    win.once('closed', () => release(win));
  };
  const unwatch = (win: HookableWindow): void => {
    unhook(win);
    release(win);
  };
  const releaseAll = (): void => {
    for (const win of [...watched.keys(), ...retries.keys()]) unwatch(win);
  };
  return { has: (win: HookableWindow) => watched.has(win) || retries.has(win), register, unwatch, releaseAll };
}

export function createWtsSessionSource(deps: WtsSessionDeps, events: Pick<OsEvents, 'signal'>): WtsSessionSource {
  const { session: ourSession, reason } = ourSessionId(deps);
  const status = createPresenceStatus(unavailable(reason));
  const onMessage = (wParam: Buffer, lParam: Buffer): void => {
    const signal = signalFor[readPointerSized(wParam)];
    if (signal === undefined || readPointerSized(lParam) !== ourSession) return;
    events.signal(signal);
  };
  const windows = windowRegistry(deps, status, onMessage);
  return {
    name: 'wts',
    status: status.get,
    onStatusChange: status.onChange,
    watchWindow(win) {
      const api = deps.api;
      if (api === null || ourSession === null || windows.has(win) || win.isDestroyed()) return;
      windows.register(api, win);
    },
    unwatchWindow: (win) => windows.unwatch(win),
    dispose() {
      windows.releaseAll();
      status.clear();
    },
  };
}
