// Random workstation days for the property tests, and an oracle that says from the event
// log alone (never from the engine's own fields) when the rules require a session to be over.
import fc from 'fast-check';
import type { Aal } from '../../../main/core/assurance-level';
import type { Instant } from '../../../main/core/clock';
import { resolvePolicy } from '../../../main/core/policy';
import type { OsEventAction, PolicyInput, SessionPolicy } from '../../../main/core/policy';
import {
  initialSessionState,
  nextDeadline,
  presenceLossReasons,
  sessionEvents,
  sessionEventTypes,
  transition,
} from '../../../main/core/session';
import type {
  Effect,
  EventTypeOf,
  PayloadKind,
  SessionEvent,
  SessionEventType,
  SessionState,
} from '../../../main/core/session';
import { HOUR, MINUTE, SECOND, T0 } from './fixtures';

export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 2000);

/** How the clocks move before an event. Mono never goes back; wall may. */
export type Move =
  | { kind: 'advance'; ms: number }
  /** Machine asleep: wall moves by `wallMs`; mono moves by `monoMs` (0 where the OS stops it). */
  | { kind: 'sleep'; wallMs: number; monoMs: number }
  /** Someone (NTP, an admin) sets the wall clock by `jumpMs`, while `monoMs` really passes. */
  | { kind: 'wallJump'; jumpMs: number; monoMs: number }
  /** Go to the engine's next deadline, `offsetMs` around it (the service's timer firing early or late). */
  | { kind: 'toDeadline'; offsetMs: number };

/** An event without its time; the runner stamps it. */
export type EventSpec = { [E in SessionEvent as E['type']]: Omit<E, 'at'> }[SessionEvent['type']];

/** One or two events at the same moment (a sign-in or unlock is a start and a result). */
export type Step = { move: Move; events: EventSpec[] };

const SUBJECTS = ['alice', 'bob', 'carol'] as const;
const SIDS = ['sid-1', 'sid-2'] as const;

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5 * SECOND }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 * MINUTE }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 13 * HOUR }) }),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 30 * HOUR }).chain((wallMs) =>
      fc.record({
        kind: fc.constant('sleep' as const),
        wallMs: fc.constant(wallMs),
        monoMs: fc.oneof(fc.constant(0), fc.constant(wallMs), fc.integer({ min: 0, max: wallMs })),
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('wallJump' as const),
      jumpMs: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
      monoMs: fc.integer({ min: 0, max: 2 * SECOND }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('toDeadline' as const), offsetMs: fc.integer({ min: -2, max: 2 }) }),
  },
);

const aalArb: fc.Arbitrary<Aal> = fc.constantFrom('AAL2', 'AAL3');
/** auth_time relative to the event: usually just now, sometimes stale by hours, sometimes ahead (skew). */
const authAgeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 15 * SECOND }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 14 * HOUR }) },
  { weight: 1, arbitrary: fc.integer({ min: -30 * SECOND, max: 0 }) },
);
const authArb = fc.record({ subject: fc.constantFrom(...SUBJECTS), sessionId: fc.constantFrom(...SIDS), aal: aalArb });

/** Payloads by kind, so every event in the engine's table is generated, including new ones. */
const payloadArbs: {
  [K in PayloadKind]: fc.Arbitrary<Omit<Extract<SessionEvent, { type: EventTypeOf<K> }>, 'at' | 'type'>>;
} = {
  none: fc.constant({}),
  // authTime is filled in when the step is stamped (from `authAgeMs`).
  authenticated: authArb.map((a) => ({ ...a, authTime: Number.NaN })),
  idleSeconds: fc.integer({ min: 0, max: 45 * 60 }).map((seconds) => ({ seconds })),
  logoutClaims: fc.record(
    { subject: fc.constantFrom(...SUBJECTS), sessionId: fc.constantFrom(...SIDS) },
    { requiredKeys: [] },
  ),
  presenceLoss: fc.constantFrom(...presenceLossReasons).map((reason) => ({ reason })),
};

/** How often each event comes, relative to the others (1 unless said here). */
const weights: Partial<Record<SessionEventType, number>> = {
  activity: 12,
  tick: 5,
  osIdleSample: 4,
  signInStarted: 2,
  reauthStarted: 2,
  // As often as every presence signal had its own event: each reason as often as any event.
  presenceLost: presenceLossReasons.length,
  // Outages come in runs: enough unanswered refreshes for IT's limit to come due.
  refreshUnanswered: 3,
};

const eventArb: fc.Arbitrary<EventSpec> = fc.oneof(
  ...sessionEventTypes.map((type) => ({
    weight: weights[type] ?? 1,
    arbitrary: (payloadArbs[sessionEvents[type]] as fc.Arbitrary<object>).map(
      (payload) => ({ type, ...payload }) as EventSpec,
    ),
  })),
);

