// Each platform's reader against real files: reg.exe output as Windows prints it (CRLF,
// 0x DWORDs, \0-joined REG_MULTI_SZ, the Scopes list subkey), XML and binary plists made by
// Python's plistlib, and JSON files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonSource, readPlistSource } from '../../../main/services/policy/file-source';
import { readMachinePolicy } from '../../../main/services/policy/machine-policy';
import { parseRegQuery, readRegistrySource } from '../../../main/services/policy/registry-source';
import type { ExecFile } from '../../../main/platform/programs';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);
const text = (name: string): Promise<string> => readFile(fixture(name), 'utf8');

/** Answers reg.exe queries from fixture files, as Windows would for each hive. */
async function fakeReg(byHive: {
  HKLM?: string;
  HKCU?: string;
}): Promise<{ exec: ExecFile; calls: { file: string; args: readonly string[] }[] }> {
  const missing = await text('reg-query-missing-key.stderr.txt');
  const outputs = {
    HKLM: byHive.HKLM ? await text(byHive.HKLM) : null,
    HKCU: byHive.HKCU ? await text(byHive.HKCU) : null,
  };
  const calls: { file: string; args: readonly string[] }[] = [];
  const exec: ExecFile = async (file, args) => {
    calls.push({ file, args });
    const out = outputs[String(args[1]).slice(0, 4) as 'HKLM' | 'HKCU'];
    return out === null ? { code: 1, stdout: '', stderr: missing } : { code: 0, stdout: out, stderr: '' };
  };
  return { exec, calls };
}

describe('reg query parsing', () => {
  it('reads a genuine capture: CRLF, 0x DWORDs, REG_MULTI_SZ items split at \\0', async () => {
    const [key] = parseRegQuery(await text('reg-query-dns-parameters-capture.txt'));
    expect(key?.path).toBe('HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\DNS\\Parameters');
    const byName = Object.fromEntries((key?.values ?? []).map((v) => [v.name, v.data]));
    expect(byName).toMatchObject({
      GlobalQueryBlockList: ['wpad', 'isatap'],
      Forwarders: ['1.1.1.1', '8.8.8.8'],
      EnableGlobalQueryBlockList: 1,
      IsSlave: 0,
      PreviousLocalHostname: 'WINLPE-DC01.INLANEFREIGHT.LOCAL',
    });
    expect(key?.values).toHaveLength(9);
  });

  it('keeps spaces inside REG_SZ data and reads an empty REG_SZ as empty text', async () => {
    const keys = parseRegQuery(await text('reg-query-hklm-ward.txt'));
    const values = Object.fromEntries((keys[0]?.values ?? []).map((v) => [v.name, v.data]));
    expect(values['LogFolder']).toBe('D:\\Ward Logs\\Clinical Workstation Shell');
    expect(values['AcrValues']).toBe('');
    expect(values['IdleLimitAAL3Seconds']).toBe(600);
    expect(keys.map((k) => k.path.split('\\').at(-1))).toEqual(['Clinical Workstation Shell', 'Scopes']);
  });
});

