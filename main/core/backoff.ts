/**
 * The one retry schedule: after the n-th failure in a row, wait `firstMs · 2^(n-1)`, never more
 * than `maxMs`, optionally jittered so that many workstations that failed together (a relay
 * replica restarting, a service coming back) do not all return in the same second. Pure: the
 * random number is a parameter, so the schedule is property-tested and the callers own their
 * clocks. Used by the smartcard and D-Bus presence sources, the relay client and the relay's
 * Redis connection.
 */

export interface Backoff {
  /** The wait after the first failure. */
  readonly firstMs: number;
  /** The longest wait, however many failures. */
  readonly maxMs: number;
  /**
   * How much of the wait is random: 0 (none) to 1 (full jitter: anywhere from 0 to the
   * ceiling). 0.5 keeps at least half the ceiling, so a retry never comes at once.
   */
  readonly jitter?: number;
}

/** Doubling beyond this many steps changes nothing for any sane cap and would overflow. */
const MAX_DOUBLINGS = 30;

/** The ceiling after `failures` failures in a row (1 = the first failure; 0 or less = no wait). */
export function backoffCeiling(backoff: Backoff, failures: number): number {
  if (!(failures >= 1)) return 0;
  const steps = Math.min(Math.floor(failures) - 1, MAX_DOUBLINGS);
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** steps);
}

/**
 * The wait after `failures` failures in a row; `random` in [0, 1) chooses within the jitter
 * (ignored when the schedule has none). Whole milliseconds.
 */
export function backoffDelay(backoff: Backoff, failures: number, random = 0): number {
  const ceiling = backoffCeiling(backoff, failures);
  const jitter = Math.min(1, Math.max(0, backoff.jitter ?? 0));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(ceiling * (1 - jitter) + ceiling * jitter * r);
}
