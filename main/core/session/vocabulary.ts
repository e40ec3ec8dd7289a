/**
 * The session's vocabulary, each list defined once: the events the engine accepts (and the
 * payload each carries), the presence sources' locking signals, the OS signals and the event
 * each becomes, what locks a working session, and why a session locks or ends. Everything else
 * derives from these: the `SessionEvent` union, the engine's input checks, the IPC contract's
 * enums, the harness's control endpoints, the tests' generators and lock causes. Where a rule
 * must be written by hand the compiler asks for it: the engine's per-state rules (per-state.ts)
 * list every event, and the renderer's words are exhaustive records of the reasons.
 */
import type { Aal } from '../assurance-level';
import type { Instant } from '../clock';

/**
 * The presence sources' locking signals: a source says the clinician is gone, or that it can no
 * longer see them and fails closed. Each name is at once the OS signal the source raises
 * (`events.signal(name)` on the OsEvents port, and the harness's control endpoint) and the lock
 * reason a working session gets. Every one becomes the same engine event, `presenceLost
 * { reason }`, handled alike in every state: a working session locks for the reason, a sign-in
 * in progress is abandoned, an unlock open in the browser is abandoned. So a new locking
 * presence signal is one entry here (and its words on the lock screen).
 */
export const presenceLosses = {
  /** PC/SC: the clinician's smartcard left its reader (LockOnCardRemoval): they took it and walked away. */
  'smartcard-removed': true,
  /**
   * PC/SC: the reader holding the session's smartcard went away, or the smartcard service
   * (pcscd, the Smart Card service) stopped: the shell can no longer see the card, so it fails
   * closed as if the card had been taken.
   */
  'smartcard-unavailable': true,
  /**
   * Linux: the last live watcher of the OS screen lock (logind, the screen saver) was lost (its
   * bus went away): the shell can no longer see a screen lock, so it fails closed.
   */
  'lock-watch-lost': true,
} as const satisfies Record<string, true>;

export type PresenceLossReason = keyof typeof presenceLosses;
export const presenceLossReasons = Object.keys(presenceLosses) as readonly PresenceLossReason[];

export function isPresenceLossReason(value: unknown): value is PresenceLossReason {
  return typeof value === 'string' && Object.hasOwn(presenceLosses, value);
}

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
  /** Which presence signal lost the clinician: one of `presenceLosses`, also the lock's reason. */
  presenceLoss: { readonly reason: PresenceLossReason };
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
  /**
   * A presence source says the clinician is gone, or can no longer see them and fails closed
   * (`reason`: one of `presenceLosses`, the OS signal it came as).
   */
  presenceLost: 'presenceLoss',
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
  /** CIS2 refused a refresh (`invalid_grant`, another identity): it ended the session; it locks. */
  refreshRefused: 'none',
  /** A refresh got no answer (network, timeout, 5xx, 429, proxy, TLS): the session goes on. */
  refreshUnanswered: 'none',
  /** CIS2 answered a refresh with new tokens: it can be reached again. */
  refreshAnswered: 'none',
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
 * The OS signals about the person at the workstation that are not presence losses, by the name
 * the adapters, the harness and the docs use, and the event (with no payload) each becomes.
 */
const screenAndPowerSignals = {
  'lock-screen': 'osLocked',
  'unlock-screen': 'osUnlocked',
  suspend: 'suspend',
  /** The engine settles what fell due while asleep before anything is shown again. */
  resume: 'resume',
  'user-switch-away': 'userSwitchedAway',
  'user-switch-back': 'userSwitchedBack',
} as const satisfies Record<string, EventTypeOf<'none'>>;
type ScreenAndPowerSignal = keyof typeof screenAndPowerSignals;

/** Every OS signal: the screen, power and user-switch signals, then the presence losses. */
export type OsSignal = ScreenAndPowerSignal | PresenceLossReason;
export const osSignals: readonly OsSignal[] = [
  ...(Object.keys(screenAndPowerSignals) as ScreenAndPowerSignal[]),
  ...presenceLossReasons,
];