/** A clinician completing a sign-in, or an unlock at the lock screen (maybe as someone else). */
const signInArb = authArb.map((a): EventSpec[] => [
  { type: 'signInStarted' },
  { type: 'signInSucceeded', ...a, authTime: Number.NaN },
]);
const unlockArb = authArb.map((a): EventSpec[] => [
  { type: 'reauthStarted' },
  { type: 'reauthSucceeded', ...a, authTime: Number.NaN },
]);
/** "Sign in again now" while working, completed (maybe by someone else). */
const renewArb = authArb.map((a): EventSpec[] => [
  { type: 'renewalRequested' },
  { type: 'workingReauthSucceeded', ...a, authTime: Number.NaN },
]);
const pairArb: fc.Arbitrary<EventSpec[]> = fc.oneof(signInArb, unlockArb, renewArb);

const eventsArb: fc.Arbitrary<EventSpec[]> = fc.oneof(
  { weight: 9, arbitrary: eventArb.map((e) => [e]) },
  { weight: 1, arbitrary: pairArb },
);

/** Steps whose authTime is filled from an age when stamped (the age is kept in `authAgeMs`). */
export type RunStep = Step & { authAgeMs: number };

const stepArb: fc.Arbitrary<RunStep> = fc.record({ move: moveArb, events: eventsArb, authAgeMs: authAgeArb });

/** A day starts with a clinician signing in, then anything can happen. */
export const stepsArb: fc.Arbitrary<RunStep[]> = fc
  .tuple(signInArb, fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }))
  .map(([first, rest]) => [{ move: { kind: 'advance', ms: 0 }, events: first, authAgeMs: 0 } as RunStep, ...rest]);

/**
 * One re-authentication while working, as run steps: asked for (one of `asks`, by weight of
 * repetition), then usually an outcome a few minutes later, possibly someone else's
 * authentication (its session id tagged `sid-<subject>-<tag>`).
 */
export function workingReauthArb(
  asks: readonly ('renewalRequested' | 'roleChangeRequested')[],
  tag: string,
): fc.Arbitrary<RunStep[]> {
  const subjects = ['alice', 'bob', 'carol'] as const;
  return fc
    .record({
      ask: fc.constantFrom(...asks),
      wait: fc.integer({ min: 0, max: 3 * MINUTE }),
      outcome: fc.constantFrom(
        'workingReauthSucceeded',
        'workingReauthSucceeded',
        'workingReauthFailed',
        'workingReauthCancelled',
        'cancelRequested',
        'none',
      ),
      subject: fc.constantFrom(...subjects),
      aal: fc.constantFrom('AAL2' as const, 'AAL3' as const),
      authAgeMs: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 15 * SECOND }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 14 * HOUR }) },
      ),
    })
    .map(({ ask, wait, outcome, subject, aal, authAgeMs }) => {
      const asked: RunStep = { move: { kind: 'advance', ms: 0 }, events: [{ type: ask }], authAgeMs: 0 };
      if (outcome === 'none') return [asked];
      const result: EventSpec =
        outcome === 'workingReauthSucceeded'
          ? { type: outcome, subject, sessionId: `sid-${subject}-${tag}`, aal, authTime: Number.NaN }
          : { type: outcome };
      return [asked, { move: { kind: 'advance', ms: wait }, events: [result], authAgeMs }];
    });
}

/** The model's days with `inserts` spliced in at random places; an insert's outcome may land later still, after other events. */
export function splicedDaysArb(inserts: fc.Arbitrary<RunStep[]>): fc.Arbitrary<RunStep[]> {
  return fc
    .tuple(stepsArb, fc.array(fc.tuple(fc.nat(), inserts), { minLength: 1, maxLength: 8 }))
    .map(([steps, extra]) => {
      const out = [...steps];
      for (const [at, [asked, outcome]] of extra) {
        const i = 1 + (at % out.length);
        if (asked !== undefined) out.splice(i, 0, asked);
        if (outcome !== undefined) out.splice(Math.min(out.length, i + 1 + (at % 3)), 0, outcome);
      }
      return out;
    });
}

const actionArb: fc.Arbitrary<OsEventAction> = fc.constantFrom('lock', 'end-session');

/** Policies IT might set: the defaults, or anything shorter, with either reaction to OS events. */
export const policyArb: fc.Arbitrary<SessionPolicy> = fc
  .record(
    {
      idleLimitSeconds: fc.record(
        { AAL2: fc.integer({ min: 60, max: 40 * 60 }), AAL3: fc.integer({ min: 60, max: 20 * 60 }) },
        { requiredKeys: [] },
      ),
      absoluteLimitSeconds: fc.integer({ min: 30 * 60, max: 14 * 3600 }),
      warningLeadSeconds: fc.integer({ min: 0, max: 120 }),
      onOsLock: actionArb,
      onSleep: actionArb,
      onUserSwitch: actionArb,
      unansweredRefreshLimitSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 3600 })),
      activityCountedFrom: fc.constantFrom('shell' as const, 'os-account' as const),
    },
    { requiredKeys: [] },
  )
  .map((input: PolicyInput) => resolvePolicy(input).policy);

