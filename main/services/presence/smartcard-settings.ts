/**
 * The smartcard's machine-policy settings, in the catalogue (main/services/policy/catalogue.ts
 * spreads them in, so the readers, the templates and docs/policy.md have them like any other).
 * Kept beside the smartcard source they steer.
 */
import * as z from 'zod';
import type { SettingSpec } from '../policy/setting-spec';

export const smartcardSettings = {
  LockOnCardRemoval: {
    displayName: 'Lock when the smartcard is removed',
    group: 'Session',
    registry: 'REG_DWORD',
    schema: z.boolean(),
    admx: { element: 'boolean' },
    default: 'on (1) where a smartcard reader exists',
    range: 'on (1), off (0)',
    description:
      "Lock the clinician's session the moment their smartcard leaves the reader; the reader unplugged or the smartcard service stopping with the card in locks too. Off: the card is still watched, only to tell the lock screen it is in.",
    rule: 'CIS2 smartcard use: removing the card ends access (as Identity Agent locks the desktop); fail closed when the card cannot be seen.',
    example: true,
  },
  RequireSmartcard: {
    displayName: 'Require a smartcard to sign in',
    group: 'SignIn',
    registry: 'REG_DWORD',
    schema: z.boolean(),
    admx: { element: 'boolean' },
    default: 'off (0)',
    range: 'on (1), off (0)',
    description:
      'A sign-in or unlock cannot start unless a smartcard is in a reader of this workstation; the clinician is asked to insert it.',
    rule: 'Trust policy for AAL3 (smartcard) wards: the card is the clinician’s presence at the workstation.',
    example: false,
  },
} as const satisfies Record<string, SettingSpec>;
