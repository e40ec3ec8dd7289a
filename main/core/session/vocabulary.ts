/**
 * The session's vocabulary, each list defined once: the events the engine accepts (and the
 * payload each carries), the OS signals and the event each becomes, and why a session locks
 * or ends. Everything else derives from these: the `SessionEvent` union, the engine's input
 * checks, the IPC contract's enums, the harness's control endpoints, the tests' generators.
 * Where a rule must be written by hand the compiler asks for it: the engine's switches
 * (react.ts) list every event, and the renderer's words are exhaustive records of the reasons.
 */
import type { Aal } from '../assurance-level';
import type { Instant } from '../clock';

/** What an event may carry besides its type and time, by kind. */
export interface EventPayloads {
  /** Nothing but the moment it happened. */
  none: Record<never, never>;
  /** A completed authentication (sign-in or unlock), from a validated ID token. */
  authenticated: {
    readonly subject: string;
    readonly sessionId: string;
    /** `auth_time` × 1000, as the provider reported it (its clock: the clock of logout tokens' `iat`). */
    readonly authTime: number;
    /**
     * How old the authentication was when it arrived, by the clock that checked `auth_time`.
     * Omitted: `at.wall − authTime` (the same where the provider's and the session's clocks agree).
     */
    readonly authAgeMs?: number;
    readonly aal: Aal;
  };
  /** The OS idle clock's reading. */
  idleSeconds: { readonly seconds: number };
  /**
   * The claims of a validated back-channel logout token (CIS2: sub and sid, or sub alone), and
   * when it was issued (`iat`, epoch ms by the provider's clock: the clock of `auth_time`).
   */
  logoutClaims: { readonly subject?: string; readonly sessionId?: string; readonly issuedAt?: number };
}
export type PayloadKind = keyof EventPayloads;

/** Every event the engine accepts and the kind of payload it carries. */
export const sessionEvents = {
  /** The clinician asked to sign in (a retry while signing in opens the browser again). */
  signInStarted: 'none',
  signInSucceeded: 'authenticated',
  signInFailed: 'none',
  /** The sign-in attempt ended unfinished (the browser flow was abandoned or timed out). */
  signInCancelled: 'none',
  /** The clinician pressed Cancel while the system browser sign-in or unlock was open. */
  cancelRequested: 'none',
  /** "Sign in as someone else": the current session (if any) ends and a new sign-in begins. */
  switchClinicianRequested: 'none',
  /** User input inside the shell's own windows. */
  activity: 'none',
  /** The OS says no input anywhere on the machine for `seconds`. */
  osIdleSample: 'idleSeconds',
  osLocked: 'none',
  osUnlocked: 'none',
  suspend: 'none',
  resume: 'none',
  userSwitchedAway: 'none',
  userSwitchedBack: 'none',
  /** The smartcard left its reader (PC/SC): the clinician took it and walked away. */
  smartcardRemoved: 'none',
  /**
   * The reader holding the session's smartcard went away, or the smartcard service stopped: the
   * shell can no longer see the card, so it fails closed as if the card had been taken.
   */
  smartcardUnavailable: 'none',
  /**
   * Linux: the last live watcher of the OS screen lock (logind, the screen saver) was lost (its
   * bus went away): the shell can no longer see a screen lock, so it fails closed.
   */
  lockWatchLost: 'none',
  shutdown: 'none',
  signOut: 'none',
  /** The clinician pressed "Lock" (e.g. stepping away from the bedside). */
  lockRequested: 'none',
  /**
   * "Change role": the clinician signs in again in the system browser, where CIS2 asks which
   * role, while the session stays on screen. Purpose `role-change` of a working re-authentication.
   */
  roleChangeRequested: 'none',
  /** A validated logout token; acts only when it names the current session. */
  backchannelLogout: 'logoutClaims',
  refreshFailed: 'none',
  /** The clinician asked to unlock from the lock screen (a retry opens the browser again). */
  reauthStarted: 'none',
  reauthSucceeded: 'authenticated',
  reauthFailed: 'none',
  reauthCancelled: 'none',
  /**
   * "Sign in again now": the clinician renews their sign-in before the 12-hour limit, while the
   * session stays on screen (a retry opens the browser again). Purpose `renew` of a working re-authentication.
   */
  renewalRequested: 'none',
  /** The outcomes of a working re-authentication (whatever its purpose): same clinician required. */
  workingReauthSucceeded: 'authenticated',
  workingReauthFailed: 'none',
  workingReauthCancelled: 'none',
  /**
   * A deadline from nextDeadline() came, the heartbeat beat (once a second while a session
   * exists, so a sleep the OS never reported still locks within a second of waking), or the
   * machine resumed.
   */
  tick: 'none',
  /** The policy in force changed mid-session (IT tightened a limit): deadlines are re-read. */
  policyChanged: 'none',
  /**
   * The service could not apply an event (bad input, a policy the engine refuses, a fault):
   * the session locks rather than freezing unlocked.
   */
  faultDetected: 'none',
} as const satisfies Record<string, PayloadKind>;