/** Stamps a step's event with its time. */
export function stamp(step: RunStep, e: EventSpec, at: Instant): SessionEvent {
  if (e.type === 'signInSucceeded' || e.type === 'reauthSucceeded' || e.type === 'workingReauthSucceeded')
    return { ...e, at, authTime: at.wall - step.authAgeMs };
  return { ...e, at } as SessionEvent;
}

export function moveClock(now: Instant, move: Move, state: SessionState, policy: SessionPolicy): Instant {
  switch (move.kind) {
    case 'advance':
      return { wall: now.wall + move.ms, mono: now.mono + move.ms };
    case 'sleep':
      return { wall: now.wall + move.wallMs, mono: now.mono + move.monoMs };
    case 'wallJump':
      return { wall: now.wall + move.jumpMs + move.monoMs, mono: now.mono + move.monoMs };
    case 'toDeadline': {
      const deadline = nextDeadline(state, policy);
      if (deadline === null) return now;
      const wait = Math.max(0, Math.min(deadline.wall - now.wall, deadline.mono - now.mono) + move.offsetMs);
      return { wall: now.wall + wait, mono: now.mono + wait };
    }
  }
}

/** One step as it happened: what went in, what came out, and the oracle before it. */
export type Observed = {
  move: Move;
  before: SessionState;
  event: SessionEvent;
  after: SessionState;
  effects: Effect[];
  oracle: Oracle;
};

/**
 * What the rules say about the current clinician, computed from the event log:
 * when their session began (the event that the engine answered with sessionStarted or
 * sessionResumed), the auth_time it carried, and the latest accepted evidence of activity.
 */
export type Oracle = { subject: string; aal: Aal; startedAt: Instant; authAgeMs: number; evidence: Instant } | null;

export function elapsed(from: Instant, to: Instant): number {
  return Math.max(to.wall - from.wall, to.mono - from.mono);
}

export function idleOver(o: NonNullable<Oracle>, now: Instant, policy: SessionPolicy): boolean {
  return elapsed(o.evidence, now) >= policy.idleLimitMs[o.aal];
}

export function absoluteOver(o: NonNullable<Oracle>, now: Instant, policy: SessionPolicy): boolean {
  return elapsed(o.startedAt, now) + Math.max(0, o.authAgeMs) >= policy.absoluteLimitMs;
}

export function nextOracle(
  o: Oracle,
  event: SessionEvent,
  effects: Effect[],
  after: SessionState,
  policy: SessionPolicy,
): Oracle {
  if (!('session' in after)) return null;
  // A session renewed while working counts from its new authentication, like one resumed.
  const started = effects.find(
    (e) => e.type === 'sessionStarted' || e.type === 'sessionResumed' || e.type === 'sessionRenewed',
  );
  if (
    started &&
    (event.type === 'signInSucceeded' || event.type === 'reauthSucceeded' || event.type === 'workingReauthSucceeded')
  ) {
    return {
      subject: event.subject,
      aal: event.aal,
      startedAt: event.at,
      authAgeMs: event.at.wall - event.authTime,
      evidence: event.at,
    };
  }
  if (o === null) return null;
  if (event.type === 'activity') return { ...o, evidence: event.at };
  // Input elsewhere on the OS account is evidence only where IT counts the whole account.
  if (event.type === 'osIdleSample' && policy.activityScope === 'os-account') {
    const input = { wall: event.at.wall - event.seconds * SECOND, mono: event.at.mono - event.seconds * SECOND };
    if (input.wall > o.evidence.wall && input.mono > o.evidence.mono) return { ...o, evidence: input };
  }
  return o;
}

/** Runs one random day through the engine and hands every step to `check`. */
export function runDay(
  policy: SessionPolicy,
  steps: RunStep[],
  check: (step: Observed, policy: SessionPolicy) => void,
): void {
  let now = T0;
  let state = initialSessionState();
  let oracle: Oracle = null;
  for (const step of steps) {
    now = moveClock(now, step.move, state, policy);
    step.events.forEach((spec, i) => {
      const event = stamp(step, spec, now);
      const result = transition(state, deepFreeze(event), policy);
      // Only the first event of a step follows the clock move.
      const move: Move = i === 0 ? step.move : { kind: 'advance', ms: 0 };
      check({ move, before: state, event, after: deepFreeze(result.state), effects: result.effects, oracle }, policy);
      oracle = nextOracle(oracle, event, result.effects, result.state, policy);
      state = result.state;
    });
  }
}

/** Frozen inputs make any mutation by the engine throw, so purity is checked on every step. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
