/**
 * Provisioning the private_key_jwt client key, for IT: one command shared by the installed
 * executable's verb (`"Clinical Workstation Shell.exe" --provision-client-key <file>`, handled by
 * main/index.ts before anything else, no window) and the source tree's
 * `npm run provision-client-key` (main/cli/provision-client-key.ts).
 *
 * The key file is read once; the key is never printed, logged or put in an error: every message
 * is the ShellError's own sentence (never its cause: a JSON parser's message quotes the input) or
 * a fixed one. What is printed is where the key went, its kid and algorithm, and the public half
 * as the relay's RELAY_CLIENT_JWKS_FILES takes it (public-jwks.ts). Exit codes: 0 done, 1
 * failed, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import { isShellError } from '../../core/errors';
import {
  createClientKeyStore,
  DEFAULT_CLIENT_KEY_ACCOUNT,
  DEFAULT_CLIENT_KEY_SERVICE,
  osKeyring,
} from './client-key-store';
import type { SecretBackend } from './client-key-store';
import { machineFileBackend, machineThenAccountBackend } from './machine-file';
import { publicJwksLines } from './public-jwks';

export type ClientKeyCommand =
  | {
      readonly verb: 'provision';
      readonly file: string;
      readonly service: string;
      readonly account: string;
      readonly perUser: boolean;
    }
  | { readonly verb: 'remove'; readonly service: string; readonly account: string; readonly perUser: boolean }
  | { readonly verb: 'usage'; readonly problem: string };

export const PROVISION_SWITCH = 'provision-client-key';
export const REMOVE_SWITCH = 'remove-client-key';

export const clientKeyUsage =
  'Usage: --provision-client-key <key-file> [--service NAME] [--account NAME] [--per-user]   or   --remove-client-key [--service NAME] [--account NAME] [--per-user]';

/** `--name value` or `--name=value`; Windows switches are case-insensitive, as Chromium reads them. */
function option(args: readonly string[], name: string): { found: boolean; value: string | undefined } {
  for (const [index, arg] of args.entries()) {
    const [flag, ...rest] = arg.split('=');
    if (flag?.toLowerCase() !== `--${name}`) continue;
    if (rest.length > 0) return { found: true, value: rest.join('=') };
    const next = args[index + 1];
    return { found: true, value: next === undefined || next.startsWith('--') ? undefined : next };
  }
  return { found: false, value: undefined };
}

/**
 * The command in a command line (the executable's arguments after argv[0]), or null when it
 * holds neither verb: then the shell starts as usual.
 */
export function clientKeyCommandIn(args: readonly string[]): ClientKeyCommand | null {
  const provision = option(args, PROVISION_SWITCH);
  const remove = option(args, REMOVE_SWITCH);
  if (!provision.found && !remove.found) return null;
  if (provision.found && remove.found)
    return { verb: 'usage', problem: 'Give either --provision-client-key or --remove-client-key, not both.' };
  const service = option(args, 'service').value ?? DEFAULT_CLIENT_KEY_SERVICE;
  const account = option(args, 'account').value ?? DEFAULT_CLIENT_KEY_ACCOUNT;
  // This account's OS credential store instead of the machine-wide file (it roams on Windows).
  const perUser = args.some((arg) => arg.toLowerCase() === '--per-user');
  if (remove.found) return { verb: 'remove', service, account, perUser };
  if (provision.value === undefined || provision.value === '')
    return { verb: 'usage', problem: 'Give the path of the key file after --provision-client-key.' };
  return { verb: 'provision', file: provision.value, service, account, perUser };
}

export interface ClientKeyCommandIo {
  readonly backend: SecretBackend;
  /** Where the backend keeps the key, in words for IT (a folder, or "the OS credential store"). */
  readonly where: string;
  readonly readKeyFile: (file: string) => Promise<string>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export async function runClientKeyCommand(command: ClientKeyCommand, io: ClientKeyCommandIo): Promise<number> {
  if (command.verb === 'usage') {
    io.err(`${command.problem}\n${clientKeyUsage}`);
    return 2;
  }
  const store = createClientKeyStore(io.backend);
  try {
    if (command.verb === 'remove') {
      const removed = await store.remove(command.service, command.account);
      io.out(
        removed
          ? `Removed the CIS2 client key (service "${command.service}", account "${command.account}") from ${io.where}.`
          : `There was no CIS2 client key for service "${command.service}", account "${command.account}" in ${io.where}; nothing was removed.`,
      );
      return 0;
    }
    let keyText: string;
    try {
      keyText = await io.readKeyFile(command.file);
    } catch {
      io.err(
        `The key file ${command.file} could not be read; check the path and that this account can read it, then try again.`,
      );
      return 1;
    }
    const stored = await store.provision(keyText, command.service, command.account);
    io.out(
      [
        `Stored the CIS2 client key (${stored.alg}, kid ${stored.kid}) in ${io.where}, service "${stored.service}", account "${stored.account}".`,
        ...publicJwksLines(stored.publicJwk),
        `Machine policy: ClientAuthMethod private_key_jwt, ClientKeyService "${stored.service}", ClientKeyAccount "${stored.account}".`,
        `The file ${command.file} was not changed: delete it securely once you no longer need it.`,
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    io.err(
      isShellError(error)
        ? error.message
        : 'The client key could not be provisioned; nothing was stored. Check the key file and try again.',
    );
    return 1;
  }
}

/**
 * The key's home on this machine: the machine-wide file, falling back on this account's
 * credential store for a key provisioned before issue 13 (or with --per-user).
 */
export function clientKeyBackendFor(platform: NodeJS.Platform): SecretBackend {
  return machineThenAccountBackend(machineFileBackend({ platform }), osKeyring);
}

/** Runs `command` on this machine's real stores and files (the verb and the npm script). */
export function runClientKeyCommandHere(
  command: ClientKeyCommand,
  platform: NodeJS.Platform,
  streams: Pick<ClientKeyCommandIo, 'out' | 'err'> = consoleStreams,
): Promise<number> {
  const perUser = command.verb !== 'usage' && command.perUser;
  const machine = machineFileBackend({ platform });
  const backend = perUser
    ? osKeyring
    : command.verb === 'remove'
      ? machineThenAccountBackend(machine, osKeyring)
      : machine;
  const where = perUser
    ? `this account's OS credential store${platform === 'win32' ? ' (Credential Manager, which roams with the profile)' : ''}`
    : machine.folder;
  return runClientKeyCommand(command, { backend, where, readKeyFile: (file) => readFile(file, 'utf8'), ...streams });
}

/** Standard output and error, where there are any: a GUI executable may have no console (the exit code still tells). */
const consoleStreams: Pick<ClientKeyCommandIo, 'out' | 'err'> = {
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
};

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  try {
    stream.write(`${line}\n`);
  } catch {
    // No console to write to.
  }
}
