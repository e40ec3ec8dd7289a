/**
 * The session state machine. transition() is pure: same inputs, same outputs, no clock.
 *
 * Each event is handled in three steps, so that nothing the event says can postpone a
 * deadline that had already come when it happened:
 *   1. settle: apply every lock or end that fell due at or before the event's time;
 *   2. react: apply the event to the settled state (events that make no sense in that
 *      state are ignored with no effects: they are races with the outside world);
 *   3. settle again (a new session may already be past its limits), then show or hide
 *      the idle warning to match the time.
 */
import { earliest, isReached, msUntil, shift } from '../clock';
import type { Instant } from '../clock';
import { assertResolvedPolicy, idleLimitFor } from '../policy';
import type { OsEventAction, SessionPolicy } from '../policy';
import { absoluteDeadline, endDeadline, idleDeadline, warningStart } from './deadlines';
import type { Effect, EndReason, LockReason, Session, SessionEvent, SessionState, StateWithSession, Transition } from './types';
import { assertValidEvent, assertValidState } from './validate';

export function initialSessionState(): SessionState {
  return { status: 'signed-out' };
}

export function transition(state: SessionState, event: SessionEvent, policy: SessionPolicy): Transition {
  assertValidState(state);
  assertValidEvent(event);
  assertResolvedPolicy(policy);
  const effects = new Effects();
  let next = settle(state, event.at, policy, effects);
  next = react(next, event, policy, effects);
  next = settle(next, event.at, policy, effects);
  next = syncWarning(next, event.at, policy, effects);
  return { state: next, effects: effects.list };
}

/** Collects effects; one clearTokens per subject per transition is enough. */
class Effects {
  readonly list: Effect[] = [];
  push(effect: Effect): void {
    if (effect.type === 'clearTokens' && this.list.some((e) => e.type === 'clearTokens' && e.subject === effect.subject)) return;
    this.list.push(effect);
  }
}

function settle(state: SessionState, at: Instant, policy: SessionPolicy, effects: Effects): SessionState {
  let current = state;
  if (current.status === 'active' || current.status === 'warning') {
    const idle = idleDeadline(current.session, policy);
    const absolute = absoluteDeadline(current.session, policy);
    const idleDue = isReached(idle, at);
    const absoluteDue = isReached(absolute, at);
    // When both are due, the one that came first names the lock.
    if (absoluteDue && (!idleDue || isReached(absolute, idle))) {
      current = lock(current, 'absolute-limit', earliest(absolute, at), effects);
    } else if (idleDue) {
      current = lock(current, 'idle', earliest(idle, at), effects);
    }
  }
  if ((current.status === 'locked' || current.status === 'reauthenticating') && isReached(endDeadline(current, policy), at)) {
    current = end(current, 'absolute-limit', effects);
  }
  return current;
}

function syncWarning(state: SessionState, at: Instant, policy: SessionPolicy, effects: Effects): SessionState {
  if (state.status === 'active' && isReached(warningStart(state.session, policy), at)) {
    const deadline = idleDeadline(state.session, policy);
    effects.push({ type: 'showWarning', deadline, secondsLeft: Math.ceil(msUntil(deadline, at) / 1000) });
    return { status: 'warning', session: state.session };
  }
  if (state.status === 'warning' && !isReached(warningStart(state.session, policy), at)) {
    effects.push({ type: 'hideWarning' });
    return { status: 'active', session: state.session };
  }
  return state;
}

