// Examples for resolvePolicy: the defaults are the rules, IT may tighten, and a request to
// loosen is clamped and reported in words an IT admin can act on.
import { describe, expect, it } from 'vitest';
import { ShellError } from '../../main/core/errors';
import {
  assertResolvedPolicy,
  capAtRule,
  defaultPolicy,
  isResolvedPolicy,
  resolvePolicy,
  type SessionPolicy,
} from '../../main/core/policy';
import { stricterPolicy } from '../../main/core/stricter-policy';

describe('resolvePolicy', () => {
  it('gives the rules themselves when IT says nothing', () => {
    expect(resolvePolicy({})).toEqual({ policy: defaultPolicy, clamps: [] });
    expect(defaultPolicy).toMatchObject({
      idleLimitMs: { AAL2: 1_800_000, AAL3: 900_000 },
      absoluteLimitMs: 43_200_000,
      warningLeadMs: 60_000,
      onOsLock: 'lock',
    });
  });

  it('applies shorter limits as asked', () => {
    const { policy, clamps } = resolvePolicy({
      idleLimitSeconds: { AAL2: 600 },
      absoluteLimitSeconds: 8 * 3600,
      warningLeadSeconds: 30,
      onSleep: 'end-session',
    });
    expect(policy).toMatchObject({
      idleLimitMs: { AAL2: 600_000, AAL3: 900_000 },
      absoluteLimitMs: 28_800_000,
      warningLeadMs: 30_000,
      onSleep: 'end-session',
    });
    expect(clamps).toEqual([]);
  });

  it('clamps a longer limit to the rule and reports it', () => {
    const { policy, clamps } = resolvePolicy({ idleLimitSeconds: { AAL3: 3600 }, absoluteLimitSeconds: 86_400 });
    expect(policy.idleLimitMs.AAL3).toBe(900_000);
    expect(policy.absoluteLimitMs).toBe(43_200_000);
    expect(clamps).toEqual([
      { field: 'IdleLimitAAL3Seconds', requested: 3600, applied: 900, reason: 'above-rule-maximum' },
      { field: 'AbsoluteLimitSeconds', requested: 86_400, applied: 43_200, reason: 'above-rule-maximum' },
    ]);
  });

  it('moves a warning that would not come before the lock, and reports it', () => {
    const { policy, clamps } = resolvePolicy({ idleLimitSeconds: { AAL3: 120 }, warningLeadSeconds: 120 });
    expect(policy.warningLeadMs).toBe(60_000);
    expect(clamps).toEqual([
      { field: 'WarningLeadSeconds', requested: 120, applied: 60, reason: 'not-below-idle-limit' },
    ]);
  });

  it.each([
    [{ idleLimitSeconds: { AAL2: -5 } }, /"IdleLimitAAL2Seconds" must be a positive number of seconds; it is -5/],
    [{ absoluteLimitSeconds: Number.NaN }, /"AbsoluteLimitSeconds" must be a positive number of seconds; it is NaN/],
    [{ warningLeadSeconds: -1 }, /"WarningLeadSeconds" must be zero or a positive number/],
    [{ onOsLock: 'ignore' as 'lock' }, /"OnOsLock" must be "lock" or "end-session"; it is "ignore"/],
  ])('refuses nonsense with CONFIG_INVALID and says what to fix (%o)', (input, message) => {
    expect(() => resolvePolicy(input)).toThrow(message);
    expect(() => resolvePolicy(input)).toThrow(ShellError);
  });

  it('IT’s limit on working through an outage: none by default, 0 allowed, clamped to the absolute limit, refused when not a number', () => {
    expect(resolvePolicy({}).policy.unansweredRefreshLimitMs).toBeNull();
    expect(resolvePolicy({ unansweredRefreshLimitSeconds: 0 }).policy.unansweredRefreshLimitMs).toBe(0);
    expect(resolvePolicy({ unansweredRefreshLimitSeconds: 1800 })).toMatchObject({
      policy: { unansweredRefreshLimitMs: 1_800_000 },
      clamps: [],
    });
    const { policy, clamps } = resolvePolicy({ absoluteLimitSeconds: 3600, unansweredRefreshLimitSeconds: 7200 });
    expect(policy.unansweredRefreshLimitMs).toBe(3_600_000);
    expect(clamps).toEqual([
      { field: 'UnansweredRefreshLimitSeconds', requested: 7200, applied: 3600, reason: 'above-rule-maximum' },
    ]);
    for (const bad of [-1, Number.NaN, '600'] as unknown[])
      expect(() => resolvePolicy({ unansweredRefreshLimitSeconds: bad as number })).toThrow(
        /"UnansweredRefreshLimitSeconds" must be zero or a positive number of seconds/,
      );
  });

  it('a policy whose outage limit passes the absolute limit is not one the engine runs with', () => {
    const { policy } = resolvePolicy({ absoluteLimitSeconds: 3600 });
    expect(isResolvedPolicy({ ...policy, unansweredRefreshLimitMs: 3_600_000 })).toBe(true);
    expect(isResolvedPolicy({ ...policy, unansweredRefreshLimitMs: 3_600_001 })).toBe(false);
    expect(isResolvedPolicy({ ...policy, unansweredRefreshLimitMs: -1 })).toBe(false);
  });

  it('mid-session, the stricter of two outage limits applies: the shorter, and any limit over none', () => {
    const none = resolvePolicy({}).policy;
    const half = resolvePolicy({ unansweredRefreshLimitSeconds: 1800 }).policy;
    const zero = resolvePolicy({ unansweredRefreshLimitSeconds: 0 }).policy;
    expect(stricterPolicy(none, none).unansweredRefreshLimitMs).toBeNull();
    expect(stricterPolicy(none, half).unansweredRefreshLimitMs).toBe(1_800_000);
    expect(stricterPolicy(half, none).unansweredRefreshLimitMs).toBe(1_800_000);
    expect(stricterPolicy(half, zero).unansweredRefreshLimitMs).toBe(0);
    const shorter = resolvePolicy({ absoluteLimitSeconds: 600 }).policy;
    expect(stricterPolicy(half, shorter).unansweredRefreshLimitMs).toBe(600_000);
  });

  it('mid-session, the stricter policy takes every setting at its strictest: shorter limits, end over lock, the shell’s own input over the account’s', () => {
    const loose = resolvePolicy({
      idleLimitSeconds: { AAL2: 1500, AAL3: 600 },
      absoluteLimitSeconds: 40_000,
      warningLeadSeconds: 120,
      absoluteWarningLeadSeconds: 1200,
      onOsLock: 'end-session',
      activityCountedFrom: 'os-account',
    }).policy;
    const tight = resolvePolicy({
      idleLimitSeconds: { AAL2: 1200, AAL3: 900 },
      absoluteLimitSeconds: 30_000,
      warningLeadSeconds: 90,
      absoluteWarningLeadSeconds: 600,
      onSleep: 'end-session',
      activityCountedFrom: 'os-account',
    }).policy;
    expect(stricterPolicy(loose, tight)).toEqual({
      idleLimitMs: { AAL2: 1_200_000, AAL3: 600_000 },
      absoluteLimitMs: 30_000_000,
      // The new policy's leads, kept below the limits now in force.
      warningLeadMs: 90_000,
      absoluteWarningLeadMs: 600_000,
      onOsLock: 'end-session',
      onSleep: 'end-session',
      onUserSwitch: 'lock',
      unansweredRefreshLimitMs: null,
      activityScope: 'os-account',
    });
    expect(isResolvedPolicy(stricterPolicy(loose, tight))).toBe(true);
    for (const [a, b] of [
      [loose, resolvePolicy({}).policy],
      [resolvePolicy({}).policy, loose],
    ] as const)
      expect(stricterPolicy(a, b).activityScope).toBe('shell');
    // A new lead not below the limits in force is moved to half the shorter one, as resolvePolicy does.
    const shortIdle = resolvePolicy({ idleLimitSeconds: { AAL2: 300, AAL3: 200 }, absoluteLimitSeconds: 1000 }).policy;
    const longLeads = resolvePolicy({ warningLeadSeconds: 600, absoluteWarningLeadSeconds: 3000 }).policy;
    expect(stricterPolicy(shortIdle, longLeads)).toMatchObject({
      warningLeadMs: 100_000,
      absoluteWarningLeadMs: 500_000,
    });
    expect(isResolvedPolicy(stricterPolicy(shortIdle, longLeads))).toBe(true);
    // A lead exactly as long as the limit would warn at the moment the session starts: moved too.
    const equalLeads = resolvePolicy({ warningLeadSeconds: 200, absoluteWarningLeadSeconds: 1000 }).policy;
    expect(stricterPolicy(shortIdle, equalLeads)).toMatchObject({
      warningLeadMs: 100_000,
      absoluteWarningLeadMs: 500_000,
    });
    expect(isResolvedPolicy(stricterPolicy(shortIdle, equalLeads))).toBe(true);
  });

  it('caps draft retention at 12 h and the auth_time skew at 60 s, reporting each clamp', () => {
    expect(capAtRule('DraftRetentionHours', 8)).toEqual({ applied: 8, clamp: null });
    expect(capAtRule('DraftRetentionHours', 12)).toEqual({ applied: 12, clamp: null });
    expect(capAtRule('DraftRetentionHours', 48)).toEqual({
      applied: 12,
      clamp: { field: 'DraftRetentionHours', requested: 48, applied: 12, reason: 'above-rule-maximum' },
    });
    expect(capAtRule('AuthTimeSkewSeconds', 61).applied).toBe(60);
  });
});

