/**
 * Session policy: the limits the engine enforces, and how IT may tighten them.
 *
 * The rules set maxima (CIS2 idle table: AAL2 30 min, AAL3 15 min; CIS2/NIST: 12 h from
 * the last full authentication). IT policy may shorten any limit and may choose the
 * stricter reaction ('end-session') to an OS lock, sleep or user switch; it can never
 * lengthen a limit: a value above the maximum is clamped and the clamp is reported.
 * Values that are not positive finite numbers are refused with an error naming the field
 * (the machine policy reader reports and drops such values before they get here).
 */
import type { Aal } from './assurance-level';
import { ShellError, invariant } from './errors';

/** What happens to a session when the OS locks, the machine sleeps, or the OS user switches. */
export type OsEventAction = 'lock' | 'end-session';

/**
 * Whose input keeps a session from its idle lock: the shell's own windows only (`shell`, the
 * default: on a shared ward account, someone using the browser must not keep another clinician's
 * note open), or anywhere on the OS account (`os-account`, for a PC only one clinician uses).
 * Either way, the OS seeing nobody at the PC for a whole idle period locks.
 */
export type ActivityScope = 'shell' | 'os-account';

export type SessionPolicy = {
  /** Inactivity after which the session locks, per assurance level of the sign-in. */
  readonly idleLimitMs: { readonly AAL2: number; readonly AAL3: number };
  /** Time from the last full authentication after which the session stops, whatever the activity. */
  readonly absoluteLimitMs: number;
  /** How long before an idle lock the warning is shown (0: no warning). Always below both idle limits. */
  readonly warningLeadMs: number;
  /**
   * How long before the absolute limit the clinician is told their sign-in is ending and offered
   * to sign in again early (0: not told). Always below the absolute limit, at most an hour.
   */
  readonly absoluteWarningLeadMs: number;
  readonly onOsLock: OsEventAction;
  readonly onSleep: OsEventAction;
  readonly onUserSwitch: OsEventAction;
  /**
   * How long a working session goes on while CIS2 does not answer its refresh (the network down,
   * CIS2 unavailable), counted from the first unanswered refresh: then it locks
   * ('cis2-unreachable'). null (the default): no limit beyond the idle and 12-hour limits, since
   * an unanswered refresh says nothing about the session; 0: lock at the first unanswered refresh.
   */
  readonly unansweredRefreshLimitMs: number | null;
  readonly activityScope: ActivityScope;
};

/** What an IT policy file may say, in seconds. Missing fields take the default. */
export type PolicyInput = {
  readonly idleLimitSeconds?: { readonly AAL2?: number; readonly AAL3?: number };
  readonly absoluteLimitSeconds?: number;
  readonly warningLeadSeconds?: number;
  readonly absoluteWarningLeadSeconds?: number;
  readonly onOsLock?: OsEventAction;
  readonly onSleep?: OsEventAction;
  readonly onUserSwitch?: OsEventAction;
  readonly unansweredRefreshLimitSeconds?: number;
  readonly activityCountedFrom?: ActivityScope;
};

/** Named as the admin names them in the machine policy (docs/policy.md), so a logged clamp reads as the setting to fix. */
export type PolicyClampField =
  | 'IdleLimitAAL2Seconds'
  | 'IdleLimitAAL3Seconds'
  | 'AbsoluteLimitSeconds'
  | 'WarningLeadSeconds'
  | 'AbsoluteLimitWarningSeconds'
  | 'DraftRetentionHours'
  | 'AuthTimeSkewSeconds'
  | 'UnansweredRefreshLimitSeconds';

/** One value IT asked for that the shell did not apply as asked (both in the setting's own unit). */
export type PolicyClamp = {
  readonly field: PolicyClampField;
  readonly requested: number;
  readonly applied: number;
  readonly reason: 'above-rule-maximum' | 'not-below-idle-limit' | 'not-below-absolute-limit';
};

const MINUTE = 60_000;

/** The rules' maxima. Nothing the engine runs with is ever above these. */
export const RULE_MAXIMA = {
  idleLimitMs: { AAL2: 30 * MINUTE, AAL3: 15 * MINUTE },
  absoluteLimitMs: 12 * 60 * MINUTE,
} as const;

/**
 * Caps on settings outside the session engine. Sealed drafts wait at most as long as a
 * session may last (12 h); CIS2's auth_time check tolerates at most 60 s of clock skew.
 */
export const RULE_CAPS = { DraftRetentionHours: 12, AuthTimeSkewSeconds: 60 } as const;