export type SessionEventType = keyof typeof sessionEvents;
export const sessionEventTypes = Object.keys(sessionEvents) as readonly SessionEventType[];

export type SessionEvent = {
  [T in SessionEventType]: { readonly type: T; readonly at: Instant } & EventPayloads[(typeof sessionEvents)[T]];
}[SessionEventType];

/** The event types that carry a payload of this kind. */
export type EventTypeOf<K extends PayloadKind> = {
  [T in SessionEventType]: (typeof sessionEvents)[T] extends K ? T : never;
}[SessionEventType];

export function isSessionEventType(value: unknown): value is SessionEventType {
  return typeof value === 'string' && Object.hasOwn(sessionEvents, value);
}

/**
 * The OS signals about the person at the workstation, by the name the adapters, the harness
 * and the docs use, and the session event each becomes.
 */
export const osSignalEvents = {
  'lock-screen': 'osLocked',
  'unlock-screen': 'osUnlocked',
  suspend: 'suspend',
  /** The engine settles what fell due while asleep before anything is shown again. */
  resume: 'resume',
  'user-switch-away': 'userSwitchedAway',
  'user-switch-back': 'userSwitchedBack',
  /** PC/SC (main/services/presence/smartcard.ts): the card left the reader. */
  'smartcard-removed': 'smartcardRemoved',
  /** PC/SC: the card's reader was unplugged, or pcscd / the Smart Card service stopped. */
  'smartcard-unavailable': 'smartcardUnavailable',
  /** Linux (main/services/presence/start.ts): logind and the screen saver both lost. */
  'lock-watch-lost': 'lockWatchLost',
} as const satisfies Record<string, EventTypeOf<'none'>>;

export type OsSignal = keyof typeof osSignalEvents;
export const osSignals = Object.keys(osSignalEvents) as readonly OsSignal[];

export function isOsSignal(value: unknown): value is OsSignal {
  return typeof value === 'string' && Object.hasOwn(osSignalEvents, value);
}

/**
 * Why a working clinician signs in again in the system browser while their session stays on
 * screen and usable (a *working re-authentication*): `renew` restarts the 12-hour clock before
 * it runs out; `role-change` lets a clinician with several CIS2 roles choose another (CIS2 asks
 * which at the authentication; the session service takes the new role). Each purpose has its
 * own request event (`renewalRequested`, `roleChangeRequested`); the outcomes
 * (`workingReauth*`) and the rules (same clinician only; a lock abandons it) are shared, so
 * another same-clinician step while working is one entry here and one request event.
 */
export const workingReauthPurposes = ['renew', 'role-change'] as const;
export type WorkingReauthPurpose = (typeof workingReauthPurposes)[number];

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
  /** Something the shell could not apply safely; it locked rather than carry on unlocked. */
  'fault',
  /** The clinician's smartcard left the reader (LockOnCardRemoval). */
  'smartcard-removed',
  /** The shell lost sight of the smartcard (reader unplugged, smartcard service stopped): it locked rather than guess. */
  'smartcard-unavailable',
  /** The shell lost every way to see the OS screen lock (Linux: logind and the screen saver); it locked rather than guess. */
  'lock-watch-lost',
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
