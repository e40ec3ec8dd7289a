/**
 * The audit catalogue: every event the shell records for IT, with a stable name, in one file.
 * Call sites use the typed helpers of `Audit` (written by audit.ts's `createAudit`, with only the
 * fields audit-fields.ts allows), so an event name cannot be misspelt and a field that could hold
 * a secret cannot be added by accident. docs/audit-log.md describes each event for the people
 * who monitor ward PCs; change both together.
 *
 * Every failure line carries a stable `code` from the one error family (core/errors.ts) and the
 * `category` this file maps that code to, so monitoring can count login, refresh and downstream
 * failures apart without parsing messages.
 *
 * Who: the CIS2 subject id (`sub`). It names the clinician's account, not a secret (it cannot be
 * used to sign in or to open sealed drafts: those keys are in the OS credential store), and an
 * audit trail that cannot say whose session locked is no audit trail.
 */
import type { Aal, ReachedAssurance } from '../core/assurance-level';
import type { DraftProblem } from '../core/drafts';
import type { PresenceStatus } from '../core/presence';
import type { ShellError, ShellErrorCode } from '../core/errors';
import type { EndReason, LockReason, WorkingReauthPurpose } from '../core/session';
import type { RelayEvent } from './relay-client/client';
import type { RefreshOutcome } from './tokens/token-holder';

/** What failed, as monitoring groups it. */
export type AuditCategory =
  /** The clinician's sign-in or re-authentication did not complete (cancelled, refused, failed its checks). */
  | 'login'
  /** A signed-in session could not renew its tokens. */
  | 'refresh'
  /** Something the shell depends on failed: CIS2 discovery or network, revocation, the browser, the credential store, the disk. */
  | 'downstream'
  /** A back-channel logout token failed its checks. */
  | 'logout'
  | 'config'
  | 'internal';

/** Every code has a category: a new ShellErrorCode does not compile until it is placed here. */
export const auditCategoryOf: Readonly<Record<ShellErrorCode, AuditCategory>> = {
  SIGNIN_CANCELLED: 'login',
  SIGNIN_TIMEOUT: 'login',
  SIGNIN_ACCESS_DENIED: 'login',
  SIGNIN_LOGIN_REQUIRED: 'login',
  SIGNIN_PROVIDER_ERROR: 'login',
  SIGNIN_TOKEN_REJECTED: 'login',
  SIGNIN_AUTH_TIME_STALE: 'login',
  SIGNIN_AUTH_TIME_MISSING: 'login',
  SIGNIN_USERINFO_MISMATCH: 'login',
  SIGNIN_ASSURANCE_TOO_LOW: 'login',
  SIGNIN_DISCOVERY_FAILED: 'downstream',
  SIGNIN_NETWORK: 'downstream',
  // The proxy wants a user name and password the shell never asks for (docs/deploy.md, "Proxy").
  SIGNIN_PROXY_AUTH: 'downstream',
  SIGNIN_BROWSER_FAILED: 'downstream',
  SIGNIN_CLIENT_KEY_MISSING: 'downstream',
  TOKEN_REFRESH_FAILED: 'refresh',
  TOKEN_SIGNED_OUT: 'refresh',
  TOKEN_REVOCATION_FAILED: 'downstream',
  CONFIG_INVALID: 'config',
  KEYRING_UNAVAILABLE: 'downstream',
  STORAGE_FAILED: 'downstream',
  LOG_FOLDER_UNAVAILABLE: 'downstream',
  DRAFTS_FILE_TORN: 'downstream',
  DRAFTS_FILE_TAMPERED: 'downstream',
  DRAFTS_LIMIT_REACHED: 'downstream',
  LOGOUT_TOKEN_MALFORMED: 'logout',
  LOGOUT_TOKEN_ALG_REFUSED: 'logout',
  LOGOUT_TOKEN_SIGNATURE_INVALID: 'logout',
  // The token may be fine; CIS2's keys could not be fetched to check it.
  LOGOUT_TOKEN_KEYS_UNAVAILABLE: 'downstream',
  LOGOUT_TOKEN_ISSUER_MISMATCH: 'logout',
  LOGOUT_TOKEN_AUDIENCE_MISMATCH: 'logout',
  LOGOUT_TOKEN_IAT_MISSING: 'logout',
  LOGOUT_TOKEN_ISSUED_IN_FUTURE: 'logout',
  LOGOUT_TOKEN_TOO_OLD: 'logout',
  LOGOUT_TOKEN_EXPIRED: 'logout',
  LOGOUT_TOKEN_EVENTS_MISSING: 'logout',
  LOGOUT_TOKEN_NOT_LOGOUT_EVENT: 'logout',
  LOGOUT_TOKEN_NONCE_PRESENT: 'logout',
  LOGOUT_TOKEN_SUBJECT_MISSING: 'logout',
  LOGOUT_TOKEN_JTI_MISSING: 'logout',
  LOGOUT_TOKEN_REPLAYED: 'logout',
  IPC_INVALID: 'internal',
  // A clinician's request the session's state does not allow: refused, never a failure.
  SESSION_NOT_ACTIVE: 'internal',
  SESSION_WRONG_STATE: 'internal',
  INTERNAL: 'internal',
};

