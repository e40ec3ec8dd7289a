/**
 * Each screen a clinician meets passes axe (no serious or critical violations), works from
 * the keyboard alone, and is saved as a screenshot artifact (test-results/screenshots).
 */
import type { Page, TestInfo } from '@playwright/test';
import { MINUTE, expect, test } from './fixtures';
import { captureScreen } from './capture';

const check = (page: Page, testInfo: TestInfo, name: string): Promise<void> => captureScreen(page, testInfo, name);

test('sign-in, workspace, warning and lock screens pass axe and are captured', async ({ shell, page }, testInfo) => {
  await check(page, testInfo, 'sign-in');
  await shell.signInAs('dr-okafor');
  await shell.writeNote('Jane Doe', 'Reviewed on ward round.');
  await check(page, testInfo, 'workspace');
  await shell.advance(14 * MINUTE + 15_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await check(page, testInfo, 'warning');
  await shell.advance(MINUTE);
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await check(page, testInfo, 'lock');
});

test('a clinician with no role sees that no role is selected', async ({ shell, page }, testInfo) => {
  const clinicians = (await shell.harness.control('GET', '/control/clinicians')) as {
    clinicians: Array<{ id: string; roles: string[] }>;
  };
  const roleless = clinicians.clinicians.find((c) => c.roles.length === 0);
  expect(roleless, 'the sandbox has a clinician with no role').toBeDefined();
  await shell.signInAs(roleless!.id);
  await expect(page.getByTestId('no-role-note')).toBeVisible();
  await check(page, testInfo, 'workspace-no-role');
});

test('keyboard only: sign in, write, answer the warning, lock and unlock', async ({ shell, page }) => {
  // The sign-in screen's heading takes focus; Tab reaches the sign-in button.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('sign-in')).toBeFocused();
  await page.keyboard.press('Enter');
  await shell.completeSignIn('nurse-hughes');
  await expect(page.getByTestId('screen-workspace')).toBeVisible();

  await page.getByTestId('draft-patient').focus();
  await page.keyboard.type('Ann Lee');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('draft-text')).toBeFocused();
  await page.keyboard.type('Typed without a mouse.');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await shell.advance(29 * MINUTE + 10_000); // AAL2: 30-minute idle limit
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  // The warning takes no focus: the note keeps it, and any key answers the warning.
  await expect(page.getByTestId('draft-text')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('idle-warning')).toBeHidden();

  await shell.os('lock-screen');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  for (let i = 0; i < 5 && !(await page.getByTestId('unlock').evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(page.getByTestId('unlock')).toBeFocused();
  await page.keyboard.press('Enter');
  await shell.completeSignIn('nurse-hughes');
  await expect(page.getByTestId('draft-text')).toHaveValue('Typed without a mouse.');
});
