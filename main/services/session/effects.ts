/**
 * How each effect the engine asks for is carried out: one handler per effect type, and the
 * record is exhaustive, so a new effect does not compile until it has a handler here.
 */
import { roleChange } from '../../core/rbac';
import type { Effect } from '../../core/session';
import type { SessionContext } from './context';
import { wipeTokens } from './context';
import type { SignInAttempts } from './sign-in-attempts';
import type { ReachedAssurance } from '../../core/assurance-level';

type Handlers = {
  readonly [T in Effect['type']]: (effect: Extract<Effect, { type: T }>, owner: string | null) => void;
};

export function effectHandlers(
  ctx: SessionContext,
  attempts: SignInAttempts,
): (effect: Effect, owner: string | null) => void {
  const handlers: Handlers = { ...attemptHandlers(ctx, attempts), ...sessionHandlers(ctx), ...draftHandlers(ctx) };
  return (effect, owner) => (handlers[effect.type] as (e: Effect, o: string | null) => void)(effect, owner);
}

const started = (ctx: SessionContext, subject: string): void => {
  if (ctx.arriving?.subject === subject) ctx.identity = ctx.arriving;
  ctx.notice = null;
};

/**
 * The same clinician authenticated again (an unlock, or signing in again while working): the
 * role CIS2 says they selected this time is the one in force from now on (the identity shown,
 * and the tokens the sign-in service now holds, which replaced the previous role's). A change
 * of role is recorded with both role ids.
 */
const sameClinicianAgain = (ctx: SessionContext, subject: string): void => {
  const before = ctx.identity?.subject === subject ? ctx.identity.identity : null;
  started(ctx, subject);
  const after = ctx.identity?.subject === subject ? ctx.identity.identity : null;
  const change = before === null || after === null ? null : roleChange(before, after);
  if (change !== null) ctx.audit.roleChanged({ subject, fromRoleId: change.from, toRoleId: change.to });
};

/** What the authentication the engine just accepted reached, as the sign-in service proved it; never more. */
function reachedBy(ctx: SessionContext, subject: string): ReachedAssurance {
  const who = [ctx.arriving, ctx.identity].find((c) => c?.subject === subject);
  return who?.assurance ?? 'unknown';
}

/** The browser sign-ins: started, renewed or refused while working, and cancelled. */
function attemptHandlers(ctx: SessionContext, attempts: SignInAttempts) {
  const { audit } = ctx;
  return {
    startSignIn: () => attempts.start('sign-in'),
    startReauthentication: (effect) => attempts.start('unlock', effect.subject),
    startWorkingReauth: (effect) => attempts.start(effect.purpose, effect.subject),
    sessionRenewed(effect) {
      // The identity CIS2 just gave (a role chosen at this sign-in) is the one shown from now on.
      sameClinicianAgain(ctx, effect.subject);
      audit.sessionRenewed({
        subject: effect.subject,
        aal: effect.aal,
        assurance: reachedBy(ctx, effect.subject),
        purpose: effect.purpose,
      });
    },
    workingReauthRefused(effect) {
      audit.workingReauthRefused({ subject: effect.subject, purpose: effect.purpose, why: effect.why });
      ctx.notice = {
        code: effect.why,
        message:
          effect.why === 'different-user'
            ? 'Someone else signed in, so nothing has changed: this is still your session and your work is as you left it. To hand over, sign out first.'
            : 'That sign-in was too old to use, so nothing has changed and you can carry on working. Select "Sign in again now" to try again.',
      };
    },
    cancelAttempt: (effect, owner) => attempts.cancel(effect.purpose, effect.byClinician, owner),
  } satisfies Partial<Handlers>;
}

/** The session's life: started, resumed, warned, locked, its tokens cleared, ended. */
function sessionHandlers(ctx: SessionContext) {
  const { audit } = ctx;
  return {
    sessionStarted(effect) {
      started(ctx, effect.subject);
      audit.signInSucceeded({ subject: effect.subject, aal: effect.aal, assurance: reachedBy(ctx, effect.subject) });
    },
    sessionResumed(effect) {
      sameClinicianAgain(ctx, effect.subject);
      audit.reauthSucceeded({ subject: effect.subject, aal: effect.aal, assurance: reachedBy(ctx, effect.subject) });
      audit.unlocked(effect.subject);
    },
    showWarning(effect, owner) {
      if (owner !== null) audit.warningShown({ subject: owner, secondsLeft: effect.secondsLeft });
    },
    hideWarning: () => undefined,
    lock(effect, owner) {
      // Whatever a working re-authentication had to say is moot behind the lock screen.
      ctx.notice = null;
      if (owner !== null) audit.locked(effect.reason, owner);
    },
    clearTokens(effect) {
      // After a hand-over at the lock screen the holder already has the new clinician's
      // tokens; only the named clinician's are wiped.
      if (ctx.tokenOwner === null || ctx.tokenOwner === effect.subject) wipeTokens(ctx);
    },
    endSession(effect) {
      ctx.recentEnd = { subject: effect.subject, endedAt: ctx.time.now() };
      if (effect.reason === 'sign-out') audit.signedOut(effect.subject);
      audit.ended(effect.reason, effect.subject);
      if (ctx.identity?.subject === effect.subject) ctx.identity = null;
    },
  } satisfies Partial<Handlers>;
}

/** The clinician's drafts: sealed when their session goes, restored when it comes back. */
function draftHandlers(ctx: SessionContext) {
  const { audit, vault } = ctx;
  return {
    sealDraftsOf({ subject }) {
      ctx.track(
        vault.seal(subject).then((count) => audit.draftsSealed(subject, count)),
        'seal drafts',
      );
    },
    restoreDraftsOf({ subject }) {
      const restored = vault.restore(subject);
      ctx.restoring = restored.catch(() => undefined);
      ctx.track(
        restored.then((drafts) => audit.draftsRestored(subject, drafts.length)),
        'restore drafts',
      );
    },
  } satisfies Partial<Handlers>;
}
