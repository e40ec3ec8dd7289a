// resolvePolicy over any input an IT policy file could hold: it never yields a limit above
// the rules, reports every clamp, changes nothing it need not, and refuses nonsense loudly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { RULE_MAXIMA, resolvePolicy } from '../../../main/core/policy';
import type { PolicyClamp, PolicyInput } from '../../../main/core/policy';
import { NUM_RUNS } from './model';

const seconds = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 * 3600 }) },
  { weight: 2, arbitrary: fc.double({ min: 0.001, max: 1e7, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      -1,
      -0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e308,
      0.0001,
    ),
  },
);
const action = fc.constantFrom<unknown>('lock', 'end-session', 'ignore', '', 'LOCK', 42, null);

const inputArb = fc.record(
  {
    idleLimitSeconds: fc.record({ AAL2: seconds, AAL3: seconds }, { requiredKeys: [] }),
    absoluteLimitSeconds: seconds,
    warningLeadSeconds: seconds,
    onOsLock: action,
    onSleep: action,
    onUserSwitch: action,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<PolicyInput>;

const validLimit = (s: number | undefined): boolean =>
  s === undefined || (Number.isFinite(s) && Math.floor(s * 1000) > 0);
const validLead = (s: number | undefined): boolean => s === undefined || (Number.isFinite(s) && s >= 0);
const validAction = (a: unknown): boolean => a === undefined || a === 'lock' || a === 'end-session';

function isValid(input: PolicyInput): boolean {
  return (
    validLimit(input.idleLimitSeconds?.AAL2) &&
    validLimit(input.idleLimitSeconds?.AAL3) &&
    validLimit(input.absoluteLimitSeconds) &&
    validLead(input.warningLeadSeconds) &&
    validAction(input.onOsLock) &&
    validAction(input.onSleep) &&
    validAction(input.onUserSwitch)
  );
}

/** What a limit must become: the request in whole ms when within the rule, else the rule's maximum. */
function expectLimit(
  requested: number | undefined,
  applied: number,
  maxMs: number,
  field: PolicyClamp['field'],
  clamps: PolicyClamp[],
): void {
  expect(applied).toBeLessThanOrEqual(maxMs);
  expect(applied).toBeGreaterThan(0);
  const clamp = clamps.find((c) => c.field === field);
  if (requested === undefined) {
    expect(applied).toBe(maxMs);
    expect(clamp).toBeUndefined();
  } else if (Math.floor(requested * 1000) <= maxMs) {
    expect(applied).toBe(Math.floor(requested * 1000));
    expect(clamp).toBeUndefined();
  } else {
    expect(applied).toBe(maxMs);
    expect(clamp).toEqual({ field, requested, applied: maxMs / 1000, reason: 'above-rule-maximum' });
  }
}

describe('resolvePolicy (property)', () => {
  it(
    'never yields a limit above the rules, reports every clamp, and refuses nonsense with CONFIG_INVALID',
    () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          if (!isValid(input)) {
            expect(() => resolvePolicy(input)).toThrow(ShellError);
            try {
              resolvePolicy(input);
            } catch (error) {
              expect((error as ShellError).code).toBe('CONFIG_INVALID');
              expect((error as ShellError).message).toMatch(/IT policy file/);
            }
            return;
          }
          const { policy, clamps } = resolvePolicy(input);
          expectLimit(
            input.idleLimitSeconds?.AAL2,
            policy.idleLimitMs.AAL2,
            RULE_MAXIMA.idleLimitMs.AAL2,
            'IdleLimitAAL2Seconds',
            clamps,
          );
          expectLimit(
            input.idleLimitSeconds?.AAL3,
            policy.idleLimitMs.AAL3,
            RULE_MAXIMA.idleLimitMs.AAL3,
            'IdleLimitAAL3Seconds',
            clamps,
          );
          expectLimit(
            input.absoluteLimitSeconds,
            policy.absoluteLimitMs,
            RULE_MAXIMA.absoluteLimitMs,
            'AbsoluteLimitSeconds',
            clamps,
          );
          // The warning always comes before the lock it announces, and is never moved without a report.
          const shortestIdle = Math.min(policy.idleLimitMs.AAL2, policy.idleLimitMs.AAL3);
          expect(policy.warningLeadMs).toBeGreaterThanOrEqual(0);
          expect(policy.warningLeadMs).toBeLessThan(shortestIdle);
          const requestedLeadMs =
            input.warningLeadSeconds === undefined ? 60_000 : Math.floor(input.warningLeadSeconds * 1000);
          const leadClamp = clamps.find((c) => c.field === 'WarningLeadSeconds');
          if (requestedLeadMs < shortestIdle) {
            expect(policy.warningLeadMs).toBe(requestedLeadMs);
            expect(leadClamp).toBeUndefined();
          } else {
            expect(leadClamp?.reason).toBe('not-below-idle-limit');
            expect(leadClamp?.applied).toBe(policy.warningLeadMs / 1000);
          }
          expect(policy.onOsLock).toBe(input.onOsLock ?? 'lock');
          expect(policy.onSleep).toBe(input.onSleep ?? 'lock');
          expect(policy.onUserSwitch).toBe(input.onUserSwitch ?? 'lock');
          expect(Object.isFrozen(policy) && Object.isFrozen(policy.idleLimitMs)).toBe(true);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    Math.max(30_000, NUM_RUNS * 2),
  );
});
