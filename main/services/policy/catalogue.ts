/**
 * The catalogue of every setting an admin may set: one zod schema per setting plus what an
 * admin needs to know about it. The readers validate against it, and the Group Policy
 * templates, the Linux and macOS examples and the table in docs/policy.md are generated from
 * it (npm run policy:templates), so a setting cannot exist in one place and not the others.
 *
 * Names are flat PascalCase and the same in the registry, JSON and plist, as Chrome's are.
 * Limits the rules cap (idle, absolute, retention, skew) accept any positive value here: a
 * value past the cap is clamped by main/core/policy and reported, not refused.
 *
 * Each group of settings is kept in its own file (sign-in-settings.ts, session-settings.ts,
 * workstation-settings.ts, logging-settings.ts; the smartcard's beside its source), each entry
 * a SettingSpec (setting-spec.ts), display name included, so the compiler asks for all of it.
 */
import * as z from 'zod';
import { smartcardSettings } from '../presence/smartcard-settings';
import { loggingSettings } from './logging-settings';
import { sessionSettings } from './session-settings';
import type { SettingSpec } from './setting-spec';
import { signInSettings } from './sign-in-settings';
import { workstationSettings } from './workstation-settings';

export type { AdmxElement, RegistryType, SettingGroup, SettingSpec } from './setting-spec';
export { ISSUER_CHOICES } from './sign-in-settings';

/** Every setting, in the order the templates and docs/policy.md list them. */
export const CATALOGUE = {
  // Issuer to AuthTimeSkewSeconds (SignIn).
  ...signInSettings,
  // IdleLimitAAL2Seconds to OnUserSwitch (Session).
  ...sessionSettings,
  // LockOnCardRemoval (Session) and RequireSmartcard (SignIn): beside the smartcard source.
  ...smartcardSettings,
  // OrganisationName, Kiosk and DraftRetentionHours (Workstation).
  ...workstationSettings,
  // LogFolder and LogLevel (Logging).
  ...loggingSettings,
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof CATALOGUE;
export const SETTING_NAMES = Object.keys(CATALOGUE) as SettingName[];

/** The valid value of each setting, as the readers hand it on once checked. */
export type PolicySettings = { -readonly [K in SettingName]?: z.infer<(typeof CATALOGUE)[K]['schema']> };

/** The whole catalogue as one schema (used to check the generated examples). */
export const MachinePolicySchema = z.strictObject(
  Object.fromEntries(SETTING_NAMES.map((name) => [name, CATALOGUE[name].schema.optional()])) as {
    [K in SettingName]: z.ZodOptional<(typeof CATALOGUE)[K]['schema']>;
  },
);

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(CATALOGUE, name);
}
