// readMachinePolicy end to end on each platform, and what it does with the settings: HKLM wins
// over HKCU per setting, bad values and unknown names are reported and ignored (never fatal),
// limits past the rules are clamped, and the sandbox counts only in an unpackaged shell.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, RULE_CAPS } from '../../../main/core/policy';
import {
  DEFAULT_CLIENT_KEY_ACCOUNT,
  DEFAULT_CLIENT_KEY_SERVICE,
} from '../../../main/services/client-key/client-key-store';
import { CIS2_ISSUERS, MAX_AUTH_TIME_SKEW_SECONDS } from '../../../main/services/oidc';
import {
  readMachinePolicy,
  rereadMachinePolicy,
  resolveMachinePolicy,
} from '../../../main/services/policy/machine-policy';
import type { ExecFile } from '../../../main/platform/programs';
import type { SourceRead } from '../../../main/services/policy/source';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);
const HKLM = 'HKLM\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell';
const HKCU = 'HKCU\\SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell';

const regFrom =
  (files: { HKLM?: string; HKCU?: string }): ExecFile =>
  async (_file, args) => {
    const name = files[String(args[1]).slice(0, 4) as 'HKLM' | 'HKCU'];
    if (!name)
      return { code: 1, stdout: '', stderr: await readFile(fixture('reg-query-missing-key.stderr.txt'), 'utf8') };
    return { code: 0, stdout: await readFile(fixture(name), 'utf8'), stderr: '' };
  };
const layer = (source: string, values: Record<string, unknown>): SourceRead => ({
  source,
  status: 'read',
  values,
  problems: [],
});
const dev = { platform: 'linux', env: {}, packaged: false };
const installed = { platform: 'linux', env: {}, packaged: true };

describe('readMachinePolicy on Windows', () => {
  it('merges HKLM over HKCU setting by setting, from real reg query output', async () => {
    const policy = await readMachinePolicy({
      platform: 'win32',
      env: { SystemRoot: 'C:\\Windows' },
      packaged: true,
      exec: regFrom({ HKLM: 'reg-query-hklm-ward.txt', HKCU: 'reg-query-hkcu-user.txt' }),
    });
    expect(policy.sources).toEqual([
      { source: HKLM, status: 'read' },
      { source: HKCU, status: 'read' },
    ]);
    // Both set the AAL3 idle limit: the machine's 600 s wins over the user's 300 s.
    expect(policy.session.idleLimitMs.AAL3).toBe(600_000);
    expect(policy.applied.IdleLimitAAL3Seconds).toBe(HKLM);
    // Only HKCU sets these, so HKCU's values apply (registry names are case-insensitive).
    expect(policy.logLevel).toBe('debug');
    expect(policy.session.onSleep).toBe('end-session');
    expect(policy.applied.OnSleep).toBe(HKCU);
    // HKLM's Scopes list subkey wins over HKCU's REG_MULTI_SZ.
    expect(policy.oidc).toMatchObject({
      issuer: CIS2_ISSUERS.live,
      clientId: 'ward-shell-live',
      scopes: ['openid', 'profile', 'nationalrbacaccess', 'selectedrole'],
    });
    expect(policy.kiosk).toBe(true);
    expect(policy.session.onUserSwitch).toBe('end-session');
    expect(policy.logFolder).toBe('D:\\Ward Logs\\Clinical Workstation Shell');
    expect(policy.clamps).toEqual([
      { field: 'IdleLimitAAL2Seconds', requested: 7200, applied: 1800, reason: 'above-rule-maximum' },
      { field: 'DraftRetentionHours', requested: 24, applied: 12, reason: 'above-rule-maximum' },
    ]);
    expect(policy.draftRetentionMs).toBe(12 * 3_600_000);
    expect(policy.problems.map((p) => [p.setting, p.source])).toEqual([
      ['AcrValues', HKLM],
      ['SessionTimeout', HKCU],
      ['OnOsLock', HKCU],
    ]);
  });

  it('no key in either hive gives the rules themselves', async () => {
    const policy = await readMachinePolicy({ platform: 'win32', env: {}, packaged: true, exec: regFrom({}) });
    expect(policy).toMatchObject({
      session: defaultPolicy,
      clamps: [],
      problems: [],
      kiosk: false,
      oidc: null,
      logLevel: 'info',
      logFolder: undefined,
    });
    expect(policy.sources.map((s) => s.status)).toEqual(['absent', 'absent']);
  });
});

