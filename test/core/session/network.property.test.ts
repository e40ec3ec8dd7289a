// Issue 21: only CIS2 saying "no" ends a session, never a lost connection. Properties over the
// model's random days (model.ts: every event in random order, refresh outcomes among them, with
// sleeps, wall-clock jumps and moves to the next deadline), each step checked against what the
// rules say: an unanswered (or answered) refresh changes nothing a tick would not; a refused one
// locks at once; no refresh outcome moves the idle or 12-hour deadline; IT's
// UnansweredRefreshLimitSeconds locks at its limit exactly, counted from the first unanswered
// refresh of the outage, and never before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earliest, shift } from '../../../main/core/clock';
import type { Instant } from '../../../main/core/clock';
import type { SessionPolicy } from '../../../main/core/policy';
import { absoluteDeadline, idleDeadline, transition } from '../../../main/core/session';
import type { SessionState } from '../../../main/core/session';
import { NUM_RUNS, elapsed, policyArb, runDay, stepsArb } from './model';
import type { Observed } from './model';

const refreshOutcomes = new Set(['refreshUnanswered', 'refreshAnswered']);
const working = (s: SessionState): s is Extract<SessionState, { status: 'active' | 'warning' }> =>
  s.status === 'active' || s.status === 'warning';

/** The policy with IT's limit removed: the default, where an unanswered refresh alone never locks. */
const noLimit = (policy: SessionPolicy): SessionPolicy => ({ ...policy, unansweredRefreshLimitMs: null });

describe('network resilience (property)', () => {
  it('with no limit set, an unanswered or answered refresh does exactly what a tick at that moment does: no lock, no end', () => {
    fc.assert(
      fc.property(policyArb.map(noLimit), stepsArb, (policy, steps) =>
        runDay(policy, steps, ({ before, event, after, effects }) => {
          if (!refreshOutcomes.has(event.type)) return;
          const tick = transition(before, { type: 'tick', at: event.at }, policy);
          expect(after.status).toBe(tick.state.status);
          expect(effects).toEqual(tick.effects);
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a refused refresh locks a working session at once, with its own reason unless a due deadline named the lock first', () => {
    fc.assert(
      fc.property(policyArb, stepsArb, (policy, steps) =>
        runDay(policy, steps, ({ before, event, after, effects }) => {
          if (event.type !== 'refreshRefused' || !working(before)) return;
          const tick = transition(before, { type: 'tick', at: event.at }, policy);
          expect(after.status).toBe(working(tick.state) ? 'locked' : tick.state.status);
          if (working(tick.state)) expect(effects).toContainEqual({ type: 'lock', reason: 'refresh-refused' });
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('no refresh outcome moves the idle or the 12-hour deadline', () => {
    fc.assert(
      fc.property(policyArb, stepsArb, (policy, steps) =>
        runDay(policy, steps, ({ before, event, after }) => {
          if (!event.type.startsWith('refresh') || !('session' in before) || !('session' in after)) return;
          expect(idleDeadline(after.session, policy)).toEqual(idleDeadline(before.session, policy));
          expect(absoluteDeadline(after.session, policy)).toEqual(absoluteDeadline(before.session, policy));
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('IT’s limit locks a working session exactly at the first unanswered refresh plus the limit, and never earlier', () => {
    fc.assert(
      fc.property(policyArb, stepsArb, (policy, steps) => {
        // The rules' own account of the outage: from the first unanswered refresh while working
        // until CIS2 answers, or a new authentication starts the session afresh.
        let outageSince: Instant | null = null;
        runDay(policy, steps, (step: Observed) => {
          const { before, event, after, effects } = step;
          const limit = policy.unansweredRefreshLimitMs;
          const lockedForOutage = effects.some((e) => e.type === 'lock' && e.reason === 'cis2-unreachable');
          if (lockedForOutage) {
            expect(limit).not.toBeNull();
            const since = outageSince ?? (event.type === 'refreshUnanswered' ? event.at : null);
            expect(since).not.toBeNull();
            if (limit === null || since === null || after.status !== 'locked') return;
            expect(elapsed(since, event.at)).toBeGreaterThanOrEqual(limit);
            expect(after.lockedAt).toEqual(earliest(shift(since, limit), event.at));
          }
          const renewed = effects.some((e) => ['sessionStarted', 'sessionResumed', 'sessionRenewed'].includes(e.type));
          if (renewed || !('session' in after)) outageSince = null;
          else if (working(before) && event.type === 'refreshAnswered') outageSince = null;
          else if (working(before) && event.type === 'refreshUnanswered' && outageSince === null)
            outageSince = event.at;
          // Still working through an outage: IT's limit has not come yet.
          if (working(after) && limit !== null && outageSince !== null)
            expect(elapsed(outageSince, event.at)).toBeLessThan(limit);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
