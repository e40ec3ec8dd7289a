/**
 * The shell's main-process service: it runs the session engine against real time, carries
 * out the engine's effects (browser sign-in, token wipe, draft custody), and offers the
 * renderer the ShellBackend of preload/contract.ts.
 *
 * One deadline timer, re-armed from nextDeadline() after every transition; one heartbeat a
 * second while a session exists, to re-send the countdown and keep tokens fresh. Everything
 * the outside world says (OS events, sign-in outcomes, renderer requests) becomes an engine
 * event here, so the engine alone decides what the clinician may see.
 */
import { msUntil } from '../../core/clock';
import type { Instant } from '../../core/clock';
import { ShellError } from '../../core/errors';
import type { OsCapabilities, OsEvents } from '../../core/os-signals';
import type { SessionPolicy } from '../../core/policy';
import type { ClinicianIdentity } from '../../core/rbac';
import { initialSessionState, nextDeadline, transition } from '../../core/session';
import type { Effect, SessionEvent, SessionState } from '../../core/session';
import { transportErrorCodes } from '../../../preload/contract';
import type { Draft, Notice, Result, SessionView, ShellBackend } from '../../../preload/contract';
import { createAudit } from '../audit';
import type { SignInOutcome } from '../oidc';
import type { Cancel } from '../time';
import type { SessionService, SessionServiceDeps } from './types';
import { sessionView } from './view';

export type { SessionService, SessionServiceDeps } from './types';

type Purpose = 'sign-in' | 'unlock';
type EventBody = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'at'> : never) : never;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const refused = (code: string): Result<never> => ({ ok: false, code });

/** The clinician stopped the sign-in (the shell's Cancel, or the attempt was closed unfinished). */
const cancelled = (): ShellError => new ShellError('SIGNIN_CANCELLED', 'Sign-in was cancelled before it finished. Select Sign in to try again.');

export function noticeFor(error: ShellError): Notice {
  return { code: error.code.toLowerCase().replace(/_/g, '-').slice(0, 64), message: error.message.slice(0, 500) };
}

