/**
 * Every presence source, started in one place from one table (`presenceRegistrations`): each
 * source by its name (core/presence.ts, presenceSourceNames), the platforms it runs on, and how it
 * is built. The sources that need only Node are built here: the smartcard watcher, and on Linux
 * logind (system bus) and the screen saver (session bus). The ones built from Electron
 * (powerMonitor and the idle poll, the Windows session notifications) are built by the adapters
 * and handed in ready by the composition root (main/composition/presence.ts); services never
 * import adapters. Both the composition root and the browser harness (test/harness/harness.ts) call startPresence, so the
 * harness audits its sources at sign-in as a ward PC does. A source that cannot run here is
 * listed as not-on-this-platform, so the audit says what is not watched as well as what is.
 *
 * The audit log records which sources are live at each sign-in (presence.sources) and each change
 * of a source's state (presence.source-changed). One rule fails closed here: on Linux, logind and
 * the screen saver are the only event-driven view of an OS lock; when the last of them that was
 * live goes away (its bus dropped), the shell can no longer see the screen lock, so it locks the
 * session with its own reason, 'lock-watch-lost' (each source, once back, re-reads the state it
 * watches).
 */
import type { Backoff } from '../../core/backoff';
import type { OsEvents, OsPlatform } from '../../core/os-signals';
import { fixedPresenceSource, presenceSourceNames } from '../../core/presence';
import type { PresenceSource, PresenceSourceName, PresenceState } from '../../core/presence';
import type { SessionState } from '../../core/session';
import type { Audit } from '../audit';
import type { OpenDbus } from '../../platform/dbus';
import { startLogindSource } from './logind';
import { createPresenceRegistry } from './registry';
import type { PresenceRegistry } from './registry';
import { startScreenSaverSource } from './screensaver';
import { createSmartcardSource } from './smartcard';
import type { SmartcardSettings, SmartcardSource, SmartcardSourceDeps } from './smartcard';
import type { OnFault } from '../../core/faults';

export interface PresenceOptions {
  readonly platform: OsPlatform;
  /** What the D-Bus sources may read: in a production build, fixed paths only (trusted-env.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The uid that must own logind's name (0 in a production build); absent: not checked. */
  readonly logindOwnerUid?: number;
  readonly pid: number;
  readonly events: Pick<OsEvents, 'signal'>;
  /** Sources built from Electron by the adapters and handed in ready: powerMonitor and the idle poll, WTS (Windows). */
  readonly sources?: readonly PresenceSource[];
  /**
   * How the smartcard is watched: machine policy LockOnCardRemoval (tests and the harness: PC/SC
   * itself). Absent: no reader is watched and PC/SC is never loaded.
   */
  readonly smartcard?: SmartcardSettings;
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
  readonly onError?: OnFault;
}

export interface Presence {
  readonly registry: PresenceRegistry;
  /** The smartcard watcher, for RequireSmartcard and the lock screen's card prompt; null when no reader is watched. */
  readonly smartcard: SmartcardSource | null;
  dispose(): Promise<void>;
}

/** What a source's factory is given: where it runs and the OS port it raises signals on. */
export type SourceContext = Pick<
  PresenceOptions,
  'platform' | 'env' | 'pid' | 'events' | 'smartcard' | 'dbus' | 'onError' | 'logindOwnerUid'
>;

export interface PresenceRegistration {
  /** The platforms it runs on; elsewhere it is listed as not-on-this-platform. Absent: every platform. */
  readonly platforms?: readonly OsPlatform[];
  /** One of the sources that see the OS lock where Electron cannot: losing the last live one locks (lock-watch-lost). */
  readonly watchesOsLock?: true;
  /**
   * Builds and starts the source (null: not watched on this workstation), or 'given': the
   * composition root builds it from Electron and hands it in (PresenceOptions.sources).
   */
  readonly start: ((context: SourceContext) => PresenceSource | null) | 'given';
}

/** What the D-Bus sources share: the environment, and for tests their buses' opener and backoff. */
function dbusCommon(context: SourceContext) {
  return {
    env: context.env,
    ...(context.dbus?.open ? { open: context.dbus.open } : {}),
    ...(context.dbus?.backoff ? { backoff: context.dbus.backoff } : {}),
    ...(context.onError ? { onError: context.onError } : {}),
  };
}

