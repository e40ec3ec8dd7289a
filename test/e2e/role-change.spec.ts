/**
 * Role change end to end: a clinician with two CIS2 roles changes role mid-note through the
 * sandbox's own sign-in page in a real browser tab (the system browser), and comes back to the
 * same note in the new role; the audit log records both role ids. Also: a cancelled change, a
 * different person at the sign-in page, and what a clinician without a role is told.
 */
import type { Page, TestInfo } from '@playwright/test';
import { SANDBOX_CLINICIANS } from '../../sandbox/clinicians';
import { expect, test } from './fixtures';
import { captureScreen } from './capture';
import type { Shell } from './fixtures';

const nurse = SANDBOX_CLINICIANS.find((c) => c.id === 'nurse-adeyemi');
if (nurse === undefined) throw new Error('the sandbox has no nurse-adeyemi');
const [nurseRole, managerRole] = nurse.roles;
if (nurseRole === undefined || managerRole === undefined) throw new Error('nurse-adeyemi should hold two roles');

type AuditLine = {
  event: string;
  subject?: string;
  fromRoleId?: string | null;
  toRoleId?: string | null;
  purpose?: string;
};

async function auditLines(shell: Shell, event: string): Promise<AuditLine[]> {
  const { lines } = (await shell.harness.control('GET', `/control/audit?event=${encodeURIComponent(event)}`)) as {
    lines: AuditLine[];
  };
  return lines;
}

const capture = (page: Page, testInfo: TestInfo, name: string): Promise<void> => captureScreen(page, testInfo, name);

/** The page the shell opened in the system browser, opened in a real tab of the same browser. */
async function openSystemBrowserPage(shell: Shell): Promise<Page> {
  const { url } = (await shell.harness.control('POST', '/control/sign-in/page')) as { url: string };
  const tab = await shell.page.context().newPage();
  await tab.goto(url);
  return tab;
}

test('a clinician with two roles changes role mid-note and comes back to the same note in the new role', async ({
  shell,
  page,
}, testInfo) => {
  await shell.signInAs('nurse-adeyemi');
  await expect(page.getByTestId('clinician-role')).toContainText('Nurse Access Role');
  const note = 'Obs stable overnight. Plan: rota for tomorrow — check bank cover.';
  await shell.writeNote('Jane Doe 943 476 5919', note);

  await page.getByTestId('change-role').click();
  await expect(page.getByTestId('role-change-status')).toBeVisible();
  // The workspace stays usable while the role is chosen: the note is still there and still editable.
  await expect(page.getByTestId('draft-text')).toHaveValue(note);
  await expect(page.getByTestId('change-role')).toBeDisabled();
  await capture(page, testInfo, 'role-change-choosing');

  // CIS2's page (the sandbox's) in the clinician's browser: she picks her other role there.
  const tab = await openSystemBrowserPage(shell);
  const form = tab.locator('form', { has: tab.getByRole('button', { name: 'Sign in as Grace Adeyemi' }) });
  await expect(form.getByRole('radio')).toHaveCount(2);
  await expect(form.getByRole('radio', { name: /Nurse Access Role/ })).toBeChecked();
  await tab.screenshot({ path: 'test-results/screenshots/role-change-sandbox-picker.png', fullPage: true });
  await form.getByRole('radio', { name: /Ward Manager Access Role/ }).check();
  await form.getByRole('button', { name: 'Sign in as Grace Adeyemi' }).click();

  // Back in the shell: the new role is shown, the same note is there, nothing was locked.
  await expect(page.getByTestId('clinician-role')).toContainText('Ward Manager Access Role');
  await tab.close();
  await expect(page.getByTestId('role-change-status')).toBeHidden();
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await expect(page.getByTestId('draft-patient')).toHaveValue('Jane Doe 943 476 5919');
  await expect(page.getByTestId('draft-text')).toHaveValue(note);
  expect(await auditLines(shell, 'session.locked')).toEqual([]);
  await capture(page, testInfo, 'role-change-done');

  const changed = await auditLines(shell, 'role.changed');
  expect(changed).toHaveLength(1);
  expect(changed[0]).toMatchObject({
    subject: nurse.sub,
    fromRoleId: nurseRole.person_roleid,
    toRoleId: managerRole.person_roleid,
  });
  expect(await auditLines(shell, 'session.renewed')).toEqual([
    expect.objectContaining({ subject: nurse.sub, purpose: 'role-change' }),
  ]);

  // The note typed after the change is still hers: lock, unlock, and it is there.
  await page.getByTestId('draft-text').fill(`${note}\nAdded as ward manager.`);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await shell.unlockAs('nurse-adeyemi');
  await expect(page.getByTestId('draft-text')).toHaveValue(`${note}\nAdded as ward manager.`);
});

