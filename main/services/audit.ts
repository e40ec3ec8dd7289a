/**
 * The audit catalogue: every event the shell records for IT, with a stable name, in one file.
 * Call sites use the typed helpers of `createAudit`, so an event name cannot be misspelt and a
 * field that could hold a secret cannot be added by accident. docs/audit-log.md describes each
 * event for the people who monitor ward PCs; change both together.
 *
 * Every failure line carries a stable `code` from the one error family (core/errors.ts) and the
 * `category` this file maps that code to, so monitoring can count login, refresh and downstream
 * failures apart without parsing messages.
 *
 * Who: the CIS2 subject id (`sub`). It names the clinician's account, not a secret (it cannot be
 * used to sign in or to open sealed drafts: those keys are in the OS credential store), and an
 * audit trail that cannot say whose session locked is no audit trail.
 */
import type { Aal } from '../core/assurance-level';
import type { DraftProblem } from '../core/drafts';
import type { PresenceStatus } from '../core/presence';
import { isShellError } from '../core/errors';
import type { ShellError, ShellErrorCode } from '../core/errors';
import type { EndReason, LockReason, WorkingReauthPurpose } from '../core/session';
import type { RelayEvent } from './relay-client/client';
import type { Logger } from './logger';

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
  SIGNIN_DISCOVERY_FAILED: 'downstream',
  SIGNIN_NETWORK: 'downstream',
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
  refreshFailed: 'token.refresh-failed',
  revocationFailed: 'token.revocation-failed',
  logoutAccepted: 'backchannel-logout.accepted',
  logoutRefused: 'backchannel-logout.refused',
  policyLoaded: 'policy.loaded',
  draftsSealed: 'drafts.sealed',
  draftsRestored: 'drafts.restored',
  draftsShredded: 'drafts.shredded',
  draftsStorageProblem: 'drafts.storage-problem',
  logFolderUnavailable: 'log.folder-unavailable',
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
  signInSucceeded(e: { subject: string; aal: Aal }): void;
  /** `subject` is the locked session's owner when this was an unlock attempt. */
  signInFailed(error: ShellError, e: { reauth: boolean; subject?: string; purpose?: WorkingReauthPurpose }): void;
  reauthSucceeded(e: { subject: string; aal: Aal }): void;
  /** The working clinician signed in again; the 12-hour clock restarted. */
  sessionRenewed(e: { subject: string; aal: Aal; purpose: WorkingReauthPurpose }): void;
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
  refreshFailed(error: ShellError, subject: string | null): void;
  revocationFailed(cause: unknown): void;
  logoutAccepted(e: { subject?: string; sessionId?: string }): void;
  logoutRefused(error: ShellError): void;
  policyLoaded(summary: PolicyLoadSummary): void;
  draftsSealed(subject: string, count: number): void;
  draftsRestored(subject: string, count: number): void;
  /** Sealed files are named by a keyed hash of the subject, so a sweep knows how many, not whose. */
  draftsShredded(clinicians: number): void;
  draftsStorageProblem(problem: DraftProblem): void;
  logFolderUnavailable(folder: string, cause: unknown): void;
  /** A step the shell carries out failed in a way no other event covers. */
  stepFailed(what: string, error: unknown): void;
  /** At each sign-in: which presence sources (core/presence.ts) are watching, and why the others are not. */
  presenceSources(subject: string, statuses: readonly PresenceStatus[]): void;
  /** A presence source went live or stopped watching (a bus lost, a reader unplugged). */
  presenceSourceChanged(status: PresenceStatus): void;
}

