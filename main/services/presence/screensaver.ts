/**
 * Linux: the desktop's screen saver on the session bus. Both org.freedesktop.ScreenSaver (KDE,
 * Xfce, Cinnamon, MATE and others, in the freedesktop.org idle-inhibition specification's
 * interface) and org.gnome.ScreenSaver (GNOME Shell) send ActiveChanged(b) when the screen saver
 * starts or stops. On a ward PC the screen saver is the lock, and where it only blanks the screen
 * the clinician has still walked away: active → lock-screen, inactive → unlock-screen (which
 * unlocks nothing in the shell; only the clinician's sign-in does).
 * Live while at least one of the two names has an owner; when none does (a desktop without a
 * screen saver service, or it has not started yet) the source is unavailable and waits for one.
 * Each time an owner appears its GetActive is read, so a screen saver that came on unseen still locks.
 */
import type { PresenceSource } from '../../core/presence';
import type { OsEvents } from '../../core/os-signals';
import { matchRule, openDbus, sessionBusAddress } from '../../platform/dbus';
import type { DbusLink, DbusSignal, OpenDbus } from '../../platform/dbus';
import type { Backoff } from '../../core/backoff';
import { startDbusSource } from './dbus-source';
import type { WatchControl } from './dbus-source';
import type { OnFault } from '../../core/faults';

/** Each screen saver service: its name (and interface) and the object GetActive is called on. */
export const screenSavers = [
  { name: 'org.freedesktop.ScreenSaver', path: '/org/freedesktop/ScreenSaver' },
  { name: 'org.gnome.ScreenSaver', path: '/org/gnome/ScreenSaver' },
] as const;

export interface ScreenSaverSourceOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The session bus's address; from the environment when omitted. */
  readonly address?: string;
  readonly open?: OpenDbus;
  readonly backoff?: Backoff;
  readonly onError?: OnFault;
}

export function startScreenSaverSource(
  options: ScreenSaverSourceOptions,
  events: Pick<OsEvents, 'signal'>,
): PresenceSource {
  return startDbusSource({
    name: 'screensaver',
    sees: ['lock-screen', 'unlock-screen'],
    address: options.address ?? sessionBusAddress(options.env),
    open: options.open ?? openDbus,
    raise: (signal) => events.signal(signal),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    watch: (link, control) => watchScreenSavers(link, control),
  });
}

async function watchScreenSavers(link: DbusLink, control: WatchControl): Promise<void> {
  const owners = new Map<string, string>();
  const reportOwners = (): void =>
    control.report(owners.size > 0 ? 'live' : 'unavailable', owners.size > 0 ? undefined : 'no-screensaver-service');
  const readActive = async (saver: (typeof screenSavers)[number]): Promise<void> => {
    try {
      const [active] = await link.call({
        destination: saver.name,
        path: saver.path,
        interface: saver.name,
        member: 'GetActive',
      });
      if (active === true) control.raise('lock-screen');
    } catch {
      // A screen saver without GetActive still sends ActiveChanged.
    }
  };
  const onSignal = (signal: DbusSignal): void => {
    if (signal.interface === 'org.freedesktop.DBus' && signal.member === 'NameOwnerChanged') {
      const [name, , newOwner] = signal.body;
      const saver = screenSavers.find((s) => s.name === name);
      if (saver === undefined || signal.sender !== 'org.freedesktop.DBus') return;
      if (typeof newOwner === 'string' && newOwner !== '') {
        owners.set(saver.name, newOwner);
        void readActive(saver);
      } else owners.delete(saver.name);
      reportOwners();
      return;
    }
    if (signal.member !== 'ActiveChanged') return;
    const saver = screenSavers.find((s) => s.name === signal.interface);
    // Only the service owning the name may say the screen saver changed.
    if (saver === undefined || owners.get(saver.name) !== signal.sender || typeof signal.body[0] !== 'boolean') return;
    control.raise(signal.body[0] ? 'lock-screen' : 'unlock-screen');
  };
  link.onSignal(onSignal);
  await Promise.all(
    screenSavers.flatMap((saver) => [
      link.addMatch(matchRule({ type: 'signal', sender: saver.name, interface: saver.name, member: 'ActiveChanged' })),
      link.addMatch(
        matchRule({
          type: 'signal',
          sender: 'org.freedesktop.DBus',
          interface: 'org.freedesktop.DBus',
          member: 'NameOwnerChanged',
          arg0: saver.name,
        }),
      ),
    ]),
  );
  for (const saver of screenSavers) {
    const owner = await link.nameOwner(saver.name);
    if (owner !== null) owners.set(saver.name, owner);
  }
  reportOwners();
  await Promise.all(screenSavers.filter((s) => owners.has(s.name)).map(readActive));
}
