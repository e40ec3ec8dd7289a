/**
 * The private_key_jwt client key, machine-wide: one file per PC that administrators write and the
 * shell's users only read, instead of a copy in every account's credential store (which on
 * Windows roams with the profile: `@napi-rs/keyring` writes CRED_PERSIST_ENTERPRISE). Issue 13,
 * item 6.
 *
 * - Windows: `C:\ProgramData\Clinical Workstation Shell\client-key\`, a fixed path like reg.exe's
 *   (main/platform/programs.ts): `%ProgramData%` is the user's to redefine. ProgramData lets every user
 *   create folders that they then own, so provisioning resets the folder's ACL whatever it was:
 *   owner Administrators, inheritance removed, SYSTEM and Administrators full control, Users read
 *   (icacls, by well-known SID so a localised Windows works). Node cannot read an ACL, so the
 *   shell does not check it when loading; a junction is refused. The parent folder
 *   (`…\Clinical Workstation Shell`) must be owned by Administrators or SYSTEM: whoever owns it
 *   can change its ACL and rename `client-key\` away for a folder of their own, so a parent a
 *   standard user pre-created is refused, with what IT should do (issue 24, item 15). Its owner
 *   is read as a SID through PowerShell's Get-Acl at its fixed path; it is not changed for IT,
 *   because the folder may hold IT's log folder with permissions of its own.
 * - Linux `/etc/clinical-workstation-shell/client-key/`, macOS
 *   `/Library/Application Support/Clinical Workstation Shell/client-key/`: written as root, 0755
 *   folder and 0644 file; loading refuses a folder or file not owned by root or writable by
 *   group or others, and a symbolic link; provisioning refuses such a parent folder too.
 *
 * Not encrypted at rest: every account that runs the shell must read it, so any program of those
 * accounts can, and DPAPI's machine scope (CRYPTPROTECT_LOCAL_MACHINE) would let every local
 * account decrypt it anyway; it would add only protection of a disk read offline, which needs a
 * native call Electron does not offer, and which BitLocker gives. See docs/policy.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import { ShellError } from '../../core/errors';
import { ICACLS_EXE, POWERSHELL_EXE, runProgram } from '../../platform/programs';
import type { SecretBackend } from './client-key-store';

export function machineClientKeyFolder(platform: NodeJS.Platform): string {
  if (platform === 'win32') return win32.join('C:\\ProgramData', 'Clinical Workstation Shell', 'client-key');
  if (platform === 'darwin')
    return posix.join('/Library/Application Support', 'Clinical Workstation Shell', 'client-key');
  return posix.join('/etc', 'clinical-workstation-shell', 'client-key');
}

/** One file per (service, account); the name says nothing of the key. */
export function clientKeyFileName(service: string, account: string): string {
  return `client-key-${createHash('sha256')
    .update(JSON.stringify([service, account]), 'utf8')
    .digest('hex')
    .slice(0, 16)}.json`;
}

/** The icacls runs that give the folder its ACL, in order (SIDs: SYSTEM, Administrators, Users). */
export function windowsFolderAclSteps(folder: string): string[][] {
  return [
    // Every explicit entry (a planting user's own) gone, on the folder and what is in it.
    [folder, '/reset', '/T', '/C', '/Q'],
    [folder, '/setowner', '*S-1-5-32-544', '/T', '/C', '/Q'],
    // Only what is granted here, inherited by the files: administrators write, users read.
    [
      folder,
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-18:(OI)(CI)F',
      '*S-1-5-32-544:(OI)(CI)F',
      '*S-1-5-32-545:(OI)(CI)RX',
      '/Q',
    ],
  ];
}

export interface MachineFileOptions {
  readonly platform: NodeJS.Platform;
  /** Where the files go; the platform's machine-wide folder unless a test passes another. */
  readonly folder?: string;
  /** POSIX: the owner the folder and file must have (root unless a test says otherwise). */
  readonly owner?: number;
  /** Windows: sets the folder's ACL; icacls at its fixed path unless a test passes another. */
  readonly protectFolder?: (folder: string) => Promise<void>;
  /** Windows: the SID owning a folder; PowerShell's Get-Acl at its fixed path unless a test passes another. */
  readonly ownerOf?: (folder: string) => Promise<string>;
}

/** Owners that only administrators act as: SYSTEM, Administrators (and TrustedInstaller). */
const ADMIN_OWNERS: readonly string[] = [
  'S-1-5-18',
  'S-1-5-32-544',
  'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464',
];

/** Whether a Windows folder owned by `sid` may hold the client key's folder (a pure rule). */
export function isAdministrativeOwner(sid: string): boolean {
  return ADMIN_OWNERS.includes(sid.trim().toUpperCase());
}

const parentNotOurs = (parent: string, owner: string): ShellError =>
  new ShellError(
    'STORAGE_FAILED',
    `The client key was not stored: its parent folder ${parent} is owned by ${owner}, not by Administrators or SYSTEM, so that account could swap the protected client-key folder. It was probably created by a standard user; check what it holds, then delete it (or take ownership as Administrators: takeown /F "${parent}" /A) and run this again.`,
  );