describe('readMachinePolicy on macOS and Linux', () => {
  it('macOS: reads the binary managed preferences, reports the unknown name and bad value', async () => {
    const readFileAt = async (path: string): Promise<Buffer> => {
      expect(path).toBe('/Library/Managed Preferences/uk.nhs.clinical-workstation-shell.plist');
      return readFile(fixture('managed-preferences-binary.plist'));
    };
    const policy = await readMachinePolicy({ platform: 'darwin', env: {}, packaged: true, readFile: readFileAt });
    expect(policy.oidc).toMatchObject({
      issuer: CIS2_ISSUERS.dep,
      clientAuth: {
        method: 'private_key_jwt',
        keyringService: DEFAULT_CLIENT_KEY_SERVICE,
        keyringAccount: DEFAULT_CLIENT_KEY_ACCOUNT,
      },
    });
    expect(policy.session).toMatchObject({
      idleLimitMs: { AAL3: 300_000 },
      absoluteLimitMs: 12 * 3_600_000,
      onSleep: 'end-session',
      onOsLock: 'lock',
    });
    expect(policy.clamps.map((c) => c.field)).toEqual(['AbsoluteLimitSeconds']);
    expect(policy.problems.map((p) => p.setting).sort()).toEqual(['IdleLimitSeconds', 'OnOsLock']);
    expect(policy.logLevel).toBe('warn');
  });

  it('Linux: reads /etc/clinical-workstation-shell/policy.json; a missing file is no policy', async () => {
    const seen: string[] = [];
    const absent = async (path: string): Promise<Buffer> => {
      seen.push(path);
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    };
    const policy = await readMachinePolicy({ platform: 'linux', env: {}, packaged: true, readFile: absent });
    expect(seen).toEqual(['/etc/clinical-workstation-shell/policy.json']);
    expect(policy).toMatchObject({ session: defaultPolicy, problems: [], oidc: null });
  });

  it('CWS_POLICY_FILE counts only in an unpackaged shell', async () => {
    const env = { CWS_POLICY_FILE: fixture('managed-preferences-xml.plist') };
    const unpackaged = await readMachinePolicy({ platform: 'linux', env, packaged: false });
    expect(unpackaged.oidc?.issuer).toBe(CIS2_ISSUERS.int);
    const reads: string[] = [];
    const packaged = await readMachinePolicy({
      platform: 'linux',
      env,
      packaged: true,
      readFile: async (p) => (reads.push(p), Buffer.from('{}')),
    });
    expect(reads).toEqual(['/etc/clinical-workstation-shell/policy.json']);
    expect(packaged.oidc).toBeNull();
  });
});

