import { describe, expect, it } from 'vitest';
import { identityFromClaims } from '../../main/core/rbac';

const role = (id: string, org: string, codes: string[]) => ({
  person_roleid: id,
  org_code: org,
  role_name: `"Clinical":"Clinical Provision":"Role ${id}"`,
  role_code: 'S8000:G8000:R8000',
  activity_codes: codes,
});

describe('identityFromClaims', () => {
  it('picks the selected role and its organisation name from nhsid_user_orgs', () => {
    const identity = identityFromClaims({
      name: 'Dr A',
      nhsid_useruid: '555',
      nhsid_nrbac_roles: [role('r1', 'RX1', ['B0264']), role('r2', 'RY2', [])],
      nhsid_user_orgs: [{ org_code: 'RX1', org_name: 'Riverside' }],
      selected_roleid: 'r1',
    });
    expect(identity.selectedRole).toEqual({
      roleId: 'r1',
      roleName: '"Clinical":"Clinical Provision":"Role r1"',
      orgCode: 'RX1',
      orgName: 'Riverside',
    });
    expect(identity.roles.map((r) => r.roleId)).toEqual(['r1', 'r2']);
    expect(identity.uid).toBe('555');
  });

  it('signs in with selectedRole null when role data is missing, malformed, or names an unknown role', () => {
    expect(identityFromClaims({ name: 'X' }).selectedRole).toBeNull();
    expect(identityFromClaims({ nhsid_nrbac_roles: 'nonsense', selected_roleid: 'r1' }).selectedRole).toBeNull();
    expect(
      identityFromClaims({ nhsid_nrbac_roles: [role('r1', 'RX1', [])], selected_roleid: 'r9' }).selectedRole,
    ).toBeNull();
    expect(identityFromClaims({ nhsid_nrbac_roles: [{ person_roleid: 'r1' }], selected_roleid: 'r1' }).roles).toEqual(
      [],
    );
  });

  it('builds a name from given and family names, and says so when there is none', () => {
    expect(identityFromClaims({ given_name: 'Ben', family_name: 'Hughes' }).name).toBe('Ben Hughes');
    expect(identityFromClaims({}).name).toBe('Unknown clinician');
  });
});
