/**
 * Every event the session engine accepts, defined once. The table below names each event and
 * the kind of payload it carries; the `SessionEvent` union, the engine's input checks
 * (validate.ts) and the tests' random generators all derive from it, and the engine's
 * switches are exhaustive, so a new event does not compile until the engine handles it.
 */
import type { Aal } from '../assurance-level';
import type { Instant } from '../clock';

/** What an event may carry besides its type and time, by kind. */
export interface EventPayloads {
  /** Nothing but the moment it happened. */
  none: Record<never, never>;
  /** A completed authentication (sign-in or unlock), from a validated ID token. */
  authenticated: { readonly subject: string; readonly sessionId: string; readonly authTime: number; readonly aal: Aal };
  /** The OS idle clock's reading. */
  idleSeconds: { readonly seconds: number };
  /** The claims of a validated back-channel logout token (CIS2: sub and sid, or sub alone). */
  logoutClaims: { readonly subject?: string; readonly sessionId?: string };
}
export type PayloadKind = keyof EventPayloads;

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
  shutdown: 'none',
  signOut: 'none',
  /** The clinician pressed "Lock" (e.g. stepping away from the bedside). */
  lockRequested: 'none',
  /** A validated logout token; acts only when it names the current session. */
  backchannelLogout: 'logoutClaims',
  refreshFailed: 'none',
  /** The clinician asked to unlock from the lock screen (a retry opens the browser again). */
  reauthStarted: 'none',
  reauthSucceeded: 'authenticated',
  reauthFailed: 'none',
  reauthCancelled: 'none',
  /** A deadline from nextDeadline() came, or the machine resumed. */
  tick: 'none',
} as const satisfies Record<string, PayloadKind>;

export type SessionEventType = keyof typeof sessionEvents;
export const sessionEventTypes = Object.keys(sessionEvents) as readonly SessionEventType[];

export type SessionEvent = {
  [T in SessionEventType]: { readonly type: T; readonly at: Instant } & EventPayloads[(typeof sessionEvents)[T]];
}[SessionEventType];

/** The event types that carry a payload of this kind. */
export type EventTypeOf<K extends PayloadKind> = { [T in SessionEventType]: (typeof sessionEvents)[T] extends K ? T : never }[SessionEventType];

export function isSessionEventType(value: unknown): value is SessionEventType {
  return typeof value === 'string' && Object.hasOwn(sessionEvents, value);
}
