/** The session engine: a pure state machine for one workstation's clinician session. */
export { initialSessionState, transition } from './transition';
export { clinicianRequests, decideRequest, draftCustodian, lastKeystrokesGraceMs } from './requests';
export type { ClinicianRequest, RecentEnd, RequestDecision } from './requests';
export {
  endReasons,
  isAbsence,
  isLockingEventType,
  isOsSignal,
  isSessionEventType,
  lockingEvents,
  lockReasonOf,
  lockReasons,
  osSignalEvent,
  osSignalEvents,
  osSignals,
  presenceLossReasons,
  sessionEvents,
  sessionEventTypes,
  workingReauthPurposes,
} from './vocabulary';
export type { OsSignal, SessionEventBody, WorkingReauthPurpose } from './vocabulary';
export {
  absoluteDeadline,
  absoluteWarningStart,
  endDeadline,
  idleDeadline,
  nextDeadline,
  sessionEndingSoon,
  warningStart,
} from './deadlines';
export { attemptOf } from './working-reauth';
export type {
  AttemptPurpose,
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
  WorkingReauth,
} from './types';
export type { Instant } from '../clock';
