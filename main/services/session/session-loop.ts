/**
 * The session loop: holds the engine's state and the policy in force, applies each event
 * (transition, then its effects), keeps one deadline timer armed from nextDeadline(), runs the
 * heartbeat while a session exists, and publishes the view whenever it changes.
 */
import { msUntil } from '../../core/clock';
import { createEmitter } from '../../core/emitter';
import type { Instant } from '../../core/clock';
import { isResolvedPolicy } from '../../core/policy';
import { stricterPolicy } from '../../core/stricter-policy';
import type { SessionPolicy } from '../../core/policy';
import { attemptOf, initialSessionState, nextDeadline, transition } from '../../core/session';
import type { Effect, SessionEvent, SessionState } from '../../core/session';
import type { SessionView } from '../../../preload/contract';
import type { Logger } from '../logger';
import type { Cancel, TimeSource } from '../time';

/** An event as the service raises it: the loop stamps its time. */
export type EventBody = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'at'> : never) : never;

export interface SessionLoopDeps {
  readonly time: TimeSource;
  readonly policy: SessionPolicy;
  readonly logger: Logger;
  /** Carries out one effect; `owner` is whose session existed when the event arrived. */
  readonly carryOut: (effect: Effect, owner: string | null) => void;
  /** The view for the current state and policy. */
  readonly view: (state: SessionState, policy: SessionPolicy, now: Instant) => SessionView;
  /** Called once a second while a session exists, after the view is re-sent. */
  readonly onBeat: (beat: number) => void;
}

export interface SessionLoop {
  state(): SessionState;
  /** The subject of the session that exists now (working or locked), if any. */
  owner(): string | null;
  /** The subject of the working (active or warning) session, if any. */
  working(): string | null;
  /**
   * Applies one event. An event the engine refuses (bad input, a fault) locks instead: the
   * session never stays unlocked because something could not be applied.
   */
  apply(body: EventBody, at?: Instant): void;
  /**
   * IT's re-read limits. `'new-session'`: they are the session's from now on. `'same-session'`
   * (an unlock): only what they tighten applies now, so a re-read can never loosen a limit in
   * force; loosening applies from the next sign-in. A deadline already passed falls due at
   * once; a policy the engine would refuse is not adopted and the session locks.
   */
  adoptPolicy(next: SessionPolicy, scope: 'new-session' | 'same-session'): void;
  view(): SessionView;
  publish(): void;
  /**
   * Runs `steps` (several events) and publishes the view once, after the last: nobody sees the
   * state between them (a sign-in and the policy it brings, applied together).
   */
  batch(steps: () => void): void;
  subscribe(listener: (view: SessionView) => void): () => void;
  /**
   * Called after every transition that changed the state's status or its clinician, started or
   * ended an attempt in the browser (signing in again while working), or renewed the session.
   */
  onChange(listener: (state: SessionState, previous: SessionState) => void): () => void;
  dispose(): void;
}

/**
 * What the state-change listeners hear about: a lock, an unlock, an end, a hand-over; and, with
 * the status unchanged, a working re-authentication opening or closing (the kiosk window steps
 * aside and comes back) or renewing the session (a new ID token for the logout relay).
 */
function changed(previous: SessionState, state: SessionState): boolean {
  if (previous.status !== state.status || attemptOf(previous) !== attemptOf(state)) return true;
  if (!('session' in previous) || !('session' in state)) return false;
  const [was, now] = [previous.session, state.session];
  return was.subject !== now.subject || was.authTime !== now.authTime || was.sessionId !== now.sessionId;
}

/**
 * A listener that throws reaches the caller of apply() (and stops the listeners after it), as it
 * did before the loop used core/emitter, whose default would swallow it.
 */
const rethrow = (error: unknown): never => {
  throw error;
};