export function isOsSignal(value: unknown): value is OsSignal {
  return isPresenceLossReason(value) || (typeof value === 'string' && Object.hasOwn(screenAndPowerSignals, value));
}

/** An event without its time, as the service builds it from what the outside world says. */
export type SessionEventBody = {
  [T in SessionEventType]: { readonly type: T } & EventPayloads[(typeof sessionEvents)[T]];
}[SessionEventType];

/** What an OS signal becomes: a presence loss is `presenceLost` carrying the signal's name as its reason. */
export type OsSignalEvent = Extract<
  SessionEventBody,
  { type: (typeof screenAndPowerSignals)[ScreenAndPowerSignal] | 'presenceLost' }
>;

/** The event an OS signal becomes (without its time; the service stamps it). */
export function osSignalEvent(name: OsSignal): OsSignalEvent {
  return isPresenceLossReason(name) ? { type: 'presenceLost', reason: name } : { type: screenAndPowerSignals[name] };
}

/** The type of the event each OS signal becomes, by signal (the event itself: osSignalEvent). */
export const osSignalEvents = Object.fromEntries(osSignals.map((name) => [name, osSignalEvent(name).type])) as {
  readonly [S in OsSignal]: OsSignalEvent['type'];
};

/**
 * What locks a working session, by event, and the reason its lock gives (`carried`: the
 * event's own, as `presenceLost` carries it). Where IT policy says so, os-lock, sleep and
 * user-switch end the session instead. `absence`: the event says nobody is known to be at the
 * workstation any more, so it also abandons a sign-in or an unlock open in the browser (a lock
 * cause always wins: an authentication begun before it never shows the workspace). The engine's
 * per-state rules say the same by hand; the rules and property tests derive their lock causes
 * from this table and check the engine against it.
 */
export const lockingEvents = {
  osLocked: { reason: 'os-lock', absence: true },
  suspend: { reason: 'sleep', absence: true },
  userSwitchedAway: { reason: 'user-switch', absence: true },
  presenceLost: { reason: 'carried', absence: true },
  lockRequested: { reason: 'manual', absence: false },
  faultDetected: { reason: 'fault', absence: false },
  refreshRefused: { reason: 'refresh-refused', absence: false },
} as const satisfies {
  readonly [T in SessionEventType]?: {
    readonly reason: T extends 'presenceLost' ? 'carried' : LockReason;
    readonly absence: boolean;
  };
};
export type LockingEventType = keyof typeof lockingEvents;

export function isLockingEventType(type: unknown): type is LockingEventType {
  return typeof type === 'string' && Object.hasOwn(lockingEvents, type);
}

/** The reason a working session locks for on this event (where policy locks rather than ends), or null. */
export function lockReasonOf(event: SessionEventBody): LockReason | null {
  if (event.type === 'presenceLost') return event.reason;
  return isLockingEventType(event.type) ? (lockingEvents[event.type].reason as LockReason) : null;
}

/** Whether the event says nobody is known to be at the workstation any more (see lockingEvents). */
export function isAbsence(event: { readonly type: SessionEventType }): boolean {
  return isLockingEventType(event.type) && lockingEvents[event.type].absence;
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
  /** CIS2 refused to refresh the access token: it ended the session. */
  'refresh-refused',
  /** CIS2 did not answer the session's refresh for longer than IT's UnansweredRefreshLimitSeconds. */
  'cis2-unreachable',
  /** The clinician pressed "Lock" (e.g. stepping away from the bedside). */
  'manual',
  /** Something the shell could not apply safely; it locked rather than carry on unlocked. */
  'fault',
  /** A presence source lost the clinician: each of `presenceLosses`, by its signal's name. */
  ...presenceLossReasons,
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
