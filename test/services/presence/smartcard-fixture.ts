// A real PC/SC stack for tests: a private pcscd with the vsmartcard virtual reader (vpcd), and
// the vicc virtual card that "inserts" itself by connecting to the reader's TCP port.
//
// pcscd 1.9.9 (Debian 12) always listens on /run/pcscd/pcscd.comm (its PCSCLITE_CSOCK_NAME is fixed
// at build time; only the client library reads the PCSCLITE_CSOCK_NAME environment variable,
// pcsc-lite's winscard_msg.c getSocketName()). So each pcscd runs in its own mount namespace with a
// temporary folder bind-mounted on /run/pcscd: the socket appears in that folder, at the same path
// across restarts (libpcsclite caches the name for the life of the process), and never touches the
// machine's own pcscd. As root (CI: .ci/run runs as root) unshare needs nothing more; otherwise it
// maps the user to root in a new user namespace.
//
// vicc (vsmartcard-vpicc) on Debian 12: its Python package sits in /usr/lib/python3/site-packages,
// which Debian's python3 does not search, and it imports PyCrypto's `Crypto`, which Debian ships
// as pycryptodome's `Cryptodome` (python3-pycryptodome): PYTHONPATH gets the package folder and a
// folder with a `Crypto` link to `Cryptodome`.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vpcdDriver = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const viccPackage = '/usr/lib/python3/site-packages/virtualsmartcard';

/** Why a real PC/SC stack cannot run here (null: it can). CI installs all of it (.ci/run). */
export function pcscMissing(): string | null {
  for (const tool of ['pcscd', 'vicc', 'unshare']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return existsSync(vpcdDriver) ? null : 'the vpcd reader driver (vsmartcard-vpcd) is not installed';
}

/** Two free TCP ports in a row: vpcd opens one per slot (the port in reader.conf and the next). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    if (port < 65_000 && (await portFree(port + 1))) return port;
  }
  throw new Error('no two free ports in a row');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function until(what: () => boolean, ms: number, message: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface VirtualSmartcard {
  /** Give this to the PC/SC client as PCSCLITE_CSOCK_NAME before its first PC/SC call. */
  readonly socket: string;
  /** The reader's name as PC/SC lists it. */
  readonly reader: string;
  insertCard(): Promise<void>;
  removeCard(): Promise<void>;
  stopService(): Promise<void>;
  startService(): Promise<void>;
  /** What pcscd and vicc printed (for a failing test's message). */
  log(): string;
  close(): Promise<void>;
}

export async function startVirtualSmartcard(): Promise<VirtualSmartcard> {
  const dir = mkdtempSync(join(tmpdir(), 'cws-pcsc-'));
  const run = join(dir, 'run');
  mkdirSync(run);
  const port = await freePortPair();
  const conf = join(dir, 'reader.conf');
  writeFileSync(conf, `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${port}\nLIBPATH ${vpcdDriver}\nCHANNELID ${port}\n`);
  const socket = join(run, 'pcscd.comm');
  const shim = join(dir, 'py');
  mkdirSync(shim);
  try {
    const cryptodome = execFileSync('/usr/bin/python3', ['-c', 'import Cryptodome, os; print(os.path.dirname(Cryptodome.__file__))'], { encoding: 'utf8' }).trim();
    symlinkSync(cryptodome, join(shim, 'Crypto'));
  } catch {
    // No pycryptodome: vicc then needs PyCrypto itself (or fails, and the test says so).
  }
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-20_000));
  let pcscd: ChildProcess | null = null;
  let vicc: ChildProcess | null = null;

  const root = process.getuid?.() === 0;
  // In the new namespace only: a /run of its own if there is no /run/pcscd to cover, then the folder on /run/pcscd.
  const script = 'set -e; if [ ! -d /run/pcscd ]; then mount -t tmpfs cws-run /run; mkdir -p /run/pcscd; fi; mount --bind "$1" /run/pcscd; exec pcscd --foreground --config "$2" --error';
  async function startService(): Promise<void> {
    const unshare = root ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
    const child = spawn('unshare', [...unshare, 'sh', '-c', script, 'sh', run, conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    pcscd = child;
    await until(() => existsSync(socket) || child.exitCode !== null, 10_000, `pcscd did not start: ${output}`);
    if (child.exitCode !== null) throw new Error(`pcscd exited at once: ${output}`);
  }
  async function stopService(): Promise<void> {
    const child = pcscd;
    pcscd = null;
    if (child === null) return;
    child.kill('SIGTERM');
    await exited(child);
    await until(() => !existsSync(socket), 5_000, 'pcscd left its socket behind');
  }
  async function insertCard(): Promise<void> {
    if (vicc !== null) return;
    const env = { ...process.env, PYTHONPATH: [viccPackage, shim, process.env['PYTHONPATH']].filter(Boolean).join(':') };
    const child = spawn('vicc', ['--type', 'iso7816', '--hostname', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    vicc = child;
  }
  async function removeCard(): Promise<void> {
    const child = vicc;
    vicc = null;
    if (child === null) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  await startService();
  return {
    socket,
    reader: 'Virtual PCD 00 00',
    insertCard,
    removeCard,
    stopService,
    startService,
    log: () => output,
    async close() {
      await removeCard();
      await stopService();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
