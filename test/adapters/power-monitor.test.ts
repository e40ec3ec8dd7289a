import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
  const handle = watchOsSignals({ powerMonitor: pm as unknown as PowerMonitorDeps['powerMonitor'], platform, env, quit }, events);
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
    for (const name of ['lock-screen', 'unlock-screen', 'suspend', 'resume', 'user-did-resign-active', 'user-did-become-active']) pm.emit(name);
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

  it('does not call preventDefault on shutdown on Windows, where Electron does not support it', () => {
    const { pm } = setup('win32');
    const event = fakeEvent();
    pm.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it('treats Wayland idle time as unreliable and sends no OS idle samples', () => {
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'wayland' })).toEqual({ osIdle: 'unreliable', lockSignal: false });
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'x11' })).toEqual({ osIdle: 'reliable', lockSignal: false });
    expect(osCapabilitiesFor('win32', {})).toEqual({ osIdle: 'reliable', lockSignal: true });
    const { samples, handle } = setup('linux', { WAYLAND_DISPLAY: 'wayland-0' });
    vi.advanceTimersByTime(5000);
    expect(samples).toEqual([]);
    expect(handle.capabilities().osIdle).toBe('unreliable');
  });

  it('stops trusting a Linux idle clock stuck at zero, failing closed', () => {
    const { samples, calls, handle } = setup('linux', { XDG_SESSION_TYPE: 'x11' });
    vi.advanceTimersByTime(stuckIdleSamples * 1000 + 5000);
    expect(samples).toHaveLength(stuckIdleSamples - 1);
    expect(calls).toEqual(['capabilities:unreliable']);
    expect(handle.capabilities().osIdle).toBe('unreliable');
  });

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
    for (const name of ['lock-screen', 'unlock-screen', 'suspend', 'resume', 'shutdown']) expect(pm.count(name)).toBe(0);
  });
});
