/**
 * The audit lines: `createAudit` writes each event of the catalogue (audit-catalogue.ts) over a
 * logger, one group of helpers per subject (sign-in and the session, tokens and logout, drafts,
 * the workstation), with only the fields audit-fields.ts allows. The catalogue's names are
 * exported from here too, where callers have always found them.
 */
import { isShellError } from '../core/errors';
import type { ShellError } from '../core/errors';
import { auditEvents } from './audit-catalogue';
import type { Audit, AuditEvent } from './audit-catalogue';
import { failure, presenceFields } from './audit-fields';
import type { Logger } from './logger';
import type { RefreshOutcome } from './tokens/token-holder';

export { auditCategoryOf, auditEvents } from './audit-catalogue';
export type { Audit, AuditCategory, AuditEvent, PolicyLoadSummary } from './audit-catalogue';

/** What every group writes with: the audit child logger and its success and failure lines. */
interface Writer {
  readonly log: Logger;
  readonly ok: (event: AuditEvent, fields: Record<string, unknown>, message: string) => void;
  readonly failed: (event: AuditEvent, error: ShellError, fields?: Record<string, unknown>) => void;
}

/** The audit helpers over a logger; lines carry `audit: true` so they can be told from diagnostics. */
export function createAudit(logger: Logger): Audit {
  const log = logger.child({ audit: true });
  const w: Writer = {
    log,
    ok: (event, fields, message) => log.info({ event, outcome: 'success', ...fields }, message),
    failed: (event, error, fields = {}) =>
      // The message is the ShellError's own: whole sentences with no secrets in them, by contract.
      log.warn({ event, ...failure(error.code, error.cause), ...fields }, error.message),
  };
  return { ...sessionLines(w), ...tokenLines(w), ...draftLines(w), ...workstationLines(w) };
}

/** Sign-in, re-authentication and the session's life. */
function sessionLines({ log, ok, failed }: Writer) {
  return {
    signInStarted: ({ reauth }) => ok(auditEvents.signInStarted, { reauth }, 'The browser was opened for sign-in.'),
    signInSucceeded: ({ subject, aal, assurance }) =>
      ok(auditEvents.signInSucceeded, { subject, aal, assurance: assurance ?? 'unknown' }, 'A clinician signed in.'),
    signInFailed: (error, { reauth, subject, purpose }) =>
      failed(reauth ? auditEvents.reauthFailed : auditEvents.signInFailed, error, {
        ...(subject === undefined ? {} : { subject }),
        ...(purpose === undefined ? {} : { purpose }),
      }),
    reauthSucceeded: ({ subject, aal, assurance }) =>
      ok(
        auditEvents.reauthSucceeded,
        { subject, aal, assurance: assurance ?? 'unknown' },
        'The clinician authenticated again.',
      ),
    sessionRenewed: ({ subject, aal, assurance, purpose }) =>
      ok(
        auditEvents.sessionRenewed,
        { subject, aal, assurance: assurance ?? 'unknown', purpose },
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
  } satisfies Partial<Audit>;
}

/** Tokens, their revocation, and back-channel logout (and the relay that carries it). */
function tokenLines(w: Writer) {
  const { log, ok, failed } = w;
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
          // Another environment's (or registration's) relay: IT must see it even at LogLevel error.
          if (event.stopped === true)
            return log.error(
              {
                event: auditEvents.relayRefused,
                ...failure('CONFIG_INVALID', undefined),
                reason: event.reason,
                stopped: true,
              },
              'The logout relay (RelayUrl) serves another CIS2 issuer or client than this workstation (Issuer, ClientId), so the shell stopped using it until it restarts; CIS2 logouts reach this workstation only at its idle lock. Set RelayUrl to the relay for this environment.',
            );
          if (event.retryInMs !== undefined)
            return log.warn(
              { event: auditEvents.relayRefused, outcome: 'failure', reason: event.reason, retryInMs: event.retryInMs },
              'The logout relay could not follow this session yet; the workstation will ask it again.',
            );
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
    tokenRefreshed: (subject) => ok(auditEvents.refreshed, { subject }, 'The session renewed its tokens with CIS2.'),
    refreshOutcome: (outcome, subject) => refreshLine(w, outcome, subject === null ? {} : { subject }),
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
  } satisfies Partial<Audit>;
}

/** The clinicians' drafts. */
function draftLines({ log, ok }: Writer) {
  return {
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
  } satisfies Partial<Audit>;
}

/** The workstation: machine policy, the log folder, presence sources, and steps that failed. */
function workstationLines({ log, ok }: Writer) {
  return {
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
    environmentRefused: (settings) =>
      log.error(
        { event: auditEvents.environmentRefused, ...failure('CONFIG_INVALID', undefined), settings: [...settings] },
        'The shell did not start: a CIS2 Live issuer is configured beside development-only options.',
      ),
    logFolderUnavailable: (folder, cause) =>
      log.warn(
        { event: auditEvents.logFolderUnavailable, ...failure('LOG_FOLDER_UNAVAILABLE', cause), folder },
        `The log folder ${folder} could not be opened, so the log is written to standard error; ask IT to check the folder and its permissions.`,
      ),
    auditLinesDropped: (sink, count) =>
      log.warn(
        { event: auditEvents.auditLinesDropped, outcome: 'failure', sink, count },
        `${count} audit lines were dropped before they reached the ${sink} sink; the log files still hold them.`,
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
    secretStoreProblem: (kind, message) =>
      log.error(
        { event: auditEvents.secretStoreProblem, ...failure('KEYRING_UNAVAILABLE', undefined), problem: kind },
        message,
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
  } satisfies Partial<Audit>;
}

/**
 * A refresh that did not simply succeed. Only a refusal locks; an unanswered one says why with
 * its cause class and code (a TLS failure as an error line: it may be interception, for IT to
 * look into), and the recovery says how long CIS2 could not be reached.
 */
function refreshLine({ log, ok, failed }: Writer, outcome: RefreshOutcome, who: { subject?: string }): void {
  switch (outcome.kind) {
    case 'refused':
      return failed(auditEvents.refreshRefused, outcome.error, { ...who, refusal: outcome.refusal });
    case 'unanswered': {
      const fields = {
        event: auditEvents.refreshUnanswered,
        outcome: 'failure',
        ...who,
        causeClass: outcome.cause,
        ...(outcome.detail === null ? {} : { detail: outcome.detail }),
        attempt: outcome.attempt,
        unreachableForMs: outcome.unreachableForMs,
        retryInMs: outcome.retryInMs,
      };
      if (outcome.cause === 'tls')
        return log.error(
          fields,
          'CIS2 could not be reached because its certificate did not verify (interception or a misconfigured proxy?); nothing it sent was used. The session carries on and will try again.',
        );
      return log.warn(fields, 'CIS2 did not answer the session refresh; the session carries on and will try again.');
    }
    case 'recovered':
      return ok(
        auditEvents.refreshRecovered,
        { ...who, unreachableForMs: outcome.unreachableForMs, attempts: outcome.attempts },
        'CIS2 answered again and the session renewed its tokens.',
      );
  }
}
