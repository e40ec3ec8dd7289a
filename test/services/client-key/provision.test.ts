// Issue 13, item 6: the private_key_jwt client key is provisioned by the installed app's own verb
// (shared with `npm run provision-client-key`), kept machine-wide, and never printed.
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClientKeyStore } from '../../../main/services/client-key/client-key-store';
import type { SecretBackend } from '../../../main/services/client-key/client-key-store';
import {
  isAdministrativeOwner,
  machineClientKeyFolder,
  powerShellLiteral,
  machineFileBackend,
  machineThenAccountBackend,
  windowsFolderAclSteps,
} from '../../../main/services/client-key/machine-file';
import { clientKeyCommandIn, runClientKeyCommand } from '../../../main/services/client-key/provision';
import type { ClientKeyCommand } from '../../../main/services/client-key/provision';

let root: string;
let folder: string;
const posix = process.platform !== 'win32';
const me = posix ? (process.getuid?.() ?? 0) : 0;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cws-client-key-'));
  folder = join(root, 'client-key');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const pem = (): string =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const privateLines = (text: string): string[] =>
  text
    .split('\n')
    .slice(1, -2)
    .filter((l) => l.length > 0);

function memoryBackend(): SecretBackend & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (s, a) => values.get(`${s}|${a}`) ?? null,
    set: async (s, a, v) => void values.set(`${s}|${a}`, v),
    delete: async (s, a) => values.delete(`${s}|${a}`),
  };
}

async function run(command: ClientKeyCommand, backend: SecretBackend, files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClientKeyCommand(command, {
    backend,
    where: folder,
    readKeyFile: async (file) => {
      const text = files[file];
      if (text === undefined) throw new Error(`ENOENT: ${file}`);
      return text;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the command line: --provision-client-key and --remove-client-key', () => {
  it('is null for an ordinary start, so the shell starts as usual', () => {
    expect(clientKeyCommandIn([])).toBeNull();
    expect(clientKeyCommandIn(['--proxy-server=http://proxy:8080'])).toBeNull();
  });

  it('reads both spellings, Windows-style case, and the options', () => {
    expect(clientKeyCommandIn(['--provision-client-key', 'C:\\keys\\k.pem'])).toMatchObject({
      verb: 'provision',
      file: 'C:\\keys\\k.pem',
      perUser: false,
    });
    expect(
      clientKeyCommandIn(['--Provision-Client-Key=C:\\a=b.pem', '--account', 'client-1', '--service=svc']),
    ).toMatchObject({ verb: 'provision', file: 'C:\\a=b.pem', account: 'client-1', service: 'svc' });
    expect(clientKeyCommandIn(['--remove-client-key', '--per-user'])).toMatchObject({ verb: 'remove', perUser: true });
  });

  it('is a usage error (exit 2) without a file, or with both verbs', async () => {
    const missing = clientKeyCommandIn(['--provision-client-key']);
    expect(missing).toMatchObject({ verb: 'usage' });
    expect(clientKeyCommandIn(['--provision-client-key', 'k.pem', '--remove-client-key'])).toMatchObject({
      verb: 'usage',
    });
    expect((await run(missing as ClientKeyCommand, memoryBackend())).code).toBe(2);
  });
});

describe('provisioning into the machine-wide folder', () => {
  it('stores the key, says where and what to register, and never prints the private key', async () => {
    const key = pem();
    const machine = machineFileBackend({ platform: process.platform, folder, owner: me });
    const result = await run(
      { verb: 'provision', file: 'k.pem', service: 'svc', account: 'client-1', perUser: false },
      machine,
      { 'k.pem': key },
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain(folder);
    expect(result.out).toContain('"kty":"RSA"');
    expect(result.out).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
    for (const line of privateLines(key)) expect(result.out + result.err).not.toContain(line);
    const files = await readdir(folder);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^client-key-[0-9a-f]{16}\.json$/);
    if (posix) {
      expect((await stat(join(folder, files[0] as string))).mode & 0o777).toBe(0o644);
      expect((await stat(folder)).mode & 0o022).toBe(0);
    }
    const loaded = await createClientKeyStore(machineThenAccountBackend(machine, memoryBackend())).loadClientKey(
      'svc',
      'client-1',
    );
    expect(loaded.key.type).toBe('private');
  });

  it('a key file that is not a key: exit 1, and nothing of its content in the message (a JSON parser would quote it)', async () => {
    const secretish = '{"kty":"RSA","d":"TOP-SECRET-MATERIAL-123", broken';
    const result = await run(
      { verb: 'provision', file: 'k.json', service: 'svc', account: 'a', perUser: false },
      machineFileBackend({ platform: process.platform, folder, owner: me }),
      { 'k.json': secretish },
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/not a private key/);
    expect(result.out + result.err).not.toContain('TOP-SECRET');
    await expect(readdir(folder)).rejects.toThrow();
  });

  it('an unreadable key file, or a folder it may not write (not an administrator): exit 1 with what to do', async () => {
    const backend = machineFileBackend({ platform: process.platform, folder, owner: me });
    expect(
      await run({ verb: 'provision', file: 'missing.pem', service: 's', account: 'a', perUser: false }, backend),
    ).toMatchObject({ code: 1, err: expect.stringContaining('could not be read') });
    await writeFile(join(root, 'not-a-folder'), 'x');
    const blocked = machineFileBackend({
      platform: process.platform,
      folder: join(root, 'not-a-folder', 'client-key'),
      owner: me,
    });
    const result = await run(
      { verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false },
      blocked,
      { 'k.pem': pem() },
    );
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('run this as an administrator') });
  });

  it('Windows: the folder gets its ACL before the key is written into it', async () => {
    const seen: string[][] = [];
    const backend = machineFileBackend({
      platform: 'win32',
      folder,
      protectFolder: async (f) => void seen.push(await readdir(f)),
      ownerOf: async () => 'S-1-5-32-544',
    });
    expect(
      (
        await run({ verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false }, backend, {
          'k.pem': pem(),
        })
      ).code,
    ).toBe(0);
    expect(seen).toEqual([[]]);
  });

  it('removal deletes the machine file and any older per-account copy', async () => {
    const account = memoryBackend();
    const machine = machineFileBackend({ platform: process.platform, folder, owner: me });
    const both = machineThenAccountBackend(machine, account);
    await run({ verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false }, machine, {
      'k.pem': pem(),
    });
    await account.set('s', 'a', 'older');
    expect((await run({ verb: 'remove', service: 's', account: 'a', perUser: false }, both)).out).toContain('Removed');
    expect(await readdir(folder)).toEqual([]);
    expect(account.values.size).toBe(0);
    expect((await run({ verb: 'remove', service: 's', account: 'a', perUser: false }, both)).out).toContain(
      'nothing was removed',
    );
  });
});

