/**
 * Maps Electron's powerMonitor to the OsEvents port, and samples the OS idle clock once a
 * second. Thin on purpose: the decisions live in main/core/os-signals.ts.
 */
import type { PowerMonitor } from 'electron';
import { idleClockCanStick, idleEvidence, nextZeroRun, osCapabilitiesFor, stuckIdleSamples } from '../core/os-signals';
import type { OsCapabilities, OsEvents, OsPlatform, OsSignal } from '../core/os-signals';
import { createPresenceStatus, presenceStatus } from '../core/presence';
import type { PresenceSource, PresenceStatus } from '../core/presence';
import type { OnFault } from '../core/faults';

/**
 * Electron's powerMonitor events (named as in Electron's docs) and the OS signal each is.
 * 'user-did-resign-active' / 'user-did-become-active' are macOS fast user switching.
 */
export const powerMonitorSignals = {
  'lock-screen': 'lock-screen',
  'unlock-screen': 'unlock-screen',
  suspend: 'suspend',
  resume: 'resume',
  'user-did-resign-active': 'user-switch-away',
  'user-did-become-active': 'user-switch-back',
} as const satisfies Record<string, OsSignal>;

export interface PowerMonitorDeps {
  powerMonitor: Pick<PowerMonitor, 'on' | 'removeListener' | 'getSystemIdleTime' | 'getSystemIdleState'>;
  platform: OsPlatform;
  env: { XDG_SESSION_TYPE?: string; WAYLAND_DISPLAY?: string };
  /** Quits the app once shutdown work is done (app.quit). */
  quit: () => void;
  /** Reports failures without content; the composition root passes its logger. */
  onError?: OnFault;
  sampleEveryMs?: number;
}

export interface OsSignalsHandle {
  readonly capabilities: () => OsCapabilities;
  /** powerMonitor and the idle poll as presence sources (for the audit at sign-in); both live while watching. */
  readonly presence: readonly PresenceSource[];
  dispose(): void;
}

/** What powerMonitor raises on each platform (Electron's docs: lock-screen/unlock-screen are macOS and Windows only). */
function powerMonitorSees(platform: OsPlatform): OsSignal[] {
  if (platform === 'win32') return ['lock-screen', 'unlock-screen', 'suspend', 'resume'];
  if (platform === 'darwin')
    return ['lock-screen', 'unlock-screen', 'suspend', 'resume', 'user-switch-away', 'user-switch-back'];
  return ['suspend', 'resume'];
}

/**
 * A source watched by this adapter: its status kept in core's status cell; once disposed it says
 * `stopped` (the shell no longer listens to powerMonitor or polls).
 */
function adapterSource(initial: PresenceStatus): PresenceSource & { update(next: PresenceStatus): void } {
  const cell = createPresenceStatus(initial);
  let stopped = false;
  return {
    name: initial.source,
    status: () => (stopped ? { ...cell.get(), state: 'unavailable', reason: 'stopped' } : cell.get()),
    onStatusChange: cell.onChange,
    update: (next) => void cell.set(next),
    dispose() {
      stopped = true;
      cell.clear();
    },
  };
}

interface PreventableEvent {
  preventDefault(): void;
}

/** powerMonitor's events as OS signals, and its shutdown as the session's; returns the removal of every listener. */
function listenToPowerMonitor(deps: PowerMonitorDeps, events: OsEvents): () => void {
  let shuttingDown = false;
  const onShutdown = (event?: PreventableEvent): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    // Electron documents preventDefault (delay shutdown) on Linux and macOS only.
    if (deps.platform === 'linux' || deps.platform === 'darwin') event?.preventDefault();
    // Start sealing synchronously: the OS may not wait long.
    let sealing: Promise<void>;
    try {
      sealing = Promise.resolve(events.shutdown());
    } catch (error) {
      sealing = Promise.reject(error);
    }
    sealing.catch(() => deps.onError?.('shutdown-seal-failed')).finally(() => deps.quit());
  };

  const listeners: Array<[string, (...args: never[]) => void]> = [
    ...Object.entries(powerMonitorSignals).map(([name, signal]): [string, () => void] => [
      name,
      () => events.signal(signal),
    ]),
    ['shutdown', onShutdown],
  ];
  const emitter = deps.powerMonitor as unknown as {
    on(e: string, l: (...a: never[]) => void): unknown;
    removeListener(e: string, l: (...a: never[]) => void): unknown;
  };
  for (const [name, listener] of listeners) emitter.on(name, listener);
  return () => {
    for (const [name, listener] of listeners) emitter.removeListener(name, listener);
  };
}

/**
 * The once-a-second idle poll: OS idle time to the session, a 'locked' idle state as a lock where
 * the OS has no lock event, and a clock stuck at 0 found out. Its presence source stays live where
 * the idle clock cannot be trusted (it still sees a 'locked' state on Linux); the reason says its
 * idle time is not counted, so in-app activity is the authority.
 */
function pollIdle(deps: PowerMonitorDeps, events: OsEvents) {
  const pm = deps.powerMonitor;
  let capabilities = osCapabilitiesFor(deps.platform, deps.env);
  let zeroRun = 0;
  let osReportsLocked = false;
  const idleStatus = (): PresenceStatus =>
    presenceStatus(
      'idle-poll',
      'live',
      capabilities.lockSignal ? [] : ['lock-screen', 'unlock-screen'],
      capabilities.osIdle === 'unreliable' ? 'os-idle-unreliable' : undefined,
    );
  const source = adapterSource(idleStatus());

  const sample = (): void => {
    let seconds: number;
    let state: string;
    try {
      seconds = pm.getSystemIdleTime();
      state = pm.getSystemIdleState(1);
    } catch {
      deps.onError?.('os-idle-read-failed');
      return;
    }
    // Where the OS has no lock event (Linux), a 'locked' idle state is the next best signal.
    if (!capabilities.lockSignal) {
      if (state === 'locked' && !osReportsLocked) events.signal('lock-screen');
      if (state !== 'locked' && osReportsLocked) events.signal('unlock-screen');
    }
    osReportsLocked = state === 'locked';
    if (capabilities.osIdle === 'unreliable') return;
    zeroRun = nextZeroRun(zeroRun, seconds);
    if (idleClockCanStick(deps.platform) && zeroRun >= stuckIdleSamples) {
      capabilities = { ...capabilities, osIdle: 'unreliable' };
      events.capabilitiesChanged?.(capabilities);
      source.update(idleStatus());
      return;
    }
    // Where the clock can stick (Linux), a zero is not forwarded: it may be a stuck clock, not
    // input, and each sample forwarded postpones the idle lock. A clinician typing non-stop in
    // another application may then be locked early; that fails closed (see idleEvidence).
    const evidence = idleEvidence(deps.platform, seconds);
    if (evidence !== null) events.idleSample(evidence);
  };
  const timer = setInterval(sample, deps.sampleEveryMs ?? 1000);
  return { capabilities: () => capabilities, source, stop: () => clearInterval(timer) };
}

export function watchOsSignals(deps: PowerMonitorDeps, events: OsEvents): OsSignalsHandle {
  const stopListening = listenToPowerMonitor(deps, events);
  const idle = pollIdle(deps, events);
  const powerSource = adapterSource(presenceStatus('power-monitor', 'live', powerMonitorSees(deps.platform)));
  return {
    capabilities: idle.capabilities,
    presence: [powerSource, idle.source],
    dispose: () => {
      idle.stop();
      stopListening();
    },
  };
}
