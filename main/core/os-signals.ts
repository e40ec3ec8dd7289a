/**
 * What the operating system tells the session about the person at the workstation.
 * A port: main/adapters/power-monitor.ts produces these calls from Electron's powerMonitor,
 * the session service consumes them, and tests drive it directly. Pure: types and decisions only.
 */
import type { OsSignal } from './session/vocabulary';

export { isOsSignal, osSignalEvent, osSignalEvents, osSignals } from './session/vocabulary';
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
export function osCapabilitiesFor(
  platform: OsPlatform,
  env: { XDG_SESSION_TYPE?: string; WAYLAND_DISPLAY?: string },
): OsCapabilities {
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

/**
 * Whether the OS idle clock on this platform can stick at 0 (Linux, e.g. some X11 sessions; any
 * platform other than Windows and macOS, whose idle clocks are reliable).
 */
export function idleClockCanStick(platform: OsPlatform): boolean {
  return platform !== 'win32' && platform !== 'darwin';
}

/**
 * What one reading of the OS idle clock may tell the session: whole seconds since the last input
 * anywhere on the machine, or null when the reading is no evidence of input.
 *
 * Rule: a signal's unreliability never extends a limit. Each forwarded sample can move the
 * session's last input later, to (now − seconds), postponing the idle lock; so where the clock can stick at 0, a
 * zero reading is not forwarded: a stuck clock reads 0 with nobody there, and forwarding those
 * zeros (including the stuckIdleSamples taken to detect it) would push the lock back by up to
 * that long. A non-zero reading is forwarded as on every platform: it proves the clock is alive
 * and dates the last input.
 *
 * The cost, accepted because it fails closed: on Linux a clinician typing without a pause in
 * ANOTHER application (the clock reads 0 at every sample) earns no credit from those samples,
 * only from the next non-zero reading and from in-app activity, so the shell may lock early. It
 * can only lock sooner, never later.
 */
export function idleEvidence(platform: OsPlatform, sampleSeconds: number): number | null {
  if (!Number.isFinite(sampleSeconds) || sampleSeconds < 0) return null;
  if (sampleSeconds === 0 && idleClockCanStick(platform)) return null;
  return Math.floor(sampleSeconds);
}