describe('what IT is told about a policy value, at the edges of the rules', () => {
  it('applies a limit exactly at the rule’s maximum as asked, with no clamp to report', () => {
    const { policy, clamps } = resolvePolicy({
      idleLimitSeconds: { AAL2: 1800, AAL3: 900 },
      absoluteLimitSeconds: 43_200,
      absoluteWarningLeadSeconds: 3600,
      unansweredRefreshLimitSeconds: 43_200,
    });
    expect(clamps).toEqual([]);
    expect(policy).toMatchObject({ absoluteWarningLeadMs: 3_600_000, unansweredRefreshLimitMs: 43_200_000 });
  });

  it('moves the default warning before an idle limit shorter than it, reporting the default it moved', () => {
    const { policy, clamps } = resolvePolicy({ idleLimitSeconds: { AAL3: 45 } });
    expect(policy.warningLeadMs).toBe(22_500);
    expect(clamps).toEqual([
      { field: 'WarningLeadSeconds', requested: 60, applied: 22.5, reason: 'not-below-idle-limit' },
    ]);
  });

  it('clamps the 12-hour notice to an hour, reporting the value as IT wrote it', () => {
    const { policy, clamps } = resolvePolicy({ absoluteWarningLeadSeconds: 7200.0004 });
    expect(policy.absoluteWarningLeadMs).toBe(3_600_000);
    expect(clamps).toEqual([
      { field: 'AbsoluteLimitWarningSeconds', requested: 7200.0004, applied: 3600, reason: 'above-rule-maximum' },
    ]);
  });

  it('moves a notice as long as the absolute limit (asked for, or the default) to half of it', () => {
    const asked = resolvePolicy({ absoluteLimitSeconds: 600, absoluteWarningLeadSeconds: 600 });
    expect(asked.policy.absoluteWarningLeadMs).toBe(300_000);
    expect(asked.clamps).toEqual([
      { field: 'AbsoluteLimitWarningSeconds', requested: 600, applied: 300, reason: 'not-below-absolute-limit' },
    ]);
    const byDefault = resolvePolicy({ absoluteLimitSeconds: 600 });
    expect(byDefault.policy.absoluteWarningLeadMs).toBe(300_000);
    expect(byDefault.clamps).toEqual([
      { field: 'AbsoluteLimitWarningSeconds', requested: 900, applied: 300, reason: 'not-below-absolute-limit' },
    ]);
  });

  it.each([
    [{ idleLimitSeconds: { AAL2: Number.POSITIVE_INFINITY } }, /"IdleLimitAAL2Seconds" must be .*; it is Infinity\./],
    [{ absoluteLimitSeconds: 0 }, /"AbsoluteLimitSeconds" must be a positive number of seconds; it is 0\./],
    [
      { idleLimitSeconds: { AAL3: 0.0004 } },
      /"IdleLimitAAL3Seconds" must be a positive number of seconds; it is 0\.0004\./,
    ],
    [{ onSleep: 'hibernate' as 'lock' }, /"OnSleep" must be "lock" or "end-session"; it is "hibernate"/],
    [{ onUserSwitch: true as unknown as 'lock' }, /"OnUserSwitch" must be .*; it is a value of type boolean\./],
    [{ onOsLock: null as unknown as 'lock' }, /"OnOsLock" must be .*; it is a value of type null\./],
    [{ absoluteLimitSeconds: {} as number }, /"AbsoluteLimitSeconds" must be .*; it is a value of type object\./],
    [
      { activityCountedFrom: 'everyone' as 'shell' },
      /^The session policy setting "ActivityCountedFrom" must be "shell" or "os-account"; it is "everyone"\. Correct it in the IT policy file, or remove it to use "shell"\.$/,
    ],
  ])('refuses %o, naming the setting and the value it was given', (input, message) => {
    expect(() => resolvePolicy(input)).toThrow(message);
    try {
      resolvePolicy(input);
    } catch (error) {
      expect((error as ShellError).code).toBe('CONFIG_INVALID');
    }
  });

  it('quotes at most 40 characters of a wrong text value', () => {
    const long = `end-session${'x'.repeat(100)}`;
    expect(() => resolvePolicy({ onOsLock: long as 'lock' })).toThrow(`it is "${long.slice(0, 40)}". Correct it`);
  });
});

