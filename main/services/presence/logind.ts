/**
 * Linux: systemd-logind on the system bus, where Electron's powerMonitor has no lock-screen at
 * all (only suspend/resume). logind's D-Bus API (org.freedesktop.login1, "systemd-logind" in
 * the systemd documentation) tells the shell, for the session it runs in:
 *   - LockedHint (a property the desktop's screen locker sets): true → lock-screen, false → unlock-screen;
 *   - Active (false when another user's session takes the seat): false → user-switch-away, true → user-switch-back;
 *   - the session object's Lock / Unlock signals (loginctl lock-session, or logind asking the
 *     locker to lock): lock-screen / unlock-screen;
 *   - the Manager's PrepareForSleep(b): true → suspend, false → resume.
 * Our session is found with GetSessionByPID(our pid), or from XDG_SESSION_ID with GetSession.
 * Each connection re-reads LockedHint and Active, so a lock while the bus was away still locks.
 * Signals count only from the current owner of org.freedesktop.login1; when logind restarts the
 * link is dropped and set up again against the new owner.
 */
import type { PresenceSource } from '../../core/presence';
import type { OsEvents } from '../../core/os-signals';
import { matchRule, openDbus, systemBusAddress, variantValue } from '../../platform/dbus';
import type { DbusLink, DbusSignal, OpenDbus } from '../../platform/dbus';
import type { Backoff } from '../../core/backoff';
import { PresenceUnavailable, startDbusSource } from './dbus-source';
import type { WatchControl } from './dbus-source';
import type { OnFault } from '../../core/faults';

const login1 = 'org.freedesktop.login1';
const managerPath = '/org/freedesktop/login1';
const managerInterface = 'org.freedesktop.login1.Manager';
const sessionInterface = 'org.freedesktop.login1.Session';
const propertiesInterface = 'org.freedesktop.DBus.Properties';

export interface LogindSourceOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This process's id (the shell's main process runs in the clinician's login session). */
  readonly pid: number;
  /** The system bus's address; from the environment (DBUS_SYSTEM_BUS_ADDRESS) when omitted. */
  readonly address?: string;
  /**
   * The uid that must own org.freedesktop.login1 (0 in a production build, trusted-env.ts): a
   * name held by anyone else is not logind. Undefined: not checked (development, dbusmock).
   */
  readonly ownerUid?: number;
  readonly open?: OpenDbus;
  readonly backoff?: Backoff;
  readonly onError?: OnFault;
}

export function startLogindSource(options: LogindSourceOptions, events: Pick<OsEvents, 'signal'>): PresenceSource {
  return startDbusSource({
    name: 'logind',
    sees: ['lock-screen', 'unlock-screen', 'user-switch-away', 'user-switch-back', 'suspend', 'resume'],
    address: options.address ?? systemBusAddress(options.env),
    open: options.open ?? openDbus,
    raise: (signal) => events.signal(signal),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    watch: (link, control) => watchLogind(link, control, options),
  });
}

async function findSession(link: DbusLink, options: LogindSourceOptions): Promise<string> {
  const manager = { destination: login1, path: managerPath, interface: managerInterface } as const;
  try {
    const [path] = await link.call({ ...manager, member: 'GetSessionByPID', signature: 'u', body: [options.pid] });
    if (typeof path === 'string') return path;
  } catch {
    // Not in a logind session by cgroup (e.g. started from a service), or an older logind: try the
    // session id the login put in our environment.
  }
  const id = options.env['XDG_SESSION_ID'];
  if (id) {
    try {
      const [path] = await link.call({ ...manager, member: 'GetSession', signature: 's', body: [id] });
      if (typeof path === 'string') return path;
    } catch {
      // fall through
    }
  }
  throw new PresenceUnavailable('no-logind-session');
}

/** What the session said last, raised only when it changes: LockedHint as lock/unlock, Active as a user switch. */
function sessionState(link: DbusLink, session: string, control: WatchControl) {
  const last: { locked?: boolean; active?: boolean } = {};
  return {
    last,
    lockedHint(locked: boolean): void {
      if (last.locked === locked) return;
      last.locked = locked;
      control.raise(locked ? 'lock-screen' : 'unlock-screen');
    },
    active(isActive: boolean): void {
      if (last.active === isActive) return;
      last.active = isActive;
      control.raise(isActive ? 'user-switch-back' : 'user-switch-away');
    },
    async read(name: 'LockedHint' | 'Active'): Promise<boolean | null> {
      const [value] = await link.call({
        destination: login1,
        path: session,
        interface: propertiesInterface,
        member: 'Get',
        signature: 'ss',
        body: [sessionInterface, name],
      });
      const unwrapped = variantValue(value);
      return typeof unwrapped === 'boolean' ? unwrapped : null;
    },
  };
}
type SessionStateTracker = ReturnType<typeof sessionState>;

