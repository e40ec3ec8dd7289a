/**
 * Change role through the real services (session service, CIS2 sign-in, token holder, draft
 * vault, audit) against the CIS2 sandbox, as the harness runs them: the clinician keeps working,
 * the same note stays theirs, the role CIS2 selected at the new authentication is the one shown
 * and the one the held tokens carry, the previous role's tokens are no longer held, and the audit
 * log records both role ids. Plus the pure rules the screen uses (core/rbac.ts) and the view.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canChangeRole, identityFromClaims, roleChange, roleStanding } from '../../main/core/rbac';
import type { ClinicianIdentity } from '../../main/core/rbac';
import { clinicianView } from '../../main/services/session/view';
import { SANDBOX_CLINICIANS, clinicianClaims, selectRole } from '../../sandbox/clinicians';
import { loginPageHtml } from '../../sandbox/login-page';
import { startHarness } from '../harness/harness';
import type { Harness } from '../harness/harness';

const nurse = SANDBOX_CLINICIANS.find((c) => c.id === 'nurse-adeyemi')!;
const [nurseRole, managerRole] = nurse.roles.map((r) => r.person_roleid) as [string, string];
const identity = (id: string, role?: string | null): ClinicianIdentity => {
  const c = SANDBOX_CLINICIANS.find((x) => x.id === id)!;
  return identityFromClaims(clinicianClaims(c, role === undefined ? c.selectedRoleId : role));
};

describe('role standing and role change (core/rbac.ts)', () => {
  it('says what a clinician can do about their role', () => {
    expect(roleStanding(identity('no-role-patel'))).toBe('no-roles');
    expect(roleStanding(identity('nurse-adeyemi', null))).toBe('not-chosen');
    expect(roleStanding(identity('nurse-adeyemi'))).toBe('chosen');
    expect(canChangeRole(identity('nurse-adeyemi'))).toBe(true);
    expect(canChangeRole(identity('nurse-adeyemi', null))).toBe(true);
    expect(canChangeRole(identity('nurse-hughes'))).toBe(false);
    expect(canChangeRole(identity('no-role-patel'))).toBe(false);
  });

  it('names the change by role ids only, and none when the role is the same', () => {
    expect(roleChange(identity('nurse-adeyemi'), identity('nurse-adeyemi', managerRole))).toEqual({
      from: nurseRole,
      to: managerRole,
    });
    expect(roleChange(identity('nurse-adeyemi'), identity('nurse-adeyemi'))).toBeNull();
    expect(roleChange(identity('nurse-adeyemi', null), identity('nurse-adeyemi'))).toEqual({
      from: null,
      to: nurseRole,
    });
  });

  it('the view carries the standing and whether Change role is offered, and still no ids', () => {
    expect(clinicianView(identity('nurse-adeyemi'))).toEqual({
      name: 'Grace Adeyemi',
      roleName: 'Nurse Access Role',
      orgName: 'Riverside Hospitals NHS Trust',
      orgCode: 'RX1',
      roleStanding: 'chosen',
      canChangeRole: true,
    });
    expect(clinicianView(identity('no-role-patel'))).toMatchObject({
      roleName: null,
      roleStanding: 'no-roles',
      canChangeRole: false,
    });
    expect(JSON.stringify(clinicianView(identity('nurse-adeyemi')))).not.toMatch(/5550000001|555000000005/);
  });
});

describe("the sandbox's role choice (as CIS2 asks a clinician with several roles)", () => {
  it('shows a role picker only to clinicians with several roles, their usual role chosen first', () => {
    const html = loginPageHtml('/login', '/abort', SANDBOX_CLINICIANS);
    const radios = [...html.matchAll(/<input type="radio"[^>]*>/g)].map((m) => m[0]);
    const multi = SANDBOX_CLINICIANS.filter((c) => c.roles.length > 1);
    expect(radios).toHaveLength(multi.reduce((n, c) => n + c.roles.length, 0));
    expect(radios.filter((r) => r.includes(' checked'))).toHaveLength(multi.length);
    expect(html).toContain('Ward Manager Access Role, Riverside Hospitals NHS Trust (RX1)');
  });

  it("selects the role chosen, the usual one when none is, and refuses a role that is not the clinician's", () => {
    expect(selectRole(nurse, managerRole)).toBe(managerRole);
    expect(selectRole(nurse, null)).toBe(nurseRole);
    expect(selectRole(nurse, '555000000101')).toBeUndefined();
    expect(
      selectRole(
        SANDBOX_CLINICIANS.find((c) => c.id === 'no-role-patel')!,
        null,
      ),
    ).toBeNull();
  });
});

describe('Change role through the services and the sandbox', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ secretStore: 'memory' });
  });
  afterEach(() => harness.close());

  const backend = () => harness.services.session.backend;
  const view = () => harness.services.session.view();
  const complete = (clinician: string, role?: string) =>
    harness.control('POST', '/control/sign-in/complete', { clinician, ...(role === undefined ? {} : { role }) });
  const audit = async (event: string) =>
    ((await harness.control('GET', `/control/audit?event=${event}`)) as { lines: Record<string, unknown>[] }).lines;
  /** What CIS2's userinfo says about the access token the shell holds now. */
  const heldRole = async (): Promise<unknown> => {
    const token = await harness.services.signIn.tokens.getAccessToken();
    if (!token.ok) return null;
    const meta = await harness.services.signIn.providerMetadata();
    const response = await fetch(String((meta as { userinfo_endpoint?: string }).userinfo_endpoint), {
      headers: { authorization: `Bearer ${token.token}` },
    });
    return ((await response.json()) as Record<string, unknown>)['selected_roleid'];
  };
  const roleName = () => {
    const v = view();
    return 'clinician' in v ? v.clinician.roleName : null;
  };

  it('keeps the clinician working on the same note, and puts the new role in force: shown, held in the tokens, audited', async () => {
    await backend().signIn();
    await complete('nurse-adeyemi');
    expect(roleName()).toBe('Nurse Access Role');
    expect(await heldRole()).toBe(nurseRole);
    const draft = { id: 'note-1', patient: 'Jane Doe', text: 'Obs stable overnight.', updatedAt: 1 };
    expect((await backend().saveDraft(draft)).ok).toBe(true);
    const idTokenBefore = harness.services.signIn.tokens.currentIdToken();

    expect(await backend().changeRole()).toEqual({ ok: true, value: null });
    expect(view()).toMatchObject({ kind: 'active', signingInAgain: 'role-change' });
    // Still working while the role is chosen: the note can be saved and read.
    expect((await backend().saveDraft({ ...draft, text: 'Obs stable overnight. Rota next.' })).ok).toBe(true);
    await complete('nurse-adeyemi', managerRole);

    expect(view()).toMatchObject({
      kind: 'active',
      signingInAgain: null,
      clinician: { name: 'Grace Adeyemi', roleName: 'Ward Manager Access Role', canChangeRole: true },
    });
    expect(await backend().loadDrafts()).toEqual({
      ok: true,
      value: { drafts: [{ ...draft, text: 'Obs stable overnight. Rota next.' }] },
    });
    // The previous role's tokens are gone from the holder: what it holds now is the new role's.
    expect(harness.services.signIn.tokens.currentIdToken()).not.toBe(idTokenBefore);
    expect(await heldRole()).toBe(managerRole);
    expect(await audit('role.changed')).toEqual([
      expect.objectContaining({ subject: nurse.sub, fromRoleId: nurseRole, toRoleId: managerRole, outcome: 'success' }),
    ]);
    expect(await audit('session.locked')).toEqual([]);
  });

  it('a role change that does not finish leaves the role as it was, with words about the role', async () => {
    await backend().signIn();
    await complete('nurse-adeyemi');
    await backend().changeRole();
    await harness.control('POST', '/control/sign-in/deny');
    expect(view()).toMatchObject({
      kind: 'active',
      signingInAgain: null,
      clinician: { roleName: 'Nurse Access Role' },
    });
    const v = view();
    expect('notice' in v && v.notice?.message).toMatch(/role was not changed/);
    expect(await heldRole()).toBe(nurseRole);
    expect(await audit('role.changed')).toEqual([]);
  });

  it('is refused at the lock screen (Unlock asks which role there) and before sign-in', async () => {
    expect(await backend().changeRole()).toEqual({ ok: false, code: 'not-active' });
    await backend().signIn();
    await complete('nurse-adeyemi');
    await backend().lock();
    expect(await backend().changeRole()).toEqual({ ok: false, code: 'not-active' });
    expect(view()).toMatchObject({ kind: 'locked', reason: 'manual' });
  });
});
