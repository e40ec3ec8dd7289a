/**
 * Maps Electron's powerMonitor to the OsEvents port, and samples the OS idle clock once a
 * second. Thin on purpose: the decisions live in main/core/os-signals.ts.
 */
import type { PowerMonitor } from 'electron';
import { idleClockCanStick, idleEvidence, nextZeroRun, osCapabilitiesFor, stuckIdleSamples } from '../core/os-signals';
import type { OsCapabilities, OsEvents, OsPlatform, OsSignal } from '../core/os-signals';
import type { PresenceSource, PresenceSourceName, PresenceStatus } from '../core/presence';

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
  onError?: (code: string) => void;
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

/** A source whose status is computed from the watcher's state; `changed()` tells listeners. */
function viewSource(name: PresenceSourceName, read: () => PresenceStatus): PresenceSource & { changed(): void } {
  const listeners = new Set<(status: PresenceStatus) => void>();
  let stopped = false;
  return {
    name,
    status: () => (stopped ? { ...read(), state: 'unavailable', reason: 'stopped' } : read()),
    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed() {
      for (const listener of [...listeners]) listener(read());
    },
    dispose() {
      stopped = true;
      listeners.clear();
    },
  };
}

interface PreventableEvent {
  preventDefault(): void;
}

export function watchOsSignals(deps: PowerMonitorDeps, events: OsEvents): OsSignalsHandle {
  const { powerMonitor: pm } = deps;
  let capabilities = osCapabilitiesFor(deps.platform, deps.env);
  let zeroRun = 0;
  let osReportsLocked = false;
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
  const emitter = pm as unknown as {
    on(e: string, l: (...a: never[]) => void): unknown;
    removeListener(e: string, l: (...a: never[]) => void): unknown;
  };
  for (const [name, listener] of listeners) emitter.on(name, listener);

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
      idleSource.changed();
      return;
    }
    // Where the clock can stick (Linux), a zero is not forwarded: it may be a stuck clock, not
    // input, and each sample forwarded postpones the idle lock. A clinician typing non-stop in
    // another application may then be locked early; that fails closed (see idleEvidence).
    const evidence = idleEvidence(deps.platform, seconds);
    if (evidence !== null) events.idleSample(evidence);
  };
  const timer = setInterval(sample, deps.sampleEveryMs ?? 1000);

  const powerSource = viewSource('power-monitor', () => ({
    source: 'power-monitor',
    state: 'live',
    sees: powerMonitorSees(deps.platform),
  }));
  // The poll stays live where the idle clock cannot be trusted (it still sees a 'locked' state on
  // Linux); the reason says its idle time is not counted, so in-app activity is the authority.
  const idleSource = viewSource('idle-poll', () => ({
    source: 'idle-poll',
    state: 'live',
    sees: capabilities.lockSignal ? [] : ['lock-screen', 'unlock-screen'],
    ...(capabilities.osIdle === 'unreliable' ? { reason: 'os-idle-unreliable' } : {}),
  }));

  return {
    capabilities: () => capabilities,
    presence: [powerSource, idleSource],
    dispose: () => {
      clearInterval(timer);
      for (const [name, listener] of listeners) emitter.removeListener(name, listener);
    },
  };
}
