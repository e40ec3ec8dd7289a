/**
 * Where the presence sources look, in a production build (issue 24, item 11). The process
 * environment is the clinician account's to set (a same-account autostart entry, a shortcut's
 * environment), and a variable naming a bus lets a program of that account put a fake logind or
 * screen saver in front of the shell that always says "unlocked". So a production build reads
 * none of them:
 * - the system bus at its fixed socket, `/run/dbus/system_bus_socket` (the D-Bus specification's
 *   default `/var/run/dbus/system_bus_socket` is a link to it on every systemd distribution),
 *   never DBUS_SYSTEM_BUS_ADDRESS;
 * - the session bus at systemd's per-user socket, `/run/user/<uid>/bus`, never
 *   DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR (a desktop without systemd's user bus then has no
 *   screen-saver source, which the audit shows as `no-bus-address` / `bus-unreachable`);
 * - logind's session from the process's own session only (GetSessionByPID), never
 *   XDG_SESSION_ID; and logind's name must be owned by a connection of uid 0
 *   (org.freedesktop.DBus.GetConnectionUnixUser), which only root can be on the system bus;
 * - PCSCLITE_CSOCK_NAME, which libpcsclite reads to find pcscd's socket, is removed from the
 *   environment before PC/SC is loaded (core/launch-switches.ts).
 * A development build (npm start, the tests) keeps reading the environment, which is how the
 * tests put python-dbusmock on private buses.
 */

/** The system bus's fixed socket. */
export const FIXED_SYSTEM_BUS = 'unix:path=/run/dbus/system_bus_socket';

export interface PresenceEnvironment {
  /** The environment the D-Bus sources are given. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The uid that must own org.freedesktop.login1; undefined: not checked (development). */
  readonly logindOwnerUid: number | undefined;
}

/** What the presence sources may read, for a production or a development build (a pure rule). */
export function presenceEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  build: { readonly production: boolean; readonly uid: number | undefined },
): PresenceEnvironment {
  if (!build.production) return { env, logindOwnerUid: undefined };
  return {
    env: {
      DBUS_SYSTEM_BUS_ADDRESS: FIXED_SYSTEM_BUS,
      ...(build.uid === undefined ? {} : { DBUS_SESSION_BUS_ADDRESS: `unix:path=/run/user/${build.uid}/bus` }),
    },
    logindOwnerUid: 0,
  };
}