function react(state: SessionState, event: SessionEvent, policy: SessionPolicy, effects: Effects): SessionState {
  switch (state.status) {
    case 'signed-out':
    case 'ended':
      if (event.type !== 'signInStarted') return state;
      effects.push({ type: 'startSignIn' });
      return { status: 'signing-in' };
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

function reactSigningIn(state: SessionState, event: SessionEvent, policy: SessionPolicy, effects: Effects): SessionState {
  switch (event.type) {
    case 'signInSucceeded': {
      const session = newSession(event);
      if (isReached(absoluteDeadline(session, policy), event.at)) return refuse(session, { status: 'signed-out' }, effects);
      effects.push({ type: 'sessionStarted', subject: session.subject, sessionId: session.sessionId, aal: session.aal });
      effects.push({ type: 'restoreDraftsOf', subject: session.subject });
      return { status: 'active', session };
    }
    case 'signInFailed':
    case 'signInCancelled':
    case 'signOut':
    case 'shutdown':
      return { status: 'signed-out' };
    default:
      return state;
  }
}

function reactWorking(state: Extract<SessionState, { status: 'active' | 'warning' }>, event: SessionEvent, policy: SessionPolicy, effects: Effects): SessionState {
  const { session } = state;
  switch (event.type) {
    case 'activity':
      return { status: state.status, session: { ...session, lastActivity: event.at } };
    case 'osIdleSample': {
      const idleMs = event.seconds * 1000;
      // The OS saw nobody at the machine for a whole idle period: trust it over the app.
      if (idleMs >= idleLimitFor(policy, session.aal)) return lock(state, 'idle', event.at, effects);
      const inputAt = shift(event.at, -idleMs);
      const later = inputAt.wall > session.lastActivity.wall && inputAt.mono > session.lastActivity.mono;
      return later ? { status: state.status, session: { ...session, lastActivity: inputAt } } : state;
    }
    case 'osLocked':
      return onOsEvent(state, policy.onOsLock, 'os-lock', event.at, effects);
    case 'suspend':
      return onOsEvent(state, policy.onSleep, 'sleep', event.at, effects);
    case 'userSwitchedAway':
      return onOsEvent(state, policy.onUserSwitch, 'user-switch', event.at, effects);
    case 'lockRequested':
      return lock(state, 'manual', event.at, effects);
    case 'refreshFailed':
      return lock(state, 'refresh-failed', event.at, effects);
    case 'signOut':
      return end(state, 'sign-out', effects);
    case 'shutdown':
      return end(state, 'shutdown', effects);
    case 'backchannelLogout':
      return namesSession(event, session) ? end(state, 'backchannel-logout', effects) : state;
    default:
      // osUnlocked, resume, userSwitchedBack, tick: settling already did their work.
      // Sign-in and re-authentication events cannot apply to a working session.
      return state;
  }
}

function reactLocked(state: Extract<SessionState, { status: 'locked' | 'reauthenticating' }>, event: SessionEvent, policy: SessionPolicy, effects: Effects): SessionState {
  const { session } = state;
  switch (event.type) {
    case 'reauthStarted':
      if (state.status === 'reauthenticating') return state;
      effects.push({ type: 'startReauthentication', subject: session.subject, aal: session.aal });
      return { ...state, status: 'reauthenticating' };
    case 'reauthSucceeded': {
      if (state.status !== 'reauthenticating') return state;
      const fresh = newSession(event);
      // An authentication already past the absolute limit proves nothing about now; the lock stays.
      if (isReached(absoluteDeadline(fresh, policy), event.at)) return refuse(fresh, { ...state, status: 'locked' }, effects);
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
      return state.status === 'reauthenticating' ? { ...state, status: 'locked' } : state;
    case 'osLocked':
      return policy.onOsLock === 'end-session' ? end(state, 'os-lock', effects) : state;
    case 'suspend':
      return policy.onSleep === 'end-session' ? end(state, 'sleep', effects) : state;
    case 'userSwitchedAway':
      return policy.onUserSwitch === 'end-session' ? end(state, 'user-switch', effects) : state;
    case 'signOut':
      return end(state, 'sign-out', effects);
    case 'shutdown':
      return end(state, 'shutdown', effects);
    case 'backchannelLogout':
      return namesSession(event, session) ? end(state, 'backchannel-logout', effects) : state;
    default:
      // Activity and idle samples cannot unlock; an OS unlock or resume proves nothing
      // about which clinician is at the machine.
      return state;
  }
}

function newSession(event: Extract<SessionEvent, { type: 'signInSucceeded' | 'reauthSucceeded' }>): Session {
  // An auth_time ahead of our wall clock (skew) is counted as now, never later.
  const age = Math.max(0, event.at.wall - event.authTime);
  return {
    subject: event.subject,
    sessionId: event.sessionId,
    aal: event.aal,
    authTime: event.authTime,
    authAt: shift(event.at, -age),
    lastActivity: event.at,
  };
}

/**
 * An authentication that is already past the absolute limit (a stale auth_time the service
 * should have refused) starts nothing; its tokens are dropped and the state stays as it was.
 */
function refuse(rejected: Session, unchanged: SessionState, effects: Effects): SessionState {
  effects.push({ type: 'clearTokens', subject: rejected.subject });
  return unchanged;
}

function onOsEvent(state: StateWithSession, action: OsEventAction, reason: LockReason & EndReason, at: Instant, effects: Effects): SessionState {
  return action === 'end-session' ? end(state, reason, effects) : lock(state, reason, at, effects);
}

function lock(state: StateWithSession, reason: LockReason, lockedAt: Instant, effects: Effects): SessionState {
  effects.push({ type: 'lock', reason });
  // Past the absolute limit the tokens are past it too: none may be used or refreshed.
  if (reason === 'absolute-limit') effects.push({ type: 'clearTokens', subject: state.session.subject });
  return { status: 'locked', session: state.session, reason, lockedAt };
}

function end(state: StateWithSession, reason: EndReason, effects: Effects): SessionState {
  const { subject } = state.session;
  effects.push({ type: 'endSession', reason, subject });
  effects.push({ type: 'clearTokens', subject });
  effects.push({ type: 'sealDraftsOf', subject });
  return { status: 'ended', reason };
}

/** A logout token names this session when every claim it carries matches (CIS2: sub and sid, or sub alone). */
function namesSession(event: Extract<SessionEvent, { type: 'backchannelLogout' }>, session: Session): boolean {
  if (event.subject === undefined && event.sessionId === undefined) return false;
  return (event.subject === undefined || event.subject === session.subject) && (event.sessionId === undefined || event.sessionId === session.sessionId);
}
