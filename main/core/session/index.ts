/** The session engine: a pure state machine for one workstation's clinician session. */
export { initialSessionState, transition } from './transition';
export { clinicianRequests, decideRequest, draftCustodian, lastKeystrokesGraceMs } from './requests';
export type { ClinicianRequest, RecentEnd, RequestDecision } from './requests';
export { endReasons, isOsSignal, isSessionEventType, lockReasons, osSignalEvents, osSignals, sessionEvents, sessionEventTypes } from './vocabulary';
export type { OsSignal } from './vocabulary';
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
