/**
 * The session loop: holds the engine's state and the policy in force, applies each event
 * (transition, then its effects), keeps one deadline timer armed from nextDeadline(), runs the
 * heartbeat while a session exists, and publishes the view whenever it changes.
 */
import { msUntil } from '../../core/clock';
import type { Instant } from '../../core/clock';
import type { SessionPolicy } from '../../core/policy';
import { initialSessionState, nextDeadline, transition } from '../../core/session';
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
  apply(body: EventBody, at?: Instant): void;
  /** IT's re-read limits, from now on: a deadline they have already passed falls due at once. */
  adoptPolicy(next: SessionPolicy): void;
  view(): SessionView;
  publish(): void;
  subscribe(listener: (view: SessionView) => void): () => void;
  /** Called after every transition that changed the state's status or its clinician. */
  onChange(listener: (state: SessionState, previous: SessionState) => void): () => void;
  dispose(): void;
}

export function createSessionLoop(deps: SessionLoopDeps): SessionLoop {
  const { time, logger } = deps;
  let policy = deps.policy;
  let state: SessionState = initialSessionState();
  let deadline: Cancel | null = null;
  let heartbeat: Cancel | null = null;
  let beats = 0;
  const listeners = new Set<(view: SessionView) => void>();
  const changeListeners = new Set<(state: SessionState, previous: SessionState) => void>();
  let lastSent = '';

  const owner = (): string | null => ('session' in state ? state.session.subject : null);
  const working = (): string | null => (state.status === 'active' || state.status === 'warning' ? state.session.subject : null);
  const view = (): SessionView => deps.view(state, policy, time.now());

  function apply(body: EventBody, at: Instant = time.now()): void {
    const result = transition(state, { ...body, at } as SessionEvent, policy);
    const before = state.status;
    // Whose session a lock or warning is about: the one that existed when the event arrived.
    const subject = owner();
    const previous = state;
    state = result.state;
    for (const effect of result.effects) deps.carryOut(effect, subject);
    if (before !== state.status) logger.debug({ event: 'session.state', from: before, to: state.status, cause: body.type }, 'Session state changed.');
    rearm();
    publish();
    if (previous.status !== state.status || subject !== owner()) for (const listener of changeListeners) listener(state, previous);
  }

  function rearm(): void {
    deadline?.();
    deadline = null;
    const due = nextDeadline(state, policy);
    if (due) deadline = time.after(msUntil(due, time.now()), () => apply({ type: 'tick' }));
    const exists = owner() !== null;
    if (exists && !heartbeat) {
      beats = 0;
      heartbeat = time.every(1000, beat);
    } else if (!exists && heartbeat) {
      heartbeat();
      heartbeat = null;
    }
  }

  function beat(): void {
    publish();
    beats += 1;
    deps.onBeat(beats);
  }

  function publish(): void {
    const next = view();
    const text = JSON.stringify(next);
    if (text === lastSent) return;
    lastSent = text;
    for (const listener of listeners) listener(next);
  }

  return {
    state: () => state,
    owner,
    working,
    apply,
    adoptPolicy(next) {
      policy = next;
      apply({ type: 'tick' });
    },
    view,
    publish,
    subscribe(listener) {
      const wrapped = (v: SessionView): void => listener(v);
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    dispose() {
      deadline?.();
      heartbeat?.();
      listeners.clear();
      changeListeners.clear();
    },
  };
}
