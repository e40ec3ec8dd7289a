// The lock guard's pages (main/adapters/lock-guard-pages.ts) in the cases lock-guard.test.ts does
// not reach: a page born in the lock and then worked in, the hand-over's length when the session
// comes and goes within it, windows replaced before they showed, a window closed under the guard,
// the clipboard guard's part, the faults it reports, and the timers it leaves behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultHandOverMs } from '../../main/adapters/lock-guard';
import type { ShellWindow } from '../../main/adapters/windows';
import { FakeBrowserWindow, FakeSession, FakeWebContentsView } from './fake-electron';
import { startShell } from './lock-guard-fixtures';
import { states } from './session-fixtures';

beforeEach(() => {
  vi.useFakeTimers();
  FakeBrowserWindow.created = [];
  FakeWebContentsView.created = [];
  FakeSession.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A stand-in for the clipboard guard: what the lock guard asks of it, and a sweep that may fail. */
function clipboardGuardSpy(sweep: () => Promise<boolean> = () => Promise.resolve(true)) {
  const stops: Array<ReturnType<typeof vi.fn>> = [];
  const guard = {
    watch: vi.fn(() => {
      const stop = vi.fn();
      stops.push(stop);
      return stop;
    }),
    sweep: vi.fn(sweep),
  };
  return { guard, stops };
}

/** Collects unhandled rejections while `run` goes on and a few turns after it. */
async function unhandledRejectionsDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await run();
    vi.useRealTimers();
    // Node reports an unhandled rejection after the microtasks of the turn that made it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

describe('a page born in the lock', () => {
  it('once worked in, is covered at the next lock and thrown away after the hand-over', async () => {
    const { session, win, load } = startShell(states.locked('A'));
    const page = load();
    expect(page.onScreen()).toBe('page');
    session.go(states.active('A'));
    expect(page.onScreen()).toBe('page');
    session.go(states.locked('A'));
    expect(page.onScreen()).not.toBe('page');
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    expect(page.webContents.reloads).toBe(1);
    expect(win()).toBe(page);
  });
});

describe('the hand-over', () => {
  it('a page locked again after an unlock gets the whole hand-over from the latest lock before it is restarted', async () => {
    const { session, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs / 4);
    session.go(states.reauthenticating('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs / 4);
    session.go(states.active('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs / 4);
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(defaultHandOverMs - 1);
    expect(page.webContents.reloads).toBe(0);
    expect(page.onScreen()).not.toBe('page');
    await vi.advanceTimersByTimeAsync(1);
    expect(page.webContents.reloads).toBe(1);
  });

  it('at an end, the page is moved to a new window when the hand-over ends, not first reloaded in the old partition', async () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.ended());
    await vi.advanceTimersByTimeAsync(defaultHandOverMs);
    expect(win()).not.toBe(first);
    expect(first.webContents.reloads).toBe(0);
  });

  it('at an end, a page whose renderer crashes during the hand-over moves to a new window as soon as it restarts', async () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.ended());
    first.webContents.crash();
    await vi.advanceTimersByTimeAsync(10); // the crash path reloads the page (it never finishes loading)
    expect(first.webContents.reloads).toBe(1);
    expect(win()).not.toBe(first);
    expect(first.onScreen()).not.toBe('page');
  });
});

describe('windows that were replaced', () => {
  it('a replaced page that finishes loading late stays covered and opens no further window', () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.active('B'));
    const second = win();
    expect(second).not.toBe(first);
    first.webContents.finishLoad();
    expect(first.onScreen()).not.toBe('page');
    expect(FakeBrowserWindow.created).toHaveLength(2);
    expect(win()).toBe(second);
  });

  it('a window replaced before it showed lets no older window go when it shows; the current one does', async () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.active('B'));
    const second = win();
    session.go(states.active('C'));
    const third = win();
    expect(new Set([first, second, third]).size).toBe(3);
    load(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.isDestroyed()).toBe(false);
    expect(second.isDestroyed()).toBe(false);
    load(third);
    await vi.advanceTimersByTimeAsync(0);
    expect([first.isDestroyed(), second.isDestroyed(), third.isDestroyed()]).toEqual([true, true, false]);
  });
});

describe('a window closed under the guard', () => {
  it('leaves the guard with no window; a state change then throws nothing and opens nothing, and dispose works', () => {
    const { session, guard, load } = startShell();
    const page = load();
    page.destroy(); // Windows ended the session, or the app is exiting: the window goes without 'close'
    expect(guard.current()).toBeNull();
    expect(guard.window()).toBeNull();
    expect(() => session.go(states.locked('A'))).not.toThrow();
    expect(() => guard.sync()).not.toThrow();
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(() => guard.dispose()).not.toThrow();
  });
});