/** The view, sent to its subscribers only when it changed, and held back while a batch runs. */
function viewPublisher(view: () => SessionView) {
  const views = createEmitter<[SessionView]>(rethrow);
  let lastSent = '';
  let held = 0;

  function publish(): void {
    if (held > 0) return;
    const next = view();
    const text = JSON.stringify(next);
    if (text === lastSent) return;
    lastSent = text;
    views.emit(next);
  }

  return {
    publish,
    batch(steps: () => void): void {
      held += 1;
      try {
        steps();
      } finally {
        held -= 1;
        publish();
      }
    },
    // Wrapped: the same function subscribed twice is two subscriptions.
    subscribe: (listener: (view: SessionView) => void): (() => void) => views.on((v) => listener(v)),
    clear: () => views.clear(),
  };
}

/**
 * The one deadline timer and, while a session exists, the heartbeat: once a second, drive the
 * engine, not just the view. A tick applies the clock rule, so a deadline that passed while the
 * machine slept (with the monotonic clock and the deadline timer stopped, and no suspend or
 * resume reported) locks within a second of waking, whatever the OS said.
 */
function loopTimers(time: TimeSource, tick: () => void, onBeat: (beat: number) => void) {
  let deadline: Cancel | null = null;
  let heartbeat: Cancel | null = null;
  let beats = 0;

  function beat(): void {
    tick();
    beats += 1;
    onBeat(beats);
  }

  return {
    rearm(due: Instant | null, exists: boolean): void {
      deadline?.();
      deadline = null;
      if (due) deadline = time.after(msUntil(due, time.now()), tick);
      if (exists && !heartbeat) {
        beats = 0;
        heartbeat = time.every(1000, beat);
      } else if (!exists && heartbeat) {
        heartbeat();
        heartbeat = null;
      }
    },
    dispose(): void {
      deadline?.();
      heartbeat?.();
    },
  };
}

export function createSessionLoop(deps: SessionLoopDeps): SessionLoop {
  const { time, logger } = deps;
  let policy = deps.policy;
  let state: SessionState = initialSessionState();
  const changes = createEmitter<[state: SessionState, previous: SessionState]>(rethrow);
  const owner = (): string | null => ('session' in state ? state.session.subject : null);
  const working = (): string | null =>
    state.status === 'active' || state.status === 'warning' ? state.session.subject : null;
  const view = (): SessionView => deps.view(state, policy, time.now());
  const views = viewPublisher(view);
  const timers = loopTimers(time, () => apply({ type: 'tick' }), deps.onBeat);

  function apply(body: EventBody, at: Instant = time.now()): void {
    let result: ReturnType<typeof transition>;
    try {
      result = transition(state, { ...body, at } as SessionEvent, policy);
    } catch (error) {
      if (body.type === 'faultDetected') throw error;
      // No detail: the event may carry a subject, and the fault's message says what was wrong.
      logger.error(
        { event: 'session.fault', cause: body.type, err: error },
        'The session could not apply an event, so it was locked.',
      );
      return apply({ type: 'faultDetected' }, time.now());
    }
    const before = state.status;
    // Whose session a lock or warning is about: the one that existed when the event arrived.
    const subject = owner();
    const previous = state;
    state = result.state;
    for (const effect of result.effects) deps.carryOut(effect, subject);
    if (before !== state.status)
      logger.debug(
        { event: 'session.state', from: before, to: state.status, cause: body.type },
        'Session state changed.',
      );
    timers.rearm(nextDeadline(state, policy), owner() !== null);
    views.publish();
    if (changed(previous, state)) changes.emit(state, previous);
  }

  return {
    state: () => state,
    owner,
    working,
    apply,
    adoptPolicy(next, scope) {
      if (!isResolvedPolicy(next)) {
        logger.error(
          { event: 'policy.refused' },
          'A re-read machine policy was not one the session could run with; the limits in force stay, and the session locked.',
        );
        return apply({ type: 'faultDetected' });
      }
      policy = scope === 'new-session' ? next : stricterPolicy(policy, next);
      apply({ type: 'policyChanged' });
    },
    view,
    publish: views.publish,
    batch: views.batch,
    subscribe: views.subscribe,
    onChange: (listener) => changes.on(listener),
    dispose() {
      timers.dispose();
      views.clear();
      changes.clear();
    },
  };
}
