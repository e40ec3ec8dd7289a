/**
 * What the operating system tells the session about the person at the workstation.
 * A port: main/adapters/power-monitor.ts produces these calls from Electron's powerMonitor,
 * the session service consumes them, and tests drive it directly. Pure: types and decisions only.
 */
import type { EventTypeOf } from './session/events';

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

/**
 * The OS signals about the person at the workstation, by the name the adapters, the harness
 * and the docs use, and the session event each becomes. Adding a signal is one entry here (and
 * the event in session/events.ts, whose rules the compiler then asks for in session/react.ts).
 */
export const osSignalEvents = {
  'lock-screen': 'osLocked',
  'unlock-screen': 'osUnlocked',
  suspend: 'suspend',
  /** The engine settles what fell due while asleep before anything is shown again. */
  resume: 'resume',
  'user-switch-away': 'userSwitchedAway',
  'user-switch-back': 'userSwitchedBack',
} as const satisfies Record<string, EventTypeOf<'none'>>;

export type OsSignal = keyof typeof osSignalEvents;
export const osSignals = Object.keys(osSignalEvents) as readonly OsSignal[];

export function isOsSignal(value: unknown): value is OsSignal {
  return typeof value === 'string' && Object.hasOwn(osSignalEvents, value);
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
