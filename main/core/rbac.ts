/**
 * The clinician's identity and role context from CIS2 National RBAC claims.
 *
 * CIS2 puts the roles in `nhsid_nrbac_roles` (scope `nationalrbacaccess`) and the role the clinician
 * picked at sign-in in `selected_roleid` (scope `selectedrole`); organisation names come from
 * `nhsid_user_orgs`. They may arrive in the ID token or in userinfo, so callers merge both first.
 * Pure: no I/O. Anything malformed is dropped rather than guessed at, and a role that cannot be read is left out.
 */

export interface RbacRole {
  readonly roleId: string; // person_roleid
  readonly roleName: string;
  readonly roleCode: string | null;
  readonly orgCode: string;
  readonly orgName: string | null;
  readonly activityCodes: readonly string[];
}

export interface SelectedRole {
  readonly roleId: string;
  readonly roleName: string;
  readonly orgCode: string;
  readonly orgName: string | null;
}

export interface ClinicianIdentity {
  readonly name: string;
  readonly uid: string | null; // nhsid_useruid
  readonly selectedRole: SelectedRole | null;
  readonly roles: readonly RbacRole[];
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A field of a claim's object; undefined when the claim is not an object (an array or a JSON primitive has none of these fields). */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function orgNames(claims: Record<string, unknown>): Map<string, string> {
  const names = new Map<string, string>();
  const orgs = claims['nhsid_user_orgs'];
  if (!Array.isArray(orgs)) return names;
  for (const entry of orgs) {
    const code = str(field(entry, 'org_code'));
    const name = str(field(entry, 'org_name'));
    if (code !== null && name !== null) names.set(code, name);
  }
  return names;
}

function parseRole(entry: unknown, names: Map<string, string>): RbacRole | null {
  const roleId = str(field(entry, 'person_roleid'));
  const orgCode = str(field(entry, 'org_code'));
  const roleName = str(field(entry, 'role_name'));
  if (roleId === null || orgCode === null || roleName === null) return null;
  const rawCodes = field(entry, 'activity_codes');
  const codes = Array.isArray(rawCodes) ? rawCodes.filter((c): c is string => typeof c === 'string') : [];
  return {
    roleId,
    roleName,
    roleCode: str(field(entry, 'role_code')),
    orgCode,
    orgName: str(field(entry, 'org_name')) ?? names.get(orgCode) ?? null,
    activityCodes: codes,
  };
}

/** Build the identity from the merged ID token and userinfo claims. */
export function identityFromClaims(claims: Record<string, unknown>): ClinicianIdentity {
  const names = orgNames(claims);
  const rawRoles = claims['nhsid_nrbac_roles'];
  const roles = Array.isArray(rawRoles)
    ? rawRoles.map((e) => parseRole(e, names)).filter((r): r is RbacRole => r !== null)
    : [];
  // A role's id is never null, so no selected_roleid finds no role.
  const selectedId = str(claims['selected_roleid']);
  const selected = roles.find((r) => r.roleId === selectedId);
  const given = str(claims['given_name']);
  const family = str(claims['family_name']);
  const name = str(claims['name']) ?? ([given, family].filter((p) => p !== null).join(' ') || 'Unknown clinician');
  return {
    name,
    uid: str(claims['nhsid_useruid']),
    selectedRole:
      selected === undefined
        ? null
        : {
            roleId: selected.roleId,
            roleName: selected.roleName,
            orgCode: selected.orgCode,
            orgName: selected.orgName,
          },
    roles,
  };
}

/**
 * Where the clinician stands with roles, for what the screen offers: `no-roles` (CIS2 holds none
 * for them: only their Registration Authority can add one), `not-chosen` (they hold roles but
 * none was selected at sign-in: they can choose one), `chosen`.
 */
export type RoleStanding = 'no-roles' | 'not-chosen' | 'chosen';

export function roleStanding(identity: ClinicianIdentity): RoleStanding {
  if (identity.selectedRole !== null) return 'chosen';
  return identity.roles.length === 0 ? 'no-roles' : 'not-chosen';
}

/**
 * Whether "Change role" means anything: the clinician holds a role other than the one in use
 * (or holds roles and has none in use). CIS2 asks which role at the authentication.
 */
export function canChangeRole(identity: ClinicianIdentity): boolean {
  const selected = identity.selectedRole?.roleId ?? null;
  return identity.roles.some((r) => r.roleId !== selected);
}

/** A change of selected role between two authentications of the same clinician (role ids only). */
export interface RoleChange {
  readonly from: string | null;
  readonly to: string | null;
}

/** The role change from one identity to the next: null when the selected role is the same. */
export function roleChange(before: ClinicianIdentity | null, after: ClinicianIdentity): RoleChange | null {
  const from = before?.selectedRole?.roleId ?? null;
  const to = after.selectedRole?.roleId ?? null;
  return from === to ? null : { from, to };
}
