/**
 * Getting the shell out of the way of the system browser during a sign-in, and back in front
 * when the sign-in attempt ends.
 *
 * Kiosk on Windows is full screen, not always-on-top (Electron's
 * shell/browser/native_window_views.cc: SetKiosk(kiosk) is SetFullScreen(kiosk)), and
 * shell.openExternal hands the address to the OS with nothing to bring the browser forward
 * (shell/common/platform_util_win.cc, ShellExecuteEx with SW_SHOWNORMAL; `activate` is
 * macOS-only): the sign-in page can open behind the shell. So in kiosk the shell leaves full
 * screen and minimises itself before the browser opens.
 *
 * Coming back, `focus()` alone is not enough: it is SetForegroundWindow (NativeWindowViews::Focus
 * → widget()->Activate()), which Windows refuses to a process that is not in the foreground and
 * answers by flashing the taskbar button. Restoring a minimised window activates it, so the
 * shell minimises (if it is not already), restores, shows, goes back to full screen in kiosk,
 * and then focuses.
 */
import type { BrowserWindow } from 'electron';
import { attemptOf } from '../core/session';
import type { SessionState } from '../core/session';
import type { OsPlatform } from '../core/os-signals';
import type { SessionStatePort } from './lock-guard';

export type FocusableWindow = Pick<
  BrowserWindow,
  | 'isDestroyed'
  | 'isMinimized'
  | 'isVisible'
  | 'isFocused'
  | 'minimize'
  | 'restore'
  | 'show'
  | 'focus'
  | 'setKiosk'
  | 'once'
>;

export interface FrontOptions {
  kiosk: boolean;
  platform: OsPlatform;
}

/** Brings the window to the front: restored, shown, full screen again in kiosk, focused. */
export function bringToFront(win: FocusableWindow, options: FrontOptions): void {
  if (win.isDestroyed()) return;
  // Windows: restoring a minimised window is what gets it the foreground.
  if (options.platform === 'win32' && !win.isMinimized()) win.minimize();
  if (win.isMinimized()) win.restore();
  win.show();
  if (options.kiosk) win.setKiosk(true);
  win.focus();
}

/** A sign-in or unlock in the system browser is under way. */
export function isSignInAttempt(state: SessionState): boolean {
  // Signing in, unlocking, or signing in again while working ("Sign in again now").
  return attemptOf(state) !== null;
}

export interface SignInFocusDeps extends FrontOptions {
  /** The current shell window (the lock guard's). */
  getWindow: () => FocusableWindow | null;
  session: Pick<SessionStatePort, 'onStateChange'>;
}

export interface SignInFocus {
  /** Before the system browser opens: in kiosk, leave full screen and minimise. */
  stepAside(): void;
  dispose(): void;
}

export function createSignInFocus(deps: SignInFocusDeps): SignInFocus {
  let aside = false;

  const comeBack = (): void => {
    const win = deps.getWindow();
    if (win === null || win.isDestroyed()) return;
    if (!aside && win.isFocused()) return;
    aside = false;
    // A window made for a new clinician has not shown itself yet: come forward when it does.
    if (!win.isVisible() && !win.isMinimized()) {
      win.once('show', () => bringToFront(win, deps));
      return;
    }
    bringToFront(win, deps);
  };

  // The loopback callback has arrived (or the attempt failed or was cancelled): the session
  // leaves 'signing-in' / 'reauthenticating'.
  const stop = deps.session.onStateChange((state, previous) => {
    if (isSignInAttempt(previous) && !isSignInAttempt(state)) comeBack();
  });

  return {
    stepAside() {
      if (!deps.kiosk) return;
      const win = deps.getWindow();
      if (win === null || win.isDestroyed()) return;
      aside = true;
      win.setKiosk(false);
      win.minimize();
    },
    dispose: stop,
  };
}
