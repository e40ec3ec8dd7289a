// Signing in again while working ("Sign in again now" before the 12-hour limit), over random
// workstation days with renewals started, finished, failed, cancelled or finished by someone
// else at random moments, among every other event, sleeps and wall-clock jumps. Each property
// is checked after every step against the event log, never the engine's own fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../main/core/policy';
import type { SessionPolicy } from '../../../main/core/policy';
import { absoluteDeadline, isLockingEventType, sessionEndingSoon } from '../../../main/core/session';
import type { Effect, SessionEvent, SessionState } from '../../../main/core/session';
import { HOUR, MINUTE, T0 } from './fixtures';
import {
  NUM_RUNS,
  absoluteOver,
  elapsed,
  idleOver,
  policyArb,
  runDay,
  splicedDaysArb,
  workingReauthArb,
} from './model';
import type { Observed, RunStep } from './model';

const TIMEOUT = Math.max(30_000, NUM_RUNS * 2);

type Working = Extract<SessionState, { status: 'active' | 'warning' }>;
const working = (s: SessionState): s is Working => s.status === 'active' || s.status === 'warning';
const renewing = (s: SessionState): boolean => working(s) && s.reauth !== undefined;
const has = (effects: Effect[], type: Effect['type']): boolean => effects.some((e) => e.type === type);

function must(condition: boolean, message: string, o?: Observed): asserts condition {
  if (!condition) {
    const where = o
      ? ` [${o.before.status} --${o.event.type}--> ${o.after.status}; effects ${JSON.stringify(o.effects)}]`
      : '';
    throw new Error(message + where);
  }
}

/** The model's days with renewals (asked for, then usually an outcome) spliced in at random places. */
const daysArb: fc.Arbitrary<RunStep[]> = splicedDaysArb(workingReauthArb(['renewalRequested'], 'renewed'));

type Check = (o: Observed, policy: SessionPolicy) => void;

/** Runs the check over random days; a check made by a function of no arguments is made afresh for each day. */
function day(check: Check | (() => Check)): void {
  fc.assert(
    fc.property(policyArb, daysArb, (policy, steps) =>
      runDay(policy, steps, check.length === 0 ? (check as () => Check)() : (check as Check)),
    ),
    { numRuns: NUM_RUNS },
  );
}

/** The events that lock a working session (from the vocabulary: a new locking presence signal is among them). */
const isLockCause = (event: SessionEvent): boolean => isLockingEventType(event.type);

