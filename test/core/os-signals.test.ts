// The OS idle clock's pure rules (core/os-signals.ts), on their own: the adapter's tests drive them
// through Electron's powerMonitor, which the core's mutation set does not run.
import { describe, expect, it } from 'vitest';
import {
  idleClockCanStick,
  idleEvidence,
  nextZeroRun,
  osCapabilitiesFor,
  stuckIdleSamples,
} from '../../main/core/os-signals';

describe('what the platform says before any sample (osCapabilitiesFor)', () => {
  it('trusts Windows and macOS: a reliable idle clock and their own lock signal', () => {
    for (const platform of ['win32', 'darwin'])
      expect(osCapabilitiesFor(platform, { XDG_SESSION_TYPE: 'wayland' })).toStrictEqual({
        osIdle: 'reliable',
        lockSignal: true,
      });
  });

  it('on Linux sends no lock signal, and takes Wayland (by session type or display) as an unreliable idle clock', () => {
    expect(osCapabilitiesFor('linux', {})).toStrictEqual({ osIdle: 'reliable', lockSignal: false });
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'x11' })).toStrictEqual({
      osIdle: 'reliable',
      lockSignal: false,
    });
    expect(osCapabilitiesFor('linux', { XDG_SESSION_TYPE: 'wayland' }).osIdle).toBe('unreliable');
    expect(osCapabilitiesFor('linux', { WAYLAND_DISPLAY: 'wayland-0' }).osIdle).toBe('unreliable');
    expect(osCapabilitiesFor('linux', { WAYLAND_DISPLAY: '' }).osIdle).toBe('reliable');
    expect(osCapabilitiesFor('freebsd', { XDG_SESSION_TYPE: 'wayland' })).toStrictEqual({
      osIdle: 'unreliable',
      lockSignal: false,
    });
  });
});

describe('a stuck idle clock (nextZeroRun, idleClockCanStick, stuckIdleSamples)', () => {
  it('counts consecutive zero readings and starts again at any other', () => {
    expect(nextZeroRun(0, 0)).toBe(1);
    expect(nextZeroRun(41, 0)).toBe(42);
    expect(nextZeroRun(41, 1)).toBe(0);
    expect(nextZeroRun(41, 0.5)).toBe(0);
  });

  it('takes five minutes of zeros as stuck, and only where the clock can stick', () => {
    expect(stuckIdleSamples).toBe(300);
    expect(idleClockCanStick('linux')).toBe(true);
    expect(idleClockCanStick('freebsd')).toBe(true);
    expect(idleClockCanStick('win32')).toBe(false);
    expect(idleClockCanStick('darwin')).toBe(false);
  });
});

describe('what one idle reading may tell the session (idleEvidence): never a later lock', () => {
  it('forwards whole seconds of a real reading on every platform', () => {
    for (const platform of ['win32', 'darwin', 'linux']) {
      expect(idleEvidence(platform, 12.9)).toBe(12);
      expect(idleEvidence(platform, 1)).toBe(1);
    }
  });

  it('forwards a zero only where the clock cannot stick', () => {
    expect(idleEvidence('win32', 0)).toBe(0);
    expect(idleEvidence('darwin', 0)).toBe(0);
    expect(idleEvidence('linux', 0)).toBeNull();
  });

  it('takes no evidence from a reading that is not a time', () => {
    for (const bad of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(idleEvidence('win32', bad), String(bad)).toBeNull();
  });
});