/** Applies one of RULE_CAPS: a request above the cap gives the cap and a clamp to report. */
export function capAtRule(
  field: keyof typeof RULE_CAPS,
  requested: number,
): { applied: number; clamp: PolicyClamp | null } {
  const cap = RULE_CAPS[field];
  if (requested <= cap) return { applied: requested, clamp: null };
  return { applied: cap, clamp: { field, requested, applied: cap, reason: 'above-rule-maximum' } };
}

export const DEFAULT_WARNING_LEAD_MS = 60_000;

/** 15 minutes' notice of the 12 hours: time to finish a sentence and sign in again at a natural moment. */
export const DEFAULT_ABSOLUTE_WARNING_LEAD_MS = 15 * MINUTE;
/** A notice more than an hour ahead would be shown for a twelfth of the shift and stop being noticed. */
export const MAX_ABSOLUTE_WARNING_LEAD_MS = 60 * MINUTE;

export const defaultPolicy: SessionPolicy = Object.freeze({
  idleLimitMs: Object.freeze({ ...RULE_MAXIMA.idleLimitMs }),
  absoluteLimitMs: RULE_MAXIMA.absoluteLimitMs,
  warningLeadMs: DEFAULT_WARNING_LEAD_MS,
  absoluteWarningLeadMs: DEFAULT_ABSOLUTE_WARNING_LEAD_MS,
  onOsLock: 'lock',
  onSleep: 'lock',
  onUserSwitch: 'lock',
  unansweredRefreshLimitMs: null,
  activityScope: 'shell',
});

export function idleLimitFor(policy: SessionPolicy, aal: Aal): number {
  return policy.idleLimitMs[aal];
}

export function resolvePolicy(input: PolicyInput): { policy: SessionPolicy; clamps: PolicyClamp[] } {
  const clamps: PolicyClamp[] = [];
  const limit = (field: PolicyClampField, requested: number | undefined, maxMs: number): number => {
    if (requested === undefined) return maxMs;
    const ms = positiveMs(field, requested, false);
    if (ms <= maxMs) return ms;
    clamps.push({ field, requested, applied: maxMs / 1000, reason: 'above-rule-maximum' });
    return maxMs;
  };

  const AAL2 = limit('IdleLimitAAL2Seconds', input.idleLimitSeconds?.AAL2, RULE_MAXIMA.idleLimitMs.AAL2);
  const AAL3 = limit('IdleLimitAAL3Seconds', input.idleLimitSeconds?.AAL3, RULE_MAXIMA.idleLimitMs.AAL3);
  const absoluteLimitMs = limit('AbsoluteLimitSeconds', input.absoluteLimitSeconds, RULE_MAXIMA.absoluteLimitMs);

  // The warning must come before the lock it warns about; a lead as long as the idle limit
  // would show the warning at the moment of activity. Halving the shorter limit keeps a warning.
  const requestedLead = input.warningLeadSeconds ?? DEFAULT_WARNING_LEAD_MS / 1000;
  let warningLeadMs = positiveMs('WarningLeadSeconds', requestedLead, true);
  const shortestIdle = Math.min(AAL2, AAL3);
  if (warningLeadMs >= shortestIdle) {
    const applied = Math.floor(shortestIdle / 2);
    clamps.push({
      field: 'WarningLeadSeconds',
      requested: requestedLead,
      applied: applied / 1000,
      reason: 'not-below-idle-limit',
    });
    warningLeadMs = applied;
  }

  const absoluteWarningLeadMs = absoluteWarningLead(input.absoluteWarningLeadSeconds, absoluteLimitMs, clamps);

  const policy: SessionPolicy = Object.freeze({
    idleLimitMs: Object.freeze({ AAL2, AAL3 }),
    absoluteLimitMs,
    warningLeadMs,
    absoluteWarningLeadMs,
    onOsLock: action('OnOsLock', input.onOsLock),
    onSleep: action('OnSleep', input.onSleep),
    onUserSwitch: action('OnUserSwitch', input.onUserSwitch),
    unansweredRefreshLimitMs: unansweredRefreshLimit(input.unansweredRefreshLimitSeconds, absoluteLimitMs, clamps),
    activityScope: activityScope(input.activityCountedFrom),
  });
  return { policy, clamps };
}

/**
 * Checks a policy the engine is about to run with. resolvePolicy() output always passes;
 * a hand-built policy that lengthens a limit is a programming error and throws.
 */
