/**
 * The shape of one machine-policy setting in the catalogue (catalogue.ts): its zod schema plus
 * what an admin needs to know about it. Apart so that settings kept beside the source they
 * steer (the smartcard's) can be typed without importing the whole catalogue.
 */
import type * as z from 'zod';

export type RegistryType = 'REG_SZ' | 'REG_DWORD' | 'REG_MULTI_SZ';

/** How Group Policy shows and writes the setting (the ADMX element). */
export type AdmxElement =
  | { readonly element: 'decimal'; readonly min: number; readonly max: number }
  | { readonly element: 'enum'; readonly items: readonly string[] }
  | { readonly element: 'text'; readonly maxLength: number; readonly suggestions?: readonly string[] }
  | { readonly element: 'list' }
  | { readonly element: 'boolean' };

export type SettingGroup = 'SignIn' | 'Session' | 'Workstation' | 'Logging';

export interface SettingSpec {
  readonly group: SettingGroup;
  readonly registry: RegistryType;
  readonly schema: z.ZodType;
  readonly admx: AdmxElement;
  /** For admins: the default and the accepted range, in words. */
  readonly default: string;
  readonly range: string;
  /** One line for the admin: what the setting does. */
  readonly description: string;
  /** The rule the setting comes from or is bounded by. */
  readonly rule: string;
  /** A value for the generated examples. */
  readonly example: string | number | boolean | readonly string[];
}
