/**
 * Every presence source that applies to this workstation, in one registry: the composition root
 * (main/index.ts) hands in the sources built from Electron (powerMonitor and the idle poll, the
 * Windows session notifications) and the smartcard watcher, and this starts the Linux D-Bus ones
 * (logind on the system bus, the screen saver on the session bus). Sources that cannot apply here
 * are listed as not-on-this-platform, so the audit says what is not watched as well as what is.
 *
 * The audit log records which sources are live at each sign-in (presence.sources) and each change
 * of a source's state (presence.source-changed). One rule fails closed here: on Linux, logind and
 * the screen saver are the only event-driven view of an OS lock; when the last of them that was
 * live goes away (its bus dropped), the shell can no longer see the screen lock, so it locks the
 * session as if the OS had (each source, once back, re-reads the state it watches).
 */
import type { OsEvents, OsPlatform } from '../../core/os-signals';
import { presenceSourceNames } from '../../core/presence';
import type { PresenceSource, PresenceSourceName, PresenceState, PresenceStatus } from '../../core/presence';
import type { SessionState } from '../../core/session';
import type { Audit } from '../audit';
import type { OpenDbus } from '../../platform/dbus';
import type { Backoff } from './dbus-source';
import { startLogindSource } from './logind';
import { createPresenceRegistry } from './registry';
import type { PresenceRegistry } from './registry';
import { startScreenSaverSource } from './screensaver';

export interface PresenceOptions {
  readonly platform: OsPlatform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid: number;
  readonly events: Pick<OsEvents, 'signal'>;
  /** Sources the caller built: powerMonitor and the idle poll, WTS (Windows), the smartcard watcher. */
  readonly sources: readonly PresenceSource[];
  readonly audit: Pick<Audit, 'presenceSources' | 'presenceSourceChanged'>;
  /** Sign-ins are seen here: a state with a new clinician's session. */
  readonly session: { onStateChange(listener: (state: SessionState, previous: SessionState) => void): () => void };
  /** Tests and the benchmark: private buses instead of the machine's. */
  readonly dbus?: {
    readonly systemBus?: string;
    readonly sessionBus?: string;
    readonly open?: OpenDbus;
    readonly backoff?: Backoff;
  };
  readonly onError?: (code: string) => void;
}

export interface Presence {
  readonly registry: PresenceRegistry;
  dispose(): Promise<void>;
}

/** The sources only one platform has, and which. */
const onlyOn: Partial<Record<PresenceSourceName, OsPlatform>> = { logind: 'linux', screensaver: 'linux', wts: 'win32' };

/** The Linux sources whose loss means the OS lock is no longer seen. */
const linuxLockWatchers: readonly PresenceSourceName[] = ['logind', 'screensaver'];

/** A source that cannot run here, listed so the audit says so. */
function notHere(name: PresenceSourceName): PresenceSource {
  const status: PresenceStatus = { source: name, state: 'not-on-this-platform', sees: [] };
  return { name, status: () => status, onStatusChange: () => () => undefined, dispose: () => undefined };
}

export function startPresence(options: PresenceOptions): Presence {
  const registry = createPresenceRegistry(options.onError);
  const given = new Set(options.sources.map((s) => s.name));
  const started: PresenceSource[] = [];
  if (options.platform === 'linux') {
    const common = {
      env: options.env,
      ...(options.dbus?.open ? { open: options.dbus.open } : {}),
      ...(options.dbus?.backoff ? { backoff: options.dbus.backoff } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    };
    if (!given.has('logind'))
      started.push(
        startLogindSource(
          { ...common, pid: options.pid, ...(options.dbus?.systemBus ? { address: options.dbus.systemBus } : {}) },
          options.events,
        ),
      );
    if (!given.has('screensaver'))
      started.push(
        startScreenSaverSource(
          { ...common, ...(options.dbus?.sessionBus ? { address: options.dbus.sessionBus } : {}) },
          options.events,
        ),
      );
  }
  for (const source of [...options.sources, ...started]) registry.add(source);
  const present = new Set([...given, ...started.map((s) => s.name)]);
  for (const name of presenceSourceNames) {
    const platform = onlyOn[name];
    if (platform !== undefined && platform !== options.platform && !present.has(name)) registry.add(notHere(name));
  }

  const lastState = new Map<PresenceSourceName, PresenceState>(registry.statuses().map((s) => [s.source, s.state]));
  const stopChanges = registry.onChange((status) => {
    const before = lastState.get(status.source);
    lastState.set(status.source, status.state);
    options.audit.presenceSourceChanged(status);
    const lostLockWatcher = linuxLockWatchers.includes(status.source) && before === 'live' && status.state !== 'live';
    if (lostLockWatcher && !registry.statuses().some((s) => linuxLockWatchers.includes(s.source) && s.state === 'live'))
      options.events.signal('lock-watch-lost');
  });
  const subjectOf = (state: SessionState): string | null => ('session' in state ? state.session.subject : null);
  const stopSignIns = options.session.onStateChange((now, previous) => {
    const subject = subjectOf(now);
    if (subject !== null && subject !== subjectOf(previous))
      options.audit.presenceSources(subject, registry.statuses());
  });

  return {
    registry,
    async dispose() {
      stopSignIns();
      stopChanges();
      await registry.dispose();
    },
  };
}