export function assertResolvedPolicy(policy: SessionPolicy): void {
  const ok =
    inRange(policy.idleLimitMs.AAL2, 1, RULE_MAXIMA.idleLimitMs.AAL2) &&
    inRange(policy.idleLimitMs.AAL3, 1, RULE_MAXIMA.idleLimitMs.AAL3) &&
    inRange(policy.absoluteLimitMs, 1, RULE_MAXIMA.absoluteLimitMs) &&
    inRange(policy.warningLeadMs, 0, Math.min(policy.idleLimitMs.AAL2, policy.idleLimitMs.AAL3) - 1) &&
    inRange(policy.absoluteWarningLeadMs, 0, Math.min(MAX_ABSOLUTE_WARNING_LEAD_MS, policy.absoluteLimitMs - 1)) &&
    (policy.unansweredRefreshLimitMs === null || inRange(policy.unansweredRefreshLimitMs, 0, policy.absoluteLimitMs));
  invariant(
    ok,
    'a session policy with a limit above the rules or a warning not before the lock; build it with resolvePolicy()',
  );
}

/** Whether the engine would run with this policy (assertResolvedPolicy without the throw). */
export function isResolvedPolicy(policy: SessionPolicy): boolean {
  try {
    assertResolvedPolicy(policy);
    return true;
  } catch {
    return false;
  }
}

/**
 * IT's UnansweredRefreshLimitSeconds: zero or more seconds; beyond the absolute limit it could
 * never come first, so it is clamped to it and the clamp reported.
 */
function unansweredRefreshLimit(
  requested: number | undefined,
  absoluteLimitMs: number,
  clamps: PolicyClamp[],
): number | null {
  if (requested === undefined) return null;
  const field = 'UnansweredRefreshLimitSeconds';
  const ms = positiveMs(field, requested, true);
  if (ms <= absoluteLimitMs) return ms;
  clamps.push({ field, requested, applied: absoluteLimitMs / 1000, reason: 'above-rule-maximum' });
  return absoluteLimitMs;
}

/**
 * The notice before the absolute limit: at most an hour (a longer one is clamped and reported),
 * and before the limit it announces (a lead as long as the limit is set to half of it, as the
 * idle warning's is).
 */
function absoluteWarningLead(asked: number | undefined, absoluteLimitMs: number, clamps: PolicyClamp[]): number {
  const field = 'AbsoluteLimitWarningSeconds';
  const requested = asked ?? DEFAULT_ABSOLUTE_WARNING_LEAD_MS / 1000;
  let ms = positiveMs(field, requested, true);
  if (ms > MAX_ABSOLUTE_WARNING_LEAD_MS) {
    clamps.push({
      field,
      requested,
      applied: MAX_ABSOLUTE_WARNING_LEAD_MS / 1000,
      reason: 'above-rule-maximum',
    });
    ms = MAX_ABSOLUTE_WARNING_LEAD_MS;
  }
  if (ms >= absoluteLimitMs) {
    const applied = Math.floor(absoluteLimitMs / 2);
    clamps.push({
      field,
      requested,
      applied: applied / 1000,
      reason: 'not-below-absolute-limit',
    });
    ms = applied;
  }
  return ms;
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isFinite(value) && value >= min && value <= max;
}

function positiveMs(field: PolicyClampField, seconds: unknown, zeroAllowed: boolean): number {
  // Number.isFinite is true only for a finite number: it does not convert a string or null first.
  const ms = Number.isFinite(seconds) ? Math.floor((seconds as number) * 1000) : Number.NaN;
  if (!(ms > 0 || (zeroAllowed && ms === 0))) {
    const wanted = zeroAllowed ? 'zero or a positive number of seconds' : 'a positive number of seconds';
    throw new ShellError(
      'CONFIG_INVALID',
      `The session policy setting "${field}" must be ${wanted}; it is ${describe(seconds)}. Correct it in the IT policy file, or remove it to use the default.`,
    );
  }
  return ms;
}

function action(field: 'OnOsLock' | 'OnSleep' | 'OnUserSwitch', value: unknown): OsEventAction {
  if (value === undefined) return 'lock';
  if (value === 'lock' || value === 'end-session') return value;
  throw new ShellError(
    'CONFIG_INVALID',
    `The session policy setting "${field}" must be "lock" or "end-session"; it is ${describe(value)}. Correct it in the IT policy file, or remove it to use "lock".`,
  );
}

function activityScope(value: unknown): ActivityScope {
  if (value === undefined) return 'shell';
  if (value === 'shell' || value === 'os-account') return value;
  throw new ShellError(
    'CONFIG_INVALID',
    `The session policy setting "ActivityCountedFrom" must be "shell" or "os-account"; it is ${describe(value)}. Correct it in the IT policy file, or remove it to use "shell".`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${value === null ? 'null' : typeof value}`;
}