describe('Windows registry source', () => {
  it('runs reg.exe by its fixed System32 path with /s and /reg:64, for each hive, whatever SystemRoot a user sets', async () => {
    const { exec, calls } = await fakeReg({ HKLM: 'reg-query-hklm-ward.txt' });
    // A standard user can set SystemRoot in HKCU\\Environment; a reg.exe of theirs must never run.
    await readMachinePolicy({
      platform: 'win32',
      env: { SystemRoot: 'D:\\Elsewhere', windir: 'D:\\Elsewhere' },
      packaged: true,
      exec,
    });
    expect(calls).toEqual([
      {
        file: 'C:\\Windows\\System32\\reg.exe',
        args: ['query', 'HKLM\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell', '/s', '/reg:64'],
      },
      {
        file: 'C:\\Windows\\System32\\reg.exe',
        args: ['query', 'HKCU\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell', '/s', '/reg:64'],
      },
    ]);
  });

  it('turns the Group Policy list subkey into Scopes in number order (1, 2, 3, 10)', async () => {
    const { exec } = await fakeReg({ HKLM: 'reg-query-hklm-ward.txt' });
    const read = await readRegistrySource('HKLM', exec);
    expect(read.status).toBe('read');
    expect(read.values).toMatchObject({
      Issuer: 'live',
      Kiosk: 1,
      IdleLimitAAL2Seconds: 7200,
      Scopes: ['openid', 'profile', 'nationalrbacaccess', 'selectedrole'],
    });
    expect(read.problems).toEqual([]);
  });

  it('skips the (Default) value and keeps a REG_MULTI_SZ as a list', async () => {
    const { exec } = await fakeReg({ HKCU: 'reg-query-hkcu-user.txt' });
    const read = await readRegistrySource('HKCU', exec);
    expect(Object.keys(read.values)).not.toContain('(Default)');
    expect(read.values).toMatchObject({ Scopes: ['openid', 'profile'], onsleep: 'end-session', SessionTimeout: 60 });
  });

  it('a missing key (reg.exe exit 1, "unable to find") is no policy, not a problem', async () => {
    const { exec } = await fakeReg({});
    expect(await readRegistrySource('HKLM', exec)).toMatchObject({ status: 'absent', values: {}, problems: [] });
  });

  it('reg.exe failing otherwise is reported and gives no settings', async () => {
    const denied: ExecFile = async () => ({ code: 1, stdout: '', stderr: 'ERROR: Access is denied.\r\n' });
    const broken: ExecFile = async () => Promise.reject(Object.assign(new Error('spawn'), { code: 'ENOENT' }));
    for (const exec of [denied, broken]) {
      const read = await readRegistrySource('HKLM', exec);
      expect(read.status).toBe('unreadable');
      expect(read.problems[0]).toMatchObject({
        setting: '*',
        source: 'HKLM\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell',
      });
    }
  });
});

describe('macOS managed preferences', () => {
  it.each(['managed-preferences-binary.plist', 'managed-preferences-xml.plist'])('reads %s', async (name) => {
    const read = await readPlistSource(fixture(name));
    expect(read.status).toBe('read');
    expect(read.values).toMatchObject({
      Kiosk: true,
      IdleLimitAAL3Seconds: 300,
      Scopes: ['openid', 'profile', 'nationalrbacaccess'],
      OnSleep: 'end-session',
    });
  });

  it('the binary fixture really is a binary plist', async () => {
    expect((await readFile(fixture('managed-preferences-binary.plist'))).subarray(0, 8).toString('latin1')).toBe(
      'bplist00',
    );
  });
});

describe('policy files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cws-policy-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads a flat JSON object', async () => {
    const path = join(dir, 'policy.json');
    await writeFile(path, JSON.stringify({ Issuer: 'int', Kiosk: true }));
    expect(await readJsonSource(path)).toMatchObject({
      status: 'read',
      values: { Issuer: 'int', Kiosk: true },
      problems: [],
    });
  });

  it('a missing file is no policy', async () => {
    expect(await readJsonSource(join(dir, 'absent.json'))).toMatchObject({ status: 'absent', problems: [] });
  });

  it.each([
    ['broken JSON', '{ "Kiosk": true', 'json', 'not a valid JSON'],
    ['a JSON list', '["Kiosk"]', 'json', 'one object'],
    ['a broken plist', '<plist><dict><key>Kiosk</key>', 'plist', 'not a valid property list'],
  ])('%s is reported as a whole and gives no settings', async (_name, body, ext, says) => {
    const path = join(dir, `bad.${ext}`);
    await writeFile(path, body);
    const read = ext === 'json' ? await readJsonSource(path) : await readPlistSource(path);
    expect(read).toMatchObject({ status: 'unreadable', values: {} });
    expect(read.problems[0]?.reason).toContain(says);
  });
});
