/**
 * Presence sources: everything that can tell the shell the clinician has left the workstation
 * (the OS lock, sleep, a user switch, the smartcard leaving the reader, a remote disconnect).
 * A port, pure: each source is an adapter or service that turns what its platform says into
 * OS signals (core/session/vocabulary.ts, osSignalEvents) and reports what it can and cannot see,
 * so the shell can audit which sources were live when a clinician signed in and docs/security.md
 * can say, per platform, what is watched.
 */
import type { OsSignal } from './session/vocabulary';

/** Every source the shell knows, by the name the audit log and docs/security.md use. */
export const presenceSourceNames = [
  /** Electron's powerMonitor: lock-screen/unlock-screen (Windows, macOS), suspend/resume, shutdown. */
  'power-monitor',
  /** The once-a-second OS idle-state poll (getSystemIdleState): the backstop everywhere. */
  'idle-poll',
  /** PC/SC: the smartcard leaving the reader, the reader or the smartcard service going away. */
  'smartcard',
  /** Linux: systemd-logind on the system bus (LockedHint, Active, Lock/Unlock, PrepareForSleep). */
  'logind',
  /** Linux: org.freedesktop.ScreenSaver / org.gnome.ScreenSaver ActiveChanged on the session bus. */
  'screensaver',
  /** Windows: WM_WTSSESSION_CHANGE for this session (console/remote disconnect, logoff, lock). */
  'wts',
] as const;
export type PresenceSourceName = (typeof presenceSourceNames)[number];

/**
 * - live: watching now.
 * - unavailable: should be watching but cannot (service stopped, bus absent, reader unplugged);
 *   a source that was the session's presence signal fails closed when it goes unavailable.
 * - not-on-this-platform: the platform has no such signal.
 * - off-by-policy: IT turned it off (e.g. LockOnCardRemoval = false).
 */
export type PresenceState = 'live' | 'unavailable' | 'not-on-this-platform' | 'off-by-policy';

export interface PresenceStatus {
  readonly source: PresenceSourceName;
  readonly state: PresenceState;
  /** The OS signals this source can raise while live. */
  readonly sees: readonly OsSignal[];
  /** A short, fixed reason code when not live (never a device name, path or user name). */
  readonly reason?: string;
}

/** One source, started by the composition root; it calls OsEvents.signal with what it sees. */
export interface PresenceSource {
  readonly name: PresenceSourceName;
  status(): PresenceStatus;
  /** Called with the new status whenever it changes (live ↔ unavailable). Returns an unsubscribe. */
  onStatusChange(listener: (status: PresenceStatus) => void): () => void;
  dispose(): void | Promise<void>;
}

/** What the audit line at sign-in records: each source and its state, in catalogue order. */
export function presenceSummary(statuses: readonly PresenceStatus[]): {
  live: PresenceSourceName[];
  notLive: { source: PresenceSourceName; state: PresenceState; reason?: string }[];
} {
  const ordered = [...statuses].sort(
    (a, b) => presenceSourceNames.indexOf(a.source) - presenceSourceNames.indexOf(b.source),
  );
  return {
    live: ordered.filter((s) => s.state === 'live').map((s) => s.source),
    notLive: ordered
      .filter((s) => s.state !== 'live')
      .map((s) => ({ source: s.source, state: s.state, ...(s.reason === undefined ? {} : { reason: s.reason }) })),
  };
}
