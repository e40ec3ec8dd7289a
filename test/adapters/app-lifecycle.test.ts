import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  crashRelaunchArg,
  crashRelaunchDecision,
  crashRelaunchWindowMs,
  createLifecycle,
  handleFatalError,
  maxCrashRelaunches,
  nativeSettleMs,
  quitHandOverMs,
  shutdownDeadlineMs,
  vetoHonoured,
  watchSecondInstance,
} from '../../main/adapters/app-lifecycle';
import type { LifecycleDeps, ShutdownSteps } from '../../main/adapters/app-lifecycle';
import { FakeApp, FakeBrowserWindow, fakeEvent, resetFakeElectron } from './fake-electron';

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
});
afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

/**
 * Steps that record their order; the seal and close take a few ms of I/O. Every effect counts
 * only while the fake process runs (after Electron has ended it, nothing would run at all).
 */
function steps(app: FakeApp, overrides: Partial<ShutdownSteps> = {}) {
  const order: string[] = [];
  const io = (ms: number, what: string): Promise<void> =>
    new Promise((resolve) => setTimeout(() => (app.whileRunning(() => order.push(what)), resolve()), ms));
  const base: ShutdownSteps = {
    stop: () => void app.whileRunning(() => order.push('stop')),
    seal: () => {
      app.whileRunning(() => order.push('seal started'));
      return io(5, 'sealed');
    },
    alongside: () => io(1, 'clipboard swept'),
    close: () => io(2, 'closed'),
    release: () => void app.whileRunning(() => order.push('released')),
  };
  return { order, steps: { ...base, ...overrides } };
}

function lifecycle(app: FakeApp, given: Partial<ShutdownSteps> = {}, deps: Partial<LifecycleDeps> = {}) {
  const { order, steps: s } = steps(app, given);
  const onError = vi.fn<(code: string) => void>();
  const life = createLifecycle({ app: app as unknown as LifecycleDeps['app'], steps: s, onError, ...deps });
  return { life, order, onError };
}

describe('createLifecycle', () => {
  it('a quit: stops and starts the seal at once, then the hand-over, closes, releases the OS watchers last, then exits', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const { order } = lifecycle(app);
    app.quit();
    expect(order).toEqual(['stop', 'seal started']);
    expect(app.quitting).toBe(false); // 'before-quit' prevented: Electron is not quitting on its own
    await vi.advanceTimersByTimeAsync(quitHandOverMs - 1);
    expect(order).toEqual(['stop', 'seal started', 'clipboard swept', 'sealed']);
    expect(app.exitCode).toBeNull();
    await vi.advanceTimersByTimeAsync(10);
    expect(order).toEqual(['stop', 'seal started', 'clipboard swept', 'sealed', 'closed', 'released']);
    expect(app.exitCode).toBe(0);
  });

  it('runs once, however many ways out are taken at once', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const seal = vi.fn(() => Promise.resolve());
    const { life } = lifecycle(app, { seal });
    app.quit();
    app.quit();
    void life.shutDown();
    life.onEndSession();
    await vi.advanceTimersByTimeAsync(quitHandOverMs + 10);
    expect(seal).toHaveBeenCalledTimes(1);
    expect(life.quitting()).toBe(true);
  });

  it("prevents every 'before-quit', so Electron never starts its own quit under the seal", () => {
    const app = new FakeApp('win32');
    lifecycle(app);
    for (let i = 0; i < 3; i += 1) {
      const event = fakeEvent();
      app.emit('before-quit', event);
      expect(event.defaultPrevented).toBe(true);
    }
  });

  it('a failing step is reported and the shell still exits; a step that throws does not stop the seal', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const { order, onError } = lifecycle(app, {
      stop: () => {
        throw new Error('guard');
      },
      close: () => Promise.reject(new Error('flush failed')),
    });
    void app.quit();
    expect(order).toEqual(['seal started']);
    await vi.advanceTimersByTimeAsync(quitHandOverMs + 10);
    expect(onError.mock.calls.map(([code]) => code)).toEqual(['shutdown-stop-failed', 'shutdown-close-failed']);
    expect(order.at(-1)).toBe('released');
    expect(app.exitCode).toBe(0);
  });

  it('exits by the deadline when a step never finishes (a credential store that never answers)', async () => {
    const app = new FakeApp('linux');
    app.becomeReady();
    const { onError } = lifecycle(app, { seal: () => new Promise(() => undefined) });
    app.quit();
    await vi.advanceTimersByTimeAsync(shutdownDeadlineMs - 1);
    expect(app.exitCode).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(app.exitCode).toBe(0);
    expect(onError).toHaveBeenCalledWith('shutdown-deadline');
  });

  it('Windows: a query asks Windows to wait; a session end does only the synchronous part before Electron ends the process', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const { life, order } = lifecycle(app);
    const win = new FakeBrowserWindow({});
    win.on('query-session-end', (event) => life.onQueryEndSession(event as never));
    win.on('session-end', (event) => life.onEndSession(event as never));

    const ending = app.windowsEndsSession(['logoff']);
    expect(ending.waiting).toBe(true);
    expect(order).toEqual(['stop', 'seal started']);
    await vi.advanceTimersByTimeAsync(3);
    ending.force(); // "Sign out anyway"
    expect(app.terminated).toBe(true);
    await vi.advanceTimersByTimeAsync(shutdownDeadlineMs);
    expect(order).toEqual(['stop', 'seal started', 'clipboard swept']);
    expect(app.lostAfterEnd).toBeGreaterThan(0);
  });

  it("Windows: vetoes only where Windows honours it: not Restart Manager's 'close-app', not a critical end", () => {
    expect(vetoHonoured(['shutdown'])).toBe(true);
    expect(vetoHonoured(['logoff'])).toBe(true);
    expect(vetoHonoured(['close-app'])).toBe(false);
    expect(vetoHonoured(['close-app', 'logoff'])).toBe(false);
    expect(vetoHonoured(['critical'])).toBe(false);
    expect(vetoHonoured(['logoff', 'critical'])).toBe(false);
  });

  it("Windows: Restart Manager's 'close-app' starts the seal inside the query and lets the shell close", () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const { life, order } = lifecycle(app);
    const win = new FakeBrowserWindow({});
    win.on('query-session-end', (event) => life.onQueryEndSession(event as never));
    win.on('session-end', (event) => life.onEndSession(event as never));

    const ending = app.windowsEndsSession(['close-app']);
    expect(ending).toMatchObject({ waiting: false, cancelled: false });
    expect(order).toEqual(['stop', 'seal started']);
    expect(app.terminated).toBe(true);
  });

  it('lets the renderer hand over its last keystrokes: a save that lands during the hand-over is flushed by the close', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const saved: string[] = [];
    const flushed: string[] = [];
    const { life } = lifecycle(app, {
      // The ended view reaches the renderer as the seal starts; its last save arrives 40 ms later.
      seal: () => {
        setTimeout(() => saved.push('last keystrokes'), 40);
        return Promise.resolve();
      },
      close: () => Promise.resolve(void flushed.push(...saved)),
    });
    void life.shutDown();
    await vi.advanceTimersByTimeAsync(quitHandOverMs + 10);
    expect(flushed).toEqual(['last keystrokes']);
  });
});

