import { describe, expect, it } from 'vitest';
import { clinicianView, displayRoleName } from '../../../main/services/session/view';

describe('clinician display identity', () => {
  it.each([
    ['"Clinical":"Clinical Provision":"Nurse Access Role"', 'Nurse Access Role'],
    ['"Admin":"Management":"Registration Authority Agent"', 'Registration Authority Agent'],
    ['Plain Role Name', 'Plain Role Name'],
  ])('shows the last part of the CIS2 role name %s', (raw, shown) => {
    expect(displayRoleName(raw)).toBe(shown);
  });

  it('says no role when none was selected, and carries no subject or uid', () => {
    const view = clinicianView({ name: 'Ben Hughes', uid: '555000000003', selectedRole: null, roles: [] });
    expect(view).toEqual({ name: 'Ben Hughes', roleName: null, orgName: null, orgCode: null, roleStanding: 'no-roles', canChangeRole: false });
  });
});
