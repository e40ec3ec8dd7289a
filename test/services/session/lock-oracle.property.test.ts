/**
 * Nothing outlives a lock, checked on what the session SERVICE shows, against an oracle that
 * knows nothing of the engine: it follows the trace in true time (the time that really passed,
 * whatever the clocks said) and says when the workspace may show at all. Every view the
 * service emits (including those emitted by its timers in the middle of a step) and the view
 * after each step must agree: active or warning only when the oracle allows it.
 *
 * The traces mix clinicians' clicks, sign-ins and unlocks completing (late, superseded, with old
 * auth_time), OS signals (or none), sleeps with the monotonic clock stopped and no signal, wall
 * clocks set forwards and back, OS idle samples (NaN, negative, infinite, huge), logout tokens and
 * IT policies read mid-run (tighter, looser, or one the engine must refuse).
 *
 * One combination is left out on purpose: a sleep nobody reported, with the monotonic clock
 * stopped, in the same trace as a wall clock set backwards. Then neither clock can tell how long
 * the machine slept (docs/session-engine.md, "Time"); each half is in every other trace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Aal } from '../../../main/core/assurance-level';
import { isResolvedPolicy, resolvePolicy } from '../../../main/core/policy';
import { stricterPolicy } from '../../../main/core/stricter-policy';
import type { PolicyInput, SessionPolicy } from '../../../main/core/policy';
import { osSignalEvent, osSignals } from '../../../main/core/os-signals';
import { isAbsence } from '../../../main/core/session';
import type { OsSignal } from '../../../main/core/os-signals';
import { createDraftVault } from '../../../main/services/drafts';
import type { DraftVault } from '../../../main/services/drafts';
import { createLogger } from '../../../main/services/logger';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import { createSessionService } from '../../../main/services/session/session-service';
import type { SessionService } from '../../../main/services/session/session-service';
import { ManualTime } from '../../../main/services/time';
import type { SessionView } from '../../../preload/contract';
import { FakeSignIn, clinician } from './fake-sign-in';

/** CI runs 10^5 traces (FC_SERVICE_RUNS); a developer's run a few hundred. */
const numRuns = Number(process.env.FC_SERVICE_RUNS ?? 300);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const SUBJECTS = ['alice', 'bob'] as const;

type Click = 'signIn' | 'unlock' | 'signInAsSomeoneElse' | 'signOut' | 'lock' | 'cancelSignIn' | 'stillHere';
type Action =
  | { kind: 'advance'; ms: number }
  | { kind: 'sleep'; ms: number; signalled: boolean }
  | { kind: 'jumpWall'; ms: number }
  | { kind: 'os'; signal: OsSignal }
  | { kind: 'idle'; seconds: number }
  | { kind: 'activity' }
  | { kind: 'click'; click: Click }
  | { kind: 'complete'; subject: string; aal: Aal; authAgeMs: number; latest: boolean; pick: number }
  | { kind: 'fail' }
  | { kind: 'policy'; input: PolicyInput | 'refused' }
  | { kind: 'logout'; subject: string };

const policyInputArb: fc.Arbitrary<PolicyInput> = fc.record(
  {
    idleLimitSeconds: fc.record(
      { AAL2: fc.integer({ min: 60, max: 40 * 60 }), AAL3: fc.integer({ min: 60, max: 20 * 60 }) },
      { requiredKeys: [] },
    ),
    absoluteLimitSeconds: fc.integer({ min: 3600, max: 14 * 3600 }),
    warningLeadSeconds: fc.integer({ min: 0, max: 120 }),
    onOsLock: fc.constantFrom('lock' as const, 'end-session' as const),
    onSleep: fc.constantFrom('lock' as const, 'end-session' as const),
  },
  { requiredKeys: [] },
);

function actionArb(backwardJumps: boolean): fc.Arbitrary<Action> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 5 * SECOND }).map((ms): Action => ({ kind: 'advance', ms })) },
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 20 * MINUTE }).map((ms): Action => ({ kind: 'advance', ms })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 13 * HOUR }).map((ms): Action => ({ kind: 'advance', ms })) },
    // Without backward wall jumps in the trace, a sleep may go unreported with mono stopped.
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('sleep' as const),
        ms: fc.integer({ min: 0, max: 3 * HOUR }),
        signalled: backwardJumps ? fc.constant(true) : fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: backwardJumps ? -3 * HOUR : 0, max: 3 * HOUR })
        .map((ms): Action => ({ kind: 'jumpWall', ms })),
    },
    { weight: 3, arbitrary: fc.constantFrom(...osSignals).map((signal): Action => ({ kind: 'os', signal })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.integer({ min: 0, max: 40 * 60 }), fc.constantFrom(Number.NaN, -1, Number.POSITIVE_INFINITY, 1e12, 0))
        .map((seconds): Action => ({ kind: 'idle', seconds })),
    },
    { weight: 5, arbitrary: fc.constant<Action>({ kind: 'activity' }) },
    {
      weight: 6,
      arbitrary: fc
        .constantFrom<Click>(
          'signIn',
          'signIn',
          'unlock',
          'unlock',
          'signInAsSomeoneElse',
          'signOut',
          'lock',
          'cancelSignIn',
          'stillHere',
        )
        .map((click): Action => ({ kind: 'click', click })),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('complete' as const),
        subject: fc.constantFrom(...SUBJECTS),
        aal: fc.constantFrom<Aal>('AAL2', 'AAL3'),
        // Fresh (as CIS2 must send), or older than any session may last (the engine's backstop).
        authAgeMs: fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 0, max: 20 * SECOND }) },
          { weight: 1, arbitrary: fc.integer({ min: 15 * HOUR, max: 20 * HOUR }) },
        ),
        latest: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        pick: fc.nat(),
      }),
    },
    { weight: 1, arbitrary: fc.constant<Action>({ kind: 'fail' }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof({ weight: 5, arbitrary: policyInputArb }, { weight: 1, arbitrary: fc.constant('refused' as const) })
        .map((input): Action => ({ kind: 'policy', input })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...SUBJECTS).map((subject): Action => ({ kind: 'logout', subject })) },
  );
}

