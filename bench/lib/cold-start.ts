/**
 * Cold start: from calling startHarness() to the "Sign in" button visible and enabled in a
 * page opened on it. startHarness() builds the real main-process services, and also does
 * work the packaged app does not (bundles the harness's WebSocket client with esbuild and
 * starts the CIS2 sandbox, which generates its RSA signing key), so the figure overstates
 * the app's own start.
 *
 * Two variants: with Chromium already running (the headline: a new browser context and page
 * per run), and with Chromium's launch inside the timing. The very first run in the process
 * also imports the harness and services modules; it is reported on its own.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { summarise } from './stats';
import type { Summary } from './stats';

export interface ColdStartOptions {
  readonly runs: number;
  readonly rendererDir: string;
  /** Chromium already running, for the variant that does not time its launch. */
  readonly browser: Browser;
}

export interface ColdStartResult {
  readonly runs: number;
  /** First run in this process: includes importing the harness and services modules. */
  readonly firstRunMs: number;
  /** Browser already running: startHarness() → sign-in button visible and enabled. */
  readonly warmBrowserMs: Summary;
  /** The part of warmBrowserMs spent in startHarness(). */
  readonly startHarnessMs: Summary;
  /** Chromium launch included. */
  readonly withLaunchMs: Summary;
  readonly secretStore: string;
}

async function signInReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(
    () => {
      const button = document.querySelector('[data-testid="sign-in"]');
      return button instanceof HTMLButtonElement && !button.disabled && button.checkVisibility();
    },
    undefined,
    { polling: 'raf', timeout: 15_000 },
  );
}

interface OneStart {
  readonly totalMs: number;
  readonly harnessMs: number;
  readonly secretStore: string;
}

async function startOnce(rendererDir: string, browser: Browser | null): Promise<OneStart> {
  const t0 = performance.now();
  // Cached after the first call; on the first, the import is part of the start.
  const { startHarness } = await import('../../test/harness/harness');
  const harness = await startHarness({ rendererDir });
  const harnessMs = performance.now() - t0;
  const ownBrowser = browser ?? (await launchChromium());
  try {
    const context = await ownBrowser.newContext();
    const page = await context.newPage();
    await signInReady(page, harness.pageUrl);
    const totalMs = performance.now() - t0;
    await context.close();
    return { totalMs, harnessMs, secretStore: harness.secretStoreKind };
  } finally {
    if (!browser) await ownBrowser.close();
    await harness.close();
  }
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const first = await startOnce(options.rendererDir, options.browser);
  const warm: OneStart[] = [];
  const launched: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    warm.push(await startOnce(options.rendererDir, options.browser));
    launched.push((await startOnce(options.rendererDir, null)).totalMs);
  }
  return {
    runs: options.runs,
    firstRunMs: first.totalMs,
    warmBrowserMs: summarise(warm.map((s) => s.totalMs)),
    startHarnessMs: summarise(warm.map((s) => s.harnessMs)),
    withLaunchMs: summarise(launched),
    secretStore: first.secretStore,
  };
}
