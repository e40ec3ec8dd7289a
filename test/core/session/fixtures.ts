// Builders shared by the session engine's tests: moments on both clocks, sign-ins, and a
// driver that folds events through the engine and keeps every step for inspection.
import type { Aal } from '../../../main/core/assurance-level';
import type { Instant } from '../../../main/core/clock';
import { defaultPolicy } from '../../../main/core/policy';
import type { SessionPolicy } from '../../../main/core/policy';
import { initialSessionState, transition } from '../../../main/core/session';
import type { Effect, SessionEvent, SessionState } from '../../../main/core/session';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** 08:00 UTC on a ward morning, with the monotonic clock at an unrelated origin. */
export const T0: Instant = { wall: Date.UTC(2026, 10, 24, 8, 0, 0), mono: 5_000 };

/** `ms` after T0 on both clocks. */
export function after(ms: number, from: Instant = T0): Instant {
  return { wall: from.wall + ms, mono: from.mono + ms };
}

export type Step = { event: SessionEvent; state: SessionState; effects: Effect[] };

export class Driver {
  state: SessionState = initialSessionState();
  readonly steps: Step[] = [];
  constructor(readonly policy: SessionPolicy = defaultPolicy) {}

  send(event: SessionEvent): Effect[] {
    const { state, effects } = transition(this.state, event, this.policy);
    this.state = state;
    this.steps.push({ event, state, effects });
    return effects;
  }

  signIn(subject: string, at: Instant, aal: Aal = 'AAL3', sessionId = `sid-${subject}`, authTime = at.wall): Effect[] {
    this.send({ type: 'signInStarted', at });
    return this.send({ type: 'signInSucceeded', at, subject, sessionId, authTime, aal });
  }

  reauth(
    subject: string,
    at: Instant,
    aal: Aal = 'AAL3',
    sessionId = `sid-${subject}-2`,
    authTime = at.wall,
  ): Effect[] {
    this.send({ type: 'reauthStarted', at });
    return this.send({ type: 'reauthSucceeded', at, subject, sessionId, authTime, aal });
  }

  get status(): SessionState['status'] {
    return this.state.status;
  }
}

export function types(effects: Effect[]): Effect['type'][] {
  return effects.map((e) => e.type);
}