/** The session's PropertiesChanged: each property with a value applied, each one invalidated read again. */
function propertiesChanged(signal: DbusSignal, tracker: SessionStateTracker): void {
  const changed = (signal.body[1] ?? {}) as Record<string, unknown>;
  const invalidated = Array.isArray(signal.body[2]) ? (signal.body[2] as unknown[]) : [];
  for (const [name, apply] of [
    ['LockedHint', tracker.lockedHint],
    ['Active', tracker.active],
  ] as const) {
    const value = variantValue(changed[name]);
    if (typeof value === 'boolean') apply(value);
    // A property logind invalidates without a value: read it.
    else if (invalidated.includes(name))
      void tracker.read(name).then(
        (v) => v !== null && apply(v),
        () => undefined,
      );
  }
}

/** Routes each signal on the link: logind's owner changing, sleep, and our session's lock, unlock and properties. */
function logindSignals(owner: string, session: string, control: WatchControl, tracker: SessionStateTracker) {
  return (signal: DbusSignal): void => {
    if (signal.interface === 'org.freedesktop.DBus' && signal.member === 'NameOwnerChanged') {
      // logind restarted (or left): set everything up again against whoever owns the name now.
      if (signal.sender === 'org.freedesktop.DBus' && signal.body[0] === login1) control.restart('logind-restarted');
      return;
    }
    if (signal.sender !== owner) return;
    if (signal.path === managerPath && signal.interface === managerInterface && signal.member === 'PrepareForSleep') {
      if (typeof signal.body[0] === 'boolean') control.raise(signal.body[0] ? 'suspend' : 'resume');
      return;
    }
    if (signal.path !== session) return;
    if (signal.interface === sessionInterface && signal.member === 'Lock') return control.raise('lock-screen');
    if (signal.interface === sessionInterface && signal.member === 'Unlock') return control.raise('unlock-screen');
    if (
      signal.interface === propertiesInterface &&
      signal.member === 'PropertiesChanged' &&
      signal.body[0] === sessionInterface
    )
      propertiesChanged(signal, tracker);
  };
}

/** Explicit match rules: the bus routes these broadcasts to us whatever logind's introspection says. */
function logindMatchRules(session: string): string[] {
  return [
    matchRule({
      type: 'signal',
      sender: login1,
      path: session,
      interface: propertiesInterface,
      member: 'PropertiesChanged',
    }),
    matchRule({ type: 'signal', sender: login1, path: session, interface: sessionInterface }),
    matchRule({
      type: 'signal',
      sender: login1,
      path: managerPath,
      interface: managerInterface,
      member: 'PrepareForSleep',
    }),
    matchRule({
      type: 'signal',
      sender: 'org.freedesktop.DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameOwnerChanged',
      arg0: login1,
    }),
  ];
}

async function watchLogind(link: DbusLink, control: WatchControl, options: LogindSourceOptions): Promise<void> {
  const owner = await link.nameOwner(login1);
  if (owner === null) throw new PresenceUnavailable('logind-absent');
  if (options.ownerUid !== undefined) {
    const [uid] = await link.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetConnectionUnixUser',
      signature: 's',
      body: [owner],
    });
    if (uid !== options.ownerUid) throw new PresenceUnavailable('logind-not-system');
  }
  const session = await findSession(link, options);
  const tracker = sessionState(link, session, control);
  link.onSignal(logindSignals(owner, session, control, tracker));
  await Promise.all(logindMatchRules(session).map((rule) => link.addMatch(rule)));
  // Read after subscribing, so a change between the two is not lost.
  const [locked, isActive] = await Promise.all([tracker.read('LockedHint'), tracker.read('Active')]);
  control.report('live');
  // Only what means someone left is raised on connecting; an unlocked, active session is the normal state.
  if (locked === true) tracker.lockedHint(true);
  else if (locked === false) tracker.last.locked = false;
  if (isActive === false) tracker.active(false);
  else if (isActive === true) tracker.last.active = true;
}