test('cancelling a role change keeps the clinician working in the role they had', async ({ shell, page }) => {
  await shell.signInAs('nurse-adeyemi');
  await shell.writeNote('John Smith', 'Wound dressing changed.');
  await page.getByTestId('change-role').click();
  await expect(page.getByTestId('role-change-status')).toBeVisible();
  await page.getByTestId('cancel-role-change').click();
  await expect(page.getByTestId('role-change-status')).toBeHidden();
  await expect(page.getByTestId('clinician-role')).toContainText('Nurse Access Role');
  await expect(page.getByTestId('draft-text')).toHaveValue('Wound dressing changed.');
  await expect(page.getByTestId('change-role')).toBeEnabled();
  expect((await shell.session()).status).toBe('active');
  expect(await auditLines(shell, 'role.changed')).toEqual([]);
});

test('someone else signing in at the role change changes nothing: the session, role and note stay the clinician’s', async ({
  shell,
  page,
}) => {
  await shell.signInAs('nurse-adeyemi');
  await shell.writeNote('John Smith', 'Obs due at 16:00.');
  await page.getByTestId('change-role').click();
  await shell.completeSignIn('dr-okafor');
  await expect(page.getByTestId('clinician-name')).toContainText('Grace Adeyemi');
  await expect(page.getByTestId('clinician-role')).toContainText('Nurse Access Role');
  await expect(page.getByTestId('draft-text')).toHaveValue('Obs due at 16:00.');
  expect(await shell.dom()).not.toContain('Okafor');
  expect(await auditLines(shell, 'role.changed')).toEqual([]);
});

test('the role chosen at an unlock is the role in force, and is recorded as a change', async ({ shell, page }) => {
  await shell.signInAs('nurse-adeyemi');
  await page.getByTestId('lock').click();
  await page.getByTestId('unlock').click();
  await shell.harness.control('POST', '/control/sign-in/complete', {
    clinician: 'nurse-adeyemi',
    role: managerRole.person_roleid,
  });
  await expect(page.getByTestId('clinician-role')).toContainText('Ward Manager Access Role');
  expect(await auditLines(shell, 'role.changed')).toEqual([
    expect.objectContaining({ fromRoleId: nurseRole.person_roleid, toRoleId: managerRole.person_roleid }),
  ]);
});

test('Change role is offered only to a clinician with another role; one with no role is told what to do', async ({
  shell,
  page,
}, testInfo) => {
  await shell.signInAs('nurse-hughes');
  await expect(page.getByTestId('clinician-role')).toContainText('Nurse Access Role');
  await expect(page.getByTestId('change-role')).toHaveCount(0);
  await expect(page.getByTestId('no-role-note')).toHaveCount(0);
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').click();
  await shell.completeSignIn('no-role-patel');
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await expect(page.getByTestId('no-role-note')).toHaveAttribute('data-standing', 'no-roles');
  await expect(page.getByTestId('no-role-note')).toContainText('Ask your Registration Authority to add one');
  await capture(page, testInfo, 'no-role');
  await expect(page.getByTestId('change-role')).toHaveCount(0);
});
