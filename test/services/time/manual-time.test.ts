import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../../main/services/time';

describe('ManualTime', () => {
  it('fires one-shot timers when their monotonic time comes, in order, at their due time', () => {
    const time = new ManualTime({ wall: 10_000, mono: 0 });
    const seen: Array<[string, number]> = [];
    time.after(300, () => seen.push(['b', time.now().mono]));
    time.after(100, () => seen.push(['a', time.now().mono]));
    time.advance(200);
    expect(seen).toEqual([['a', 100]]);
    time.advance(200);
    expect(seen).toEqual([
      ['a', 100],
      ['b', 300],
    ]);
    expect(time.now()).toEqual({ wall: 10_400, mono: 400 });
  });

  it('repeats interval timers and stops them when cancelled', () => {
    const time = new ManualTime({ wall: 0, mono: 0 });
    let count = 0;
    const cancel = time.every(1_000, () => count++);
    time.advance(3_500);
    expect(count).toBe(3);
    cancel();
    time.advance(10_000);
    expect(count).toBe(3);
    expect(time.timerCount).toBe(0);
  });

  it('a cancelled one-shot timer never fires', () => {
    const time = new ManualTime();
    let fired = false;
    const cancel = time.after(10, () => (fired = true));
    cancel();
    time.advance(100);
    expect(fired).toBe(false);
  });

  it('sleep moves the wall clock only, as a suspended machine does', () => {
    const time = new ManualTime({ wall: 0, mono: 0 });
    let fired = false;
    time.after(1_000, () => (fired = true));
    time.sleep(2 * 3600_000);
    expect(time.now()).toEqual({ wall: 2 * 3600_000, mono: 0 });
    expect(fired).toBe(false);
  });

  it('timers scheduled from inside a timer still fire within the same advance', () => {
    const time = new ManualTime({ wall: 0, mono: 0 });
    const at: number[] = [];
    time.after(100, () => time.after(100, () => at.push(time.now().mono)));
    time.advance(1_000);
    expect(at).toEqual([200]);
  });
});
