/**
 * Step 2 of a transition: what one event does in each state. Each state's rules list every
 * event, so a new event does not compile until each state says what it does with it. Events
 * that make no sense in a state are ignored there with no effects: they are races with the
 * outside world. The states with a session have their own files: per-state-working.ts (active,
 * warning) and per-state-locked.ts (locked, reauthenticating).
 */
import { isReached } from '../clock';
import type { SessionPolicy } from '../policy';
import { absoluteDeadline } from './deadlines';
import { respondLocked } from './per-state-locked';
import { respondWorking } from './per-state-working';
import { newSession, refuse, startSignIn, unhandled } from './steps';
import type { Effects } from './steps';
import type { SessionEvent, SessionState } from './types';

export function respond(
  state: SessionState,
  event: SessionEvent,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  switch (state.status) {
    case 'signed-out':
    case 'ended':
      return respondSignedOut(state, event, effects);
    case 'signing-in':
      return respondSigningIn(state, event, policy, effects);
    case 'active':
    case 'warning':
      return respondWorking(state, event, policy, effects);
    case 'locked':
    case 'reauthenticating':
      return respondLocked(state, event, policy, effects);
  }
}

function respondSignedOut(
  state: Extract<SessionState, { status: 'signed-out' | 'ended' }>,
  event: SessionEvent,
  effects: Effects,
): SessionState {
  switch (event.type) {
    case 'signInStarted':
    case 'switchClinicianRequested':
      return startSignIn(effects);
    case 'signInSucceeded':
    case 'signInFailed':
    case 'signInCancelled':
    case 'cancelRequested':
    case 'activity':
    case 'osIdleSample':
    case 'osLocked':
    case 'osUnlocked':
    case 'suspend':
    case 'resume':
    case 'userSwitchedAway':
    case 'userSwitchedBack':
    case 'presenceLost':
    case 'shutdown':
    case 'signOut':
    case 'lockRequested':
    case 'roleChangeRequested':
    case 'backchannelLogout':
    case 'refreshRefused':
    case 'refreshUnanswered':
    case 'refreshAnswered':
    case 'reauthStarted':
    case 'reauthSucceeded':
    case 'reauthFailed':
    case 'reauthCancelled':
    case 'renewalRequested':
    case 'workingReauthSucceeded':
    case 'workingReauthFailed':
    case 'workingReauthCancelled':
    case 'tick':
    case 'policyChanged':
    case 'faultDetected':
      return state;
    default:
      return unhandled(event);
  }
}

function respondSigningIn(
  state: Extract<SessionState, { status: 'signing-in' }>,
  event: SessionEvent,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  switch (event.type) {
    case 'signInStarted':
      // Asked again while the browser is open: open it again (the new attempt replaces the old).
      return startSignIn(effects);
    case 'signInSucceeded': {
      const session = newSession(event);
      if (isReached(absoluteDeadline(session, policy), event.at))
        return refuse(session, { status: 'signed-out' }, effects);
      effects.push({
        type: 'sessionStarted',
        subject: session.subject,
        sessionId: session.sessionId,
        aal: session.aal,
      });
      effects.push({ type: 'restoreDraftsOf', subject: session.subject });
      return { status: 'active', session };
    }
    case 'signInFailed':
    case 'signInCancelled':
    case 'cancelRequested':
    case 'signOut':
    case 'shutdown':
    case 'faultDetected':
    case 'osLocked':
    case 'suspend':
    case 'userSwitchedAway':
    case 'presenceLost':
      // A lock cause always wins: whoever was signing in has left the machine (a smartcard
      // pulled with Windows set to lock on removal). The attempt in the browser is abandoned,
      // so an authentication from before the lock can never show the workspace.
      return { status: 'signed-out' };
    case 'switchClinicianRequested':
    case 'activity':
    case 'osIdleSample':
    case 'osUnlocked':
    case 'resume':
    case 'userSwitchedBack':
    case 'policyChanged':
    case 'lockRequested':
    case 'roleChangeRequested':
    case 'backchannelLogout':
    case 'refreshRefused':
    case 'refreshUnanswered':
    case 'refreshAnswered':
    case 'reauthStarted':
    case 'reauthSucceeded':
    case 'reauthFailed':
    case 'reauthCancelled':
    case 'renewalRequested':
    case 'workingReauthSucceeded':
    case 'workingReauthFailed':
    case 'workingReauthCancelled':
    case 'tick':
      return state;
    default:
      return unhandled(event);
  }
}
