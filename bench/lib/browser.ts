/** Debian's Chromium, launched the way the end-to-end tests launch it. */
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { chromiumArgs } from '../../test/e2e/playwright.config';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}