describe('timers', () => {
  it('a stopped guard leaves no hand-over waiting', async () => {
    const { session, guard, load } = startShell();
    load();
    session.go(states.locked('A'));
    expect(vi.getTimerCount()).toBe(1);
    guard.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a window closed during its hand-over leaves no hand-over waiting', () => {
    const { session, load } = startShell();
    const page = load();
    session.go(states.locked('A'));
    expect(vi.getTimerCount()).toBe(1);
    page.destroy();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a page replaced during its hand-over (someone else signs in after an end) leaves no hand-over waiting', () => {
    const { session, win, load } = startShell();
    const first = load();
    session.go(states.ended());
    expect(vi.getTimerCount()).toBe(1);
    session.go(states.active('B'));
    expect(win()).not.toBe(first);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the clipboard guard', () => {
  it('is asked to forget what was copied at an end and a hand-over, and only to sweep at a lock', () => {
    const { guard: clipboardGuard } = clipboardGuardSpy();
    const { session } = startShell(states.active('A'), { clipboardGuard });
    session.go(states.locked('A'));
    session.go(states.active('A'));
    session.go(states.active('B'));
    session.go(states.ended());
    expect(clipboardGuard.sweep.mock.calls).toEqual([[{ forget: false }], [{ forget: true }], [{ forget: true }]]);
  });

  it('is asked for nothing once the guard has stopped (the shutdown sweeps on its own)', () => {
    const { guard: clipboardGuard } = clipboardGuardSpy();
    const { session, guard } = startShell(states.active('A'), { clipboardGuard });
    guard.dispose();
    session.go(states.locked('A'));
    session.go(states.ended());
    expect(clipboardGuard.sweep).not.toHaveBeenCalled();
  });

  it("stops watching a window's page once the guard has destroyed that window", async () => {
    const { guard: clipboardGuard, stops } = clipboardGuardSpy();
    const { session, win, load } = startShell(states.active('A'), { clipboardGuard });
    load();
    session.go(states.active('B'));
    expect(clipboardGuard.watch).toHaveBeenCalledTimes(2);
    expect(stops.map((stop) => stop.mock.calls.length)).toEqual([0, 0]);
    load(win());
    await vi.advanceTimersByTimeAsync(0);
    expect(stops.map((stop) => stop.mock.calls.length)).toEqual([1, 0]);
  });

  it('a sweep that fails is reported as clipboard-sweep-failed', async () => {
    const { guard: clipboardGuard } = clipboardGuardSpy(() => Promise.reject(new Error('clipboard busy')));
    const { session, onError } = startShell(states.active('A'), { clipboardGuard });
    session.go(states.locked('A'));
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledWith('clipboard-sweep-failed');
  });

  it('with no fault reporter, a sweep that fails leaves no unhandled rejection', async () => {
    const { guard: clipboardGuard } = clipboardGuardSpy(() => Promise.reject(new Error('clipboard busy')));
    const unhandled = await unhandledRejectionsDuring(async () => {
      const { session } = startShell(states.active('A'), { clipboardGuard, reportFaults: false });
      session.go(states.locked('A'));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(unhandled).toEqual([]);
  });
});

describe("clearing an old window's partition", () => {
  /** Shell windows whose destroy() fails after the window has gone (clearing its storage failed). */
  const failingClear = (shell: ShellWindow): ShellWindow => ({
    ...shell,
    destroy: () => shell.destroy().then(() => Promise.reject(new Error('clearStorageData failed'))),
  });

  it('a failure is reported as partition-clear-failed', async () => {
    const { session, win, load, onError } = startShell(states.active('A'), { wrapWindow: failingClear });
    const first = load();
    session.go(states.active('B'));
    load(win());
    await vi.advanceTimersByTimeAsync(0);
    expect(first.isDestroyed()).toBe(true);
    expect(onError).toHaveBeenCalledWith('partition-clear-failed');
  });

  it('with no fault reporter, a failure leaves no unhandled rejection', async () => {
    const unhandled = await unhandledRejectionsDuring(async () => {
      const { session, win, load } = startShell(states.active('A'), {
        wrapWindow: failingClear,
        reportFaults: false,
      });
      load();
      session.go(states.active('B'));
      load(win());
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(unhandled).toEqual([]);
  });
});
