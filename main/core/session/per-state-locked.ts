/**
 * What each event does while the session is locked (and while an unlock is open in the system
 * browser). Two pieces that together list every event: the unlock and what cannot unlock
 * (respondLocked), then the lock causes and the ends (whatLeaves: the events of vocabulary.ts's
 * lockingEvents and the end requests). A new event does not compile until one of them has a
 * rule for it: respondLocked hands whatLeaves only the events it takes.
 */
import { isReached } from '../clock';
import type { SessionPolicy } from '../policy';
import { absoluteDeadline } from './deadlines';
import { end, endOnRequest, newSession, refuse, unhandled } from './steps';
import type { Effects, LockOrEnd } from './steps';
import type { SessionEvent, SessionState } from './types';

type Locked = Extract<SessionState, { status: 'locked' | 'reauthenticating' }>;

export function respondLocked(
  state: Locked,
  event: SessionEvent,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  switch (event.type) {
    case 'reauthStarted':
      // Asked again while the browser is open: open it again (the new attempt replaces the old).
      effects.push({ type: 'startReauthentication', subject: state.session.subject, aal: state.session.aal });
      return { ...state, status: 'reauthenticating' };
    case 'reauthSucceeded':
      return unlock(state, event, policy, effects);
    case 'reauthFailed':
    case 'reauthCancelled':
    case 'cancelRequested':
      return relock(state);
    case 'activity':
    case 'osIdleSample':
    case 'osUnlocked':
    case 'resume':
    case 'userSwitchedBack':
    case 'roleChangeRequested':
    case 'tick':
    case 'policyChanged':
    case 'refreshUnanswered':
    case 'refreshAnswered':
    case 'signInStarted':
    case 'signInSucceeded':
    case 'signInFailed':
    case 'signInCancelled':
    case 'renewalRequested':
    case 'workingReauthSucceeded':
    case 'workingReauthFailed':
    case 'workingReauthCancelled':
      // Activity and idle samples cannot unlock; an OS unlock or resume proves nothing about
      // which clinician is at the machine. No refresh runs while locked (the keep-alive is for
      // working sessions); the unlock's own authentication needs CIS2, and its fresh session
      // starts with CIS2 answering. Sign-in, renewal and working re-authentication events
      // belong to other states: races.
      return state;
    default:
      return whatLeaves(state, event, policy, effects);
  }
}

/**
 * A lock cause while locked ends the session where IT says so; otherwise an unlock in the
 * browser is abandoned (its authentication may predate the cause) and the clinician starts a
 * new one once back. The session ends at the clinician's or CIS2's word as when working.
 */
function whatLeaves(state: Locked, event: LockOrEnd, policy: SessionPolicy, effects: Effects): SessionState {
  switch (event.type) {
    case 'osLocked':
      return policy.onOsLock === 'end-session' ? end(state, 'os-lock', effects) : relock(state);
    case 'suspend':
      return policy.onSleep === 'end-session' ? end(state, 'sleep', effects) : relock(state);
    case 'userSwitchedAway':
      return policy.onUserSwitch === 'end-session' ? end(state, 'user-switch', effects) : relock(state);
    // A card pulled (or lost from sight) while unlocking abandons the unlock, as a fault does. A
    // card inserted is never an event at all: it only prompts the clinician to unlock.
    case 'presenceLost':
    case 'faultDetected':
      return relock(state);
    case 'lockRequested':
    case 'refreshRefused':
      // Already locked.
      return state;
    case 'signOut':
    case 'switchClinicianRequested':
    case 'shutdown':
    case 'backchannelLogout':
      return endOnRequest(state, event, effects);
    default:
      return unhandled(event);
  }
}

/** The unlock's authentication: the same clinician resumes; anyone else ends their session. */
function unlock(
  state: Locked,
  event: Extract<SessionEvent, { type: 'reauthSucceeded' }>,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  if (state.status !== 'reauthenticating') return state;
  const fresh = newSession(event);
  // An authentication already past the absolute limit proves nothing about now; the lock stays.
  if (isReached(absoluteDeadline(fresh, policy), event.at))
    return refuse(fresh, { ...state, status: 'locked' }, effects);
  if (fresh.subject === state.session.subject) {
    effects.push({ type: 'sessionResumed', subject: fresh.subject, sessionId: fresh.sessionId, aal: fresh.aal });
    effects.push({ type: 'restoreDraftsOf', subject: fresh.subject });
    return { status: 'active', session: fresh };
  }
  // Someone else authenticated at the lock screen: the previous clinician's session
  // ends here and is never handed to them.
  end(state, 'different-user', effects);
  effects.push({ type: 'sessionStarted', subject: fresh.subject, sessionId: fresh.sessionId, aal: fresh.aal });
  effects.push({ type: 'restoreDraftsOf', subject: fresh.subject });
  return { status: 'active', session: fresh };
}

/** Back to the lock screen (or still there): an unlock open in the browser is abandoned (transition.ts cancels it). */
function relock(state: Locked): SessionState {
  return { ...state, status: 'locked' };
}