describe('watchSecondInstance', () => {
  it('keeps a launch that comes before the window exists, and passes later ones on at once', () => {
    const app = new FakeApp('win32');
    const watch = watchSecondInstance(app as never);
    expect(app.count('second-instance')).toBe(1);
    app.secondInstance();
    app.secondInstance();
    const bring = vi.fn();
    watch.attach(bring);
    expect(bring).toHaveBeenCalledTimes(1);
    app.secondInstance();
    expect(bring).toHaveBeenCalledTimes(2);
  });
});

describe('crash relaunches', () => {
  const now = 1_800_000_000_000;

  it('relaunches with the same arguments plus the relaunch times, and stops after the cap', () => {
    let argv = ['shell.exe', '--inspect-nothing'];
    const decisions: boolean[] = [];
    for (let i = 0; i <= maxCrashRelaunches; i += 1) {
      const decision = crashRelaunchDecision(argv, now + i * 1000);
      decisions.push(decision.relaunch);
      expect(decision.args[0]).toBe('--inspect-nothing');
      expect(decision.args.filter((a) => a.startsWith(crashRelaunchArg))).toHaveLength(1);
      argv = ['shell.exe', ...decision.args];
    }
    expect(decisions).toEqual([...Array<boolean>(maxCrashRelaunches).fill(true), false]);
  });

  it('forgets relaunches older than the window, and ignores times that make no sense', () => {
    const old = `${crashRelaunchArg}${now - crashRelaunchWindowMs},${now - crashRelaunchWindowMs - 1},${now + 60_000},x`;
    expect(crashRelaunchDecision(['shell.exe', old], now)).toEqual({
      relaunch: true,
      args: [`${crashRelaunchArg}${now}`],
    });
  });

  it('never relaunches more than the cap within any window (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * crashRelaunchWindowMs }), { maxLength: 30 }), (gaps) => {
        let argv = ['shell.exe'];
        let t = now;
        const relaunchedAt: number[] = [];
        for (const gap of gaps) {
          t += gap;
          const decision = crashRelaunchDecision(argv, t);
          if (!decision.relaunch) return; // the shell stops; a person starts it again
          relaunchedAt.push(t);
          argv = ['shell.exe', ...decision.args];
        }
        for (const at of relaunchedAt) {
          expect(relaunchedAt.filter((x) => x > at - crashRelaunchWindowMs && x <= at).length).toBeLessThanOrEqual(
            maxCrashRelaunches,
          );
        }
      }),
    );
  });

  it('handleFatalError: relaunch and exit; past the cap, tell the user and exit; while closing, neither', async () => {
    const app = new FakeApp('win32');
    const tellUser = vi.fn();
    const report = vi.fn();
    const deps = { app: app as never, argv: ['shell.exe'], now: () => now, quitting: () => false, report, tellUser };
    await handleFatalError(deps, 'TypeError');
    expect(app.relaunches).toEqual([{ args: [`${crashRelaunchArg}${now}`] }]);
    expect(app.exitCode).toBe(1);

    const looping = new FakeApp('win32');
    await handleFatalError(
      { ...deps, app: looping as never, argv: ['shell.exe', `${crashRelaunchArg}${now - 3},${now - 2},${now - 1}`] },
      'TypeError',
    );
    expect(looping.relaunches).toEqual([]);
    expect(tellUser).toHaveBeenCalledTimes(1);
    expect(looping.exitCode).toBe(1);

    const closing = new FakeApp('win32');
    await handleFatalError({ ...deps, app: closing as never, quitting: () => true }, 'TypeError');
    expect(closing.relaunches).toEqual([]);
    expect(closing.exitCode).toBeNull();
    expect(report).toHaveBeenLastCalledWith(expect.stringContaining('while closing'));
  });
});

