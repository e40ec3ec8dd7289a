import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../main/core/policy';
import type { ClinicianIdentity } from '../../../main/core/rbac';
import type { SessionState } from '../../../main/core/session';
import { clinicianView, displayRoleName, sessionView } from '../../../main/services/session/view';
import { SessionViewSchema } from '../../../preload/contract';

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
    expect(view).toEqual({
      name: 'Ben Hughes',
      roleName: null,
      orgName: null,
      orgCode: null,
      roleStanding: 'no-roles',
      canChangeRole: false,
    });
  });
});

describe('the workstation on every view (OrganisationName)', () => {
  const at = { wall: 1_800_000_000_000, mono: 1_000 };
  const session = {
    subject: 'doctor',
    sessionId: 'sid',
    aal: 'AAL3' as const,
    authTime: at.wall,
    authAt: at,
    lastActivity: at,
  };
  const states: SessionState[] = [
    { status: 'signed-out' },
    { status: 'signing-in' },
    { status: 'active', session },
    { status: 'warning', session },
    { status: 'locked', session, reason: 'idle', lockedAt: at },
    { status: 'reauthenticating', session, reason: 'idle', lockedAt: at },
    { status: 'ended', reason: 'sign-out' },
  ];
  const identity: ClinicianIdentity = {
    name: 'Amara Okafor',
    uid: '555000000001',
    roles: [],
    selectedRole: { roleId: 'r1', roleName: 'Doctor', orgCode: 'RX1', orgName: 'Riverside Hospitals NHS Trust' },
  };
  const view = (state: SessionState, organisation?: string | null) =>
    sessionView({
      state,
      policy: defaultPolicy,
      now: at,
      identity,
      notice: null,
      draftStorage: 'protected',
      ...(organisation === undefined ? {} : { organisation }),
    });

  it.each(states.map((s) => [s.status, s] as const))(
    '%s carries the policy organisation, and the contract accepts it',
    (_status, state) => {
      const shown = view(state, 'Northgate Community Health NHS Trust');
      expect(shown.workstation).toEqual({ organisation: 'Northgate Community Health NHS Trust' });
      expect(SessionViewSchema.parse(shown)).toEqual(shown);
      // None set: every view still says so, rather than leave the renderer to guess.
      expect(view(state).workstation).toEqual({ organisation: null });
    },
  );

  it('the clinician keeps their own role organisation beside it', () => {
    expect(view(states[2]!, 'Northgate Community Health NHS Trust')).toMatchObject({
      clinician: { orgName: 'Riverside Hospitals NHS Trust' },
      workstation: { organisation: 'Northgate Community Health NHS Trust' },
    });
  });

  it.each([
    ['too long', { organisation: 'x'.repeat(101) }],
    ['empty', { organisation: '' }],
    ['a control character', { organisation: 'Riverside\nHospitals' }],
    ['an extra field', { organisation: null, hostName: 'WARD7-PC03' }],
  ])('the contract refuses a workstation with %s', (_what, workstation) => {
    expect(SessionViewSchema.safeParse({ kind: 'signed-out', notice: null, workstation }).success).toBe(false);
  });
});
