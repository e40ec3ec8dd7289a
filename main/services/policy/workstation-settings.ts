/**
 * Settings about the ward PC itself (Workstation group): the organisation the clinician sees in
 * the header, kiosk mode, how long a sealed draft waits for its owner, and which browser window
 * the CIS2 sign-in page opens in. In the catalogue
 * (catalogue.ts spreads them in, so the readers, the templates and docs/policy.md have them like
 * any other).
 */
import * as z from 'zod';
import { RULE_CAPS } from '../../core/policy';
import { privateBrowsers } from '../../platform/browsers';
import { DWORD_MAX } from './setting-spec';
import type { SettingSpec } from './setting-spec';

/** The longest organisation name the header shows (the contract's WorkstationSchema has the same bound). */
export const ORGANISATION_NAME_MAX = 100;

/**
 * Shown as text in the header: trimmed, one line, no control characters (a tab, a newline or an
 * escape sequence pasted into the Group Policy box would otherwise reach the screen).
 */
const organisationName = z
  .string()
  .trim()
  .min(1)
  .max(ORGANISATION_NAME_MAX)
  .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]+$/u, 'must be one line of text without control characters');

/** SignInBrowser's values: the default browser, or a private window of a named one (main/platform/browsers.ts). */
const signInBrowser = z.enum(['default', ...privateBrowsers]);

export const workstationSettings = {
  OrganisationName: {
    displayName: 'Organisation shown in the NHS header',
    group: 'Workstation',
    registry: 'REG_SZ',
    schema: organisationName,
    admx: { element: 'text', maxLength: ORGANISATION_NAME_MAX },
    default: 'none (the header shows the organisation only while a clinician is signed in)',
    range: `1 to ${ORGANISATION_NAME_MAX} characters, one line, no control characters`,
    description:
      "The organisation this workstation belongs to, shown in the NHS header on every screen, signed out included. While a clinician is signed in the header shows their role's organisation instead, since that is who they act for. Read when the shell starts.",
    rule: 'NHS digital service manual, header component: the organisation name beside the NHS logo.',
    example: 'Riverside Hospitals NHS Trust',
  },
  Kiosk: {
    displayName: 'Kiosk mode (full screen, no window controls; Alt+Tab still works)',
    group: 'Workstation',
    registry: 'REG_DWORD',
    schema: z.boolean(),
    admx: { element: 'boolean' },
    default: 'off (0)',
    range: 'on (1), off (0)',
    description: 'Full-screen kiosk window: no menu, no developer tools, no way to navigate away.',
    rule: 'Shared ward workstation hardening.',
    example: true,
  },
  DraftRetentionHours: {
    displayName: 'Keep unfinished notes for (hours)',
    group: 'Workstation',
    registry: 'REG_DWORD',
    schema: z.int().min(1).max(DWORD_MAX),
    admx: { element: 'decimal', min: 1, max: RULE_CAPS.DraftRetentionHours },
    default: String(RULE_CAPS.DraftRetentionHours),
    range: `1 to ${RULE_CAPS.DraftRetentionHours} (more is clamped to ${RULE_CAPS.DraftRetentionHours})`,
    description: 'Hours a sealed draft waits for its owner before it is crypto-shredded.',
    rule: 'Draft custody: a sealed draft never outlives the 12 h session limit.',
    example: 8,
  },
  SignInBrowser: {
    displayName: 'Browser window for the CIS2 sign-in page',
    group: 'Workstation',
    registry: 'REG_SZ',
    schema: signInBrowser,
    admx: { element: 'enum', items: signInBrowser.options },
    default: 'default',
    range: signInBrowser.options.join(', '),
    description:
      "Where the CIS2 sign-in page opens: default, the PC's default browser in its normal profile (the CIS2 session stays there after the shell's Sign out, up to 12 h); or a private window, whose CIS2 session ends when the last private window is closed: edge-inprivate (Microsoft Edge), chrome-incognito (Google Chrome), firefox-private (Firefox), chromium-incognito (Chromium, Linux and macOS only). A private browser is used only from its standard install folder; if it is not there, sign-in fails and says so (never the default browser instead). Read when the shell starts.",
    rule: 'CIS2 has no single logout; on a shared OS account no CIS2 session cookie should outlive the sign-in (docs/deploy.md, "The CIS2 session in the browser").',
    example: 'edge-inprivate',
  },
} as const satisfies Record<string, SettingSpec>;
