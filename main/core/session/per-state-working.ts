/**
 * What each event does while the clinician is working (active, or warned of the idle lock).
 * Two pieces that together list every event: what the clinician, the clocks and the browser do
 * within the session (respondWorking), then what locks or ends it (whatLeaves: the events of
 * vocabulary.ts's lockingEvents and the end requests). A new event does not compile until one of
 * them has a rule for it: respondWorking hands whatLeaves only the events it takes.
 */
import { shift } from '../clock';
import { idleLimitFor } from '../policy';
import type { SessionPolicy } from '../policy';
import { endOnRequest, lock, onOsEvent, unhandled } from './steps';
import type { Effects, LockOrEnd } from './steps';
import type { SessionEvent, SessionState } from './types';
import { acceptWorkingReauth, startWorkingReauth, withoutWorkingReauth } from './working-reauth';

type Working = Extract<SessionState, { status: 'active' | 'warning' }>;

export function respondWorking(
  state: Working,
  event: SessionEvent,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  const { session } = state;
  switch (event.type) {
    case 'activity':
      // Spread, not rebuilt: a working re-authentication in flight stays in flight.
      return { ...state, session: { ...session, lastActivity: event.at } };
    case 'osIdleSample': {
      const idleMs = event.seconds * 1000;
      // The OS saw nobody at the machine for a whole idle period: trust it over the app.
      if (idleMs >= idleLimitFor(policy, session.aal)) return lock(state, 'idle', event.at, effects);
      // Input elsewhere on the OS account counts only where IT says one clinician uses this PC.
      if (policy.activityScope === 'shell') return state;
      const inputAt = shift(event.at, -idleMs);
      const later = inputAt.wall > session.lastActivity.wall && inputAt.mono > session.lastActivity.mono;
      return later ? { ...state, session: { ...session, lastActivity: inputAt } } : state;
    }
    case 'osUnlocked':
    case 'resume':
    case 'userSwitchedBack':
    case 'tick':
    case 'policyChanged':
    case 'signInStarted':
    case 'signInSucceeded':
    case 'signInFailed':
    case 'signInCancelled':
    case 'reauthStarted':
    case 'reauthSucceeded':
    case 'reauthFailed':
    case 'reauthCancelled':
      // Settling already did the work of the OS and clock events (and the warning is
      // re-announced for a new policy); sign-in and re-authentication events cannot apply to a
      // working session.
      return state;
    case 'refreshUnanswered':
      // No answer is not a "no": the session goes on. The outage counts from its first
      // unanswered refresh, for IT's limit only (transition.ts settles it).
      if (session.unansweredSince !== undefined) return state;
      return { ...state, session: { ...session, unansweredSince: event.at } };
    case 'refreshAnswered': {
      // The outage, if one was counting, is over.
      const { unansweredSince: _outageStart, ...reachable } = session;
      return { ...state, session: reachable };
    }
    case 'renewalRequested':
      return startWorkingReauth(state, 'renew', effects);
    case 'roleChangeRequested':
      // CIS2 asks which role at the authentication; the session service takes the one chosen.
      return startWorkingReauth(state, 'role-change', effects);
    case 'workingReauthSucceeded':
      return acceptWorkingReauth(state, event, policy, effects);
    case 'workingReauthFailed':
    case 'workingReauthCancelled':
    case 'cancelRequested':
      // The session stays exactly as it was; only the attempt in the browser is gone.
      return withoutWorkingReauth(state);
    default:
      return whatLeaves(state, event, policy, effects);
  }
}

/** The events that lock a working session (vocabulary.ts, lockingEvents) or end it. */
function whatLeaves(state: Working, event: LockOrEnd, policy: SessionPolicy, effects: Effects): SessionState {
  switch (event.type) {
    case 'osLocked':
      return onOsEvent(state, policy.onOsLock, 'os-lock', event.at, effects);
    case 'suspend':
      return onOsEvent(state, policy.onSleep, 'sleep', event.at, effects);
    case 'userSwitchedAway':
      return onOsEvent(state, policy.onUserSwitch, 'user-switch', event.at, effects);
    case 'presenceLost':
      // The clinician left (a card pulled), or the shell can no longer see them (a reader or
      // the screen lock's watchers gone) and fails closed: the lock names the signal.
      return lock(state, event.reason, event.at, effects);
    case 'lockRequested':
      return lock(state, 'manual', event.at, effects);
    case 'faultDetected':
      return lock(state, 'fault', event.at, effects);
    case 'refreshRefused':
      // CIS2 said no: the session is over at CIS2, and the clinician must authenticate again.
      return lock(state, 'refresh-refused', event.at, effects);
    case 'signOut':
    case 'switchClinicianRequested':
    case 'shutdown':
    case 'backchannelLogout':
      return endOnRequest(state, event, effects);
    default:
      return unhandled(event);
  }
}
