// LockOnCardRemoval and RequireSmartcard as IT sets them: the defaults (lock on removal, no card
// required), Group Policy's 1/0, the JSON and plist booleans, and a bad value keeping the default.
import { describe, expect, it } from 'vitest';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import type { SourceRead } from '../../../main/services/policy/source';

const layer = (source: string, values: Record<string, unknown>, caseInsensitive = false): SourceRead => ({
  source,
  status: 'read',
  problems: [],
  values,
  caseInsensitive,
});
const ctx = { platform: 'win32', env: {}, packaged: true };

describe('smartcard machine policy', () => {
  it('locks on card removal and requires no card by default', () => {
    expect(resolveMachinePolicy([], ctx).smartcard).toEqual({ lockOnCardRemoval: true, requireSmartcard: false });
  });

  it('takes Group Policy DWORDs and JSON booleans', () => {
    expect(
      resolveMachinePolicy([layer('HKLM', { LockOnCardRemoval: 0, RequireSmartcard: 1 }, true)], ctx).smartcard,
    ).toEqual({ lockOnCardRemoval: false, requireSmartcard: true });
    expect(
      resolveMachinePolicy([layer('/etc/policy.json', { RequireSmartcard: true })], { ...ctx, platform: 'linux' })
        .smartcard,
    ).toEqual({ lockOnCardRemoval: true, requireSmartcard: true });
  });

  it('reports a bad value by name and keeps the default (locking stays on)', () => {
    const policy = resolveMachinePolicy([layer('HKLM', { LockOnCardRemoval: 'no' }, true)], ctx);
    expect(policy.smartcard.lockOnCardRemoval).toBe(true);
    expect(policy.problems.map((p) => p.setting)).toEqual(['LockOnCardRemoval']);
  });
});
