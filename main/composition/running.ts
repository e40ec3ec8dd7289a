/**
 * What the composition root sets once the shell is up and the adapters built before it read
 * later: how the shell ends (app-lifecycle.ts) and the kiosk sign-in's step aside (window-focus.ts).
 */
import type { Lifecycle } from '../adapters/app-lifecycle';
import type { SignInFocus } from '../adapters/window-focus';

export interface Running {
  lifecycle: Lifecycle | null;
  signInFocus: SignInFocus | null;
  /**
   * Ends native waits now (the smartcard watcher's SCardGetStatusChange), for an exit that cannot
   * wait for the shutdown: a koffi call still in PC/SC keeps the process from leaving.
   */
  cancelNativeWaits: () => void;
}

export const running: Running = { lifecycle: null, signInFocus: null, cancelNativeWaits: () => undefined };
