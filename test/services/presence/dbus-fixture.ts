/**
 * Private D-Bus buses and python-dbusmock services for the presence tests: never the machine's
 * own system or session bus. Each bus is a dbus-daemon listening on a socket in a temporary
 * folder, so a test can stop it (the bus "goes away") and start it again at the same address.
 * The mocks are driven through dbusmock's org.freedesktop.DBus.Mock interface over our own
 * D-Bus client (AddSession, AddMethod, UpdateProperties, EmitSignal).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDbus } from '../../../main/platform/dbus';
import type { DbusCall, DbusLink } from '../../../main/platform/dbus';
import { needs } from '../../support/needs';

/** Debian's python3-dbusmock is for the system Python, whatever `python3` is first on PATH. */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** What the D-Bus tests lack here (dbus-daemon, python3-dbusmock), or null when both are installed. */
export const dbusMissing: string | null = !existsSync('/usr/bin/dbus-daemon')
  ? 'dbus-daemon is not installed'
  : !spawnSyncOk(python, ['-c', 'import dbusmock'])
    ? 'python3-dbusmock is not installed'
    : null;

/** How the D-Bus suites run: skipped without them on a developer's machine (saying why), failing in CI. */
export const dbusSuite = needs(dbusMissing);

function spawnSyncOk(command: string, args: string[]): boolean {
  try {
    return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}

export interface PrivateBus {
  readonly address: string;
  /** The bus goes away: every client's connection drops. */
  stop(): Promise<void>;
  /** The bus comes back at the same address (its services must be started again). */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startPrivateBus(): Promise<PrivateBus> {
  const folder = mkdtempSync(path.join(tmpdir(), 'cws-dbus-'));
  const socket = path.join(folder, 'bus');
  const address = `unix:path=${socket}`;
  let daemon: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    rmSync(socket, { force: true });
    const child = spawn(
      'dbus-daemon',
      ['--session', '--nofork', '--nopidfile', `--address=${address}`, '--print-address=1'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    daemon = child;
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
      child.stdout?.once('data', () => resolve());
    });
  };
  const stop = async (): Promise<void> => {
    const child = daemon;
    daemon = null;
    if (child === null) return;
    // Killed, as a crashed bus would be: no goodbyes (NameOwnerChanged) to its clients.
    child.kill('SIGKILL');
    await exited(child);
  };
  await start();
  return {
    address,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface DbusMock {
  /** A client link on the mock's bus, to drive it. */
  readonly control: DbusLink;
  call(call: Omit<DbusCall, 'destination'>): Promise<readonly unknown[]>;
  stop(): Promise<void>;
}

/** Starts `python3 -m dbusmock` on the private bus and waits until it owns its name. */
export async function startMock(bus: PrivateBus, name: string, args: readonly string[]): Promise<DbusMock> {
  const child = spawn(python, ['-m', 'dbusmock', '--session', ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address, DBUS_SYSTEM_BUS_ADDRESS: bus.address },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const control = await openDbus(bus.address);
  const deadline = Date.now() + 15_000;
  while ((await control.nameOwner(name)) === null) {
    if (child.exitCode !== null || Date.now() > deadline) {
      control.close();
      child.kill();
      throw new Error(`dbusmock for ${name} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    control,
    call: (call) => control.call({ destination: name, ...call }),
    async stop() {
      control.close();
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** Waits until `check` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