/** The stable event names. Never rename one: monitoring rules match on them. */
export const auditEvents = {
  signInStarted: 'signin.started',
  signInSucceeded: 'signin.succeeded',
  signInFailed: 'signin.failed',
  reauthSucceeded: 'reauth.succeeded',
  reauthFailed: 'reauth.failed',
  warningShown: 'idle.warning-shown',
  locked: 'session.locked',
  unlocked: 'session.unlocked',
  signedOut: 'signout',
  ended: 'session.ended',
  sessionRenewed: 'session.renewed',
  renewalRefused: 'session.renewal-refused',
  roleChanged: 'role.changed',
  refreshed: 'token.refreshed',
  /** CIS2 refused a refresh (the session locks). The name predates the unanswered kind and is kept. */
  refreshRefused: 'token.refresh-failed',
  refreshUnanswered: 'token.refresh-unanswered',
  refreshRecovered: 'token.refresh-recovered',
  revocationFailed: 'token.revocation-failed',
  logoutAccepted: 'backchannel-logout.accepted',
  logoutRefused: 'backchannel-logout.refused',
  policyLoaded: 'policy.loaded',
  environmentRefused: 'shell.environment-refused',
  draftsSealed: 'drafts.sealed',
  draftsRestored: 'drafts.restored',
  draftsShredded: 'drafts.shredded',
  draftsStorageProblem: 'drafts.storage-problem',
  logFolderUnavailable: 'log.folder-unavailable',
  auditLinesDropped: 'audit.lines-dropped',
  secretStoreProblem: 'secrets.store-problem',
  stepFailed: 'shell.step-failed',
  relayConnected: 'relay.connected',
  relayDisconnected: 'relay.disconnected',
  relayRegistered: 'relay.registered',
  relayRefused: 'relay.refused',
  relayProtocolError: 'relay.protocol-error',
  presenceSources: 'presence.sources',
  presenceSourceChanged: 'presence.source-changed',
} as const;

export type AuditEvent = (typeof auditEvents)[keyof typeof auditEvents];

/** What policy.loaded records: where settings came from, what was clamped, what was ignored (by name). */
export interface PolicyLoadSummary {
  readonly sources: readonly string[];
  readonly clamps: readonly { field: string; requested: number; applied: number; reason: string }[];
  readonly problems: readonly { setting: string; source: string; reason: string }[];
}

