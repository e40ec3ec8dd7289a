import { describe, expect, it } from 'vitest';
import {
  type ClinicianIdentity,
  canChangeRole,
  identityFromClaims,
  roleChange,
  roleStanding,
} from '../../main/core/rbac';

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

describe('what the role screen is offered from the claims', () => {
  const full = role('r1', 'RX1', ['B0264']);
  const withRoles = (...entries: unknown[]) => identityFromClaims({ nhsid_nrbac_roles: entries }).roles;

  it('does not offer a role whose id, organisation code or name is missing or empty', () => {
    const { person_roleid: _id, ...noId } = full;
    const { org_code: _org, ...noOrg } = full;
    const { role_name: _name, ...noName } = full;
    for (const broken of [noId, noOrg, noName, { ...full, person_roleid: '' }, { ...full, org_code: '' }]) {
      expect(withRoles(broken, role('r2', 'RY2', []))).toEqual([expect.objectContaining({ roleId: 'r2' })]);
    }
    expect(withRoles({ ...full, role_name: '' })).toEqual([]);
  });

  it('skips entries that are not role objects (null, strings, arrays) and keeps the readable ones', () => {
    expect(withRoles(null, 'r1', ['r1', 'RX1'], 7, full).map((r) => r.roleId)).toEqual(['r1']);
    expect(identityFromClaims({ nhsid_nrbac_roles: { r1: full } }).roles).toEqual([]);
  });

  it('keeps the role code, only the string activity codes, and none when the claim has none', () => {
    const [read] = withRoles({ ...full, activity_codes: ['B0264', 42, null, 'B0360'] });
    expect(read).toEqual({
      roleId: 'r1',
      roleName: full.role_name,
      roleCode: 'S8000:G8000:R8000',
      orgCode: 'RX1',
      orgName: null,
      activityCodes: ['B0264', 'B0360'],
    });
    const { activity_codes: _codes, role_code: _code, ...bare } = full;
    expect(withRoles(bare)[0]).toMatchObject({ roleCode: null, activityCodes: [] });
    expect(withRoles({ ...full, activity_codes: 'B0264' })[0]?.activityCodes).toEqual([]);
  });

  it("names the organisation from the role's own org_name first, else from nhsid_user_orgs", () => {
    const orgs = [null, 'RX1', { org_code: 'RX1', org_name: 'Riverside' }, { org_code: 'RX1', org_name: '' }];
    const claims = { nhsid_user_orgs: orgs };
    expect(identityFromClaims({ ...claims, nhsid_nrbac_roles: [full] }).roles[0]?.orgName).toBe('Riverside');
    const own = { ...full, org_name: 'Riverside Hospital' };
    expect(identityFromClaims({ ...claims, nhsid_nrbac_roles: [own] }).roles[0]?.orgName).toBe('Riverside Hospital');
    const nameless = [{ org_code: 'RX1', org_name: 'Riverside' }, { org_code: 'RX1' }];
    const roles = identityFromClaims({ nhsid_user_orgs: nameless, nhsid_nrbac_roles: [full] }).roles;
    expect(roles[0]?.orgName).toBe('Riverside');
  });

  it('prefers the name claim, and falls back to the given and family names when it is empty', () => {
    expect(identityFromClaims({ name: 'Dr Ana Patel', given_name: 'Ana', family_name: 'Patel' }).name).toBe(
      'Dr Ana Patel',
    );
    expect(identityFromClaims({ name: '', given_name: 'Ana', family_name: 'Patel' }).name).toBe('Ana Patel');
    expect(identityFromClaims({ selected_roleid: '', nhsid_nrbac_roles: [full] }).selectedRole).toBeNull();
  });
});

describe('role standing, "Change role" and role changes', () => {
  const two = () => identityFromClaims({ nhsid_nrbac_roles: [role('r1', 'RX1', []), role('r2', 'RY2', [])] });
  const one = () => identityFromClaims({ nhsid_nrbac_roles: [role('r1', 'RX1', [])] });
  const chosen = (identity: ClinicianIdentity, id: string) =>
    identityFromClaims({
      nhsid_nrbac_roles: identity.roles.map((r) => ({
        person_roleid: r.roleId,
        org_code: r.orgCode,
        role_name: r.roleName,
      })),
      selected_roleid: id,
    });

  it('says whether the clinician holds no role (only the RA can add one), has not chosen one, or has', () => {
    expect(roleStanding(identityFromClaims({}))).toBe('no-roles');
    expect(roleStanding(two())).toBe('not-chosen');
    expect(roleStanding(chosen(two(), 'r1'))).toBe('chosen');
  });

  it('offers "Change role" only when there is another role to change to', () => {
    expect(canChangeRole(identityFromClaims({}))).toBe(false);
    expect(canChangeRole(one())).toBe(true);
    expect(canChangeRole(chosen(one(), 'r1'))).toBe(false);
    expect(canChangeRole(chosen(two(), 'r1'))).toBe(true);
  });

  it('reports a change of selected role between two authentications, and none when it is the same', () => {
    expect(roleChange(null, chosen(two(), 'r1'))).toStrictEqual({ from: null, to: 'r1' });
    expect(roleChange(null, two())).toBeNull();
    expect(roleChange(chosen(two(), 'r1'), chosen(two(), 'r1'))).toBeNull();
    expect(roleChange(chosen(two(), 'r1'), chosen(two(), 'r2'))).toStrictEqual({ from: 'r1', to: 'r2' });
    expect(roleChange(chosen(two(), 'r2'), two())).toStrictEqual({ from: 'r2', to: null });
  });
});