describe('signing in again while working (property)', () => {
  it('draws days that renew, refuse someone else, fail, cancel, and abandon a renewal to a lock', () => {
    const seen = new Set<string>();
    for (const [policy, steps] of fc.sample(fc.tuple(policyArb, daysArb), { numRuns: 1000, seed: 7 })) {
      runDay(policy, steps, ({ before, effects }) => {
        for (const e of effects) {
          if (e.type === 'workingReauthRefused') seen.add(`refused:${e.why}`);
          if (e.type === 'cancelAttempt' && e.purpose === 'renew') seen.add(`cancelled:${e.byClinician}`);
          if (e.type === 'sessionRenewed' || e.type === 'startWorkingReauth') seen.add(e.type);
          if (e.type === 'lock' && renewing(before)) seen.add(`lock-while-renewing:${e.reason}`);
        }
      });
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'sessionRenewed',
        'startWorkingReauth',
        'refused:different-user',
        'refused:past-limit',
        'cancelled:true',
        'cancelled:false',
        'lock-while-renewing:absolute-limit',
        'lock-while-renewing:idle',
      ]),
    );
  });

  it(
    'never lets a renewal keep a session working past the absolute limit from a real authentication of its clinician',
    () => {
      day((obs, policy) => {
        const { event, after, effects } = obs;
        if (!working(after)) return;
        // The session's deadline comes from the latest authentication of this clinician in the log:
        // the one that started, resumed or renewed it; never later than the limit from it.
        if (has(effects, 'sessionRenewed')) {
          must(
            event.type === 'workingReauthSucceeded' && event.subject === after.session.subject,
            'renewed without an authentication of the same clinician',
            obs,
          );
          const age = Math.max(0, event.at.wall - event.authTime);
          must(
            absoluteDeadline(after.session, policy).wall <= event.at.wall - age + policy.absoluteLimitMs,
            'a renewal counted from later than its authentication',
            obs,
          );
          must(
            !absoluteOver(
              { subject: event.subject, aal: event.aal, startedAt: event.at, authAgeMs: age, evidence: event.at },
              event.at,
              policy,
            ),
            'a renewal already past the limit was accepted',
            obs,
          );
        }
      });
    },
    TIMEOUT,
  );

  it(
    "never gives another clinician's authentication the working clinician's session, nor ends or changes it",
    () => {
      day((obs, policy) => {
        const { before, event, after, effects, oracle } = obs;
        if (event.type !== 'workingReauthSucceeded' || !working(before)) return;
        if (event.subject === before.session.subject) return;
        // A limit that fell due at this moment is settled first, whoever signed in (the engine's own property).
        if (oracle !== null && (idleOver(oracle, event.at, policy) || absoluteOver(oracle, event.at, policy))) return;
        for (const t of [
          'sessionStarted',
          'sessionResumed',
          'sessionRenewed',
          'restoreDraftsOf',
          'sealDraftsOf',
          'endSession',
        ] as const) {
          must(!has(effects, t), `someone else's renewal produced ${t}`, obs);
        }
        if (!('session' in after)) return; // a limit that fell due settled it first
        must(after.session.subject === before.session.subject, 'the session changed hands', obs);
        if (working(after)) must(after.session === before.session, "the working clinician's session changed", obs);
        must(
          !effects.some((e) => e.type === 'clearTokens' && e.subject === before.session.subject) || !working(after),
          "the working clinician's tokens were dropped",
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it(
    'leaves the session exactly as it was when signing in again fails or is cancelled',
    () => {
      day((obs) => {
        const { before, event, after } = obs;
        if (!renewing(before) || !working(before)) return;
        if (
          event.type !== 'workingReauthFailed' &&
          event.type !== 'workingReauthCancelled' &&
          event.type !== 'cancelRequested'
        )
          return;
        if (!working(after)) return; // a limit that fell due at this moment locked it first
        must(
          after.session === before.session && after.reauth === undefined,
          'a failed or cancelled renewal changed the session',
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it(
    'abandons a renewal at any lock or end, first thing, so its late result can never renew',
    () => {
      // A fresh log per day.
      day(() => {
        let step = 0;
        let renewAsked = -1;
        let leftWorking = -1;
        return (obs: Observed) => {
          const { before, event, after, effects } = obs;
          step += 1;
          if (has(effects, 'sessionRenewed'))
            must(renewAsked > leftWorking, 'a renewal asked for before the last lock or end renewed the session', obs);
          if (working(before) && before.reauth !== undefined && !working(after)) {
            const [first] = effects;
            if (!['workingReauthSucceeded', 'workingReauthFailed', 'workingReauthCancelled'].includes(event.type)) {
              must(
                first?.type === 'cancelAttempt' && first.purpose === before.reauth.purpose,
                'a renewal outlived its working state',
                obs,
              );
              must(first.byClinician === (event.type === 'cancelRequested'), 'misreported who cancelled', obs);
            }
          }
          if (renewing(before) && isLockCause(event)) must(!renewing(after), 'a lock cause left the renewal open', obs);
          if (!working(after)) leftWorking = step;
          if (has(effects, 'startWorkingReauth')) renewAsked = step;
        };
      });
    },
    TIMEOUT,
  );

  it(
    'still locks (or ends) on time at the absolute limit with a renewal in flight',
    () => {
      day((obs, policy) => {
        const { before, event, after, effects, oracle } = obs;
        if (!renewing(before) || oracle === null || !absoluteOver(oracle, event.at, policy)) return;
        must(!working(after) || has(effects, 'sessionStarted'), 'working past the absolute limit while renewing', obs);
        must(!has(effects, 'sessionRenewed'), 'a renewal arriving at the limit postponed it', obs);
        const first = effects.find((e) => e.type !== 'cancelAttempt');
        must(
          first !== undefined && (first.type === 'lock' || first.type === 'endSession'),
          'the limit did not lock first',
          obs,
        );
      });
    },
    TIMEOUT,
  );

  it('says the session is ending soon exactly within the notice lead before the absolute limit, and only while working', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            absoluteLimitSeconds: fc.integer({ min: 60, max: 13 * 3600 }),
            absoluteWarningLeadSeconds: fc.integer({ min: 0, max: 2 * 3600 }),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 0, max: 13 * HOUR }),
        fc.integer({ min: -HOUR, max: HOUR }),
        fc.constantFrom<SessionState['status']>('active', 'warning', 'locked'),
        (input, sinceAuth, wallSkew, status) => {
          const policy = resolvePolicy(input).policy;
          const session = {
            subject: 'alice',
            sessionId: 's',
            aal: 'AAL3' as const,
            authTime: T0.wall,
            authAt: T0,
            lastActivity: T0,
          };
          const state = (
            status === 'locked' ? { status, session, reason: 'manual', lockedAt: T0 } : { status, session }
          ) as SessionState;
          const now = { wall: T0.wall + sinceAuth + wallSkew, mono: T0.mono + sinceAuth };
          const within = elapsed(T0, now) >= policy.absoluteLimitMs - policy.absoluteWarningLeadMs;
          expect(sessionEndingSoon(state, policy, now)).toBe(
            status !== 'locked' && policy.absoluteWarningLeadMs > 0 && within,
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps the notice lead within bounds whatever IT asks: below the absolute limit, at most an hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 * 3600 }),
        fc.option(fc.integer({ min: 0, max: 10 * 3600 }), { nil: undefined }),
        (limit, lead) => {
          const { policy, clamps } = resolvePolicy({
            absoluteLimitSeconds: limit,
            ...(lead === undefined ? {} : { absoluteWarningLeadSeconds: lead }),
          });
          expect(policy.absoluteWarningLeadMs).toBeGreaterThanOrEqual(0);
          expect(policy.absoluteWarningLeadMs).toBeLessThanOrEqual(60 * MINUTE);
          expect(policy.absoluteWarningLeadMs).toBeLessThan(policy.absoluteLimitMs);
          const asked = (lead ?? 15 * 60) * 1000;
          if (asked <= 60 * MINUTE && asked < policy.absoluteLimitMs) expect(policy.absoluteWarningLeadMs).toBe(asked);
          else expect(clamps.some((c) => c.field === 'AbsoluteLimitWarningSeconds')).toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