/** The smartcard's settings with the OS port; LockOnCardRemoval is read at each use (the harness changes it). */
function smartcardDeps(settings: SmartcardSettings, events: SourceContext['events']): SmartcardSourceDeps {
  const { lockOnRemoval: _readAtEachUse, ...rest } = settings;
  return {
    ...rest,
    events,
    get lockOnRemoval() {
      return settings.lockOnRemoval;
    },
  };
}

/** Every presence source the shell knows, in catalogue order: the compiler asks for a new name's entry. */
export const presenceRegistrations: { readonly [N in PresenceSourceName]: PresenceRegistration } = {
  'power-monitor': { start: 'given' },
  'idle-poll': { start: 'given' },
  smartcard: {
    start: (c) => (c.smartcard ? createSmartcardSource(smartcardDeps(c.smartcard, c.events)) : null),
  },
  logind: {
    platforms: ['linux'],
    watchesOsLock: true,
    start: (c) =>
      startLogindSource(
        {
          ...dbusCommon(c),
          pid: c.pid,
          ...(c.dbus?.systemBus ? { address: c.dbus.systemBus } : {}),
          ...(c.logindOwnerUid === undefined ? {} : { ownerUid: c.logindOwnerUid }),
        },
        c.events,
      ),
  },
  screensaver: {
    platforms: ['linux'],
    watchesOsLock: true,
    start: (c) =>
      startScreenSaverSource(
        { ...dbusCommon(c), ...(c.dbus?.sessionBus ? { address: c.dbus.sessionBus } : {}) },
        c.events,
      ),
  },
  wts: { platforms: ['win32'], start: 'given' },
};

/** Each source for this workstation, by the table: handed in, built here, or listed as not on this platform. */
function sourcesFor(options: PresenceOptions): Map<PresenceSourceName, PresenceSource> {
  const given = new Map((options.sources ?? []).map((source) => [source.name, source]));
  const sources = new Map<PresenceSourceName, PresenceSource>();
  for (const name of presenceSourceNames) {
    const registration: PresenceRegistration = presenceRegistrations[name];
    const handedIn = given.get(name);
    const runsHere = registration.platforms?.includes(options.platform) ?? true;
    const source =
      handedIn ??
      (!runsHere
        ? fixedPresenceSource({ source: name, state: 'not-on-this-platform', sees: [] })
        : registration.start === 'given'
          ? null
          : registration.start(options));
    if (source !== null) sources.set(name, source);
  }
  return sources;
}

/**
 * The audit at each sign-in and each change, and the fail-closed rule: when the last live source
 * that watches the OS lock goes, the session locks. Returns the unsubscribe.
 */
function auditAndFailClosed(registry: PresenceRegistry, options: PresenceOptions): () => void {
  const lockWatchers = presenceSourceNames.filter((name) => presenceRegistrations[name].watchesOsLock === true);
  const lastState = new Map<PresenceSourceName, PresenceState>(registry.statuses().map((s) => [s.source, s.state]));
  const stopChanges = registry.onChange((status) => {
    const before = lastState.get(status.source);
    lastState.set(status.source, status.state);
    options.audit.presenceSourceChanged(status);
    const lostLockWatcher = lockWatchers.includes(status.source) && before === 'live' && status.state !== 'live';
    if (lostLockWatcher && !registry.statuses().some((s) => lockWatchers.includes(s.source) && s.state === 'live'))
      options.events.signal('lock-watch-lost');
  });
  const subjectOf = (state: SessionState): string | null => ('session' in state ? state.session.subject : null);
  const stopSignIns = options.session.onStateChange((now, previous) => {
    const subject = subjectOf(now);
    if (subject !== null && subject !== subjectOf(previous))
      options.audit.presenceSources(subject, registry.statuses());
  });
  return () => {
    stopSignIns();
    stopChanges();
  };
}

export function startPresence(options: PresenceOptions): Presence {
  const registry = createPresenceRegistry(options.onError);
  const sources = sourcesFor(options);
  for (const source of sources.values()) registry.add(source);
  const stop = auditAndFailClosed(registry, options);
  // The table builds the smartcard entry with createSmartcardSource (or takes the one handed in).
  const smartcard = (sources.get('smartcard') as SmartcardSource | undefined) ?? null;
  return {
    registry,
    smartcard,
    async dispose() {
      stop();
      await registry.dispose();
    },
  };
}