/** A PowerShell single-quoted literal: every quote PowerShell accepts (' and U+2018 to U+201B) doubled. */
export function powerShellLiteral(text: string): string {
  return `'${text.replace(/['\u2018-\u201b]/g, (q) => q + q)}'`;
}

/** The owner's SID, read with Get-Acl; the script goes base64 (-EncodedCommand), the path as a literal. */
async function ownerByPowerShell(folder: string): Promise<string> {
  const script = `(Get-Acl -LiteralPath ${powerShellLiteral(folder)}).GetOwner([System.Security.Principal.SecurityIdentifier]).Value`;
  const { code, stdout } = await runProgram(
    POWERSHELL_EXE,
    ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')],
    30_000,
  );
  const sid = stdout.trim();
  if (code !== 0 || !/^S-1-[0-9-]+$/.test(sid)) throw new Error(`Get-Acl exited with ${code}`);
  return sid;
}

const notProtected = (): ShellError =>
  new ShellError(
    'SIGNIN_CLIENT_KEY_MISSING',
    'The CIS2 client key on this workstation is not protected (users other than administrators could change it), so it was not used; ask IT to provision it again as an administrator.',
  );
const notWritable = (folder: string, cause: unknown): ShellError =>
  new ShellError(
    'STORAGE_FAILED',
    `The client key could not be stored in ${folder}; run this as an administrator (an elevated prompt on Windows, sudo on Linux and macOS).`,
    { cause },
  );

async function runIcacls(folder: string): Promise<void> {
  for (const args of windowsFolderAclSteps(folder)) {
    const { code } = await runProgram(ICACLS_EXE, args, 30_000);
    if (code !== 0) throw new Error(`icacls exited with ${code}`);
  }
}

export function machineFileBackend(options: MachineFileOptions): SecretBackend & { readonly folder: string } {
  const { platform } = options;
  const folder = options.folder ?? machineClientKeyFolder(platform);
  const owner = options.owner ?? 0;
  const protectFolder = options.protectFolder ?? (platform === 'win32' ? runIcacls : async () => undefined);
  const ownerOf = options.ownerOf ?? ownerByPowerShell;
  const parent = platform === 'win32' ? win32.dirname(folder) : posix.dirname(folder);

  /** After mkdir (so a folder planted meanwhile is seen too): the parent is an administrator's. */
  async function checkParent(): Promise<void> {
    if (platform !== 'win32') {
      if (!(await check(parent))) throw notWritable(folder, new Error('no parent'));
      return;
    }
    const sid = await ownerOf(parent);
    if (!isAdministrativeOwner(sid)) throw parentNotOurs(parent, sid);
  }

  /** Refuses a link anywhere we read or write, and on POSIX what a non-owner could have changed. */
  async function check(target: string): Promise<boolean> {
    let info;
    try {
      info = await lstat(target);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return false;
      throw error;
    }
    if (info.isSymbolicLink()) throw notProtected();
    if (platform !== 'win32' && (info.uid !== owner || (info.mode & 0o022) !== 0)) throw notProtected();
    return true;
  }

  return {
    folder,
    async get(service, account) {
      if (!(await check(folder))) return null;
      const file = join(folder, clientKeyFileName(service, account));
      if (!(await check(file))) return null;
      return readFile(file, 'utf8');
    },
    async set(service, account, secret) {
      const file = join(folder, clientKeyFileName(service, account));
      const temp = join(folder, `${randomBytes(9).toString('hex')}.tmp`);
      try {
        await mkdir(folder, { recursive: true, mode: 0o755 });
        await checkParent();
        await check(folder);
        await protectFolder(folder);
        const handle = await open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(secret, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (cause) {
        await unlink(temp).catch(() => undefined);
        throw cause instanceof ShellError ? cause : notWritable(folder, cause);
      }
    },
    async delete(service, account) {
      try {
        await unlink(join(folder, clientKeyFileName(service, account)));
        return true;
      } catch (cause) {
        if ((cause as { code?: unknown }).code === 'ENOENT') return false;
        throw notWritable(folder, cause);
      }
    },
  };
}

/**
 * Where the shell looks for the key: the machine-wide file, then (for keys provisioned before
 * issue 13) the account's credential store. Provisioning writes the machine file only; removal
 * clears both.
 */
export function machineThenAccountBackend(machine: SecretBackend, account: SecretBackend): SecretBackend {
  return {
    get: async (service, name) => (await machine.get(service, name)) ?? account.get(service, name),
    set: (service, name, secret) => machine.set(service, name, secret),
    async delete(service, name) {
      const fromMachine = await machine.delete(service, name);
      const fromAccount = await account.delete(service, name).catch(() => false);
      return fromMachine || fromAccount;
    },
  };
}
