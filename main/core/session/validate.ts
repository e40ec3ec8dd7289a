/**
 * Checks on what the service feeds the engine. A malformed event is a bug in the caller,
 * and a NaN time would silently make every deadline unreachable, so it throws instead.
 */
import { isValidInstant } from '../clock';
import { ShellError } from '../errors';
import type { SessionEvent, SessionState } from './types';

const EVENT_TYPES: ReadonlySet<string> = new Set<SessionEvent['type']>([
  'signInStarted', 'signInSucceeded', 'signInFailed', 'signInCancelled', 'activity', 'osIdleSample',
  'osLocked', 'osUnlocked', 'suspend', 'resume', 'userSwitchedAway', 'userSwitchedBack', 'shutdown',
  'signOut', 'lockRequested', 'backchannelLogout', 'refreshFailed', 'reauthStarted', 'reauthSucceeded',
  'reauthFailed', 'reauthCancelled', 'tick',
]);

const STATUSES: ReadonlySet<string> = new Set<SessionState['status']>([
  'signed-out', 'signing-in', 'active', 'warning', 'locked', 'reauthenticating', 'ended',
]);

export function assertValidEvent(event: SessionEvent): void {
  const type: unknown = (event as { type?: unknown }).type;
  check(typeof type === 'string' && EVENT_TYPES.has(type), `The session engine was given an event of unknown type ${JSON.stringify(String(type)).slice(0, 60)}; only the documented events are accepted.`);
  check(isValidInstant(event.at), `The "${event.type}" event has no valid time; both wall and monotonic readings must be finite numbers of milliseconds.`);
  switch (event.type) {
    case 'signInSucceeded':
    case 'reauthSucceeded':
      check(typeof event.subject === 'string' && event.subject.length > 0, `The "${event.type}" event has no subject; the ID token's sub claim must be passed on.`);
      check(typeof event.sessionId === 'string', `The "${event.type}" event has no session id; pass the ID token's sid claim (an empty string if it had none).`);
      check(Number.isFinite(event.authTime), `The "${event.type}" event has no valid authentication time; pass the ID token's auth_time times 1000.`);
      check(event.aal === 'AAL2' || event.aal === 'AAL3', `The "${event.type}" event has an assurance level other than AAL2 or AAL3; map unknown assurance to AAL3 before calling the engine.`);
      return;
    case 'osIdleSample':
      check(Number.isFinite(event.seconds) && event.seconds >= 0, 'The OS idle sample must be zero or a positive number of seconds.');
      return;
    default:
      return;
  }
}

export function assertValidState(state: SessionState): void {
  const status: unknown = (state as { status?: unknown }).status;
  check(typeof status === 'string' && STATUSES.has(status), `The session engine was given a state it never produces (${JSON.stringify(String(status)).slice(0, 40)}); start from initialSessionState().`);
}

/** The caller fed the engine something it never accepts: fail loudly (STYLE.md §8). */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ShellError('INTERNAL', `${message} This is a fault in the shell; please report it to IT.`);
}
