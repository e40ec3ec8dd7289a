/**
 * The sign-in and unlock attempts: each opens the system browser through the sign-in service
 * and feeds its outcome back to the engine as one event. Only the latest attempt counts; the
 * engine decides when one starts, is retried or is abandoned (core/session/per-state.ts).
 */
import { ShellError } from '../../core/errors';
import type { SessionPolicy } from '../../core/policy';
import type { AttemptPurpose, EventTypeOf, WorkingReauthPurpose } from '../../core/session';
import type { Notice } from '../../../preload/contract';
import type { SignInOutcome } from '../oidc';
import { notAskedAgain } from '../oidc/verify-session';
import type { TimeSource } from '../time';
import type { SessionContext } from './context';
import { wipeTokens } from './context';

export type Purpose = AttemptPurpose;

/** The events each kind of attempt reports its outcome with; every working re-authentication shares one set. */
const outcomeEvents = {
  'sign-in': { succeeded: 'signInSucceeded', failed: 'signInFailed', cancelled: 'signInCancelled' },
  unlock: { succeeded: 'reauthSucceeded', failed: 'reauthFailed', cancelled: 'reauthCancelled' },
  working: { succeeded: 'workingReauthSucceeded', failed: 'workingReauthFailed', cancelled: 'workingReauthCancelled' },
} as const satisfies Record<
  string,
  { succeeded: EventTypeOf<'authenticated'>; failed: EventTypeOf<'none'>; cancelled: EventTypeOf<'none'> }
>;

/** Attempts made while the clinician keeps working (renew, …): their session stays on screen throughout. */
function whileWorking(purpose: Purpose): purpose is WorkingReauthPurpose {
  return purpose !== 'sign-in' && purpose !== 'unlock';
}

/**
 * Why signing in again while working changed nothing. The clinician is still signed in, so the
 * sign-in errors' own words ("you have not been signed in") would alarm rather than help.
 */
export function workingNotice(error: ShellError, purpose: WorkingReauthPurpose = 'renew'): Notice {
  return {
    ...noticeFor(error),
    message:
      purpose === 'role-change'
        ? 'Your role was not changed, so you can carry on working in your current role. Select "Change role" to try again.'
        : 'Signing in again did not finish, so nothing has changed and you can carry on working. Select "Sign in again now" to try again before your session ends.',
  };
}

export interface SignInAttempts {
  start(purpose: Purpose, subject?: string): void;
  /** The engine left the state that started the attempt: its result must never apply. */
  cancel(purpose: Purpose, byClinician: boolean, subject: string | null): void;
}

export interface AttemptDeps {
  readonly time: TimeSource;
  /** The wall clock the sign-in service checked auth_time against. */
  readonly signInClock: () => number;
  readonly rereadPolicy?: () => Promise<SessionPolicy | null>;
}

/**
 * An unlock CIS2 answered on an earlier authentication (Identity Agent's session, the card left in
 * the reader): what the clinician does about it, in their words.
 */
const unlockNotAskedAgain =
  'NHS Care Identity did not ask for your PIN, so this workstation is still locked. Remove your smartcard, put it back, enter your PIN, then select Unlock.';

/** The clinician stopped the sign-in (the shell's Cancel, or the attempt was closed unfinished). */
const cancelled = (): ShellError =>
  new ShellError('SIGNIN_CANCELLED', 'Sign-in was cancelled before it finished. Select Sign in to try again.');

/**
 * What the clinician is told about a failed attempt: its ShellErrorCode as it is (renderer/words.ts
 * has words for every code) and its whole sentence.
 */
export function noticeFor(error: ShellError): Notice {
  return { code: error.code, message: error.message.slice(0, 500) };
}

/** IT's policy, read again while the clinician is in the browser; `done` once the read has settled. */
interface PolicyReread {
  readonly done: boolean;
  readonly policy: SessionPolicy | null;
  readonly arrival: Promise<SessionPolicy | null> | undefined;
}

/**
 * Starts reading the machine policy again. Never waited on: a slow or hung read must not hold an
 * unlock (or the tokens it brought) in the air; it applies when it arrives.
 */
function rereadPolicy(ctx: SessionContext, deps: AttemptDeps): PolicyReread {
  const read: { done: boolean; policy: SessionPolicy | null; arrival: PolicyReread['arrival'] } = {
    done: false,
    policy: null,
    arrival: undefined,
  };
  const arrived = (policy: SessionPolicy | null): SessionPolicy | null => {
    read.done = true;
    read.policy = policy;
    return policy;
  };
  read.arrival = deps.rereadPolicy?.().then(arrived, (error: unknown) => {
    ctx.audit.stepFailed('read the machine policy again', error);
    return arrived(null);
  });
  return read;
}

