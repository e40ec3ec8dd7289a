// OrganisationName (issue 14 item 5): the organisation the NHS header names on every screen.
// One line of text, 1 to 100 characters once trimmed; anything else is reported by name and
// ignored (the header then names no organisation until a clinician signs in), never fatal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import type { SourceRead } from '../../../main/services/policy/source';
import { SessionViewSchema } from '../../../preload/contract';

const layer = (values: Record<string, unknown>): SourceRead => ({
  source: 'HKLM',
  status: 'read',
  values,
  problems: [],
});
const installed = { platform: 'win32', env: {}, packaged: true };
const read = (value: unknown) => resolveMachinePolicy([layer({ OrganisationName: value })], installed);

describe('OrganisationName', () => {
  it('is none by default', () => {
    const policy = resolveMachinePolicy([layer({})], installed);
    expect(policy.organisationName).toBeNull();
    expect(policy.problems).toEqual([]);
  });

  it('takes a trust name, trimmed', () => {
    const policy = read('  Riverside Hospitals NHS Trust ');
    expect(policy.organisationName).toBe('Riverside Hospitals NHS Trust');
    expect(policy.applied.OrganisationName).toBe('HKLM');
    expect(policy.problems).toEqual([]);
    expect(read('x'.repeat(100)).organisationName).toBe('x'.repeat(100));
  });

  it.each([
    ['too long', 'x'.repeat(101)],
    ['empty once trimmed', '   '],
    ['a newline inside', 'Riverside Hospitals\nNHS Trust'],
    ['a tab inside', 'Riverside\tHospitals'],
    ['an escape sequence', 'Riverside \u001b[31mHospitals'],
    ['a C1 control', 'Riverside\u0085Hospitals'],
    ['a line separator', 'Riverside\u2028Hospitals'],
    ['not text', 42],
  ])('%s: ignored, with a problem that names the setting but not the value', (_what, value) => {
    const policy = read(value);
    expect(policy.organisationName).toBeNull();
    expect(policy.problems.map((p) => [p.setting, p.source])).toEqual([['OrganisationName', 'HKLM']]);
    if (typeof value === 'string' && value.trim() !== '')
      expect(policy.problems[0]?.reason).not.toContain(value.trim().slice(0, 9));
  });

  it('whatever IT types, what reaches the policy is accepted by the view the renderer gets', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 130 }), (typed) => {
        const { organisationName } = read(typed);
        const view = { kind: 'signed-out', notice: null, workstation: { organisation: organisationName } };
        expect(SessionViewSchema.safeParse(view).success).toBe(true);
        if (organisationName !== null) expect(organisationName).toBe(typed.trim());
      }),
    );
  });
});
