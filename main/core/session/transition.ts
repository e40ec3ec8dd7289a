/**
 * The session state machine. transition() is pure: same inputs, same outputs, no clock.
 *
 * Each event is handled in three steps, so that nothing the event says can postpone a
 * deadline that had already come when it happened:
 *   1. settle: apply every lock or end that fell due at or before the event's time;
 *   2. respond: apply the event to the settled state (per-state.ts; events that make no sense
 *      in that state are ignored with no effects: they are races with the outside world);
 *   3. settle again (a new session may already be past its limits), then show or hide
 *      the idle warning to match the time.
 */
import { earliest, isReached, msUntil } from '../clock';
import type { Instant } from '../clock';
import { assertResolvedPolicy } from '../policy';
import type { SessionPolicy } from '../policy';
import { endDeadline, idleDeadline, warningStart, workingDeadlines } from './deadlines';
import { respond } from './per-state';
import { Effects, end, lock } from './steps';
import type { SessionEvent, SessionState, Transition } from './types';
import { assertValidEvent, assertValidState } from './validate';
import { attemptOf } from './working-reauth';

export function initialSessionState(): SessionState {
  return { status: 'signed-out' };
}

export function transition(state: SessionState, event: SessionEvent, policy: SessionPolicy): Transition {
  assertValidState(state);
  assertValidEvent(event);
  assertResolvedPolicy(policy);
  const effects = new Effects();
  let next = settle(state, event.at, policy, effects);
  next = respond(next, event, policy, effects);
  next = settle(next, event.at, policy, effects);
  next = syncWarning(next, event.at, policy, effects);
  if (event.type === 'policyChanged') reannounceWarning(next, event.at, policy, effects);
  abandonAttemptLeftBehind(state, next, event, effects);
  return { state: next, effects: effects.list };
}

/**
 * The events by which each kind of attempt in the browser reports its own end. Only its own:
 * a stray outcome of another kind (a race) must not spare an attempt that something else ended.
 */
const attemptOutcomes: Readonly<Record<'sign-in' | 'unlock' | 'working', ReadonlySet<SessionEvent['type']>>> = {
  'sign-in': new Set(['signInSucceeded', 'signInFailed', 'signInCancelled']),
  unlock: new Set(['reauthSucceeded', 'reauthFailed', 'reauthCancelled']),
  working: new Set(['workingReauthSucceeded', 'workingReauthFailed', 'workingReauthCancelled']),
};

/**
 * An attempt in the system browser never outlives the state that started it: leaving
 * signing-in or reauthenticating, or a working state with a re-authentication in flight (a lock,
 * an end), for any reason but the attempt's own outcome cancels it first, so a late result can
 * never apply to whatever came next.
 */
function abandonAttemptLeftBehind(
  before: SessionState,
  after: SessionState,
  event: SessionEvent,
  effects: Effects,
): void {
  const purpose = attemptOf(before);
  if (purpose === null || attemptOf(after) === purpose) return;
  if (attemptOutcomes[purpose === 'sign-in' || purpose === 'unlock' ? purpose : 'working'].has(event.type)) return;
  effects.first({ type: 'cancelAttempt', purpose, byClinician: event.type === 'cancelRequested' });
}

function settle(state: SessionState, at: Instant, policy: SessionPolicy, effects: Effects): SessionState {
  let current = state;
  if (current.status === 'active' || current.status === 'warning') {
    const due = workingDeadlines(current.session, policy).filter((d) => isReached(d.deadline, at));
    // When several are due, the one that came first names the lock.
    const first = due.find((d) => due.every((other) => isReached(d.deadline, other.deadline))) ?? due[0];
    if (first !== undefined) current = lock(current, first.reason, earliest(first.deadline, at), effects);
  }
  if (
    (current.status === 'locked' || current.status === 'reauthenticating') &&
    isReached(endDeadline(current, policy), at)
  ) {
    current = end(current, 'absolute-limit', effects);
  }
  return current;
}

/**
 * A policy that changed during the warning moves the lock: say the new time (the view counts
 * down from the new deadline; the effect tells the audit log and anything announcing it). A
 * warning the new policy brought on has just been shown (syncWarning) and is not said twice.
 */
function reannounceWarning(after: SessionState, at: Instant, policy: SessionPolicy, effects: Effects): void {
  if (after.status !== 'warning' || effects.list.some((e) => e.type === 'showWarning')) return;
  const deadline = idleDeadline(after.session, policy);
  effects.push({ type: 'showWarning', deadline, secondsLeft: Math.ceil(msUntil(deadline, at) / 1000) });
}

function syncWarning(state: SessionState, at: Instant, policy: SessionPolicy, effects: Effects): SessionState {
  if (state.status === 'active' && isReached(warningStart(state.session, policy), at)) {
    const deadline = idleDeadline(state.session, policy);
    effects.push({ type: 'showWarning', deadline, secondsLeft: Math.ceil(msUntil(deadline, at) / 1000) });
    return { ...state, status: 'warning' };
  }
  if (state.status === 'warning' && !isReached(warningStart(state.session, policy), at)) {
    effects.push({ type: 'hideWarning' });
    return { ...state, status: 'active' };
  }
  return state;
}
