/**
 * Step 2 of a transition: what one event does in each state. Each function lists every
 * event, so a new event does not compile until each state says what it does with it.
 */
import { isReached, shift } from '../clock';
import { ShellError } from '../errors';
import { idleLimitFor } from '../policy';
import type { SessionPolicy } from '../policy';
import { absoluteDeadline } from './deadlines';
import { end, lock, namesSession, newSession, onOsEvent, refuse, startSignIn } from './steps';
import type { Effects } from './steps';
import type { SessionEvent, SessionState } from './types';
import { acceptWorkingReauth, startWorkingReauth, withoutWorkingReauth } from './working-reauth';

export function react(state: SessionState, event: SessionEvent, policy: SessionPolicy, effects: Effects): SessionState {
  switch (state.status) {
    case 'signed-out':
    case 'ended':
      return reactSignedOut(state, event, effects);
    case 'signing-in':
      return reactSigningIn(state, event, policy, effects);
    case 'active':
    case 'warning':
      return reactWorking(state, event, policy, effects);
    case 'locked':
    case 'reauthenticating':
      return reactLocked(state, event, policy, effects);
  }
}

/**
 * Each react function lists every event: a new event does not compile until each state
 * says what it does with it. Events that make no sense in a state are ignored there with no
 * effects: they are races with the outside world.
 */
function reactSignedOut(
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
    case 'smartcardRemoved':
    case 'smartcardUnavailable':
    case 'lockWatchLost':
    case 'shutdown':
    case 'signOut':
    case 'lockRequested':
    case 'roleChangeRequested':
    case 'backchannelLogout':
    case 'refreshFailed':
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

function reactSigningIn(
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
      return { status: 'signed-out' };
    case 'osLocked':
    case 'suspend':
    case 'userSwitchedAway':
    case 'smartcardRemoved':
    case 'smartcardUnavailable':
    case 'lockWatchLost':
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
    case 'refreshFailed':
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

function reactWorking(
  state: Extract<SessionState, { status: 'active' | 'warning' }>,
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
      const inputAt = shift(event.at, -idleMs);
      const later = inputAt.wall > session.lastActivity.wall && inputAt.mono > session.lastActivity.mono;
      return later ? { ...state, session: { ...session, lastActivity: inputAt } } : state;
    }
    case 'osLocked':
      return onOsEvent(state, policy.onOsLock, 'os-lock', event.at, effects);
    case 'suspend':
      return onOsEvent(state, policy.onSleep, 'sleep', event.at, effects);
    case 'userSwitchedAway':
      return onOsEvent(state, policy.onUserSwitch, 'user-switch', event.at, effects);
    case 'lockRequested':
      return lock(state, 'manual', event.at, effects);
    case 'smartcardRemoved':
      return lock(state, 'smartcard-removed', event.at, effects);
    case 'smartcardUnavailable':
      // Fail closed: the shell can no longer see the card that was the clinician's presence.
      return lock(state, 'smartcard-unavailable', event.at, effects);
    case 'lockWatchLost':
      // Fail closed: the shell can no longer see the OS screen lock.
      return lock(state, 'lock-watch-lost', event.at, effects);
    case 'faultDetected':
      return lock(state, 'fault', event.at, effects);
    case 'refreshFailed':
      return lock(state, 'refresh-failed', event.at, effects);
    case 'signOut':
      return end(state, 'sign-out', effects);
    case 'switchClinicianRequested':
      end(state, 'sign-out', effects);
      return startSignIn(effects);
    case 'shutdown':
      return end(state, 'shutdown', effects);
    case 'backchannelLogout':
      return namesSession(event, session) ? end(state, 'backchannel-logout', effects) : state;
    case 'osUnlocked':
    case 'resume':
    case 'userSwitchedBack':
    case 'tick':
    case 'policyChanged':
      // Settling already did their work (and the warning is re-announced for a new policy).
      return state;
    case 'signInStarted':
    case 'signInSucceeded':
    case 'signInFailed':
    case 'signInCancelled':
    case 'reauthStarted':
    case 'reauthSucceeded':
    case 'reauthFailed':
    case 'reauthCancelled':
      // Sign-in and re-authentication events cannot apply to a working session.
      return state;
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
      return unhandled(event);
  }
}

