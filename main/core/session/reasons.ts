/**
 * Why a session is locked or ended: each list is defined here once. The engine's types, the
 * IPC contract's enums and the renderer's words (exhaustive records, so a new reason does not
 * compile until it has its words) all derive from these arrays.
 */

/** Why a session is locked. Each lock needs the same clinician to authenticate again. */
export const lockReasons = [
  'idle',
  'os-lock',
  'sleep',
  'user-switch',
  /** The 12-hour limit came while the clinician was working. */
  'absolute-limit',
  /** CIS2 would not refresh the access token. */
  'refresh-failed',
  /** The clinician pressed "Lock" (e.g. stepping away from the bedside). */
  'manual',
] as const;
export type LockReason = (typeof lockReasons)[number];

/** Why a session ended. An ended session can never be resumed; its drafts are sealed. */
export const endReasons = [
  'sign-out',
  /** The 12-hour limit was reached while the session was already locked. */
  'absolute-limit',
  /** A different clinician authenticated at the lock screen. */
  'different-user',
  /** CIS2 said the session ended (a validated back-channel logout token named it). */
  'backchannel-logout',
  'shutdown',
  /** IT policy says an OS lock / sleep / user switch ends the session rather than locking it. */
  'os-lock',
  'sleep',
  'user-switch',
] as const;
export type EndReason = (typeof endReasons)[number];
