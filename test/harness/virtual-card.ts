/**
 * A real PC/SC stack for the harness and the benchmarks: pcscd with the vsmartcard virtual reader
 * (vpcd) and the vicc virtual card, which "goes in" by connecting to the reader's TCP port and
 * "comes out" when it is killed. The harness's smartcard source reaches this pcscd through
 * libpcsclite over koffi, exactly as on a ward PC.
 *
 * pcscd 1.9.9 (Debian 12) always listens on /run/pcscd/pcscd.comm (its PCSCLITE_CSOCK_NAME is fixed
 * at build time; only the client library reads the PCSCLITE_CSOCK_NAME environment variable,
 * pcsc-lite's winscard_msg.c getSocketName()). So pcscd runs in a mount namespace of its own with a
 * temporary folder over /run/pcscd: the socket appears there, at the same path across restarts,
 * and never touches the machine's own pcscd. The client finds it through PCSCLITE_CSOCK_NAME,
 * which libpcsclite reads once per process (set it before the first PC/SC call: `socket`). As
 * root (CI: .ci/run runs as root) unshare needs nothing more. The PC/SC tests of the smartcard
 * source (test/services/presence/smartcard-pcsc.test.ts) use this same stack.
 *
 * vicc (vsmartcard-vpicc) on Debian 12: its Python package sits in /usr/lib/python3/site-packages,
 * which Debian's python3 does not search, and it imports PyCrypto's `Crypto`, which Debian ships as
 * pycryptodome's `Cryptodome` (python3-pycryptodome): PYTHONPATH gets the package folder and a
 * folder with a `Crypto` link to `Cryptodome`.
 *
 * pcscd also gets a network namespace of its own with only a loopback
 * interface, and vicc is started inside it: vpcd listens on every interface of its namespace
 * (vsmartcard's vpcd opens a passive socket for any address), so the reader's port is never
 * reachable from outside this machine, or even from its other processes. The PC/SC socket is a
 * file, which crosses network namespaces.
 *
 * A card stays in its reader while pcscd restarts, as a physical one does; vicc loses its
 * connection with the old pcscd, so startService() starts it again when the card was in.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardControl } from './memory-pcsc';

const vpcdDriver = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const viccPackage = '/usr/lib/python3/site-packages/virtualsmartcard';
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** vpcd's port inside pcscd's own network namespace (nothing else listens there). */
const vpcdPort = 35963;

/** Why a real PC/SC stack cannot run here (null: it can). .ci/run installs all of it. */
export function virtualCardMissing(): string | null {
  for (const tool of ['pcscd', 'vicc', 'unshare', 'nsenter']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  if (!existsSync(vpcdDriver)) return 'the vpcd reader driver (vsmartcard-vpcd) is not installed';
  try {
    execFileSync(python, ['-c', 'import Cryptodome'], { stdio: 'ignore' });
  } catch {
    return 'python3-pycryptodome is not installed (the vicc card needs it)';
  }
  return null;
}

export interface VirtualCard extends CardControl {
  /** PCSCLITE_CSOCK_NAME for the process that watches the card. */
  readonly socket: string;
  readonly reader: string;
  /** What pcscd and vicc printed, for a failure's message. */
  log(): string;
  close(): Promise<void>;
}

async function until(what: () => boolean, ms: number, message: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(message());
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

// Run in the new namespaces: loopback up (with Python's ioctl, so iproute2 is not needed), a /run
// of its own if there is no /run/pcscd to cover, the folder on /run/pcscd, then pcscd.
const loopbackUp = [
  'import fcntl, socket, struct',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  'flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH", b"lo", 0) + bytes(22))[:18])[1]',
  'fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", flags | 1) + bytes(22))',
].join('; ');
const script = `set -e; "$3" -c '${loopbackUp}'; if [ ! -d /run/pcscd ]; then mount -t tmpfs cws-run /run; mkdir -p /run/pcscd; fi; mount --bind "$1" /run/pcscd; exec pcscd --foreground --config "$2" --error`;

export async function startVirtualCard(): Promise<VirtualCard> {
  const missing = virtualCardMissing();
  if (missing !== null) throw new Error(`A real PC/SC stack cannot run here: ${missing}.`);
  const dir = mkdtempSync(join(tmpdir(), 'cws-harness-pcsc-'));
  const run = join(dir, 'run');
  mkdirSync(run);
  const conf = join(dir, 'reader.conf');
  writeFileSync(
    conf,
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${vpcdPort}\nLIBPATH ${vpcdDriver}\nCHANNELID ${vpcdPort}\n`,
  );
  const socket = join(run, 'pcscd.comm');
  const shim = join(dir, 'py');
  mkdirSync(shim);
  const cryptodome = execFileSync(
    python,
    ['-c', 'import Cryptodome, os; print(os.path.dirname(Cryptodome.__file__))'],
    { encoding: 'utf8' },
  ).trim();
  symlinkSync(cryptodome, join(shim, 'Crypto'));
  const root = process.getuid?.() === 0;
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-20_000));
  let pcscd: ChildProcess | null = null;
  let vicc: ChildProcess | null = null;
  let cardIn = false;

  async function startPcscd(): Promise<void> {
    const unshare = root
      ? ['--mount', '--net', '--propagation', 'private']
      : ['--user', '--map-root-user', '--mount', '--net', '--propagation', 'private'];
    const child = spawn('unshare', [...unshare, 'sh', '-c', script, 'sh', run, conf, python], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    pcscd = child;
    await until(
      () => existsSync(socket) || child.exitCode !== null,
      10_000,
      () => `pcscd did not start: ${output}`,
    );
    if (child.exitCode !== null) throw new Error(`pcscd exited at once: ${output}`);
  }
  async function startVicc(): Promise<void> {
    const ns = pcscd?.pid;
    if (ns === undefined) return;
    const env = {
      ...process.env,
      PYTHONPATH: [viccPackage, shim, process.env['PYTHONPATH']].filter(Boolean).join(':'),
    };
    // Into pcscd's network namespace (and its user namespace when not root), then vicc.
    const enter = root
      ? ['--target', String(ns), '--net']
      : ['--target', String(ns), '--user', '--net', '--preserve-credentials'];
    const child = spawn(
      'nsenter',
      [...enter, 'vicc', '--type', 'iso7816', '--hostname', '127.0.0.1', '--port', String(vpcdPort)],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    vicc = child;
  }
  async function stopVicc(): Promise<void> {
    const child = vicc;
    vicc = null;
    if (child === null) return;
    // Killed, as a card is pulled: no goodbye to the reader.
    child.kill('SIGKILL');
    await exited(child);
  }

  const card: VirtualCard = {
    socket,
    reader: 'Virtual PCD 00 00',
    get cardIn() {
      return cardIn;
    },
    async insertCard() {
      cardIn = true;
      if (vicc === null && pcscd !== null) await startVicc();
    },
    async removeCard() {
      cardIn = false;
      await stopVicc();
    },
    async stopService() {
      const child = pcscd;
      pcscd = null;
      if (child === null) return;
      child.kill('SIGTERM');
      await exited(child);
      // vicc's reader went with pcscd (and its network namespace).
      await stopVicc();
      await until(
        () => !existsSync(socket),
        5_000,
        () => 'pcscd left its socket behind',
      );
    },
    async startService() {
      if (pcscd !== null) return;
      await startPcscd();
      if (cardIn) await startVicc();
    },
    log: () => output,
    async close() {
      await stopVicc();
      await card.stopService();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await startPcscd();
  return card;
}