describe('loading at sign-in', () => {
  it('prefers the machine-wide key, and falls back on a key provisioned per account before', async () => {
    const account = memoryBackend();
    const machine = machineFileBackend({ platform: process.platform, folder, owner: me });
    const store = createClientKeyStore(machineThenAccountBackend(machine, account));
    await createClientKeyStore(account).provision(pem(), 's', 'a');
    const older = await store.loadClientKey('s', 'a');
    await run({ verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false }, machine, {
      'k.pem': pem(),
    });
    expect((await store.loadClientKey('s', 'a')).kid).not.toBe(older.kid);
  });

  it.skipIf(!posix)('refuses a key file others could change, or a link, instead of using it', async () => {
    const machine = machineFileBackend({ platform: process.platform, folder, owner: me });
    await run({ verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false }, machine, {
      'k.pem': pem(),
    });
    const [name] = await readdir(folder);
    const file = join(folder, name as string);
    const store = createClientKeyStore(machine);
    await chmod(file, 0o666);
    await expect(store.loadClientKey('s', 'a')).rejects.toMatchObject({
      code: 'SIGNIN_CLIENT_KEY_MISSING',
      message: expect.stringContaining('not protected'),
    });
    await chmod(file, 0o644);
    expect((await store.loadClientKey('s', 'a')).key.type).toBe('private');
    await expect(
      createClientKeyStore(machineFileBackend({ platform: process.platform, folder, owner: me + 1 })).loadClientKey(
        's',
        'a',
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('not protected') });
    const linked = join(root, 'linked');
    await mkdir(linked);
    await symlink(folder, join(linked, 'client-key'));
    await expect(
      createClientKeyStore(
        machineFileBackend({ platform: process.platform, folder: join(linked, 'client-key'), owner: me }),
      ).loadClientKey('s', 'a'),
    ).rejects.toMatchObject({ message: expect.stringContaining('not protected') });
  });
});

