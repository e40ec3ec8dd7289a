/**
 * The test-environment banner in a real page (issue 25): the harness signs in against the CIS2
 * sandbox, an environment that is not Live, so every screen a clinician meets shows it: under the
 * header, in words, not covering or covered by anything, whole at 1280×800, 1024×600 and 1280×800
 * at 200 % zoom, and every screen still passes axe. That Live shows none, and the words for INT
 * and DEP, are in test/renderer/environment-banner.test.tsx.
 */
import type { Page, TestInfo } from '@playwright/test';
import { captureScreen } from './capture';
import { MINUTE, expect, test } from './fixtures';

const doctor = 'dr-okafor'; // AAL3: 15-minute idle limit, warning 60 s before

/** The banner is on screen whole: inside the viewport's width, not clipped, overlapping neither the header nor the screen. */
async function bannerWhole(page: Page, width: number): Promise<void> {
  const banner = page.getByTestId('environment-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-environment', 'sandbox');
  await expect(page.getByRole('region', { name: 'Sign-in service' })).toBeVisible();
  await expect(banner.locator('.nhsuk-tag')).toHaveText('Development');
  await expect(banner).toContainText('Do not use it for real patients.');
  const box = await banner.boundingBox();
  const header = await page.getByTestId('nhs-header').boundingBox();
  const main = await page.locator('#main').boundingBox();
  expect(box).not.toBeNull();
  if (box === null || header === null || main === null) return;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  expect(box.y).toBeGreaterThanOrEqual(header.y + header.height - 0.5);
  expect(main.y).toBeGreaterThanOrEqual(box.y + box.height - 0.5);
  // Nothing in it is cut off: its text wraps inside it rather than overflowing or being hidden.
  const clipped = await banner.evaluate((el) => {
    const parts = [el, ...el.querySelectorAll('*')] as HTMLElement[];
    return parts.some((p) => p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1);
  });
  expect(clipped).toBe(false);
  // And the page itself does not scroll sideways for it.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  // Nothing is drawn over it: the middle of its sentence is the banner's own.
  const text = await banner.locator('.shell-phase-banner__text').boundingBox();
  if (text !== null) {
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x ?? 0, y ?? 0)?.closest('[data-testid="environment-banner"]') !== null,
      [text.x + text.width / 2, text.y + Math.min(text.height / 2, 8)],
    );
    expect(onTop).toBe(true);
  }
}

for (const size of [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1024x600', width: 1024, height: 600 },
  // 1280x800 at 200 % zoom: the page lays out in 640x400 CSS pixels.
  { name: '1280x800-at-200', width: 640, height: 400 },
]) {
  test(`off Live, every screen shows the environment banner whole, and passes axe (${size.name})`, async ({
    shell,
    page,
  }, testInfo: TestInfo) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    const check = async (screen: string): Promise<void> => {
      await bannerWhole(page, size.width);
      await captureScreen(page, testInfo, `environment-${screen}-${size.name}`);
    };
    await check('sign-in');
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('screen-signing-in')).toBeVisible();
    await check('signing-in');
    await shell.completeSignIn(doctor);
    await expect(page.getByTestId('screen-workspace')).toBeVisible();
    await check('workspace');
    await shell.advance(14 * MINUTE + 5_000);
    await expect(page.getByTestId('idle-warning')).toBeVisible();
    await check('warning');
    // The lock screen by an OS lock, not by the idle minute running out: measuring the banner
    // (scrolling it into view, a screenshot) can reach the services as activity and restart the
    // idle clock, which made the idle lock come late here on a loaded machine. The idle path
    // itself is session.spec.ts's.
    await shell.os('lock-screen');
    await expect(page.getByTestId('screen-locked')).toBeVisible();
    await check('lock');
  });
}
