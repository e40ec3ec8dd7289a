/**
 * A thin link to one D-Bus bus (the system bus for logind, the session bus for the screen saver),
 * over @particle/dbus-next (pure JavaScript: no native build, nothing to rebuild per Electron
 * version; docs/decisions.md says why this fork). Only the low-level message API is used: method
 * calls by name and signal match rules added explicitly with org.freedesktop.DBus.AddMatch, so
 * nothing depends on a service's introspection data (a mock or an older logind may not list a
 * signal it still sends). The sources built on it (logind.ts, screensaver.ts) check each signal's
 * sender against the current owner of the name they watch, so another program on the bus cannot
 * speak for logind.
 */
import dbus from '@particle/dbus-next';

export interface DbusSignal {
  readonly sender: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  readonly body: readonly unknown[];
}

export interface DbusCall {
  readonly destination: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  readonly signature?: string;
  readonly body?: readonly unknown[];
}

/** One open connection; closed for good once `onClosed` has fired. */
export interface DbusLink {
  call(call: DbusCall): Promise<readonly unknown[]>;
  /** org.freedesktop.DBus.AddMatch: the bus routes matching broadcasts to us. */
  addMatch(rule: string): Promise<void>;
  /** The unique name owning a well-known name, or null when nobody owns it. */
  nameOwner(name: string): Promise<string | null>;
  onSignal(listener: (signal: DbusSignal) => void): () => void;
  /** The bus went away (daemon stopped, socket closed) or close() was called. Fires once. */
  onClosed(listener: () => void): void;
  close(): void;
}

export type OpenDbus = (address: string) => Promise<DbusLink>;

const busDaemon = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
} as const;
const connectTimeoutMs = 5_000;

/** The system bus's address as the D-Bus specification finds it. */
export function systemBusAddress(env: Readonly<Record<string, string | undefined>>): string {
  return env['DBUS_SYSTEM_BUS_ADDRESS'] || 'unix:path=/var/run/dbus/system_bus_socket';
}

/**
 * The session bus's address: DBUS_SESSION_BUS_ADDRESS, else the per-user bus systemd starts at
 * $XDG_RUNTIME_DIR/bus, else none (no X11 window-property lookup, no autolaunch: a shell must not
 * start a bus of its own).
 */
export function sessionBusAddress(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env['DBUS_SESSION_BUS_ADDRESS']) return env['DBUS_SESSION_BUS_ADDRESS'];
  if (env['XDG_RUNTIME_DIR']) return `unix:path=${env['XDG_RUNTIME_DIR']}/bus`;
  return null;
}

/** A D-Bus variant's value (dbus-next unmarshals `v` as { signature, value }). */
export function variantValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'signature' in value && 'value' in value
    ? (value as { value: unknown }).value
    : value;
}

/** A match rule value, quoted as the D-Bus specification asks (values here are fixed names and object paths). */
export function matchRule(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}='${value.replace(/'/g, "'\\''")}'`)
    .join(',');
}

export const openDbus: OpenDbus = (address) =>
  new Promise<DbusLink>((resolve, reject) => {
    const bus = dbus.sessionBus({ busAddress: address });
    // Not in dbus-next's types: the connection's stream, whose 'close' is the one event that always
    // follows the bus going away (dbus-next forwards 'error' but not 'end').
    const stream = (bus as unknown as { _connection?: { stream?: NodeJS.EventEmitter } })._connection?.stream;
    const closedListeners: Array<() => void> = [];
    const signalListeners = new Set<(signal: DbusSignal) => void>();
    let closed = false;
    let connected = false;
    const markClosed = (): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      if (!connected) reject(new Error('dbus-unreachable'));
      for (const listener of closedListeners.splice(0)) listener();
    };
    const timer = setTimeout(() => {
      if (!connected) {
        bus.disconnect();
        markClosed();
      }
    }, connectTimeoutMs);
    // Errors are the bus going away (or never answering Hello): report as closed, never throw.
    bus.on('error', () => {
      if (!closed) bus.disconnect();
      markClosed();
    });
    stream?.on('close', markClosed);
    bus.on('message', (msg: dbus.Message) => {
      if (msg.type !== dbus.MessageType.SIGNAL) return;
      const signal: DbusSignal = {
        sender: msg.sender,
        path: msg.path,
        interface: msg.interface,
        member: msg.member,
        body: msg.body,
      };
      for (const listener of [...signalListeners]) listener(signal);
    });
    const call = async (c: DbusCall): Promise<readonly unknown[]> => {
      if (closed) throw new Error('dbus-closed');
      const reply = await bus.call(new dbus.Message({ ...c, body: [...(c.body ?? [])] }));
      return reply?.body ?? [];
    };
    const link: DbusLink = {
      call,
      addMatch: async (rule) => void (await call({ ...busDaemon, member: 'AddMatch', signature: 's', body: [rule] })),
      async nameOwner(name) {
        try {
          const [owner] = await call({ ...busDaemon, member: 'GetNameOwner', signature: 's', body: [name] });
          return typeof owner === 'string' ? owner : null;
        } catch (error) {
          if (closed) throw error;
          return null; // org.freedesktop.DBus.Error.NameHasNoOwner
        }
      },
      onSignal(listener) {
        signalListeners.add(listener);
        return () => signalListeners.delete(listener);
      },
      onClosed(listener) {
        if (closed) listener();
        else closedListeners.push(listener);
      },
      close() {
        if (closed) return;
        bus.disconnect();
        markClosed();
      },
    };
    bus.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      resolve(link);
    });
  });
