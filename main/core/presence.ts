/**
 * Presence sources: everything that can tell the shell the clinician has left the workstation
 * (the OS lock, sleep, a user switch, the smartcard leaving the reader, a remote disconnect).
 * A port, pure: each source is an adapter or service that turns what its platform says into
 * OS signals (core/session/vocabulary.ts, osSignalEvents) and reports what it can and cannot see,
 * so the shell can audit which sources were live when a clinician signed in and docs/security.md
 * can say, per platform, what is watched. main/services/presence/start.ts registers and starts
 * each one.
 */
import { createEmitter } from './emitter';
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
 * Why a source is not live (or, for the idle poll, live with a limit): fixed codes, never a device
 * name, a path, a user name or a value read from the OS. The audit log records them
 * (presence.sources, presence.source-changed); each has its words here, which docs/audit-log.md
 * lists for IT admins (a test keeps the two the same).
 */
export const presenceReasonWords = {
  starting: 'The source has not had its first look yet (the smartcard watcher before PC/SC answers).',
  connecting: 'A D-Bus source connecting to its bus for the first time.',
  'no-bus-address': 'The platform names no address for the bus (no session bus in the environment).',
  'bus-unreachable': 'The bus could not be reached (no socket there, or the connection was refused).',
  'bus-lost': 'The bus went away under the source (dbus-daemon stopped or restarted); it connects again by itself.',
  'watch-failed':
    'Setting up a D-Bus watch failed in a way the source does not name (logged as `<source>-watch-failed`).',
  'logind-absent': 'logind: nothing owns org.freedesktop.login1 on the system bus.',
  'logind-not-system':
    'logind, production build: org.freedesktop.login1 is owned by a connection that is not root (uid 0), so it is not logind and is not believed.',
  'no-logind-session': 'logind: the shell runs in no logind session (neither by its process id nor by XDG_SESSION_ID).',
  'logind-restarted': 'logind: org.freedesktop.login1 changed owner (logind restarted); the watch is set up again.',
  'no-screensaver-service':
    'The screen saver: neither org.freedesktop.ScreenSaver nor org.gnome.ScreenSaver has an owner.',
  'service-gone': 'The smartcard: the smartcard service (pcscd, SCardSvr) is not running, stopped, or restarted.',
  'no-reader': 'The smartcard: the service runs but no reader is attached.',
  'no-reader-service-stopped':
    'The smartcard, Windows: the Smart Card service is not running, which is what Windows 8 and later do when no reader is attached (it starts when one is plugged in; the shell looks again every second). With a reader attached, check that the Smart Card service (SCardSvr) is not disabled.',
  'no-library': 'The smartcard: the PC/SC library could not be loaded.',
  LockOnCardRemoval: 'The smartcard: machine policy LockOnCardRemoval is off (the card is watched, never locks).',
  'wtsapi-unavailable': 'WTS: wtsapi32 could not be loaded.',
  'session-id-unknown': "WTS: this process's session id could not be read.",
  'no-window-yet': 'WTS: no shell window has been registered for session notifications yet.',
  'no-window': 'WTS: the last registered shell window closed.',
  'register-refused': 'WTS: Windows refused WTSRegisterSessionNotification.',
  'register-failed': 'WTS: registering a window threw.',
  'os-idle-unreliable':
    'The idle poll, live: the OS idle clock cannot be trusted (Wayland, or stuck at 0), so it is not counted.',
  stopped: 'powerMonitor and the idle poll after the shell stopped watching them (at quit).',
} as const satisfies Record<string, string>;
export type PresenceReason = keyof typeof presenceReasonWords;
/** Every reason, in the table's order. */
export const presenceReasons = Object.keys(presenceReasonWords) as readonly PresenceReason[];

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
  /** Why it is not live (a fixed code from presenceReasons). */
  readonly reason?: PresenceReason;
}

/** One source, started by main/services/presence/start.ts; it calls OsEvents.signal with what it sees. */
export interface PresenceSource {
  readonly name: PresenceSourceName;
  status(): PresenceStatus;
  /** Called with the new status whenever it changes (live ↔ unavailable). Returns an unsubscribe. */
  onStatusChange(listener: (status: PresenceStatus) => void): () => void;
  dispose(): void | Promise<void>;
}

/** A status, with `reason` only when there is one. */
export function presenceStatus(
  source: PresenceSourceName,
  state: PresenceState,
  sees: readonly OsSignal[],
  reason?: PresenceReason,
): PresenceStatus {
  return { source, state, sees, ...(reason === undefined ? {} : { reason }) };
}

/** Whether two statuses say the same (state, reason and what is seen). */
export function sameStatus(a: PresenceStatus, b: PresenceStatus): boolean {
  return (
    a.source === b.source &&
    a.state === b.state &&
    a.reason === b.reason &&
    a.sees.length === b.sees.length &&
    a.sees.every((signal, i) => b.sees[i] === signal)
  );
}

/**
 * A source's status and the listeners told of it: the one place each source's "set the status,
 * tell the listeners if it changed" is written (on core/emitter.ts: a listener that throws never
 * stops the others or reaches the source).
 */
export interface PresenceStatusCell {
  get(): PresenceStatus;
  /** Takes `next` and tells the listeners, only when it says something new (sameStatus). Returns whether it did. */
  set(next: PresenceStatus): boolean;
  /** Returns an unsubscribe. */
  onChange(listener: (status: PresenceStatus) => void): () => void;
  /** Forgets every listener (at dispose): the status is still kept, and told to no one. */
  clear(): void;
}

export function createPresenceStatus(
  initial: PresenceStatus,
  onListenerError?: (error: unknown) => void,
): PresenceStatusCell {
  const listeners = createEmitter<[PresenceStatus]>(onListenerError);
  let status = initial;
  return {
    get: () => status,
    set(next) {
      if (sameStatus(next, status)) return false;
      status = next;
      listeners.emit(status);
      return true;
    },
    onChange: (listener) => listeners.on(listener),
    clear: () => listeners.clear(),
  };
}

/** A source whose status never changes (e.g. one that is not on this platform). */
export function fixedPresenceSource(status: PresenceStatus): PresenceSource {
  return { name: status.source, status: () => status, onStatusChange: () => () => undefined, dispose: () => undefined };
}

/** What the audit line at sign-in records: each source and its state, in catalogue order. */
export function presenceSummary(statuses: readonly PresenceStatus[]): {
  live: PresenceSourceName[];
  notLive: { source: PresenceSourceName; state: PresenceState; reason?: PresenceReason }[];
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