export interface Audit {
  /** The workstation channel to the back-channel logout relay changed state (no token, no subject). */
  relay(event: RelayEvent): void;
  signInStarted(e: { reauth: boolean }): void;
  /**
   * `aal` is the idle-limit class the session runs under (AAL3 for anything not proven AAL2), not
   * what the sign-in reached; `assurance` is what it reached (core/aal-mapping.ts), given by the
   * caller or else the one the sign-in service noted for this subject (audit.ts).
   */
  signInSucceeded(e: { subject: string; aal: Aal; assurance?: ReachedAssurance }): void;
  /** `subject` is the locked session's owner when this was an unlock attempt. */
  signInFailed(error: ShellError, e: { reauth: boolean; subject?: string; purpose?: WorkingReauthPurpose }): void;
  reauthSucceeded(e: { subject: string; aal: Aal; assurance?: ReachedAssurance }): void;
  /** The working clinician signed in again; the 12-hour clock restarted. */
  sessionRenewed(e: { subject: string; aal: Aal; assurance?: ReachedAssurance; purpose: WorkingReauthPurpose }): void;
  /** Signing in again while working changed nothing: `why` someone else, or a stale sign-in. */
  workingReauthRefused(e: {
    subject: string;
    purpose: WorkingReauthPurpose;
    why: 'different-user' | 'past-limit';
  }): void;
  /**
   * The same clinician authenticated again with another role selected (Change role, or a
   * different role chosen at an unlock). Role ids are CIS2's `person_roleid`, not secrets.
   */
  roleChanged(e: { subject: string; fromRoleId: string | null; toRoleId: string | null }): void;
  warningShown(e: { subject: string; secondsLeft: number }): void;
  locked(reason: LockReason, subject: string): void;
  unlocked(subject: string): void;
  signedOut(subject: string): void;
  ended(reason: EndReason, subject: string): void;
  tokenRefreshed(subject: string): void;
  /**
   * A refresh that did not simply succeed: refused (token.refresh-failed), unanswered with its
   * cause class (token.refresh-unanswered), or answered again after an outage, with how long
   * CIS2 could not be reached (token.refresh-recovered).
   */
  refreshOutcome(outcome: RefreshOutcome, subject: string | null): void;
  revocationFailed(cause: unknown): void;
  logoutAccepted(e: { subject?: string; sessionId?: string }): void;
  logoutRefused(error: ShellError): void;
  policyLoaded(summary: PolicyLoadSummary): void;
  /**
   * The shell did not start: a CIS2 Live issuer beside development-only options, each named
   * (core/environment.ts; never a value).
   */
  environmentRefused(settings: readonly string[]): void;
  draftsSealed(subject: string, count: number): void;
  draftsRestored(subject: string, count: number): void;
  /** Sealed files are named by a keyed hash of the subject, so a sweep knows how many, not whose. */
  draftsShredded(clinicians: number): void;
  draftsStorageProblem(problem: DraftProblem): void;
  logFolderUnavailable(folder: string, cause: unknown): void;
  /** A sink (the syslog collector) lost `count` audit lines while it could not be reached; said once it is back. */
  auditLinesDropped(sink: 'syslog' | 'journald' | 'eventlog', count: number): void;
  /**
   * The local secret store (Windows) will not be used, or holds secrets that do not open:
   * `key-mismatch` (its KEK opens none of them), `rolled-back` (its folder was put back from the
   * past), `entries-damaged` (some do not open). `message` is a fixed sentence with counts only.
   */
  secretStoreProblem(kind: 'key-mismatch' | 'entries-damaged' | 'rolled-back', message: string): void;
  /** A step the shell carries out failed in a way no other event covers. */
  stepFailed(what: string, error: unknown): void;
  /** At each sign-in: which presence sources (core/presence.ts) are watching, and why the others are not. */
  presenceSources(subject: string, statuses: readonly PresenceStatus[]): void;
  /** A presence source went live or stopped watching (a bus lost, a reader unplugged). */
  presenceSourceChanged(status: PresenceStatus): void;
}
