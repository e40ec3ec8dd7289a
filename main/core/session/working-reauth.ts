/**
 * The working re-authentication: the working clinician signs in again in the system browser
 * while their session stays on screen and usable ("Sign in again now", before the 12-hour limit).
 * Pure. The rules, each property-tested (test/core/session/renew.property.test.ts):
 *   - only the same clinician's authentication is accepted: anyone else's changes nothing, and
 *     never gives them the working clinician's session (nor ends it: they are still at work);
 *   - an accepted one restarts the 12-hour clock from its own auth_time, placed on the session
 *     clock no later than the moment it arrived (steps.ts newSession), so it can never extend a
 *     session past 12 hours from a real authentication; the workspace and drafts stay in place;
 *   - a failure or cancel leaves the session exactly as it was;
 *   - it never outlives the working state: any lock or end abandons it (transition.ts cancels the
 *     attempt), and the limits are settled before its outcome is looked at, so one in flight
 *     never postpones the 12-hour lock.
 */
import { isReached } from '../clock';
import type { SessionPolicy } from '../policy';
import { absoluteDeadline } from './deadlines';
import { newSession } from './steps';
import type { Effects } from './steps';
import type { AttemptPurpose, SessionEvent, SessionState, WorkingReauthPurpose } from './types';

type Working = Extract<SessionState, { status: 'active' | 'warning' }>;

/** The attempt open in the system browser in this state, if any, and what it is for. */
export function attemptOf(state: SessionState): AttemptPurpose | null {
  if (state.status === 'signing-in') return 'sign-in';
  if (state.status === 'reauthenticating') return 'unlock';
  if (state.status === 'active' || state.status === 'warning') return state.reauth?.purpose ?? null;
  return null;
}

/** Opens the browser for the working clinician (again, if one is open: the new attempt replaces it). */
export function startWorkingReauth(state: Working, purpose: WorkingReauthPurpose, effects: Effects): Working {
  const { subject, aal } = state.session;
  effects.push({ type: 'startWorkingReauth', purpose, subject, aal });
  return { ...state, reauth: { purpose } };
}

/** The same working state with no attempt open (a failure, a cancel, or the attempt's end). */
export function withoutWorkingReauth(state: Working): Working {
  return { status: state.status, session: state.session };
}

export function acceptWorkingReauth(
  state: Working,
  event: Extract<SessionEvent, { type: 'workingReauthSucceeded' }>,
  policy: SessionPolicy,
  effects: Effects,
): Working {
  // A result nobody is waiting for (the attempt was replaced or abandoned): a race, ignored.
  if (state.reauth === undefined) return state;
  const { purpose } = state.reauth;
  const { subject } = state.session;
  const fresh = newSession(event);
  const why =
    fresh.subject !== subject
      ? 'different-user'
      : isReached(absoluteDeadline(fresh, policy), event.at)
        ? 'past-limit'
        : null;
  if (why !== null) {
    effects.push({ type: 'workingReauthRefused', purpose, subject, why });
    // Whatever that authentication brought is dropped; the working clinician's own stay theirs.
    effects.push({ type: 'clearTokens', subject: fresh.subject });
    return withoutWorkingReauth(state);
  }
  effects.push({ type: 'sessionRenewed', purpose, subject, sessionId: fresh.sessionId, aal: fresh.aal });
  return { status: state.status, session: fresh };
}