/** A presence status as the audit records it: names and fixed reason codes only. */
function presenceFields(status: PresenceStatus): Record<string, unknown> {
  return {
    source: status.source,
    state: status.state,
    ...(status.reason === undefined ? {} : { reason: status.reason }),
  };
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The library's own code for what went wrong underneath (openid-client's OAUTH_*, Node's ECONN*,
 * undici's UND_ERR_*), looked for a few causes deep; and the OAuth `error` the provider sent.
 * Both are fixed vocabularies, never values from the exchange.
 */
function underneath(cause: unknown): { cause?: string; oauthError?: string } {
  const out: { cause?: string; oauthError?: string } = {};
  let current = cause;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const { code, error } = current as { code?: unknown; error?: unknown };
    if (out.cause === undefined && typeof code === 'string' && UPPER_SNAKE.test(code) && !isShellError(current))
      out.cause = code;
    if (out.oauthError === undefined && typeof error === 'string' && /^[a-z_]{1,40}$/.test(error))
      out.oauthError = error;
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function failure(code: ShellErrorCode, cause: unknown): Record<string, unknown> {
  return { outcome: 'failure', code, category: auditCategoryOf[code], ...underneath(cause) };
}

/** The audit helpers over a logger; lines carry `audit: true` so they can be told from diagnostics. */
export function createAudit(logger: Logger): Audit {
  const log = logger.child({ audit: true });
  const ok = (event: AuditEvent, fields: Record<string, unknown>, message: string): void =>
    log.info({ event, outcome: 'success', ...fields }, message);
  const failed = (event: AuditEvent, error: ShellError, fields: Record<string, unknown> = {}): void =>
    // The message is the ShellError's own: whole sentences with no secrets in them, by contract.
    log.warn({ event, ...failure(error.code, error.cause), ...fields }, error.message);

  return {
    relay(event) {
      switch (event.kind) {
        case 'connected':
          return ok(auditEvents.relayConnected, {}, 'The workstation is connected to the logout relay.');
        case 'disconnected':
          return log.warn(
            { event: auditEvents.relayDisconnected, outcome: 'failure', retryInMs: event.retryInMs },
            'The workstation lost the logout relay and will connect again.',
          );
        case 'registered':
          return ok(
            auditEvents.relayRegistered,
            {},
            'The logout relay will tell this workstation when CIS2 ends the session.',
          );
        case 'refused':
          return log.warn(
            { event: auditEvents.relayRefused, outcome: 'failure', reason: event.reason },
            'The logout relay refused to follow this session; CIS2 logouts will reach it only at the idle lock.',
          );
        case 'protocol-error':
          return log.warn(
            { event: auditEvents.relayProtocolError, outcome: 'failure' },
            'The logout relay sent something the shell does not understand; it will connect again.',
          );
        case 'logout-heard':
          // The logout's own line (backchannel-logout.accepted or .refused) follows once it is checked.
          return;
      }
    },
    signInStarted: ({ reauth }) => ok(auditEvents.signInStarted, { reauth }, 'The browser was opened for sign-in.'),
    signInSucceeded: ({ subject, aal }) => ok(auditEvents.signInSucceeded, { subject, aal }, 'A clinician signed in.'),
    signInFailed: (error, { reauth, subject, purpose }) =>
      failed(reauth ? auditEvents.reauthFailed : auditEvents.signInFailed, error, {
        ...(subject === undefined ? {} : { subject }),
        ...(purpose === undefined ? {} : { purpose }),
      }),
    reauthSucceeded: ({ subject, aal }) =>
      ok(auditEvents.reauthSucceeded, { subject, aal }, 'The clinician authenticated again.'),
    sessionRenewed: ({ subject, aal, purpose }) =>
      ok(
        auditEvents.sessionRenewed,
        { subject, aal, purpose },
        'The clinician signed in again while working; the 12-hour limit now counts from this sign-in.',
      ),
    workingReauthRefused: ({ subject, purpose, why }) =>
      log.warn(
        { event: auditEvents.renewalRefused, outcome: 'failure', subject, purpose, why },
        'Signing in again while working was refused; the session carries on unchanged.',
      ),
    roleChanged: ({ subject, fromRoleId, toRoleId }) =>
      ok(
        auditEvents.roleChanged,
        { subject, fromRoleId, toRoleId },
        "The clinician changed role; the new role's authorisation replaced the previous one.",
      ),
    warningShown: ({ subject, secondsLeft }) =>
      ok(auditEvents.warningShown, { subject, secondsLeft }, 'The idle warning was shown.'),
    locked: (reason, subject) => ok(auditEvents.locked, { reason, subject }, 'The session was locked.'),
    unlocked: (subject) => ok(auditEvents.unlocked, { subject }, 'The session was unlocked by its clinician.'),
    signedOut: (subject) => ok(auditEvents.signedOut, { subject }, 'The clinician signed out.'),
    ended: (reason, subject) => ok(auditEvents.ended, { reason, subject }, 'The session ended.'),
    tokenRefreshed: (subject) => ok(auditEvents.refreshed, { subject }, 'The session renewed its tokens with CIS2.'),
    refreshFailed: (error, subject) => failed(auditEvents.refreshFailed, error, subject === null ? {} : { subject }),
    revocationFailed: (cause) =>
      log.warn(
        { event: auditEvents.revocationFailed, ...failure('TOKEN_REVOCATION_FAILED', cause) },
        'CIS2 could not be told to revoke the signed-out tokens; the local session had already ended.',
      ),
    logoutAccepted: ({ subject, sessionId }) =>
      ok(
        auditEvents.logoutAccepted,
        { ...(subject === undefined ? {} : { subject }), withSessionId: sessionId !== undefined },
        'CIS2 signed a clinician out (back-channel logout).',
      ),
    logoutRefused: (error) => failed(auditEvents.logoutRefused, error),
    policyLoaded: ({ sources, clamps, problems }) => {
      const fields = {
        event: auditEvents.policyLoaded,
        outcome: 'success',
        sources: [...sources],
        clamps: clamps.map(({ field, requested, applied, reason }) => ({ field, requested, applied, reason })),
        // Names only: a value that failed its check could be anything an admin typed.
        problems: problems.map(({ setting, source, reason }) => ({ setting, source, reason })),
        clampCount: clamps.length,
        problemCount: problems.length,
      };
      // A clamp or an ignored setting is something IT must see even with LogLevel at warn.
      if (clamps.length > 0 || problems.length > 0)
        log.warn(fields, 'The machine policy was loaded; some settings were clamped or ignored.');
      else log.info(fields, 'The machine policy was loaded.');
    },
    draftsSealed: (subject, count) =>
      ok(auditEvents.draftsSealed, { subject, count }, "The clinician's drafts were sealed."),
    draftsRestored: (subject, count) =>
      ok(auditEvents.draftsRestored, { subject, count }, "The clinician's drafts were given back to them."),
    draftsShredded: (clinicians) =>
      ok(auditEvents.draftsShredded, { clinicians }, 'Drafts past their retention were crypto-shredded.'),
    draftsStorageProblem: (problem) =>
      log.warn(
        {
          event: auditEvents.draftsStorageProblem,
          ...failure(problem.code, undefined),
          ...(problem.file === undefined ? {} : { file: problem.file }),
        },
        problem.message,
      ),
    logFolderUnavailable: (folder, cause) =>
      log.warn(
        { event: auditEvents.logFolderUnavailable, ...failure('LOG_FOLDER_UNAVAILABLE', cause), folder },
        `The log folder ${folder} could not be opened, so the log is written to standard error; ask IT to check the folder and its permissions.`,
      ),
    presenceSources: (subject, statuses) => {
      const live = statuses.filter((s) => s.state === 'live').map((s) => s.source);
      // A source that should be watching and is not is something IT must see even at warn.
      const missing = statuses.some((s) => s.state === 'unavailable');
      (missing ? log.warn.bind(log) : log.info.bind(log))(
        {
          event: auditEvents.presenceSources,
          outcome: missing ? 'failure' : 'success',
          subject,
          live,
          sources: statuses.map(presenceFields),
        },
        missing
          ? 'A clinician signed in; some of the ways this workstation sees them leave are not working.'
          : 'A clinician signed in; these are the ways this workstation sees them leave.',
      );
    },
    presenceSourceChanged: (status) =>
      status.state === 'live'
        ? ok(
            auditEvents.presenceSourceChanged,
            presenceFields(status),
            'A way of seeing the clinician leave is working.',
          )
        : log.warn(
            { event: auditEvents.presenceSourceChanged, outcome: 'failure', ...presenceFields(status) },
            'A way of seeing the clinician leave stopped working.',
          ),
    stepFailed: (what, error) => {
      const code = isShellError(error) ? error.code : 'INTERNAL';
      log.error(
        {
          event: auditEvents.stepFailed,
          what,
          err: error,
          ...failure(code, isShellError(error) ? error.cause : error),
        },
        'A session step failed.',
      );
    },
  };
}
