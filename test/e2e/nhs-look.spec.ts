/**
 * It looks and reads like an NHS service (issue 14 items 5 and 6): the NHS.UK header with the
 * service's name and the organisation on every screen (the workstation's from machine policy,
 * OrganisationName, the signed-in clinician's role organisation while they work), no focus
 * ring round a heading nobody asked to focus, axe with no serious violations, and a plain
 * "cannot be reached" when NHS Care Identity is down. Screenshots go to test-results/screenshots.
 */
import type { Page, TestInfo } from '@playwright/test';
import { startHarness } from '../harness/harness';
import { MINUTE, Shell, expect, test } from './fixtures';
import { captureScreen } from './capture';

const doctor = 'dr-okafor'; // role at Riverside Hospitals NHS Trust (RX1)

async function looksLikeNhs(page: Page, testInfo: TestInfo, name: string, organisation: string | null): Promise<void> {
  const header = page.getByTestId('nhs-header');
  await expect(header).toBeVisible();
  await expect(header.getByRole('img', { name: 'NHS' })).toBeVisible();
  await expect(page.getByTestId('header-service')).toHaveText('Ward workstation');
  if (organisation === null) await expect(page.getByTestId('header-organisation')).toHaveCount(0);
  else await expect(page.getByTestId('header-organisation')).toHaveText(organisation);
  await expect(page.getByRole('banner')).toHaveCount(1);
  await captureScreen(page, testInfo, `nhs-${name}`, { bestPractice: true });
}

/** The focused heading draws no ring: no outline and no box shadow. */
async function headingFocusedWithoutRing(page: Page): Promise<void> {
  const heading = page.locator('h1');
  await expect(heading).toBeFocused();
  const style = await heading.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle, shadow: s.boxShadow };
  });
  expect(style).toEqual({ outline: 'none', shadow: 'none' });
}

test('every screen has the NHS header, no focus ring on its heading, and passes axe', async ({
  shell,
  page,
  harness,
}, testInfo) => {
  // Seven screens, each through axe: on a loaded CI machine this takes most of the default minute.
  test.setTimeout(120_000);
  await headingFocusedWithoutRing(page);
  await looksLikeNhs(page, testInfo, 'sign-in', null);

  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('screen-signing-in')).toBeVisible();
  await headingFocusedWithoutRing(page);
  await looksLikeNhs(page, testInfo, 'signing-in', null);
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();
  await shell.writeNote('Jane Doe', 'Reviewed on ward round.');
  await looksLikeNhs(page, testInfo, 'workspace', 'Riverside Hospitals NHS Trust');

  await shell.advance(14 * MINUTE + 15_000);
  await expect(page.getByTestId('idle-warning')).toBeVisible();
  await looksLikeNhs(page, testInfo, 'warning', 'Riverside Hospitals NHS Trust');
  await shell.advance(MINUTE);
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await headingFocusedWithoutRing(page);
  await looksLikeNhs(page, testInfo, 'locked', 'Riverside Hospitals NHS Trust');

  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('continue-in-browser')).toBeVisible();
  await looksLikeNhs(page, testInfo, 'unlocking', 'Riverside Hospitals NHS Trust');
  await shell.completeSignIn(doctor);
  await expect(page.getByTestId('screen-workspace')).toBeVisible();

  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await headingFocusedWithoutRing(page);
  await looksLikeNhs(page, testInfo, 'ended', null);
  expect(harness).toBeDefined();
});

test("with OrganisationName set, the header names the workstation's organisation on every screen, and a signed-in clinician's role organisation while they work", async ({
  page,
}, testInfo) => {
  const ward = 'Northgate Community Health NHS Trust';
  const harness = await startHarness({ organisationName: ward });
  try {
    await page.goto(harness.pageUrl);
    await expect(page.getByTestId('screen-signed-out')).toBeVisible();
    const shell = new Shell(page, harness);
    await looksLikeNhs(page, testInfo, 'org-sign-in', ward);

    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('screen-signing-in')).toBeVisible();
    await looksLikeNhs(page, testInfo, 'org-signing-in', ward);
    await shell.completeSignIn(doctor);
    await expect(page.getByTestId('screen-workspace')).toBeVisible();
    // Who the clinician acts for, not who owns the PC.
    await expect(page.getByTestId('header-organisation')).toHaveText('Riverside Hospitals NHS Trust');
    await page.getByTestId('lock').click();
    await expect(page.getByTestId('screen-locked')).toBeVisible();
    await expect(page.getByTestId('header-organisation')).toHaveText('Riverside Hospitals NHS Trust');
    await shell.unlockAs(doctor);
    await expect(page.getByTestId('screen-workspace')).toBeVisible();

    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('screen-ended')).toBeVisible();
    await looksLikeNhs(page, testInfo, 'org-ended', ward);

    // A clinician whose sign-in carries no role (so no role organisation): the workstation's stays.
    await page.getByTestId('sign-in').click();
    await shell.completeSignIn('no-role-patel');
    await expect(page.getByTestId('screen-workspace')).toBeVisible();
    await expect(page.getByTestId('header-organisation')).toHaveText(ward);
  } finally {
    await harness.close();
  }
});

test('when NHS Care Identity cannot be reached, the shell says so and what to do, not that the page is open', async ({
  shell,
  page,
  harness,
}, testInfo) => {
  // Signed in once, so the sign-in service's address is known (cached) before the network goes.
  await shell.signInAs(doctor);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('screen-ended')).toBeVisible();
  await harness.sandbox.close();

  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('screen-signed-out')).toBeVisible();
  await expect(page.getByTestId('notice-title')).toHaveText('Cannot reach the sign-in service');
  await expect(page.getByTestId('notice')).toContainText(
    'This workstation could not reach NHS Care Identity. Check the network is connected, then try again. If it keeps happening, tell IT.',
  );
  await expect(page.getByText('is open in your web browser')).toHaveCount(0);
  await expect(page.getByTestId('continue-in-browser')).toHaveCount(0);
  await looksLikeNhs(page, testInfo, 'cannot-reach-sign-in', null);
});

test('an unlock with NHS Care Identity unreachable stays on the lock screen and says why', async ({
  shell,
  page,
  harness,
}, testInfo) => {
  await shell.signInAs(doctor);
  await page.getByTestId('lock').click();
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await harness.sandbox.close();

  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('notice-title')).toHaveText('Cannot reach the sign-in service');
  await expect(page.getByTestId('screen-locked')).toBeVisible();
  await expect(page.getByTestId('continue-in-browser')).toHaveCount(0);
  await expect(page.getByTestId('unlock')).toBeVisible();
  await looksLikeNhs(page, testInfo, 'cannot-reach-unlock', 'Riverside Hospitals NHS Trust');
});