/** The attempt ended without a session; recorded before the engine moves on. */
function recordFailure(
  ctx: SessionContext,
  purpose: Purpose,
  error: ShellError,
  subject: string | null = ctx.loop.owner(),
): void {
  const reauth = purpose !== 'sign-in';
  ctx.audit.signInFailed(
    error,
    reauth && subject !== null ? { reauth, subject, ...(whileWorking(purpose) ? { purpose } : {}) } : { reauth },
  );
}

/** Feeds an attempt's outcome to the engine as one event. */
function settle(ctx: SessionContext, deps: AttemptDeps, purpose: Purpose, outcome: SignInOutcome): void {
  const { loop } = ctx;
  const events = outcomeEvents[whileWorking(purpose) ? 'working' : purpose];
  if (outcome.kind === 'cancelled') {
    recordFailure(ctx, purpose, cancelled());
    return loop.apply({ type: events.cancelled });
  }
  if (outcome.kind === 'failed') {
    recordFailure(ctx, purpose, outcome.error);
    ctx.notice = whileWorking(purpose)
      ? workingNotice(outcome.error, purpose)
      : purpose === 'unlock' && outcome.error.cause === notAskedAgain
        ? { code: outcome.error.code, message: unlockNotAskedAgain }
        : noticeFor(outcome.error);
    return loop.apply({ type: events.failed });
  }
  const s = outcome.session;
  const at = deps.time.now();
  // The authentication's age by the clock that validated it: the engine places it on the
  // session clock (so a harness whose session clock is virtual still counts real hours), and
  // keeps auth_time itself to compare with logout tokens' iat, on the provider's clock.
  const age = Math.max(0, deps.signInClock() - s.authTime);
  // Someone else signing in while the clinician works: the sign-in service kept none of their
  // tokens (sameSubjectOnly), so the working clinician's stay theirs; the engine refuses it.
  const stranger = whileWorking(purpose) && outcome.kind === 'different-user';
  ctx.arriving = { subject: s.subject, identity: s.identity, assurance: s.assurance };
  if (!stranger) ctx.tokenOwner = s.subject;
  loop.apply(
    {
      type: events.succeeded,
      subject: s.subject,
      sessionId: s.sessionId ?? '',
      authTime: s.authTime,
      authAgeMs: age,
      aal: s.aal,
    },
    at,
  );
  ctx.arriving = null;
  // The engine refused it (too old, or the clinician moved on meanwhile): drop its tokens.
  if (!stranger && loop.working() !== s.subject) wipeTokens(ctx);
}

export function signInAttempts(ctx: SessionContext, deps: AttemptDeps): SignInAttempts {
  const { loop, signIn, audit } = ctx;
  let attempt = 0;

  function start(purpose: Purpose, subject?: string): void {
    const id = ++attempt;
    ctx.notice = null;
    const read = rereadPolicy(ctx, deps);
    // Not tracked by settled(): a sign-in waits on a person in the browser, for minutes.
    // While working, another person's sign-in never replaces the working clinician's tokens.
    void signIn
      .signIn(
        subject === undefined
          ? {}
          : { reauthenticateSubject: subject, ...(whileWorking(purpose) ? { sameSubjectOnly: true } : {}) },
      )
      .then((outcome) => {
        if (id !== attempt) return;
        const before = loop.owner();
        // Only an authentication the engine accepted brings IT's re-read policy: a new session
        // takes it as read; an unlock by the same clinician only what it tightens.
        const adopt = (next: SessionPolicy | null): void => {
          if (next === null || id !== attempt || !('session' in outcome) || loop.working() !== outcome.session.subject)
            return;
          loop.adoptPolicy(
            next,
            purpose !== 'sign-in' && before === outcome.session.subject ? 'same-session' : 'new-session',
          );
        };
        // The read has nearly always arrived by now: the session and its policy show together.
        loop.batch(() => {
          settle(ctx, deps, purpose, outcome);
          if (read.done) adopt(read.policy);
        });
        if (!read.done) void read.arrival?.then(adopt);
      })
      .catch((error: unknown) => audit.stepFailed('sign in', error));
  }

  return {
    start,
    cancel(purpose, byClinician, subject) {
      attempt += 1;
      signIn.cancel();
      if (!byClinician) return;
      // Tokens a cancelled sign-in may have brought go with it; an unlock's clinician keeps theirs.
      if (purpose === 'sign-in') wipeTokens(ctx);
      recordFailure(ctx, purpose, cancelled(), subject);
    },
  };
}
