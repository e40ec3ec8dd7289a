/**
 * The shape of one machine-policy setting in the catalogue (catalogue.ts): its zod schema plus
 * what an admin needs to know about it, and the value bounds the groups of settings share.
 * Apart so that settings kept beside the source they steer (the smartcard's) can be typed
 * without importing the whole catalogue.
 */
import * as z from 'zod';

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
  /**
   * What Group Policy Management Editor shows for the setting: a readable name, as Chrome's and
   * Edge's templates do ("Idle lock for smartcard sessions (seconds)", not IdleLimitAAL3Seconds).
   * The registry value, JSON key and plist key stay the catalogue's name; the name is also shown
   * beside the value box, so an admin can match the two.
   */
  readonly displayName: string;
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

/** A REG_DWORD holds 0 to 2^32-1; larger JSON numbers are refused rather than wrapped. */
export const DWORD_MAX = 0xffff_ffff;
export const wholeSeconds = (min: number, max = DWORD_MAX) => z.int().min(min).max(max);
