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
 *
 * macOS differs on both ends. Leaving kiosk there leaves full screen asynchronously
 * (NativeWindowMac::SetKiosk → SetFullScreen → `toggleFullScreen`, shell/browser/
 * native_window_mac.mm), and `minimize()` (`miniaturize:`) during that transition, or of a
 * window still in full screen, is ignored by AppKit: so the shell waits for 'leave-full-screen'
 * (at most `leaveFullScreenWaitMs`) before it minimises. Coming back, `focus()` is
 * `activateIgnoringOtherApps:NO` and restoring (`deminiaturize:`) does not activate the app, so
 * neither takes the focus from the browser on macOS 14 and later; the shell asks for it with
 * `app.focus({ steal: true })` (shell/browser/browser_mac.mm Browser::Focus,
 * `activateIgnoringOtherApps:YES`), once, at the end of a sign-in attempt it started.
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
  | 'setFullScreen'
  | 'isFullScreen'
  | 'once'
  | 'on'
  | 'removeListener'
>;

export interface FrontOptions {
  kiosk: boolean;
  platform: OsPlatform;
  /** macOS: make the app active although another app is (app.focus({ steal: true })). */
  stealFocus?: () => void;
}

/** macOS: how long stepping aside waits for the full-screen exit before minimising anyway. */
export const leaveFullScreenWaitMs = 3_000;

/** Brings the window to the front: restored, shown, full screen again in kiosk, focused. */
export function bringToFront(win: FocusableWindow, options: FrontOptions): void {
  if (win.isDestroyed()) return;
  // Windows: restoring a minimised window is what gets it the foreground.
  if (options.platform === 'win32' && !win.isMinimized()) win.minimize();
  if (win.isMinimized()) win.restore();
  win.show();
  if (options.kiosk) win.setKiosk(true);
  // macOS: neither the restore nor focus() takes the focus from another active app.
  if (options.platform === 'darwin') options.stealFocus?.();
  win.focus();
}

/**
 * Leaves kiosk (and full screen) and minimises. Where leaving full screen is asynchronous
 * (macOS), the minimise waits for 'leave-full-screen' or `leaveFullScreenWaitMs`, and is skipped
 * if `stillAside` says the shell has come back meanwhile.
 */
function leaveAndMinimize(win: FocusableWindow, stillAside: () => boolean): void {
  win.setKiosk(false);
  // A window that was full screen before kiosk stays so on macOS (NativeWindowMac::SetKiosk).
  if (win.isFullScreen()) win.setFullScreen(false);
  if (!win.isFullScreen()) return win.minimize();
  let done = false;
  const minimize = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    win.removeListener('leave-full-screen', minimize);
    if (!win.isDestroyed() && stillAside()) win.minimize();
  };
  const timer = setTimeout(minimize, leaveFullScreenWaitMs);
  win.on('leave-full-screen', minimize);
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
      leaveAndMinimize(win, () => aside);
    },
    dispose: stop,
  };
}