describe('assertResolvedPolicy: the engine runs with no policy that lengthens a limit', () => {
  const minutes = (n: number) => n * 60_000;
  const built = (change: Partial<SessionPolicy>): SessionPolicy => ({ ...defaultPolicy, ...change });

  it('takes a warning up to a millisecond before the shorter idle limit, whichever level has it', () => {
    const idleLimitMs = { AAL2: minutes(10), AAL3: minutes(12) };
    expect(isResolvedPolicy(built({ idleLimitMs, warningLeadMs: minutes(10) - 1 }))).toBe(true);
    expect(isResolvedPolicy(built({ idleLimitMs, warningLeadMs: minutes(10) }))).toBe(false);
    expect(isResolvedPolicy(built({ idleLimitMs, warningLeadMs: minutes(11) }))).toBe(false);
  });

  it('takes a 12-hour notice before the absolute limit and at most an hour', () => {
    const absoluteLimitMs = minutes(20);
    expect(isResolvedPolicy(built({ absoluteLimitMs, absoluteWarningLeadMs: minutes(20) - 1 }))).toBe(true);
    expect(isResolvedPolicy(built({ absoluteLimitMs, absoluteWarningLeadMs: minutes(20) }))).toBe(false);
    expect(isResolvedPolicy(built({ absoluteLimitMs, absoluteWarningLeadMs: minutes(30) }))).toBe(false);
    expect(isResolvedPolicy(built({ absoluteWarningLeadMs: minutes(60) }))).toBe(true);
    expect(isResolvedPolicy(built({ absoluteWarningLeadMs: minutes(60) + 1 }))).toBe(false);
  });

  it('throws a report-to-IT error that names the way to build one', () => {
    expect(() => assertResolvedPolicy(built({ absoluteLimitMs: minutes(13 * 60) }))).toThrow(
      /a session policy with a limit above the rules or a warning not before the lock; build it with resolvePolicy\(\)/,
    );
  });
});