describe('resolveMachinePolicy', () => {
  it('a misspelt or old nested name is reported by name, with the right spelling when only the case differs', () => {
    const policy = resolveMachinePolicy(
      [layer('/etc/p.json', { kiosk: true, session: { idleLimitSeconds: { AAL3: 60 } } })],
      dev,
    );
    expect(policy.kiosk).toBe(false);
    expect(policy.session).toEqual(defaultPolicy);
    expect(policy.problems.map((p) => p.setting)).toEqual(['kiosk', 'session']);
    expect(policy.problems[0]?.reason).toContain('did you mean Kiosk?');
  });

  it("a bad value in the higher source means the default, never the lower source's value, and the report never repeats it", () => {
    const secretish = 'Password123-typed-into-the-wrong-field';
    const policy = resolveMachinePolicy(
      [
        layer('A', { OnOsLock: secretish, IdleLimitAAL3Seconds: -5 }),
        layer('B', { OnOsLock: 'end-session', IdleLimitAAL3Seconds: 120, OnSleep: 'end-session' }),
      ],
      dev,
    );
    expect(policy.session.onOsLock).toBe('lock');
    expect(policy.session.idleLimitMs.AAL3).toBe(15 * 60_000);
    // What A does not name at all, B still sets.
    expect(policy.session.onSleep).toBe('end-session');
    expect(policy.applied).toEqual({ OnSleep: 'B' });
    expect(policy.problems.map((p) => [p.setting, p.source])).toEqual([
      ['OnOsLock', 'A'],
      ['IdleLimitAAL3Seconds', 'A'],
    ]);
    for (const problem of policy.problems) expect(problem.reason).not.toContain('Password123');
    expect(policy.problems[0]?.reason).toContain('(text)');
    expect(policy.problems[1]?.reason).toContain('(a number)');
  });

  it('clamps the auth_time skew to 60 s and reports it', () => {
    // The sign-in client clamps too; the two limits must stay the same rule.
    expect(RULE_CAPS.AuthTimeSkewSeconds).toBe(MAX_AUTH_TIME_SKEW_SECONDS);
    const policy = resolveMachinePolicy(
      [layer('A', { Issuer: 'live', ClientId: 'c', AuthTimeSkewSeconds: 600 })],
      installed,
    );
    expect(policy.oidc?.authTimeSkewSeconds).toBe(60);
    expect(policy.clamps).toEqual([
      { field: 'AuthTimeSkewSeconds', requested: 600, applied: 60, reason: 'above-rule-maximum' },
    ]);
  });

  it.each([
    ['an http issuer', { Issuer: 'http://idp.example/', ClientId: 'c' }, 'Issuer'],
    ['scopes without openid', { Issuer: 'live', ClientId: 'c', Scopes: ['profile'] }, 'Scopes'],
    ['an issuer without a client id', { Issuer: 'live' }, 'ClientId'],
    ['a relative log folder', { LogFolder: 'logs' }, 'LogFolder'],
    ['a Windows log folder on Linux', { LogFolder: 'C:\\logs' }, 'LogFolder'],
    ['a relay over plain http off loopback', { RelayUrl: 'http://relay.trust.example' }, 'RelayUrl'],
    ['a relay address that is not a URL', { RelayUrl: 'relay' }, 'RelayUrl'],
  ])('reports %s by name', (_name, values, setting) => {
    const policy = resolveMachinePolicy([layer('A', values)], installed);
    expect(policy.problems.map((p) => p.setting)).toContain(setting);
  });

  it('takes a Windows log folder literally: one built from an environment variable a user can redefine is refused', () => {
    const windows = { ...installed, platform: 'win32' };
    const expanded = resolveMachinePolicy(
      [layer('HKLM', { LogFolder: '%ProgramData%\\Clinical Workstation Shell\\logs' })],
      windows,
    );
    expect(expanded.logFolder).toBeUndefined();
    expect(expanded.problems.map((p) => p.setting)).toEqual(['LogFolder']);
    expect(resolveMachinePolicy([layer('HKLM', { LogFolder: 'D:\\Ward Logs' })], windows).logFolder).toBe(
      'D:\\Ward Logs',
    );
  });

  it('passes the audiences IT trusts to the sign-in settings; none by default', () => {
    const none = resolveMachinePolicy([layer('HKLM', { Issuer: 'live', ClientId: 'c' })], installed);
    expect(none.oidc?.trustedAudiences).toEqual([]);
    const trusted = resolveMachinePolicy(
      [layer('HKLM', { Issuer: 'live', ClientId: 'c', TrustedAudiences: ['other-client'] })],
      installed,
    );
    expect(trusted.oidc?.trustedAudiences).toEqual(['other-client']);
    expect(trusted.applied.TrustedAudiences).toBe('HKLM');
    const bad = resolveMachinePolicy(
      [layer('HKLM', { Issuer: 'live', ClientId: 'c', TrustedAudiences: [''] })],
      installed,
    );
    expect(bad.oidc?.trustedAudiences).toEqual([]);
    expect(bad.problems.map((p) => p.setting)).toEqual(['TrustedAudiences']);
  });

  it('takes the logout relay address IT sets (https, or http on loopback only)', () => {
    expect(
      resolveMachinePolicy([layer('HKLM', { RelayUrl: 'https://cis2-logout-relay.trust.nhs.uk' })], installed).relayUrl,
    ).toBe('https://cis2-logout-relay.trust.nhs.uk');
    expect(resolveMachinePolicy([layer('HKLM', { RelayUrl: 'http://127.0.0.1:4100' })], installed).relayUrl).toBe(
      'http://127.0.0.1:4100',
    );
    expect(resolveMachinePolicy([layer('HKLM', {})], installed).relayUrl).toBeUndefined();
  });

  it("uses npm start's loopback relay only in a development build, and never over IT's setting", () => {
    const dev = { ...installed, packaged: false, env: { CWS_SANDBOX_RELAY: 'http://127.0.0.1:4100' } };
    expect(resolveMachinePolicy([layer('A', {})], dev).relayUrl).toBe('http://127.0.0.1:4100');
    expect(resolveMachinePolicy([layer('A', { RelayUrl: 'https://relay.trust.example' })], dev).relayUrl).toBe(
      'https://relay.trust.example',
    );
    expect(resolveMachinePolicy([layer('A', {})], { ...dev, packaged: true }).relayUrl).toBeUndefined();
    expect(
      resolveMachinePolicy([layer('A', {})], { ...dev, env: { CWS_SANDBOX_RELAY: 'http://relay.elsewhere:4100' } })
        .relayUrl,
    ).toBeUndefined();
  });

  it('a custom https issuer and Group Policy on/off values are accepted', () => {
    const policy = resolveMachinePolicy(
      [layer('A', { Issuer: 'https://idp.trust.example/realm', ClientId: 'c', Kiosk: 1, MaxAgeSeconds: 0 })],
      installed,
    );
    expect(policy.oidc).toMatchObject({ issuer: 'https://idp.trust.example/realm', maxAge: 0 });
    expect(policy.kiosk).toBe(true);
    expect(policy.problems).toEqual([]);
  });

  it('MinimumAssurance: AAL3 unless IT says AAL2, with acr_values following it unless AcrValues is set', () => {
    const live = { Issuer: 'live', ClientId: 'c' };
    const oidcOf = (values: Record<string, unknown>) => resolveMachinePolicy([layer('A', values)], installed).oidc;
    // NHS England's CIS2 guidance, Session management: national clinical systems require AAL3.
    expect(oidcOf(live)).toMatchObject({ minimumAssurance: 'AAL3', acrValues: 'AAL3_ANY' });
    expect(oidcOf({ ...live, MinimumAssurance: 'AAL2' })).toMatchObject({
      minimumAssurance: 'AAL2',
      acrValues: 'AAL2_OR_AAL3_ANY',
    });
    expect(oidcOf({ ...live, AcrValues: 'AAL2_OR_AAL3_ANY' })).toMatchObject({
      minimumAssurance: 'AAL3',
      acrValues: 'AAL2_OR_AAL3_ANY',
    });
    // A value that is not a choice is reported by name and the safe default kept.
    const bad = resolveMachinePolicy([layer('A', { ...live, MinimumAssurance: 'AAL1' })], installed);
    expect(bad.oidc).toMatchObject({ minimumAssurance: 'AAL3' });
    expect(bad.problems).toEqual([expect.objectContaining({ setting: 'MinimumAssurance', source: 'A' })]);
    // The development sandbox is held to the same minimum.
    const env = { CWS_SANDBOX_ISSUER: 'http://127.0.0.1:4100' };
    expect(resolveMachinePolicy([], { ...dev, env }).oidc).toMatchObject({ minimumAssurance: 'AAL3' });
  });

  it('sandbox: used by an unpackaged shell that npm start gave a sandbox, refused and reported when packaged', () => {
    const env = { CWS_SANDBOX_ISSUER: 'http://127.0.0.1:4100', CWS_SANDBOX_CLIENT_ID: 'sandbox-client' };
    expect(resolveMachinePolicy([], { ...dev, env }).oidc).toMatchObject({
      issuer: 'http://127.0.0.1:4100',
      clientId: 'sandbox-client',
      allowInsecureLoopbackIssuer: true,
    });
    expect(resolveMachinePolicy([layer('A', { Issuer: 'sandbox' })], { ...dev, env }).oidc?.issuer).toBe(
      'http://127.0.0.1:4100',
    );
    expect(resolveMachinePolicy([], { ...installed, env }).oidc).toBeNull();
    const packaged = resolveMachinePolicy([layer('A', { Issuer: 'sandbox' })], { ...installed, env });
    expect(packaged.oidc).toBeNull();
    expect(packaged.problems).toEqual([expect.objectContaining({ setting: 'Issuer', source: 'A' })]);
  });

  it('keeps the problems of an unreadable source and applies the others', () => {
    const broken: SourceRead = {
      source: 'HKLM',
      status: 'unreadable',
      values: {},
      problems: [{ setting: '*', source: 'HKLM', reason: 'unreadable' }],
    };
    const policy = resolveMachinePolicy([broken, layer('HKCU', { Kiosk: true })], installed);
    expect(policy.kiosk).toBe(true);
    expect(policy.problems).toEqual(broken.problems);
  });
});

