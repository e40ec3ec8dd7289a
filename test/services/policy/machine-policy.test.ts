import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { defaultPolicy } from '../../../main/core/policy';
import { DEFAULT_CLIENT_KEY_ACCOUNT, DEFAULT_CLIENT_KEY_SERVICE } from '../../../main/services/client-key/client-key-store';
import { CIS2_ISSUERS } from '../../../main/services/oidc';
import { loadMachinePolicy, machinePolicyPath, parseMachinePolicy } from '../../../main/services/policy/machine-policy';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cws-policy-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function problem(text: string): string {
  try {
    parseMachinePolicy(text, 'policy.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ShellError);
    return (error as ShellError).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('machine policy', () => {
  it('no file means the rules themselves: 15/30 min idle, 12 h, lock on OS events, not kiosk', async () => {
    const policy = await loadMachinePolicy(join(dir, 'absent.json'));
    expect(policy.session).toEqual(defaultPolicy);
    expect(policy).toMatchObject({ source: null, kiosk: false, oidc: null, clamps: [] });
  });

  it('IT can shorten limits, choose to end on OS events, turn on kiosk and pick CIS2 INT', async () => {
    const path = join(dir, 'ward.json');
    await writeFile(
      path,
      JSON.stringify({
        session: { idleLimitSeconds: { AAL2: 600, AAL3: 300 }, absoluteLimitSeconds: 8 * 3600, onUserSwitch: 'end-session' },
        drafts: { retentionHours: 4 },
        kiosk: true,
        cis2: { environment: 'int', clientId: 'ward-shell-int' },
      }),
    );
    const policy = await loadMachinePolicy(path);
    expect(policy.session).toMatchObject({ idleLimitMs: { AAL2: 600_000, AAL3: 300_000 }, absoluteLimitMs: 8 * 3_600_000, onUserSwitch: 'end-session', onOsLock: 'lock' });
    expect(policy.draftRetentionMs).toBe(4 * 3_600_000);
    expect(policy.kiosk).toBe(true);
    expect(policy.oidc).toMatchObject({ issuer: CIS2_ISSUERS.int, clientId: 'ward-shell-int', clientAuth: { method: 'none' }, acrValues: 'AAL2_OR_AAL3_ANY' });
  });

  it('private_key_jwt looks for the key where provision-client-key puts it by default', () => {
    const policy = parseMachinePolicy(JSON.stringify({ cis2: { environment: 'live', clientId: 'c', clientAuth: 'private_key_jwt' } }), 'p');
    expect(policy.oidc?.clientAuth).toEqual({ method: 'private_key_jwt', keyringService: DEFAULT_CLIENT_KEY_SERVICE, keyringAccount: DEFAULT_CLIENT_KEY_ACCOUNT });
  });

  it('a limit longer than the rules is clamped and reported, never applied', () => {
    const policy = parseMachinePolicy(JSON.stringify({ session: { idleLimitSeconds: { AAL3: 3600 }, absoluteLimitSeconds: 24 * 3600 } }), 'p');
    expect(policy.session.idleLimitMs.AAL3).toBe(15 * 60_000);
    expect(policy.session.absoluteLimitMs).toBe(12 * 3_600_000);
    expect(policy.clamps.map((c) => c.field).sort()).toEqual(['absoluteLimitSeconds', 'idleLimitSeconds.AAL3']);
  });

  it.each([
    ['not JSON', '{ kiosk: true', 'not valid JSON'],
    ['a misspelt field', JSON.stringify({ sesion: {} }), '"(top level)"'],
    ['a wrong type', JSON.stringify({ kiosk: 'yes' }), '"kiosk"'],
    ['an unknown OS action', JSON.stringify({ session: { onSleep: 'ignore' } }), '"session.onSleep"'],
    ['a custom CIS2 without an issuer', JSON.stringify({ cis2: { environment: 'custom', clientId: 'x' } }), 'cis2.issuer'],
    ['a plain-http issuer', JSON.stringify({ cis2: { environment: 'custom', issuer: 'http://idp.example/', clientId: 'x' } }), 'https'],
    ['a negative idle limit', JSON.stringify({ session: { idleLimitSeconds: { AAL2: -5 } } }), 'idleLimitSeconds.AAL2'],
  ])('refuses %s with a message that says what to fix', (_name, text, mentions) => {
    expect(problem(text)).toContain(mentions);
  });

  it('lives where only administrators can write, per platform', () => {
    expect(machinePolicyPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe(join('C:\\ProgramData', 'Clinical Workstation Shell', 'policy.json'));
    expect(machinePolicyPath('linux', {})).toBe('/etc/clinical-workstation-shell/policy.json');
  });
});
