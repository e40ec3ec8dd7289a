// SignInBrowser (issue 22, the browser session after sign-out): where the CIS2 sign-in page opens.
// default (the PC's default browser, as before) unless IT names a private window; anything else
// is reported by name and ignored, so the default applies (never fatal, never a guess), and a bad
// value in HKLM is not replaced by HKCU's.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../main/services/policy/catalogue';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import type { SourceRead } from '../../../main/services/policy/source';

const layer = (source: string, values: Record<string, unknown>, caseInsensitive = false): SourceRead => ({
  source,
  status: 'read',
  values,
  problems: [],
  caseInsensitive,
});
const installed = { platform: 'win32', env: {}, packaged: true };
const read = (value: unknown) => resolveMachinePolicy([layer('HKLM', { SignInBrowser: value }, true)], installed);

describe('SignInBrowser', () => {
  it('is default when not set', () => {
    const policy = resolveMachinePolicy([layer('HKLM', {})], installed);
    expect(policy.signInBrowser).toBe('default');
    expect(policy.problems).toEqual([]);
  });

  it.each(['default', 'edge-inprivate', 'chrome-incognito', 'firefox-private', 'chromium-incognito'])(
    'takes %s',
    (value) => {
      const policy = read(value);
      expect(policy.signInBrowser).toBe(value);
      expect(policy.applied.SignInBrowser).toBe('HKLM');
      expect(policy.problems).toEqual([]);
    },
  );

  it('is a Workstation setting Group Policy offers as a list of exactly those values', () => {
    expect(CATALOGUE.SignInBrowser.group).toBe('Workstation');
    expect(CATALOGUE.SignInBrowser.registry).toBe('REG_SZ');
    expect(CATALOGUE.SignInBrowser.admx).toEqual({
      element: 'enum',
      items: ['default', 'edge-inprivate', 'chrome-incognito', 'firefox-private', 'chromium-incognito'],
    });
  });

  it('is found under its name written in any case in the registry, which ignores case', () => {
    const policy = resolveMachinePolicy([layer('HKLM', { signinbrowser: 'firefox-private' }, true)], installed);
    expect(policy.signInBrowser).toBe('firefox-private');
    expect(policy.problems).toEqual([]);
  });

  it.each([
    ['a browser without its mode', 'edge'],
    ['another case', 'Edge-InPrivate'],
    ['a path', 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe'],
    ['empty', ''],
    ['a number', 1],
    ['on/off', true],
  ])('%s: ignored, the default applies, with a problem naming the setting but not the value', (_what, value) => {
    const policy = read(value);
    expect(policy.signInBrowser).toBe('default');
    expect(policy.problems.map((p) => [p.setting, p.source])).toEqual([['SignInBrowser', 'HKLM']]);
    expect(policy.problems[0]?.reason).toContain('default, edge-inprivate, chrome-incognito');
    // The value itself is never repeated (where it is not one of the words of the expected range).
    if (typeof value === 'string' && value !== '' && !CATALOGUE.SignInBrowser.range.includes(value))
      expect(policy.problems[0]?.reason).not.toContain(value);
  });

  it("a bad value in HKLM keeps the default: HKCU's value never steps in", () => {
    const policy = resolveMachinePolicy(
      [layer('HKLM', { SignInBrowser: 'edge' }, true), layer('HKCU', { SignInBrowser: 'chrome-incognito' }, true)],
      installed,
    );
    expect(policy.signInBrowser).toBe('default');
    expect(policy.problems.map((p) => p.source)).toEqual(['HKLM']);
  });

  it('HKCU decides only where HKLM says nothing', () => {
    const policy = resolveMachinePolicy(
      [layer('HKLM', {}, true), layer('HKCU', { SignInBrowser: 'chrome-incognito' }, true)],
      installed,
    );
    expect(policy.signInBrowser).toBe('chrome-incognito');
    expect(policy.applied.SignInBrowser).toBe('HKCU');
  });
});
