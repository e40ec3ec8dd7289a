/**
 * Time as the core sees it: always a parameter, never read here.
 *
 * Every moment carries two readings because each lies in its own way. The wall clock
 * (epoch ms) can be set backwards or forwards by NTP, an admin or a dead CMOS battery;
 * the monotonic clock never goes backwards but, on some operating systems, stops while
 * the machine sleeps. The core's rule, chosen so that every mistake locks earlier and
 * never later: the time elapsed between two moments is the LARGER of the two readings'
 * differences. A backward wall jump is ignored (mono still moves), a forward wall jump
 * counts in full (it can only shorten a session), and sleep counts because wall time
 * moves across it even when mono does not.
 */
export type Instant = {
  /** Wall-clock time, milliseconds since the Unix epoch. */
  readonly wall: number;
  /** Monotonic time in milliseconds from an arbitrary origin (e.g. performance.now()). */
  readonly mono: number;
};

/** Milliseconds elapsed from `from` to `to`: the larger of the two clocks' differences. */
export function elapsedMs(from: Instant, to: Instant): number {
  return Math.max(to.wall - from.wall, to.mono - from.mono);
}

/** The moment `ms` after `at` on both clocks (negative `ms` goes back). */
export function shift(at: Instant, ms: number): Instant {
  return { wall: at.wall + ms, mono: at.mono + ms };
}

/**
 * Whether `deadline` has come at `now`. It has as soon as EITHER clock reaches it,
 * which is the same as `elapsedMs(anchor, now) >= limit` for `deadline = shift(anchor, limit)`.
 */
export function isReached(deadline: Instant, now: Instant): boolean {
  return now.wall >= deadline.wall || now.mono >= deadline.mono;
}

/**
 * The earlier of two deadlines, taken clock by clock. Waking at it is never later than
 * waking for either deadline, and at least one of them is due when it comes.
 */
export function earliest(a: Instant, b: Instant): Instant {
  return { wall: Math.min(a.wall, b.wall), mono: Math.min(a.mono, b.mono) };
}

/**
 * How long a timer armed at `now` must wait for `deadline` (0 when it is already due).
 * Uses whichever clock reaches the deadline first, so a forward wall jump that already
 * passed the deadline fires the timer at once.
 */
export function msUntil(deadline: Instant, now: Instant): number {
  return Math.max(0, Math.min(deadline.wall - now.wall, deadline.mono - now.mono));
}

/** Whether both readings are finite numbers; NaN would make every deadline unreachable. */
export function isValidInstant(at: unknown): at is Instant {
  if (typeof at !== 'object' || at === null) return false;
  const { wall, mono } = at as { wall?: unknown; mono?: unknown };
  // Number.isFinite is true only for a finite number: it does not convert a string or null first.
  return Number.isFinite(wall) && Number.isFinite(mono);
}
