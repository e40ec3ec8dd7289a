/**
 * Mid-session policy changes: IT's re-read policy applies through stricterPolicy, tightening at
 * once and loosening only from the next sign-in (session-loop.ts).
 */
import type { OsEventAction, SessionPolicy } from './policy';

/**
 * The stricter of two policies, setting by setting: the shorter limit, 'end-session' over
 * 'lock'. Mid-session, IT's re-read policy applies through this: tightening at once,
 * loosening only from the next sign-in. The warning lead is the new one, kept below the
 * shorter idle limit.
 */
export function stricterPolicy(current: SessionPolicy, next: SessionPolicy): SessionPolicy {
  const stricter = (a: OsEventAction, b: OsEventAction): OsEventAction =>
    a === 'end-session' || b === 'end-session' ? 'end-session' : 'lock';
  const AAL2 = Math.min(current.idleLimitMs.AAL2, next.idleLimitMs.AAL2);
  const AAL3 = Math.min(current.idleLimitMs.AAL3, next.idleLimitMs.AAL3);
  const shortestIdle = Math.min(AAL2, AAL3);
  const absoluteLimitMs = Math.min(current.absoluteLimitMs, next.absoluteLimitMs);
  return Object.freeze({
    idleLimitMs: Object.freeze({ AAL2, AAL3 }),
    absoluteLimitMs,
    warningLeadMs: next.warningLeadMs < shortestIdle ? next.warningLeadMs : Math.floor(shortestIdle / 2),
    absoluteWarningLeadMs:
      next.absoluteWarningLeadMs < absoluteLimitMs ? next.absoluteWarningLeadMs : Math.floor(absoluteLimitMs / 2),
    onOsLock: stricter(current.onOsLock, next.onOsLock),
    onSleep: stricter(current.onSleep, next.onSleep),
    onUserSwitch: stricter(current.onUserSwitch, next.onUserSwitch),
    // Only the shell's own input counts where either says so.
    activityScope: current.activityScope === 'shell' || next.activityScope === 'shell' ? 'shell' : 'os-account',
    unansweredRefreshLimitMs: shorterLimit(
      current.unansweredRefreshLimitMs,
      next.unansweredRefreshLimitMs,
      absoluteLimitMs,
    ),
  });
}

/** The shorter of two optional limits (null: none), never beyond the absolute limit. */
function shorterLimit(a: number | null, b: number | null, absoluteLimitMs: number): number | null {
  const limits = [a, b].filter((limit) => limit !== null);
  return limits.length === 0 ? null : Math.min(absoluteLimitMs, ...limits);
}
