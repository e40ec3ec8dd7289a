/**
 * The session engine's vocabulary: states, events and effects, all plain data.
 * The engine decides; the service layer carries effects out and feeds the world back as events.
 */
import type { Aal } from '../assurance-level';
import type { Instant } from '../clock';
import type { EndReason, LockReason, WorkingReauthPurpose } from './vocabulary';

export type { EndReason, LockReason, WorkingReauthPurpose } from './vocabulary';

/** The clinician a session belongs to, and the clocks that bound it. No token ever lives here. */
export type Session = {
  readonly subject: string;
  /** CIS2 `sid`, used to match back-channel logout. */
  readonly sessionId: string;
  readonly aal: Aal;
  /** Wall ms of the last full authentication (`auth_time * 1000`), as CIS2 reported it. */
  readonly authTime: number;
  /**
   * The moment the absolute limit counts from: authTime placed on both clocks when the
   * sign-in was accepted (never later than that moment, so an auth_time from a clock
   * running ahead cannot extend the session).
   */
  readonly authAt: Instant;
  /** The latest evidence of someone at the workstation that the engine accepted. */
  readonly lastActivity: Instant;
  /**
   * Since when CIS2 has not answered the session's refresh (the first unanswered one of this
   * outage); absent while it answers. Only IT's UnansweredRefreshLimitSeconds counts from it.
   */
  readonly unansweredSince?: Instant;
};

/**
 * A sign-in of the working clinician open in the system browser while their session stays on
 * screen (renewing it before the 12-hour limit). It never outlives the working state: any lock
 * or end abandons it.
 */
export type WorkingReauth = { readonly purpose: WorkingReauthPurpose };

export type SessionState =
  | { readonly status: 'signed-out' }
  | { readonly status: 'signing-in' }
  | { readonly status: 'active'; readonly session: Session; readonly reauth?: WorkingReauth }
  | { readonly status: 'warning'; readonly session: Session; readonly reauth?: WorkingReauth }
  | { readonly status: 'locked'; readonly session: Session; readonly reason: LockReason; readonly lockedAt: Instant }
  | {
      readonly status: 'reauthenticating';
      readonly session: Session;
      readonly reason: LockReason;
      readonly lockedAt: Instant;
    }
  | { readonly status: 'ended'; readonly reason: EndReason };

export type SessionStatus = SessionState['status'];

/** States in which a clinician's session exists (working, or locked awaiting them). */
export type StateWithSession = Extract<SessionState, { session: Session }>;

export type { EventTypeOf, PayloadKind, SessionEvent, SessionEventType } from './vocabulary';

export type Effect =
  /** Open the system browser for a new sign-in (prompt=login). */
  | { readonly type: 'startSignIn' }
  /**
   * Abandon the sign-in or unlock in flight: the state that started it is gone, so its result
   * must never apply. Always the first effect of its transition, so it can never cancel an
   * attempt the same transition starts. `byClinician`: they pressed Cancel (recorded as such).
   */
  | { readonly type: 'cancelAttempt'; readonly purpose: AttemptPurpose; readonly byClinician: boolean }
  | { readonly type: 'sessionStarted'; readonly subject: string; readonly sessionId: string; readonly aal: Aal }
  | { readonly type: 'sessionResumed'; readonly subject: string; readonly sessionId: string; readonly aal: Aal }
  /** `deadline` is when the idle lock falls due; `secondsLeft` is counted from the event's time. */
  | { readonly type: 'showWarning'; readonly deadline: Instant; readonly secondsLeft: number }
  | { readonly type: 'hideWarning' }
  /** Drop all clinical content from the screen and show the lock screen. Drafts stay in main. */
  | { readonly type: 'lock'; readonly reason: LockReason }
  /** Forget this clinician's tokens (memory only, so forgetting is enough). */
  | { readonly type: 'clearTokens'; readonly subject: string }
  /** Open the system browser for re-authentication (prompt=login) expecting this subject. */
  | { readonly type: 'startReauthentication'; readonly subject: string; readonly aal: Aal }
  /** Open the system browser (prompt=login) for the working clinician; the session stays usable meanwhile. */
  | {
      readonly type: 'startWorkingReauth';
      readonly purpose: WorkingReauthPurpose;
      readonly subject: string;
      readonly aal: Aal;
    }
  /**
   * The working clinician authenticated again: the 12-hour clock restarts from this
   * authentication; the workspace and drafts stay as they are.
   */
  | {
      readonly type: 'sessionRenewed';
      readonly purpose: WorkingReauthPurpose;
      readonly subject: string;
      readonly sessionId: string;
      readonly aal: Aal;
    }
  /**
   * A working re-authentication was not accepted, and nothing changed: someone else authenticated
   * (`different-user`), or the authentication was already past the limit (`past-limit`).
   * `subject` is the working clinician's.
   */
  | {
      readonly type: 'workingReauthRefused';
      readonly purpose: WorkingReauthPurpose;
      readonly subject: string;
      readonly why: 'different-user' | 'past-limit';
    }
  | { readonly type: 'endSession'; readonly reason: EndReason; readonly subject: string }
  | { readonly type: 'sealDraftsOf'; readonly subject: string }
  | { readonly type: 'restoreDraftsOf'; readonly subject: string };

export type EffectType = Effect['type'];

/** What an attempt in the system browser is for: a sign-in, an unlock, or a working re-authentication. */
export type AttemptPurpose = 'sign-in' | 'unlock' | WorkingReauthPurpose;

export type Transition = { readonly state: SessionState; readonly effects: Effect[] };
