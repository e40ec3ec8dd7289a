/**
 * Playwright fixtures: a fresh harness (real services, CIS2 sandbox, real renderer) per test,
 * a page opened on it, and small helpers that speak the control API.
 */
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startHarness } from '../harness/harness';
import type { Harness } from '../harness/harness';

export interface SessionSnapshot {
  view: { kind: string; reason?: string; secondsLeft?: number };
  status: string;
  reason: string | null;
  pendingSignIn: boolean;
  draftStorage: string;
  /** The harness's session clock. */
  now: { wall: number; mono: number };
}

export class Shell {
  constructor(
    readonly page: Page,
    readonly harness: Harness,
  ) {}

  session(): Promise<SessionSnapshot> {
    return this.harness.control('GET', '/control/session') as Promise<SessionSnapshot>;
  }
  advance(ms: number, asleep = false): Promise<SessionSnapshot> {
    return this.harness.control('POST', '/control/clock/advance', { ms, asleep }) as Promise<SessionSnapshot>;
  }
  os(event: string, body?: unknown): Promise<SessionSnapshot> {
    return this.harness.control('POST', `/control/os/${event}`, body ?? {}) as Promise<SessionSnapshot>;
  }
  completeSignIn(clinician: string): Promise<SessionSnapshot> {
    return this.harness.control('POST', '/control/sign-in/complete', { clinician }) as Promise<SessionSnapshot>;
  }

  async signInAs(clinician: string): Promise<void> {
    await this.page.getByTestId('sign-in').click();
    await expect(this.page.getByTestId('screen-signing-in')).toBeVisible();
    await this.completeSignIn(clinician);
    await expect(this.page.getByTestId('screen-workspace')).toBeVisible();
  }

  async writeNote(patient: string, text: string): Promise<void> {
    await this.page.getByTestId('draft-patient').fill(patient);
    await this.page.getByTestId('draft-text').fill(text);
    await expect(this.page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  }

  async unlockAs(clinician: string): Promise<void> {
    await this.page.getByTestId('unlock').click();
    await this.completeSignIn(clinician);
  }

  /** The whole DOM as text and attribute values, to prove what is (not) in it. */
  dom(): Promise<string> {
    return this.page.evaluate(() => {
      const values = [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value);
      return `${document.documentElement.outerHTML}\n${values.join('\n')}`;
    });
  }
}

export const test = base.extend<{ harness: Harness; shell: Shell }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern.
  harness: async ({}, use) => {
    const harness = await startHarness();
    await use(harness);
    await harness.close();
  },
  shell: async ({ page, harness }, use) => {
    await page.goto(harness.pageUrl);
    await expect(page.getByTestId('screen-signed-out')).toBeVisible();
    await use(new Shell(page, harness));
  },
});

export { expect };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
