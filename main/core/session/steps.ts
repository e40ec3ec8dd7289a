/**
 * The engine's building blocks: the effects collector and the steps every state shares
 * (start a sign-in, lock, end, accept or refuse an authentication, leave at the clinician's or
 * CIS2's word). Pure.
 */
import { shift } from '../clock';
import type { Instant } from '../clock';
import { ShellError } from '../errors';
import type { OsEventAction } from '../policy';
import type { Effect, EndReason, LockReason, Session, SessionEvent, SessionState, StateWithSession } from './types';
import type { LockingEventType } from './vocabulary';

/** Collects effects; one clearTokens per subject per transition is enough. */
export class Effects {
  readonly list: Effect[] = [];
  push(effect: Effect): void {
    if (
      effect.type === 'clearTokens' &&
      this.list.some((e) => e.type === 'clearTokens' && e.subject === effect.subject)
    )
      return;
    this.list.push(effect);
  }
  first(effect: Effect): void {
    this.list.unshift(effect);
  }
}

/** A new sign-in begins; the browser opens (prompt=login). */
export function startSignIn(effects: Effects): SessionState {
  effects.push({ type: 'startSignIn' });
  return { status: 'signing-in' };
}

export function newSession(
  event: Extract<SessionEvent, { type: 'signInSucceeded' | 'reauthSucceeded' | 'workingReauthSucceeded' }>,
): Session {
  // An auth_time ahead of our wall clock (skew) is counted as now, never later.
  const age = Math.max(0, event.authAgeMs ?? event.at.wall - event.authTime);
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
export function refuse(rejected: Session, unchanged: SessionState, effects: Effects): SessionState {
  effects.push({ type: 'clearTokens', subject: rejected.subject });
  return unchanged;
}

export function onOsEvent(
  state: StateWithSession,
  action: OsEventAction,
  reason: LockReason & EndReason,
  at: Instant,
  effects: Effects,
): SessionState {
  return action === 'end-session' ? end(state, reason, effects) : lock(state, reason, at, effects);
}

export function lock(state: StateWithSession, reason: LockReason, lockedAt: Instant, effects: Effects): SessionState {
  effects.push({ type: 'lock', reason });
  // Past the absolute limit the tokens are past it too: none may be used or refreshed.
  if (reason === 'absolute-limit') effects.push({ type: 'clearTokens', subject: state.session.subject });
  return { status: 'locked', session: state.session, reason, lockedAt };
}

export function end(state: StateWithSession, reason: EndReason, effects: Effects): SessionState {
  const { subject } = state.session;
  effects.push({ type: 'endSession', reason, subject });
  effects.push({ type: 'clearTokens', subject });
  effects.push({ type: 'sealDraftsOf', subject });
  return { status: 'ended', reason };
}

/**
 * A logout token names this session when every claim it carries matches (CIS2: sub and sid, or
 * sub alone), and it was not issued before the session's own authentication: a logout issued
 * earlier was about an earlier CIS2 session of the same clinician (it may reach the workstation
 * late, from the relay's revocation list), never about this one.
 */
export function namesSession(event: Extract<SessionEvent, { type: 'backchannelLogout' }>, session: Session): boolean {
  if (event.subject === undefined && event.sessionId === undefined) return false;
  if (event.issuedAt !== undefined && event.issuedAt < session.authTime) return false;
  return (
    (event.subject === undefined || event.subject === session.subject) &&
    (event.sessionId === undefined || event.sessionId === session.sessionId)
  );
}

/** The events by which the clinician, the machine or CIS2 ends a session, working or locked. */
export type EndRequest = Extract<
  SessionEvent,
  { type: 'signOut' | 'switchClinicianRequested' | 'shutdown' | 'backchannelLogout' }
>;

/** The events that lock a working session (vocabulary.ts, lockingEvents) or end a session. */
export type LockOrEnd = Extract<SessionEvent, { type: LockingEventType | EndRequest['type'] }>;

/**
 * The same in every state with a session: sign out ends it; "sign in as someone else" ends it
 * and opens the browser for the next clinician; a shutdown ends it; a logout token ends it only
 * when it names this session.
 */
export function endOnRequest(state: StateWithSession, event: EndRequest, effects: Effects): SessionState {
  switch (event.type) {
    case 'signOut':
      return end(state, 'sign-out', effects);
    case 'switchClinicianRequested':
      end(state, 'sign-out', effects);
      return startSignIn(effects);
    case 'shutdown':
      return end(state, 'shutdown', effects);
    case 'backchannelLogout':
      return namesSession(event, state.session) ? end(state, 'backchannel-logout', effects) : state;
  }
}

/** Compile-time exhaustiveness; at run time validate.ts has already refused unknown events. */
export function unhandled(event: never): never {
  throw new ShellError(
    'INTERNAL',
    `The session engine has no rule for the event ${JSON.stringify(String((event as { type?: unknown }).type)).slice(0, 60)}. This is a fault in the shell; please report it to IT.`,
  );
}