const traceArb = fc.boolean().chain((backwardJumps) =>
  fc.record({
    initial: policyInputArb,
    actions: fc.array(actionArb(backwardJumps), { minLength: 1, maxLength: 40 }),
  }),
);

/** A policy the engine must refuse: an idle limit above the rules. */
const refusedPolicy = (): SessionPolicy => ({ ...resolvePolicy({}).policy, idleLimitMs: { AAL2: HOUR, AAL3: HOUR } });

/** One authentication the oracle counts: from the attempt that was current when it completed. */
/** `attemptStart` and `start` are positions in the trace's order of causes and starts, not times. */
type Auth = { subject: string; aal: Aal; attemptStart: number; at: number; authTrue: number };
type Attempt = { start: number; unlockOf: string | undefined; policy: SessionPolicy; completed: boolean };

class Oracle {
  auth: Auth | null = null;
  constructor(public inForce: SessionPolicy) {}
  evidence = Number.NEGATIVE_INFINITY;
  /** Position of the last lock cause in the trace's order (see `order`). */
  lastLockCause = Number.NEGATIVE_INFINITY;

  /** True time at which the machine last woke from a sleep nobody reported. */
  silentWake = Number.NEGATIVE_INFINITY;

  /** Why the workspace may not be on screen at true time `t` (null: it may). */
  mayShow(t: number): string | null {
    const a = this.auth;
    if (a === null) return 'nobody has authenticated';
    if (this.lastLockCause >= a.attemptStart) return 'a lock cause came after the attempt that authenticated began';
    // After a sleep nobody reported, the rule is "locked within 1 s of waking": the service
    // learns of the lost time at its next heartbeat.
    if (t - this.silentWake <= SECOND) return null;
    if (t - a.authTrue >= this.inForce.absoluteLimitMs) return 'the absolute limit has passed in true time';
    if (t - Math.max(a.at, this.evidence) >= this.inForce.idleLimitMs[a.aal])
      return 'the idle limit has passed in true time';
    return null;
  }
}

