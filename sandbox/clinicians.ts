/**
 * The sandbox's test clinicians: enough variety to exercise AAL2/AAL3, several roles (chosen on
 * the sign-in page, as CIS2 asks a clinician with more than one), and no role.
 */
export interface SandboxRole {
  readonly person_roleid: string;
  readonly person_orgid: string;
  readonly org_code: string;
  readonly role_name: string;
  readonly role_code: string;
  readonly activities: readonly string[];
  readonly activity_codes: readonly string[];
}

export interface SandboxClinician {
  readonly id: string;
  readonly sub: string;
  readonly name: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly acr: 'AAL3_ANY' | 'AAL2_ANY' | 'AAL2_OR_AAL3_ANY';
  readonly amr: readonly string[];
  readonly roles: readonly SandboxRole[];
  readonly selectedRoleId: string | null;
  readonly orgs: readonly { readonly org_code: string; readonly org_name: string }[];
  readonly description: string;
}

const WARD_ACTIVITIES = {
  activities: ['Receive Self Claimed LR Alerts', 'View Patient Medication'],
  activity_codes: ['B0001', 'B0264'],
};

export const SANDBOX_CLINICIANS: readonly SandboxClinician[] = [
  {
    id: 'dr-okafor',
    sub: '555000000001',
    name: 'Dr Amira Okafor',
    givenName: 'Amira',
    familyName: 'Okafor',
    acr: 'AAL3_ANY',
    amr: ['sc'],
    roles: [
      {
        person_roleid: '555000000101',
        person_orgid: '555000000201',
        org_code: 'RX1',
        role_name: '"Clinical":"Clinical Provision":"Medical Practitioner Access Role"',
        role_code: 'S8000:G8000:R8000',
        ...WARD_ACTIVITIES,
      },
      {
        person_roleid: '555000000102',
        person_orgid: '555000000202',
        org_code: 'RY2',
        role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
        role_code: 'S8000:G8000:R8003',
        activities: ['View Patient Medication'],
        activity_codes: ['B0264'],
      },
    ],
    selectedRoleId: '555000000101',
    orgs: [
      { org_code: 'RX1', org_name: 'Riverside Hospitals NHS Trust' },
      { org_code: 'RY2', org_name: 'Hillside Community Health' },
    ],
    description: 'AAL3 smartcard, doctor with two roles',
  },
  {
    id: 'nurse-hughes',
    sub: '555000000002',
    name: 'Ben Hughes',
    givenName: 'Ben',
    familyName: 'Hughes',
    acr: 'AAL2_ANY',
    amr: ['swk'],
    roles: [
      {
        person_roleid: '555000000103',
        person_orgid: '555000000203',
        org_code: 'RX1',
        role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
        role_code: 'S8000:G8000:R8001',
        ...WARD_ACTIVITIES,
      },
    ],
    selectedRoleId: '555000000103',
    orgs: [{ org_code: 'RX1', org_name: 'Riverside Hospitals NHS Trust' }],
    description: 'AAL2 passkey, nurse with one role',
  },
  {
    id: 'no-role-patel',
    sub: '555000000003',
    name: 'Chris Patel',
    givenName: 'Chris',
    familyName: 'Patel',
    acr: 'AAL3_ANY',
    amr: ['sc'],
    roles: [],
    selectedRoleId: null,
    orgs: [],
    description: 'AAL3 smartcard, no role assigned',
  },
  {
    id: 'locum-reid',
    sub: '555000000004',
    name: 'Sam Reid',
    givenName: 'Sam',
    familyName: 'Reid',
    // Either level allowed, and only a password: one factor is not AAL2, so the shell gives 15 minutes.
    acr: 'AAL2_OR_AAL3_ANY',
    amr: ['pwd'],
    roles: [
      {
        person_roleid: '555000000104',
        person_orgid: '555000000204',
        org_code: 'RX1',
        role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
        role_code: 'S8000:G8000:R8001',
        ...WARD_ACTIVITIES,
      },
    ],
    selectedRoleId: '555000000104',
    orgs: [{ org_code: 'RX1', org_name: 'Riverside Hospitals NHS Trust' }],
    description: 'password only, either level asked: counts as AAL3 (15 minutes)',
  },
  {
    id: 'nurse-adeyemi',
    sub: '555000000005',
    name: 'Grace Adeyemi',
    givenName: 'Grace',
    familyName: 'Adeyemi',
    acr: 'AAL3_ANY',
    amr: ['sc'],
    // A staff nurse who is also the ward's manager: she changes role mid-shift to do the rota.
    roles: [
      {
        person_roleid: '555000000105',
        person_orgid: '555000000205',
        org_code: 'RX1',
        role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
        role_code: 'S8000:G8000:R8001',
        ...WARD_ACTIVITIES,
      },
      {
        person_roleid: '555000000106',
        person_orgid: '555000000205',
        org_code: 'RX1',
        role_name: '"Clinical":"Clinical Management":"Ward Manager Access Role"',
        role_code: 'S8000:G8001:R8010',
        activities: ['Manage Ward Staff Rota', 'View Patient Medication'],
        activity_codes: ['B0410', 'B0264'],
      },
    ],
    selectedRoleId: '555000000105',
    orgs: [{ org_code: 'RX1', org_name: 'Riverside Hospitals NHS Trust' }],
    description: 'AAL3 smartcard, nurse who is also a ward manager (two roles at one trust)',
  },
];

export function clinicianById(id: string): SandboxClinician | undefined {
  return SANDBOX_CLINICIANS.find((c) => c.id === id);
}

export function clinicianBySub(sub: string): SandboxClinician | undefined {
  return SANDBOX_CLINICIANS.find((c) => c.sub === sub);
}

/**
 * The role a sign-in selects: the one the clinician chose on the sign-in page, if it is theirs;
 * otherwise their usual one. undefined: the choice is not one of their roles (refused).
 */
export function selectRole(c: SandboxClinician, chosen: string | null): string | null | undefined {
  if (chosen === null || chosen === '') return c.selectedRoleId;
  return c.roles.some((r) => r.person_roleid === chosen) ? chosen : undefined;
}

/**
 * The claims the sandbox releases for a clinician, keyed the way CIS2 names them, with the role
 * selected at that sign-in (`selected_roleid`; none when they have no role).
 */
export function clinicianClaims(
  c: SandboxClinician,
  selectedRoleId: string | null = c.selectedRoleId,
): Record<string, unknown> {
  return {
    sub: c.sub,
    name: c.name,
    given_name: c.givenName,
    family_name: c.familyName,
    nhsid_useruid: c.sub,
    nhsid_nrbac_roles: c.roles,
    nhsid_user_orgs: c.orgs,
    ...(selectedRoleId === null ? {} : { selected_roleid: selectedRoleId }),
  };
}