function reactLocked(
  state: Extract<SessionState, { status: 'locked' | 'reauthenticating' }>,
  event: SessionEvent,
  policy: SessionPolicy,
  effects: Effects,
): SessionState {
  const { session } = state;
  switch (event.type) {
    case 'reauthStarted':
      // Asked again while the browser is open: open it again (the new attempt replaces the old).
      effects.push({ type: 'startReauthentication', subject: session.subject, aal: session.aal });
      return { ...state, status: 'reauthenticating' };
    case 'reauthSucceeded': {
      if (state.status !== 'reauthenticating') return state;
      const fresh = newSession(event);
      // An authentication already past the absolute limit proves nothing about now; the lock stays.
      if (isReached(absoluteDeadline(fresh, policy), event.at))
        return refuse(fresh, { ...state, status: 'locked' }, effects);
      if (fresh.subject === session.subject) {
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
    case 'reauthFailed':
    case 'reauthCancelled':
    case 'cancelRequested':
      return state.status === 'reauthenticating' ? { ...state, status: 'locked' } : state;
    // A lock cause while locked: ends the session where IT says so; otherwise an unlock in
    // the browser is abandoned (its authentication may predate the cause) and the clinician
    // starts a new one once back.
    case 'osLocked':
      return policy.onOsLock === 'end-session' ? end(state, 'os-lock', effects) : relock(state);
    case 'suspend':
      return policy.onSleep === 'end-session' ? end(state, 'sleep', effects) : relock(state);
    case 'userSwitchedAway':
      return policy.onUserSwitch === 'end-session' ? end(state, 'user-switch', effects) : relock(state);
    // A card pulled (or lost from sight) while unlocking abandons the unlock, as a fault does. A
    // card inserted is never an event at all: it only prompts the clinician to unlock.
    case 'faultDetected':
    case 'smartcardRemoved':
    case 'smartcardUnavailable':
    case 'lockWatchLost':
      return relock(state);
    case 'signOut':
      return end(state, 'sign-out', effects);
    case 'switchClinicianRequested':
      end(state, 'sign-out', effects);
      return startSignIn(effects);
    case 'shutdown':
      return end(state, 'shutdown', effects);
    case 'backchannelLogout':
      return namesSession(event, session) ? end(state, 'backchannel-logout', effects) : state;
    case 'activity':
    case 'osIdleSample':
    case 'osUnlocked':
    case 'resume':
    case 'userSwitchedBack':
    case 'lockRequested':
    case 'roleChangeRequested':
    case 'refreshFailed':
    case 'tick':
    case 'policyChanged':
      // Activity and idle samples cannot unlock; an OS unlock or resume proves nothing
      // about which clinician is at the machine.
      return state;
    case 'signInStarted':
    case 'signInSucceeded':
    case 'signInFailed':
    case 'signInCancelled':
    case 'renewalRequested':
    case 'workingReauthSucceeded':
    case 'workingReauthFailed':
    case 'workingReauthCancelled':
      return state;
    default:
      return unhandled(event);
  }
}

/** Back to the lock screen: an unlock open in the browser is abandoned (transition.ts cancels it). */
function relock(state: Extract<SessionState, { status: 'locked' | 'reauthenticating' }>): SessionState {
  return state.status === 'reauthenticating' ? { ...state, status: 'locked' } : state;
}

/** Compile-time exhaustiveness; at run time validate.ts has already refused unknown events. */
function unhandled(event: never): never {
  throw new ShellError(
    'INTERNAL',
    `The session engine has no rule for the event ${JSON.stringify(String((event as { type?: unknown }).type)).slice(0, 60)}. This is a fault in the shell; please report it to IT.`,
  );
}
