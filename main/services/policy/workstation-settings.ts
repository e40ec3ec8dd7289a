/**
 * Settings about the ward PC itself that the clinician sees, in the catalogue (catalogue.ts
 * spreads them in, so the readers, the templates and docs/policy.md have them like any other).
 * Apart to keep the catalogue small enough to read.
 */
import * as z from 'zod';
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

export const workstationSettings = {
  OrganisationName: {
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
} as const satisfies Record<string, SettingSpec>;
