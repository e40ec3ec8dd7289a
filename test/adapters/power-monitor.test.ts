import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { watchOsSignals } from '../../main/adapters/power-monitor';
import type { PowerMonitorDeps } from '../../main/adapters/power-monitor';
import { osCapabilitiesFor, osSignalEvents, stuckIdleSamples } from '../../main/core/os-signals';
import type { OsEvents } from '../../main/core/os-signals';
import { FakePowerMonitor, fakeEvent } from './fake-electron';

function setup(platform: string, env: PowerMonitorDeps['env'] = {}) {
  const pm = new FakePowerMonitor();
  const calls: string[] = [];
  const samples: number[] = [];
  let finishShutdown: () => void = () => undefined;
  const events: OsEvents = {
    signal: (name) => calls.push(osSignalEvents[name]),
    shutdown: () => {
      calls.push('shutdown');
      return new Promise<void>((resolve) => {
        finishShutdown = resolve;
      });
    },
    idleSample: (s) => samples.push(s),
    capabilitiesChanged: (c) => calls.push(`capabilities:${c.osIdle}`),
  };
  const quit = vi.fn();
  const handle = watchOsSignals(
    { powerMonitor: pm as unknown as PowerMonitorDeps['powerMonitor'], platform, env, quit },
    events,
  );
  return { pm, calls, samples, quit, handle, finishShutdown: () => finishShutdown() };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchOsSignals', () => {
  it('maps each powerMonitor event to the port', () => {
    const { pm, calls } = setup('darwin');
    for (const name of [
      'lock-screen',
      'unlock-screen',
      'suspend',
      'resume',
      'user-did-resign-active',
      'user-did-become-active',
    ])
      pm.emit(name);
    expect(calls).toEqual(['osLocked', 'osUnlocked', 'suspend', 'resume', 'userSwitchedAway', 'userSwitchedBack']);
  });

  it('samples the OS idle clock once a second', () => {
    const { pm, samples } = setup('win32');
    pm.idleSeconds = 3;
    vi.advanceTimersByTime(999);
    expect(samples).toEqual([]);
    vi.advanceTimersByTime(1);
    pm.idleSeconds = 4.7;
    vi.advanceTimersByTime(1000);
    expect(samples).toEqual([3, 4]);
    vi.advanceTimersByTime(3000);
    expect(samples).toHaveLength(5);
  });

  it('delays shutdown on Linux until drafts are sealed, then quits', async () => {
    const { pm, calls, quit, finishShutdown } = setup('linux');
    const event = fakeEvent();
    pm.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(true);
    expect(calls).toContain('shutdown');
    await vi.advanceTimersByTimeAsync(0);
    expect(quit).not.toHaveBeenCalled();
    finishShutdown();
    await vi.advanceTimersByTimeAsync(0);
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('does not call preventDefault on a shutdown event on Windows, where Electron does not support it', () => {
    const { pm } = setup('win32');
    const event = fakeEvent();
    pm.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it("on Windows powerMonitor never says shutdown at all (the window's query-session-end does): nothing waits for it", () => {
    const pm = new FakePowerMonitor('win32');
    const events: OsEvents = { signal: vi.fn(), shutdown: vi.fn(), idleSample: vi.fn() };
    watchOsSignals(
      { powerMonitor: pm as unknown as PowerMonitorDeps['powerMonitor'], platform: 'win32', env: {}, quit: vi.fn() },
      events,
    );
    expect(pm.systemShutdown()).toEqual({ emitted: false, prevented: false });
    expect(events.shutdown).not.toHaveBeenCalled();
  });

  it("on Linux holds logind's delay lock while it listens, and releases it only on dispose", () => {
    const pm = new FakePowerMonitor('linux');
    const events: OsEvents = {
      signal: vi.fn(),
      shutdown: () => new Promise<void>(() => undefined),
      idleSample: vi.fn(),
    };
    const handle = watchOsSignals(
      { powerMonitor: pm as unknown as PowerMonitorDeps['powerMonitor'], platform: 'linux', env: {}, quit: vi.fn() },
      events,
    );
    expect(pm.shutdownLockHeld).toBe(true);
    expect(pm.systemShutdown()).toEqual({ emitted: true, prevented: true });
    expect(pm.shutdownLockHeld).toBe(true);
    handle.dispose();
    expect(pm.shutdownLockHeld).toBe(false);
  });

  it('treats Wayland idle time as unreliable and sends no OS idle samples', () => {
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'wayland' })).toEqual({
      osIdle: 'unreliable',
      lockSignal: false,
    });
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'x11' })).toEqual({ osIdle: 'reliable', lockSignal: false });
    expect(osCapabilitiesFor('win32', {})).toEqual({ osIdle: 'reliable', lockSignal: true });
    const { samples, handle } = setup('linux', { WAYLAND_DISPLAY: 'wayland-0' });
    vi.advanceTimersByTime(5000);
    expect(samples).toEqual([]);
    expect(handle.capabilities().osIdle).toBe('unreliable');
  });

  it('stops trusting a Linux idle clock stuck at zero, failing closed', () => {
    const { samples, calls, handle } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
    vi.advanceTimersByTime((stuckIdleSamples - 1) * 1000);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['capabilities:unreliable']);
    vi.advanceTimersByTime(5000);
    expect(samples).toEqual([]); // not one of the zeros taken to detect it
    expect(calls).toEqual(['capabilities:unreliable']);
    expect(handle.capabilities().osIdle).toBe('unreliable');
  });

  it('on Linux, an idle clock stuck at 0 with nobody there does not postpone the 15-minute lock', () => {
    // A local stand-in for the session's use of the port: each sample s at time t says the last
    // input was at t − s, and the idle lock falls due a whole limit after the latest such input.
    const pm = new FakePowerMonitor();
    const start = Date.now(); // the clinician's last input; nobody touches the machine after it
    let lastInput = start;
    const forwarded: Array<{ at: number; seconds: number }> = [];
    const capabilities: string[] = [];
    const events: OsEvents = {
      signal: () => undefined,
      shutdown: () => undefined,
      idleSample: (seconds) => {
        forwarded.push({ at: Date.now(), seconds });
        lastInput = Math.max(lastInput, Date.now() - seconds * 1000);
      },
      capabilitiesChanged: (c) => capabilities.push(c.osIdle),
    };
    watchOsSignals(
      {
        powerMonitor: pm as unknown as PowerMonitorDeps['powerMonitor'],
        platform: 'linux',
        env: { XDG_SESSION_TYPE: 'x11' },
        quit: () => undefined,
      },
      events,
    );
    pm.idleSeconds = 0; // stuck
    const limitMs = 15 * 60 * 1000;
    vi.advanceTimersByTime(limitMs);
    expect(forwarded).toEqual([]); // not one zero, each of which would have said "input now"
    expect(lastInput).toBe(start);
    expect(Date.now() - lastInput).toBeGreaterThanOrEqual(limitMs); // due at 15:00, not 19:59
    expect(capabilities).toEqual(['unreliable']);
  });

  it('on Linux, forwards non-zero readings (the clock is alive) and drops the zeros between them', () => {
    const { pm, samples, calls } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
    for (const reading of [0, 0, 3, 0, 7.9, 0, 1]) {
      pm.idleSeconds = reading;
      vi.advanceTimersByTime(1000);
    }
    expect(samples).toEqual([3, 7, 1]);
    expect(calls).toEqual([]);
  });

  it('on Linux, forwards exactly the non-zero readings, whatever their order', () => {
    const reading = fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 3600 }) },
      { weight: 1, arbitrary: fc.constantFrom(0.5, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY) },
    );
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 30 }), (readings) => {
        const { pm, samples, handle } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
        for (const r of readings) {
          pm.idleSeconds = r;
          vi.advanceTimersByTime(1000);
        }
        handle.dispose();
        const expected = readings.filter((r) => Number.isFinite(r) && r > 0).map((r) => Math.floor(r));
        expect(samples).toEqual(expected);
      }),
      { numRuns: Math.min(200, Number(process.env.FC_NUM_RUNS ?? 200)) },
    );
  });

  it('treats any platform but Windows and macOS like Linux: a zero is not evidence of input', () => {
    const { samples } = setup('freebsd');
    vi.advanceTimersByTime(10_000);
    expect(samples).toEqual([]);
  });

  it.each(['win32', 'darwin'])(
    'on %s, whose idle clock does not stick, still forwards zero and never gives up on it',
    (platform) => {
      const { pm, samples, calls, handle } = setup(platform);
      pm.idleSeconds = 0;
      vi.advanceTimersByTime((stuckIdleSamples + 100) * 1000);
      expect(samples).toHaveLength(stuckIdleSamples + 100);
      expect(new Set(samples)).toEqual(new Set([0]));
      expect(calls).toEqual([]);
      expect(handle.capabilities().osIdle).toBe('reliable');
    },
  );

  it('reports a Linux screen lock seen through the idle state, once per lock', () => {
    const { pm, calls } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
    pm.idleState = 'locked';
    vi.advanceTimersByTime(3000);
    pm.idleState = 'active';
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['osLocked', 'osUnlocked']);
  });

  it('removes its listeners and stops sampling on dispose', () => {
    const { pm, samples, handle } = setup('win32');
    handle.dispose();
    vi.advanceTimersByTime(5000);
    expect(samples).toEqual([]);
    for (const name of ['lock-screen', 'unlock-screen', 'suspend', 'resume', 'shutdown'])
      expect(pm.count(name)).toBe(0);
  });
});

