// Issue 22: whose input counts. On a shared ward account the OS idle clock counts every keystroke
// on the account, so input in the browser or another program must not keep clinician A's session
// from locking (reference 003 counts inactivity "within the application"). With the default
// (ActivityCountedFrom = shell) no OS idle sample ever moves the idle deadline; with either
// setting, the OS seeing nobody at the PC for a whole idle period locks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from '../../../main/core/policy';
import { idleDeadline } from '../../../main/core/session';
import { NUM_RUNS, policyArb, runDay, stepsArb } from './model';

const working = (status: string): boolean => status === 'active' || status === 'warning';
const withScope =
  (activityScope: SessionPolicy['activityScope']) =>
  (policy: SessionPolicy): SessionPolicy => ({ ...policy, activityScope });

describe('whose input counts (property)', () => {
  it('by default, no input outside the shell (an OS idle sample) ever moves the idle deadline', () => {
    fc.assert(
      fc.property(policyArb.map(withScope('shell')), stepsArb, (policy, steps) =>
        runDay(policy, steps, ({ before, event, after }) => {
          if (event.type !== 'osIdleSample' || !('session' in before) || !('session' in after)) return;
          expect(idleDeadline(after.session, policy)).toEqual(idleDeadline(before.session, policy));
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('with either setting, an OS idle sample at the idle limit locks a working session', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.constantFrom('shell' as const, 'os-account' as const),
        stepsArb,
        (policy, scope, steps) => {
          const inForce = withScope(scope)(policy);
          runDay(inForce, steps, ({ before, event, after }) => {
            if (event.type !== 'osIdleSample' || !working(before.status) || !('session' in before)) return;
            if (event.seconds * 1000 < inForce.idleLimitMs[before.session.aal]) return;
            expect(working(after.status)).toBe(false);
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('counting the whole OS account, input elsewhere moves the idle deadline only later, never earlier', () => {
    fc.assert(
      fc.property(policyArb.map(withScope('os-account')), stepsArb, (policy, steps) =>
        runDay(policy, steps, ({ before, event, after }) => {
          if (event.type !== 'osIdleSample' || !('session' in before) || !('session' in after)) return;
          if (!working(after.status)) return;
          const was = idleDeadline(before.session, policy);
          const now = idleDeadline(after.session, policy);
          expect(now.wall >= was.wall && now.mono >= was.mono).toBe(true);
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
