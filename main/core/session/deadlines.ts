/**
 * When things fall due. Every deadline is an anchor moment shifted by a limit on both
 * clocks, and it has come as soon as either clock reaches it (see clock.ts for why).
 */
import { earliest, isReached, shift } from '../clock';
import type { Instant } from '../clock';
import { idleLimitFor } from '../policy';
import type { SessionPolicy } from '../policy';
import type { Session, SessionState, StateWithSession } from './types';

/** The idle lock: the idle limit for the session's assurance level after the last accepted activity. */
export function idleDeadline(session: Session, policy: SessionPolicy): Instant {
  return shift(session.lastActivity, idleLimitFor(policy, session.aal));
}

/** When the "about to lock" warning appears: the warning lead before the idle lock. */
export function warningStart(session: Session, policy: SessionPolicy): Instant {
  return shift(session.lastActivity, idleLimitFor(policy, session.aal) - policy.warningLeadMs);
}

/** The absolute limit: counted from the last full authentication, whatever the activity. */
export function absoluteDeadline(session: Session, policy: SessionPolicy): Instant {
  return shift(session.authAt, policy.absoluteLimitMs);
}

/**
 * IT's limit on working through an outage: UnansweredRefreshLimitSeconds after the first
 * unanswered refresh. null while CIS2 answers, and without the setting (the default): an
 * unanswered refresh alone never locks.
 */
export function unansweredDeadline(session: Session, policy: SessionPolicy): Instant | null {
  if (session.unansweredSince === undefined || policy.unansweredRefreshLimitMs === null) return null;
  return shift(session.unansweredSince, policy.unansweredRefreshLimitMs);
}

/**
 * What locks a working session when its time comes, each with its deadline; when several are
 * due, the first in this list that came no later than the others names the lock (transition.ts).
 */
export function workingDeadlines(
  session: Session,
  policy: SessionPolicy,
): ReadonlyArray<{ readonly reason: 'absolute-limit' | 'idle' | 'cis2-unreachable'; readonly deadline: Instant }> {
  const unanswered = unansweredDeadline(session, policy);
  return [
    { reason: 'absolute-limit', deadline: absoluteDeadline(session, policy) },
    { reason: 'idle', deadline: idleDeadline(session, policy) },
    ...(unanswered === null ? [] : [{ reason: 'cis2-unreachable' as const, deadline: unanswered }]),
  ];
}

/**
 * When the clinician is told the absolute limit is coming and offered to sign in again early.
 * Not a deadline of its own (nextDeadline): nothing in the state changes there; the heartbeat
 * (once a second while a session exists) re-sends the view, which shows it from then on.
 */
export function absoluteWarningStart(session: Session, policy: SessionPolicy): Instant {
  return shift(session.authAt, policy.absoluteLimitMs - policy.absoluteWarningLeadMs);
}

/**
 * Whether a working session is within the notice before its absolute limit (always false with a
 * lead of 0, and once locked or ended: the lock screen says it instead).
 */
export function sessionEndingSoon(state: SessionState, policy: SessionPolicy, now: Instant): boolean {
  if (state.status !== 'active' && state.status !== 'warning') return false;
  return policy.absoluteWarningLeadMs > 0 && isReached(absoluteWarningStart(state.session, policy), now);
}

/**
 * When a locked session (or one being re-authenticated) ends for good.
 * A session locked for any reason but the absolute limit ends when the absolute limit comes.
 * A session locked BY the absolute limit gives its clinician one idle period to
 * re-authenticate (keeping their drafts in hand); nobody doing so means nobody is there.
 */
export function endDeadline(state: Extract<StateWithSession, { lockedAt: Instant }>, policy: SessionPolicy): Instant {
  if (state.reason === 'absolute-limit') return shift(state.lockedAt, idleLimitFor(policy, state.session.aal));
  return absoluteDeadline(state.session, policy);
}

/**
 * The one moment the service must wake up next and send `tick`, or null when nothing is
 * pending. Arm a single timer for `msUntil(deadline, now)` (clock.ts), re-arm after every
 * transition, and also send `tick` on resume: timers do not run while the machine sleeps.
 */
function earliestOf(first: Instant, ...others: ReadonlyArray<Instant | null>): Instant {
  return others.reduce<Instant>((soonest, other) => (other === null ? soonest : earliest(soonest, other)), first);
}

export function nextDeadline(state: SessionState, policy: SessionPolicy): Instant | null {
  switch (state.status) {
    case 'active':
      return earliestOf(
        warningStart(state.session, policy),
        absoluteDeadline(state.session, policy),
        unansweredDeadline(state.session, policy),
      );
    case 'warning':
      return earliestOf(
        idleDeadline(state.session, policy),
        absoluteDeadline(state.session, policy),
        unansweredDeadline(state.session, policy),
      );
    case 'locked':
    case 'reauthenticating':
      return endDeadline(state, policy);
    case 'signed-out':
    case 'signing-in':
    case 'ended':
      return null;
  }
}
