/** The session engine: a pure state machine for one workstation's clinician session. */
export { initialSessionState, transition } from './transition';
export { endReasons, lockReasons } from './reasons';
export { clinicianRequests, decideRequest, draftCustodian } from './requests';
export type { ClinicianRequest, RequestDecision } from './requests';
export { isSessionEventType, sessionEvents, sessionEventTypes } from './events';
export { absoluteDeadline, endDeadline, idleDeadline, nextDeadline, warningStart } from './deadlines';
export type {
  Effect,
  EffectType,
  EndReason,
  EventTypeOf,
  PayloadKind,
  LockReason,
  Session,
  SessionEvent,
  SessionEventType,
  SessionState,
  SessionStatus,
  StateWithSession,
  Transition,
} from './types';
export type { Instant } from '../clock';
