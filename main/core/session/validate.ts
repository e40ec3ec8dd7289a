/**
 * Checks on what the service feeds the engine. A malformed event is a bug in the caller,
 * and a NaN time would silently make every deadline unreachable, so it throws instead.
 * Event types and their payloads come from the one table in vocabulary.ts (`sessionEvents`).
 */
import { isValidInstant } from '../clock';
import { ShellError } from '../errors';
import { isPresenceLossReason, isSessionEventType, sessionEvents } from './vocabulary';
import type { EventPayloads, PayloadKind, SessionEvent } from './vocabulary';
import type { SessionState, SessionStatus } from './types';

const statuses = {
  'signed-out': true,
  'signing-in': true,
  active: true,
  warning: true,
  locked: true,
  reauthenticating: true,
  ended: true,
} as const satisfies Record<SessionStatus, true>;

/** One check per payload kind; a new kind does not compile until it has one. */
const payloadChecks: { [K in PayloadKind]: (event: SessionEvent & EventPayloads[K]) => void } = {
  none: () => undefined,
  authenticated(event) {
    check(
      typeof event.subject === 'string' && event.subject !== '',
      `The "${event.type}" event has no subject; the ID token's sub claim must be passed on.`,
    );
    check(
      typeof event.sessionId === 'string',
      `The "${event.type}" event has no session id; pass the ID token's sid claim (an empty string if it had none).`,
    );
    check(
      Number.isFinite(event.authTime),
      `The "${event.type}" event has no valid authentication time; pass the ID token's auth_time times 1000.`,
    );
    check(
      event.authAgeMs === undefined || Number.isFinite(event.authAgeMs),
      `The "${event.type}" event has an authentication age that is not a number of milliseconds.`,
    );
    check(
      event.aal === 'AAL2' || event.aal === 'AAL3',
      `The "${event.type}" event has an assurance level other than AAL2 or AAL3; map unknown assurance to AAL3 before calling the engine.`,
    );
  },
  idleSeconds(event) {
    check(
      Number.isFinite(event.seconds) && event.seconds >= 0,
      'The OS idle sample must be zero or a positive number of seconds.',
    );
  },
  logoutClaims(event) {
    check(
      event.subject === undefined || typeof event.subject === 'string',
      'The back-channel logout event names a subject that is not a string.',
    );
    check(
      event.sessionId === undefined || typeof event.sessionId === 'string',
      'The back-channel logout event names a session id that is not a string.',
    );
    check(
      event.issuedAt === undefined || Number.isFinite(event.issuedAt),
      'The back-channel logout event has an issue time that is not a number of milliseconds.',
    );
  },
  presenceLoss(event) {
    check(
      isPresenceLossReason(event.reason),
      `The "${event.type}" event has a reason ${JSON.stringify(String(event.reason)).slice(0, 60)} that is not one of the presence losses the engine knows.`,
    );
  },
};

export function assertValidEvent(event: SessionEvent): void {
  const type: unknown = (event as { type?: unknown }).type;
  check(
    isSessionEventType(type),
    `The session engine was given an event of unknown type ${JSON.stringify(String(type)).slice(0, 60)}; only the documented events are accepted.`,
  );
  check(
    isValidInstant(event.at),
    `The "${event.type}" event has no valid time; both wall and monotonic readings must be finite numbers of milliseconds.`,
  );
  const kind: PayloadKind = sessionEvents[event.type];
  (payloadChecks[kind] as (e: SessionEvent) => void)(event);
}

export function assertValidState(state: SessionState): void {
  const status: unknown = (state as { status?: unknown }).status;
  check(
    typeof status === 'string' && Object.hasOwn(statuses, status),
    `The session engine was given a state it never produces (${JSON.stringify(String(status)).slice(0, 40)}); start from initialSessionState().`,
  );
}

/** The caller fed the engine something it never accepts: fail loudly rather than guess. */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ShellError('INTERNAL', `${message} This is a fault in the shell; please report it to IT.`);
}