describe('rereadMachinePolicy (while the shell runs)', () => {
  const timingOut =
    (files: { HKLM?: string; HKCU?: string }, failing: 'HKLM' | 'HKCU'): ExecFile =>
    async (file, args) => {
      if (String(args[1]).startsWith(failing))
        throw Object.assign(new Error('spawnSync reg.exe ETIMEDOUT'), { killed: true, signal: 'SIGTERM' });
      return regFrom(files)(file, args);
    };

  it('gives the new session limits when every source was read', async () => {
    const { session } = await rereadMachinePolicy({
      platform: 'win32',
      env: {},
      packaged: true,
      exec: regFrom({ HKLM: 'reg-query-hklm-ward.txt' }),
    });
    expect(session?.idleLimitMs.AAL3).toBe(600_000);
  });

  it.each(['HKLM', 'HKCU'] as const)(
    'keeps the limits in force (null) when %s could not be read, rather than falling back to the defaults',
    async (failing) => {
      const { policy, session } = await rereadMachinePolicy({
        platform: 'win32',
        env: {},
        packaged: true,
        exec: timingOut({ HKLM: 'reg-query-hklm-ward.txt', HKCU: 'reg-query-hkcu-user.txt' }, failing),
      });
      expect(session).toBeNull();
      // The read itself still says what happened, for the audit line.
      expect(policy.sources.find((s) => s.source.startsWith(failing))?.status).toBe('unreadable');
      expect(policy.problems.some((p) => p.setting === '*' && p.source.startsWith(failing))).toBe(true);
    },
  );

  it.each([
    ['an idle limit', '{"IdleLimitAAL3Seconds": "ten minutes"}'],
    ['a warning lead', '{"IdleLimitAAL3Seconds": 300, "WarningLeadSeconds": -5}'],
    ['an OS-event action', '{"OnOsLock": "ignore"}'],
  ])(
    'keeps the limits in force when %s is a bad value (its default could be looser than the value in force)',
    async (_what, file) => {
      const { policy, session } = await rereadMachinePolicy({
        platform: 'linux',
        env: {},
        packaged: true,
        readFile: async () => Buffer.from(file),
      });
      expect(session).toBeNull();
      expect(policy.problems.length).toBeGreaterThan(0);
    },
  );

  it('a bad value outside the session settings does not hold back new limits', async () => {
    const { session } = await rereadMachinePolicy({
      platform: 'linux',
      env: {},
      packaged: true,
      readFile: async () => Buffer.from('{"IdleLimitAAL3Seconds": 300, "LogFolder": "relative/folder"}'),
    });
    expect(session?.idleLimitMs.AAL3).toBe(300_000);
  });

  it('keeps the limits in force when the Linux policy file is half-written', async () => {
    const { session } = await rereadMachinePolicy({
      platform: 'linux',
      env: {},
      packaged: true,
      readFile: async () => Buffer.from('{"IdleLimitAAL3Seconds": 6'),
    });
    expect(session).toBeNull();
  });
});
