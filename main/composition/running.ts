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
   * Ends native waits (the smartcard watcher's SCardGetStatusChange: SCardCancel, repeated until
   * it returns) and resolves once they have returned, for an exit that cannot go through the
   * shutdown (a crash relaunch): a koffi call still in PC/SC keeps the process from leaving,
   * and after app.exit nothing repeats a lost cancel.
   */
  settleNativeWaits: () => Promise<unknown>;
  /** Covers the current page with main's lock surface (a crash relaunch, before it waits). */
  cover: () => void;
}

export const running: Running = {
  lifecycle: null,
  signInFocus: null,
  settleNativeWaits: () => Promise.resolve(),
  cover: () => undefined,
};
