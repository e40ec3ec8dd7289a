/**
 * What the operating system tells the session about the person at the workstation.
 * A port: main/adapters/power-monitor.ts produces these calls from Electron's powerMonitor,
 * the session service consumes them, and tests drive it directly. Pure: types and decisions only.
 */
import type { OsSignal } from './session/vocabulary';

export { isOsSignal, osSignalEvents, osSignals } from './session/vocabulary';
export type { OsSignal } from './session/vocabulary';

/** How far the shell can trust each OS signal on this machine. */
export interface OsCapabilities {
  /**
   * 'unreliable' where the OS idle clock cannot be read (e.g. Linux under Wayland, where it
   * reads 0 forever). The service then ignores OS idle and counts in-app activity only,
   * which can only lock sooner, never later: it fails closed.
   */
  osIdle: 'reliable' | 'unreliable';
  /** Whether the OS reports its own screen lock (Windows and macOS do; Linux does not). */
  lockSignal: boolean;
}

export interface OsEvents {
  /** The OS said something about the person at the machine. */
  signal(name: OsSignal): void;
  /** The machine is shutting down: seal drafts. The promise settles when it is safe to quit. */
  shutdown(): void | Promise<void>;
  /** Seconds since the last keyboard or mouse input anywhere on the machine; about once a second. */
  idleSample(seconds: number): void;
  /** Called when the adapter learns the OS idle clock cannot be trusted after all. */
  capabilitiesChanged?(capabilities: OsCapabilities): void;
}

export type OsPlatform = 'win32' | 'darwin' | 'linux' | (string & {});

/** What we know before sampling anything, from the platform and session type alone. */
export function osCapabilitiesFor(platform: OsPlatform, env: { XDG_SESSION_TYPE?: string; WAYLAND_DISPLAY?: string }): OsCapabilities {
  if (platform === 'win32' || platform === 'darwin') return { osIdle: 'reliable', lockSignal: true };
  const wayland = env.XDG_SESSION_TYPE === 'wayland' || (env.WAYLAND_DISPLAY ?? '') !== '';
  return { osIdle: wayland ? 'unreliable' : 'reliable', lockSignal: false };
}

/**
 * A clock stuck at exactly 0 for this many consecutive one-second samples is taken as broken.
 * A clinician typing non-stop could also produce this; treating the clock as broken then only
 * means the shell counts in-app activity instead, which is the safe direction.
 */
export const stuckIdleSamples = 300;

/** Counts consecutive zero samples; returns the new run length. */
export function nextZeroRun(run: number, sampleSeconds: number): number {
  return sampleSeconds === 0 ? run + 1 : 0;
}