/**
 * A PC/SC wait in flight, as the smartcard watcher has one (a koffi async call): it returns at
 * its own timeout or on a cancel that lands; the first cancel, sent as the call is being queued,
 * is lost (pcsc-lite's `cancellable`, docs/decisions.md 29). `settle` is the watcher's stop:
 * SCardCancel every 50 ms, from JavaScript, until the wait has returned.
 */
function nativeWait(app: FakeApp, waitMs: number) {
  const returned = app.nativeCallStarted();
  let done = false;
  let cancels = 0;
  const finish = (): void => {
    if (done) return;
    done = true;
    returned();
  };
  setTimeout(finish, waitMs);
  const cancel = (): void => {
    cancels += 1;
    if (cancels >= 2) finish();
  };
  const settle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const tick = (): void => {
        if (done) return resolve();
        // After app.exit no JavaScript runs: nothing repeats the cancel.
        if (app.running()) cancel();
        setTimeout(tick, 50);
      };
      tick();
    });
  return { cancel, settle };
}

describe('native calls at exit (issue 24)', () => {
  it('the fake: app.exit with a native call in flight ends the process only when the call returns', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const wait = nativeWait(app, 5_000);
    app.exit(1);
    expect(app.running()).toBe(false);
    expect(app.exitCode).toBeNull();
    // A cancel from JavaScript cannot come now; the wait runs its full length.
    await vi.advanceTimersByTimeAsync(4_999);
    expect(app.exitCode).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(app.exitCode).toBe(1);
    expect(wait).toBeDefined();
  });

  it('a crash relaunch covers the page, cancels until the wait returns, and only then relaunches and exits', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const wait = nativeWait(app, 5_000);
    const order: string[] = [];
    const done = handleFatalError(
      {
        app: app as never,
        argv: ['shell.exe'],
        now: () => 1_000_000,
        quitting: () => false,
        report: () => undefined,
        tellUser: () => undefined,
        cover: () => order.push('covered'),
        settle: wait.settle,
      },
      'TypeError',
    );
    expect(order).toEqual(['covered']);
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(app.relaunches).toHaveLength(1);
    expect(app.exitCode).toBe(1);
  });

  it('without the settle (one cancel, then exit), a lost cancel keeps the old process up for the whole wait', async () => {
    const app = new FakeApp('win32');
    app.becomeReady();
    const wait = nativeWait(app, 5_000);
    wait.cancel(); // lost
    await handleFatalError(
      {
        app: app as never,
        argv: ['shell.exe'],
        now: () => 1,
        quitting: () => false,
        report: vi.fn(),
        tellUser: vi.fn(),
      },
      'TypeError',
    );
    expect(app.exitCode).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(app.exitCode).toBe(1);
  });

  it('the deadline exit waits for the native calls to settle, at most nativeSettleMs', async () => {
    const app = new FakeApp('linux');
    app.becomeReady();
    const wait = nativeWait(app, 5_000);
    lifecycle(app, { seal: () => new Promise(() => undefined) }, { settle: wait.settle });
    app.quit();
    await vi.advanceTimersByTimeAsync(shutdownDeadlineMs);
    // The wait began long before and returned at its own timeout: nothing is left to wait for.
    expect(app.exitCode).toBe(0);

    resetFakeElectron();
    const stuck = new FakeApp('linux');
    stuck.becomeReady();
    lifecycle(stuck, { seal: () => new Promise(() => undefined) }, { settle: () => new Promise(() => undefined) });
    stuck.quit();
    await vi.advanceTimersByTimeAsync(shutdownDeadlineMs + nativeSettleMs - 1);
    expect(stuck.exitCode).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(stuck.exitCode).toBe(0);
  });

  it('a quit with a wait in flight exits once its repeated cancel lands, not after the whole wait', async () => {
    const app = new FakeApp('linux');
    app.becomeReady();
    const wait = nativeWait(app, 5_000);
    lifecycle(app, {}, { settle: wait.settle });
    app.quit();
    await vi.advanceTimersByTimeAsync(quitHandOverMs + 200);
    expect(app.exitCode).toBe(0);
  });
});