export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { time, signIn, vault, logger } = deps;
  let policy = deps.policy;
  const audit = createAudit(logger);
  const signInClock = deps.signInClock ?? (() => time.now().wall);
  const keepAliveTicks = Math.max(1, Math.round((deps.keepAliveMs ?? 60_000) / 1000));
  let capabilities: OsCapabilities = deps.capabilities ?? { osIdle: 'reliable', lockSignal: true };

  let state: SessionState = initialSessionState();
  let identity: { subject: string; identity: ClinicianIdentity } | null = null;
  let arriving: { subject: string; identity: ClinicianIdentity } | null = null;
  /** Whose tokens the holder has now (after a hand-over at the lock screen, the newcomer's). */
  let tokenOwner: string | null = null;
  let notice: Notice | null = null;
  let attempt = 0;
  let deadline: Cancel | null = null;
  let heartbeat: Cancel | null = null;
  let beats = 0;
  let restoring: Promise<unknown> = Promise.resolve();
  const inflight = new Set<Promise<unknown>>();
  const listeners = new Set<(view: SessionView) => void>();
  let lastSent = '';

  const session = (): { subject: string } | null =>
    state.status === 'active' || state.status === 'warning' || state.status === 'locked' || state.status === 'reauthenticating' ? state.session : null;
  const working = (): string | null => (state.status === 'active' || state.status === 'warning' ? state.session.subject : null);

  function track(task: Promise<unknown>, what: string): void {
    const guarded = task.catch((error: unknown) => audit.stepFailed(what, error));
    inflight.add(guarded);
    void guarded.finally(() => inflight.delete(guarded));
  }

  function apply(body: EventBody, at: Instant = time.now()): void {
    const result = transition(state, { ...body, at } as SessionEvent, policy);
    const before = state.status;
    // Whose session a lock or warning is about: the one that existed when the event arrived.
    const owner = session()?.subject ?? null;
    state = result.state;
    for (const effect of result.effects) carryOut(effect, owner);
    if (before !== state.status) logger.debug({ event: 'session.state', from: before, to: state.status, cause: body.type }, 'Session state changed.');
    rearm();
    publish();
  }

  function carryOut(effect: Effect, owner: string | null): void {
    switch (effect.type) {
      case 'startSignIn':
        return runSignIn('sign-in');
      case 'startReauthentication':
        return runSignIn('unlock', effect.subject);
      case 'sessionStarted':
      case 'sessionResumed':
        if (arriving?.subject === effect.subject) identity = arriving;
        notice = null;
        if (effect.type === 'sessionStarted') return audit.signInSucceeded({ subject: effect.subject, aal: effect.aal });
        audit.reauthSucceeded({ subject: effect.subject, aal: effect.aal });
        return audit.unlocked(effect.subject);
      case 'showWarning':
        if (owner !== null) audit.warningShown({ subject: owner, secondsLeft: effect.secondsLeft });
        return;
      case 'hideWarning':
        return;
      case 'lock':
        if (owner !== null) audit.locked(effect.reason, owner);
        return;
      case 'clearTokens':
        // After a hand-over at the lock screen the holder already has the new clinician's
        // tokens; only the named clinician's are wiped.
        if (tokenOwner === null || tokenOwner === effect.subject) wipeTokens();
        return;
      case 'endSession':
        if (effect.reason === 'sign-out') audit.signedOut(effect.subject);
        audit.ended(effect.reason, effect.subject);
        if (identity?.subject === effect.subject) identity = null;
        return;
      case 'sealDraftsOf': {
        const { subject } = effect;
        return track(vault.seal(subject).then((count) => audit.draftsSealed(subject, count)), 'seal drafts');
      }
      case 'restoreDraftsOf': {
        const { subject } = effect;
        const restored = vault.restore(subject);
        restoring = restored.catch(() => undefined);
        return track(restored.then((drafts) => audit.draftsRestored(subject, drafts.length)), 'restore drafts');
      }
    }
  }

  function runSignIn(purpose: Purpose, subject?: string): void {
    const id = ++attempt;
    notice = null;
    // Read while the clinician is in the browser. Never waited on: a slow or hung read must not
    // hold an unlock (or the tokens it brought) in the air; it applies when it arrives.
    const reread = deps.rereadPolicy?.().catch((error: unknown) => {
      audit.stepFailed('read the machine policy again', error);
      return null;
    });
    // Not tracked by settled(): a sign-in waits on a person in the browser, for minutes.
    void signIn
      .signIn(subject === undefined ? {} : { reauthenticateSubject: subject })
      .then((outcome) => {
        if (id !== attempt) return;
        settleSignIn(purpose, outcome);
        if ('session' in outcome) void reread?.then((next) => next && id === attempt && adoptPolicy(next));
      })
      .catch((error: unknown) => audit.stepFailed('sign in', error));
  }

  /** IT's re-read limits, from now on: a deadline they have already passed falls due at once. */
  function adoptPolicy(next: SessionPolicy): void {
    policy = next;
    apply({ type: 'tick' });
  }

  /** The sign-in or unlock attempt ended without a session; recorded before the engine moves on. */
  function attemptFailed(purpose: Purpose, error: ShellError): void {
    const subject = purpose === 'unlock' ? session()?.subject : undefined;
    audit.signInFailed(error, subject === undefined ? { reauth: purpose === 'unlock' } : { reauth: true, subject });
  }

  function settleSignIn(purpose: Purpose, outcome: SignInOutcome): void {
    if (outcome.kind === 'cancelled') {
      attemptFailed(purpose, cancelled());
      return apply({ type: purpose === 'unlock' ? 'reauthCancelled' : 'signInCancelled' });
    }
    if (outcome.kind === 'failed') {
      attemptFailed(purpose, outcome.error);
      notice = noticeFor(outcome.error);
      return apply({ type: purpose === 'unlock' ? 'reauthFailed' : 'signInFailed' });
    }
    const s = outcome.session;
    const at = time.now();
    // The authentication's age by the clock that validated it, placed on the session clock.
    const age = Math.max(0, signInClock() - s.authTime);
    arriving = { subject: s.subject, identity: s.identity };
    tokenOwner = s.subject;
    apply(
      { type: purpose === 'unlock' ? 'reauthSucceeded' : 'signInSucceeded', subject: s.subject, sessionId: s.sessionId ?? '', authTime: at.wall - age, aal: s.aal },
      at,
    );
    arriving = null;
    // The engine refused it (too old, or the clinician moved on meanwhile): drop its tokens.
    if (working() !== s.subject) wipeTokens();
  }

  function wipeTokens(): void {
    tokenOwner = null;
    signIn.signOut();
  }

  function rearm(): void {
    deadline?.();
    deadline = null;
    const due = nextDeadline(state, policy);
    if (due) deadline = time.after(msUntil(due, time.now()), () => apply({ type: 'tick' }));
    if (session() && !heartbeat) {
      beats = 0;
      heartbeat = time.every(1000, beat);
    } else if (!session() && heartbeat) {
      heartbeat();
      heartbeat = null;
    }
  }

  function beat(): void {
    publish();
    beats += 1;
    if (beats % keepAliveTicks === 0 && working()) void signIn.tokens.getAccessToken();
  }

  function view(): SessionView {
    return sessionView({ state, policy, now: time.now(), identity: identity?.identity ?? null, notice, draftStorage: vault.storage });
  }

  function publish(): void {
    const next = view();
    const text = JSON.stringify(next);
    if (text === lastSent) return;
    lastSent = text;
    for (const listener of listeners) listener(next);
  }

  const stopRefreshWatch = signIn.tokens.onRefreshFailed((error) => {
    audit.refreshFailed(error, tokenOwner);
    if (working()) apply({ type: 'refreshFailed' });
  });
  const stopProblemWatch = vault.onProblem(() => publish());

  function cancelAttempt(): void {
    attempt += 1;
    signIn.cancel();
  }

  const backend: ShellBackend = {
    getView: () => ok(view()),
    signIn() {
      if (state.status === 'signing-in') return runSignIn('sign-in'), ok(null);
      if (state.status !== 'signed-out' && state.status !== 'ended') return refused('wrong-state');
      apply({ type: 'signInStarted' });
      return ok(null);
    },
    cancelSignIn() {
      if (state.status === 'signing-in') {
        cancelAttempt();
        wipeTokens();
        attemptFailed('sign-in', cancelled());
        apply({ type: 'signInCancelled' });
      } else if (state.status === 'reauthenticating') {
        cancelAttempt();
        attemptFailed('unlock', cancelled());
        apply({ type: 'reauthCancelled' });
      }
      return ok(null);
    },
    stillHere() {
      if (!working()) return refused(transportErrorCodes.notActive);
      apply({ type: 'activity' });
      return ok(null);
    },
    reportActivity() {
      if (working()) apply({ type: 'activity' });
    },
    unlock() {
      if (state.status === 'reauthenticating') return runSignIn('unlock', state.session.subject), ok(null);
      if (state.status !== 'locked') return refused('wrong-state');
      apply({ type: 'reauthStarted' });
      return ok(null);
    },
    lock() {
      if (!working()) return refused(transportErrorCodes.notActive);
      apply({ type: 'lockRequested' });
      return ok(null);
    },
    signInAsSomeoneElse() {
      if (state.status === 'reauthenticating') cancelAttempt();
      if (session()) apply({ type: 'signOut' });
      if (state.status === 'signed-out' || state.status === 'ended') apply({ type: 'signInStarted' });
      return ok(null);
    },
    signOut() {
      if (state.status === 'signing-in' || state.status === 'reauthenticating') cancelAttempt();
      // Tokens go at once, before anything that could wait on the network.
      wipeTokens();
      apply({ type: 'signOut' });
      return ok(null);
    },
    async loadDrafts() {
      const owner = working();
      if (!owner) return refused(transportErrorCodes.notActive);
      await restoring;
      if (working() !== owner) return refused(transportErrorCodes.notActive);
      return ok({ drafts: await vault.load(owner) });
    },
    async saveDraft(draft: Draft) {
      // A locked session still takes its owner's last keystrokes (the renderer sends them as
      // it drops the editor): writing into the owner's custody shows nothing to anyone.
      const owner = session()?.subject;
      if (!owner) return refused(transportErrorCodes.notActive);
      const saved = await vault.save(owner, draft);
      return saved.ok ? ok({ savedAt: saved.savedAt }) : refused(saved.code.toLowerCase().replace(/_/g, '-'));
    },
    subscribe(listener) {
      const wrapped = (v: SessionView): void => listener(v);
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
  };

  const os: OsEvents = {
    osLocked: () => apply({ type: 'osLocked' }),
    osUnlocked: () => apply({ type: 'osUnlocked' }),
    suspend: () => apply({ type: 'suspend' }),
    // Settling inside the transition applies any lock that fell due while asleep, before
    // the view is re-sent, so the workspace is never shown after a long sleep.
    resume: () => apply({ type: 'resume' }),
    userSwitchedAway: () => apply({ type: 'userSwitchedAway' }),
    userSwitchedBack: () => apply({ type: 'userSwitchedBack' }),
    async shutdown() {
      apply({ type: 'shutdown' });
      await settle();
      await vault.flush();
    },
    idleSample(seconds) {
      // Where the OS idle clock cannot be trusted, in-app activity alone counts (fails closed).
      if (capabilities.osIdle === 'reliable' && working()) apply({ type: 'osIdleSample', seconds });
    },
    capabilitiesChanged(next) {
      capabilities = next;
      logger.info({ event: 'os.capabilities', osIdle: next.osIdle, lockSignal: next.lockSignal }, 'OS signal capabilities changed.');
    },
  };

  async function settle(): Promise<void> {
    while (inflight.size > 0) await Promise.all([...inflight]);
  }

  return {
    backend,
    os,
    state: () => state,
    view,
    lockBeforeReload: () => {
      if (working()) apply({ type: 'lockRequested' });
    },
    backchannelLogout: (claims) => apply({ type: 'backchannelLogout', ...claims }),
    settled: settle,
    dispose() {
      deadline?.();
      heartbeat?.();
      stopRefreshWatch();
      stopProblemWatch();
      listeners.clear();
    },
  };
}