describe('where, and with what permissions', () => {
  it('fixed machine-wide folders, never from a variable a user can redefine', () => {
    const saved = process.env['ProgramData'];
    process.env['ProgramData'] = 'D:\\mine';
    try {
      expect(machineClientKeyFolder('win32')).toBe('C:\\ProgramData\\Clinical Workstation Shell\\client-key');
    } finally {
      if (saved === undefined) delete process.env['ProgramData'];
      else process.env['ProgramData'] = saved;
    }
    expect(machineClientKeyFolder('linux')).toBe('/etc/clinical-workstation-shell/client-key');
    expect(machineClientKeyFolder('darwin')).toBe('/Library/Application Support/Clinical Workstation Shell/client-key');
  });

  it('Windows ACL: explicit entries reset, owner Administrators, then only SYSTEM and Administrators write and Users read', () => {
    const steps = windowsFolderAclSteps('C:\\ProgramData\\Clinical Workstation Shell\\client-key');
    expect(steps[0]).toContain('/reset');
    expect(steps[1]).toEqual(expect.arrayContaining(['/setowner', '*S-1-5-32-544']));
    const last = steps[2] ?? [];
    expect(last).toEqual(
      expect.arrayContaining([
        '/inheritance:r',
        '*S-1-5-18:(OI)(CI)F',
        '*S-1-5-32-544:(OI)(CI)F',
        '*S-1-5-32-545:(OI)(CI)RX',
      ]),
    );
    expect(last.join(' ')).not.toMatch(/S-1-1-0|S-1-5-11|545:\([^)]*\)\([^)]*\)(F|M|W)/);
  });
});

describe("the client-key folder's parent (issue 24, item 15)", () => {
  const provision: ClientKeyCommand = { verb: 'provision', file: 'k.pem', service: 's', account: 'a', perUser: false };

  it('Windows: a parent a standard user owns (pre-created under ProgramData) is refused before anything is written', async () => {
    const asked: string[] = [];
    let protectedFolders = 0;
    const user = 'S-1-5-21-1004336348-1177238915-682003330-1001';
    const backend = machineFileBackend({
      platform: 'win32',
      folder,
      protectFolder: async () => void (protectedFolders += 1),
      ownerOf: async (f) => {
        asked.push(f);
        return user;
      },
    });
    const result = await run(provision, backend, { 'k.pem': pem() });
    expect(result.code).toBe(1);
    expect(result.err).toContain(`owned by ${user}, not by Administrators or SYSTEM`);
    expect(result.err).toContain('takeown');
    expect(asked).toEqual([root]);
    expect(protectedFolders).toBe(0);
    expect(await readdir(folder)).toEqual([]);
  });

  it('Windows: a parent owned by Administrators, SYSTEM or TrustedInstaller is taken', async () => {
    for (const owner of ['S-1-5-32-544', 'S-1-5-18', 's-1-5-18']) {
      const backend = machineFileBackend({
        platform: 'win32',
        folder,
        protectFolder: async () => undefined,
        ownerOf: async () => owner,
      });
      expect((await run(provision, backend, { 'k.pem': pem() })).code).toBe(0);
    }
  });

  it('Windows: an owner that cannot be read fails closed (nothing written)', async () => {
    const backend = machineFileBackend({
      platform: 'win32',
      folder,
      protectFolder: async () => undefined,
      ownerOf: () => Promise.reject(new Error('Get-Acl exited with 1')),
    });
    expect(await run(provision, backend, { 'k.pem': pem() })).toMatchObject({
      code: 1,
      err: expect.stringContaining('run this as an administrator'),
    });
    expect(await readdir(folder)).toEqual([]);
  });

  it('the owner rule: only SIDs that only administrators act as', () => {
    expect(isAdministrativeOwner('S-1-5-32-544')).toBe(true);
    expect(isAdministrativeOwner('S-1-5-18\r\n')).toBe(true);
    expect(isAdministrativeOwner('S-1-5-32-545')).toBe(false);
    expect(isAdministrativeOwner('S-1-3-0')).toBe(false);
    expect(isAdministrativeOwner('S-1-5-21-1-2-3-500')).toBe(false);
  });

  it('the path reaches Get-Acl as a literal whatever quotes it holds', () => {
    expect(powerShellLiteral('C:\\ProgramData\\Clinical Workstation Shell')).toBe(
      "'C:\\ProgramData\\Clinical Workstation Shell'",
    );
    expect(powerShellLiteral("a'b\u2019c")).toBe("'a''b\u2019\u2019c'");
  });

  it.runIf(posix)('POSIX: a parent writable by group or others is refused', async () => {
    await mkdir(folder, { recursive: true });
    await chmod(root, 0o777);
    const result = await run(provision, machineFileBackend({ platform: process.platform, folder, owner: me }), {
      'k.pem': pem(),
    });
    expect(result.code).toBe(1);
    expect(await readdir(folder)).toEqual([]);
    await chmod(root, 0o700);
  });
});