describe('watchOsSignals as presence sources', () => {
  it('reports powerMonitor and the idle poll live, with what each sees on this platform', () => {
    const win = setup('win32').handle.presence.map((s) => s.status());
    expect(win).toEqual([
      { source: 'power-monitor', state: 'live', sees: ['lock-screen', 'unlock-screen', 'suspend', 'resume'] },
      { source: 'idle-poll', state: 'live', sees: [] },
    ]);
    const linux = setup('linux', { XDG_SESSION_TYPE: 'x11' }).handle.presence.map((s) => s.status());
    // Electron has no lock-screen on Linux: only the idle state's 'locked' (the poll) and logind.
    expect(linux[0]).toEqual({ source: 'power-monitor', state: 'live', sees: ['suspend', 'resume'] });
    expect(linux[1]).toEqual({ source: 'idle-poll', state: 'live', sees: ['lock-screen', 'unlock-screen'] });
  });

  it('says when the OS idle clock is not counted (Wayland at once; a clock stuck at 0 when found)', () => {
    const wayland = setup('linux', { XDG_SESSION_TYPE: 'wayland' }).handle.presence[1]?.status();
    expect(wayland).toMatchObject({ state: 'live', reason: 'os-idle-unreliable' });
    const { handle } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
    const idle = handle.presence[1];
    const seen: unknown[] = [];
    idle?.onStatusChange((s) => seen.push(s));
    vi.advanceTimersByTime(stuckIdleSamples * 1000);
    expect(seen).toEqual([
      { source: 'idle-poll', state: 'live', sees: ['lock-screen', 'unlock-screen'], reason: 'os-idle-unreliable' },
    ]);
  });
});
