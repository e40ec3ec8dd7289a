/**
 * Time for the services: one clock that reads wall and monotonic time together, and timers
 * keyed on the monotonic clock. The session engine takes time only as a parameter; this is
 * where it comes from.
 *
 * `systemTime()` is what the app uses. `ManualTime` is what the harness and tests use: time
 * moves only when told, by hours in microseconds, and a suspend can be simulated the way Linux
 * and macOS behave (the wall clock moves, the monotonic clock does not).
 */
import type { Instant } from '../../core/clock';

export type Cancel = () => void;

export interface TimeSource {
  now(): Instant;
  /** Calls `fire` once, `ms` milliseconds of monotonic time from now. */
  after(ms: number, fire: () => void): Cancel;
  /** Calls `fire` every `ms` milliseconds of monotonic time until cancelled. */
  every(ms: number, fire: () => void): Cancel;
}

export function systemTime(): TimeSource {
  return {
    now: () => ({ wall: Date.now(), mono: performance.now() }),
    after(ms, fire) {
      // setTimeout's limit is 2^31-1 ms (~24.8 days); longer waits would fire at once.
      const handle = setTimeout(fire, Math.min(Math.max(0, ms), 2 ** 31 - 1));
      return () => clearTimeout(handle);
    },
    every(ms, fire) {
      const handle = setInterval(fire, ms);
      return () => clearInterval(handle);
    },
  };
}

interface Pending {
  id: number;
  due: number; // monotonic ms
  period: number | null;
  fire: () => void;
}

export class ManualTime implements TimeSource {
  private wall: number;
  private mono: number;
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(start: Instant = { wall: Date.UTC(2026, 10, 24, 8, 0, 0), mono: 1_000 }) {
    this.wall = start.wall;
    this.mono = start.mono;
  }

  now(): Instant {
    return { wall: this.wall, mono: this.mono };
  }

  after(ms: number, fire: () => void): Cancel {
    return this.schedule(Math.max(0, ms), null, fire);
  }

  every(ms: number, fire: () => void): Cancel {
    if (!(ms > 0)) throw new RangeError('every() needs a positive period');
    return this.schedule(ms, ms, fire);
  }

  /** Moves both clocks forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance() needs a non-negative duration');
    const target = this.mono + ms;
    const wallOffset = this.wall - this.mono;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.mono = next.due;
      this.wall = this.mono + wallOffset;
      if (next.period === null) this.remove(next.id);
      else next.due += next.period;
      next.fire();
    }
    this.mono = target;
    this.wall = target + wallOffset;
  }

  /** A suspend of `ms`: the wall clock moves, the monotonic clock and timers stand still. */
  sleep(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('sleep() needs a non-negative duration');
    this.wall += ms;
  }

  /** The wall clock is set (NTP, a user, a dead CMOS battery): it jumps, monotonic time does not. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  get timerCount(): number {
    return this.pending.length;
  }

  private schedule(ms: number, period: number | null, fire: () => void): Cancel {
    const id = this.nextId++;
    this.pending.push({ id, due: this.mono + ms, period, fire });
    return () => this.remove(id);
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (!best || p.due < best.due || (p.due === best.due && p.id < best.id)) best = p;
    return best;
  }

  private remove(id: number): void {
    this.pending = this.pending.filter((p) => p.id !== id);
  }
}