async function runTrace(vault: DraftVault, initial: PolicyInput, actions: readonly Action[]): Promise<void> {
  const time = new ManualTime({ wall: Date.UTC(2026, 10, 24, 8, 0), mono: 10_000 });
  const fake = new FakeSignIn();
  let readable: SessionPolicy = resolvePolicy(initial).policy;
  const service: SessionService = createSessionService({
    time,
    policy: readable,
    signIn: fake,
    vault,
    logger: createLogger({ level: 'silent' }),
    rereadPolicy: async () => readable,
  });
  const oracle = new Oracle(readable);
  // Lock causes and attempt starts in the order they happened (one step may hold both: a
  // "sign in as someone else" ends the session, then opens the browser).
  let order = 0;
  const attempts: Attempt[] = [];
  // True time: what really passed. Views emitted by timers during an advance are placed by mono.
  let trueNow = 0;
  let monoBase = time.now().mono;
  let trueBase = 0;
  const trueAt = (): number => trueBase + (time.now().mono - monoBase);
  let failure: string | null = null;
  const judge = (view: SessionView, t: number, where: string): void => {
    if (failure !== null || (view.kind !== 'active' && view.kind !== 'warning')) return;
    const why = oracle.mayShow(t);
    if (why !== null) failure = `${where}: the workspace showed at true ${t} ms although ${why}`;
  };
  const stop = service.backend.subscribe((view) => judge(view, trueAt(), 'an emitted view'));
  const working = (): boolean => ['active', 'warning'].includes(service.view().kind);
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 4; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
    await service.settled();
  };

  try {
    for (const [index, action] of actions.entries()) {
      monoBase = time.now().mono;
      trueBase = trueNow;
      switch (action.kind) {
        case 'advance':
          time.advance(action.ms);
          trueNow += action.ms;
          break;
        case 'sleep':
          if (action.signalled) {
            oracle.lastLockCause = ++order;
            service.os.signal('suspend');
          }
          time.sleep(action.ms);
          trueNow += action.ms;
          trueBase = trueNow;
          if (!action.signalled && action.ms > 0) oracle.silentWake = trueNow;
          if (action.signalled) service.os.signal('resume');
          break;
        case 'jumpWall':
          time.jumpWall(action.ms);
          break;
        case 'os':
          // The signals that say nobody is there (the vocabulary's lockingEvents), presence losses included.
          if (isAbsence(osSignalEvent(action.signal))) oracle.lastLockCause = ++order;
          service.os.signal(action.signal);
          break;
        case 'idle': {
          const wasWorking = working();
          const s = action.seconds;
          if (wasWorking && !(Number.isFinite(s) && s >= 0)) oracle.lastLockCause = ++order;
          if (wasWorking && Number.isFinite(s) && s >= 0)
            oracle.evidence = Math.max(oracle.evidence, trueNow - s * SECOND);
          service.os.idleSample(s);
          break;
        }
        case 'activity':
          if (working()) oracle.evidence = trueNow;
          service.backend.reportActivity();
          break;
        case 'click': {
          const { click } = action;
          const wasWorking = working();
          if (click === 'stillHere' && wasWorking) oracle.evidence = trueNow;
          const view = service.view();
          const inBrowser = view.kind === 'signing-in' || (view.kind === 'locked' && view.unlocking);
          // What ends or stops something: sign-out; someone else (unless a plain sign-in is already
          // open for whoever comes); Cancel while the browser is open; Lock while working.
          const stops =
            click === 'signOut' ||
            (click === 'signInAsSomeoneElse' && !(view.kind === 'signing-in' && view.purpose === 'sign-in')) ||
            (click === 'cancelSignIn' && inBrowser) ||
            (click === 'lock' && wasWorking);
          if (stops) oracle.lastLockCause = ++order;
          await service.backend[click]();
          break;
        }
        case 'complete': {
          const i = action.latest ? attempts.length - 1 : action.pick % Math.max(1, attempts.length);
          const attempt = attempts[i];
          if (attempt === undefined || attempt.completed) break;
          attempt.completed = true;
          // The service settled it already (cancelled, or replaced by a newer attempt): no outcome comes.
          if (fake.attempts[i]?.settled === true) break;
          // What the rules accept: the newest attempt only, begun after the last lock cause, with
          // an authentication younger than the absolute limit in force.
          const accepted =
            i === attempts.length - 1 &&
            oracle.lastLockCause < attempt.start &&
            action.authAgeMs < oracle.inForce.absoluteLimitMs;
          if (accepted) {
            const sameSession = attempt.unlockOf === action.subject && oracle.auth?.subject === action.subject;
            if (isResolvedPolicy(attempt.policy))
              oracle.inForce = sameSession ? stricterPolicy(oracle.inForce, attempt.policy) : attempt.policy;
            // A policy the engine must refuse is not adopted, and the session locks.
            else oracle.lastLockCause = ++order;
            oracle.auth = {
              subject: action.subject,
              aal: action.aal,
              attemptStart: attempt.start,
              at: trueNow,
              authTrue: trueNow - action.authAgeMs,
            };
            oracle.evidence = trueNow;
          }
          fake.complete(
            clinician(action.subject, time.now().wall - action.authAgeMs, { aal: action.aal }),
            'signed-in',
            i,
          );
          break;
        }
        case 'fail': {
          const latest = attempts.at(-1);
          if (latest !== undefined) latest.completed = true;
          if (fake.attempts.at(-1)?.settled === false) fake.fail('SIGNIN_ACCESS_DENIED', 'Denied.');
          break;
        }
        case 'policy':
          readable = action.input === 'refused' ? refusedPolicy() : resolvePolicy(action.input).policy;
          break;
        case 'logout':
          // It ends the session it names, if one exists; a sign-in begun after that session ended
          // is a new CIS2 session, which the token does not name.
          if (oracle.auth?.subject === action.subject && ['active', 'warning', 'locked'].includes(service.view().kind))
            oracle.lastLockCause = ++order;
          service.backchannelLogout({ subject: action.subject });
          break;
      }
      await flush();
      // New attempts started by this step: when, for whom, and the policy their re-read returns.
      while (attempts.length < fake.attempts.length) {
        const options = fake.attempts[attempts.length]?.options;
        attempts.push({ start: ++order, unlockOf: options?.reauthenticateSubject, policy: readable, completed: false });
      }
      trueBase = trueNow;
      monoBase = time.now().mono;
      judge(service.view(), trueNow, `after step ${index} (${action.kind})`);
      if (failure !== null) throw new Error(failure);
    }
  } finally {
    stop();
    service.dispose();
  }
}

describe('the session service never shows the workspace when true time says it must be locked (property)', () => {
  it(
    `holds over ${numRuns} random traces`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cws-oracle-'));
      try {
        // Memory-only drafts (no credential store): the traces are about what shows, not disk.
        const vault = await createDraftVault({
          dataDir: dir,
          secretStore: createMemorySecretStore({ available: false }),
          now: () => Date.now(),
        });
        await fc.assert(
          fc.asyncProperty(traceArb, async ({ initial, actions }) => runTrace(vault, initial, actions)),
          { numRuns },
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    Math.max(60_000, numRuns * 20),
  );
});
