/**
 * Every browser spec's screen check, written once: a screenshot saved as a test artifact
 * (test-results/screenshots/<name>.png) and attached to the report, then axe over the page with
 * no serious or critical violation allowed.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect } from './fixtures';

const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function captureScreen(
  page: Page,
  testInfo: TestInfo,
  name: string,
  options: { fullPage?: boolean; bestPractice?: boolean } = {},
): Promise<void> {
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  const results = await new AxeBuilder({ page })
    .withTags(options.bestPractice === true ? [...wcag, 'best-practice'] : wcag)
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}
