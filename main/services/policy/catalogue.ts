/**
 * The catalogue of every setting an admin may set: one zod schema per setting plus what an
 * admin needs to know about it. The readers validate against it, and the Group Policy
 * templates, the Linux and macOS examples and the table in docs/policy.md are generated from
 * it (npm run policy:templates), so a setting cannot exist in one place and not the others.
 *
 * Names are flat PascalCase and the same in the registry, JSON and plist, as Chrome's are.
 * Limits the rules cap (idle, absolute, retention, skew) accept any positive value here: a
 * value past the cap is clamped by main/core/policy and reported, not refused.
 */
import * as z from 'zod';
import {
  DEFAULT_ABSOLUTE_WARNING_LEAD_MS,
  DEFAULT_WARNING_LEAD_MS,
  MAX_ABSOLUTE_WARNING_LEAD_MS,
  RULE_CAPS,
  RULE_MAXIMA,
} from '../../core/policy';
import { DEFAULT_CLIENT_KEY_ACCOUNT, DEFAULT_CLIENT_KEY_SERVICE } from '../client-key/client-key-store';
import { DEFAULT_OIDC_SETTINGS } from '../oidc';
import { smartcardSettings } from '../presence/smartcard-settings';
import { workstationUrl } from '../relay-client/client';
import { workstationSettings } from './workstation-settings';

function isRelayAddress(value: string): boolean {
  try {
    workstationUrl(value);
    return true;
  } catch {
    return false;
  }
}

export type { AdmxElement, RegistryType, SettingGroup, SettingSpec } from './setting-spec';
import type { SettingSpec } from './setting-spec';

/** A REG_DWORD holds 0 to 2^32-1; larger JSON numbers are refused rather than wrapped. */
const DWORD_MAX = 0xffff_ffff;
const wholeSeconds = (min: number, max = DWORD_MAX) => z.int().min(min).max(max);
const text = (max: number) => z.string().trim().min(1).max(max);
const osAction = z.enum(['lock', 'end-session']);
const minutes = (ms: number) => `${ms / 1000} (${ms / 60_000} min)`;
const aal2Max = RULE_MAXIMA.idleLimitMs.AAL2 / 1000;
const aal3Max = RULE_MAXIMA.idleLimitMs.AAL3 / 1000;
const absoluteMax = RULE_MAXIMA.absoluteLimitMs / 1000;
/** The environments a ward PC may use. "sandbox" is for development and never suggested. */
export const ISSUER_CHOICES = ['int', 'dep', 'live'] as const;
/** RFC 6749 scope-token characters: printable ASCII except space, " and \. */
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, 'each scope must be one word of printable characters');
/** An absolute folder: C:\..., \\server\share\... or /... (the platform check is in machine-policy). */
const absoluteFolder = z
  .string()
  .max(260)
  .regex(/^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+|\/)/, 'must be an absolute folder path');

const osEvent = (when: string, example: 'lock' | 'end-session'): SettingSpec & { schema: typeof osAction } => ({
  group: 'Session',
  registry: 'REG_SZ',
  schema: osAction,
  admx: { element: 'enum', items: osAction.options },
  default: 'lock',
  range: 'lock, end-session',
  description: `What happens to the clinician's session ${when}: lock it, or end it (drafts are sealed for their owner).`,
  rule: 'Shared workstation: an OS event never leaves a session open; end-session is the stricter choice.',
  example,
});

export const CATALOGUE = {
  Issuer: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z.union([z.enum(['sandbox', ...ISSUER_CHOICES]), z.url({ protocol: /^https$/ }).max(500)]),
    admx: { element: 'text', maxLength: 500, suggestions: ISSUER_CHOICES },
    default: 'none (a packaged shell will not start without one)',
    range: 'int, dep, live, or an https address',
    description:
      'The CIS2 environment clinicians sign in to: int, dep, live, or the https issuer address of another OpenID Provider.',
    rule: 'CIS2 sign-in over https (RFC 9700); sandbox is development only and ignored by an installed shell.',
    example: 'live',
  },
  ClientId: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: 'none (required with Issuer)',
    range: '1 to 200 characters',
    description: 'The client id of your CIS2 registration.',
    rule: 'Your CIS2 client registration.',
    example: 'your-cis2-client-id',
  },
  RelayUrl: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z
      .string()
      .max(500)
      .refine(isRelayAddress, 'must be an https:// (or wss://) address; plain http only on 127.0.0.1'),
    admx: { element: 'text', maxLength: 500 },
    default: 'none (CIS2 logouts reach the workstation only at its idle lock)',
    range: 'an https address (wss also accepted)',
    description:
      "The trust's back-channel logout relay (docs/relay.md): while a clinician is signed in the shell listens there for CIS2 ending their session, and locks out at once.",
    rule: 'OpenID Connect Back-Channel Logout 1.0; CIS2 back-channel logout guidance.',
    example: 'https://cis2-logout-relay.trust.nhs.uk',
  },
  ClientAuthMethod: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: z.enum(['none', 'private_key_jwt']),
    admx: { element: 'enum', items: ['none', 'private_key_jwt'] },
    default: 'none',
    range: 'none, private_key_jwt',
    description:
      'How the shell authenticates to the token endpoint: none (public client with PKCE) or private_key_jwt (provision the key first).',
    rule: 'RFC 8252 native public client with PKCE; private_key_jwt as your CIS2 registration says.',
    example: 'none',
  },
  ClientKeyService: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: DEFAULT_CLIENT_KEY_SERVICE,
    range: '1 to 200 characters',
    description:
      'Names the private_key_jwt key: the machine-wide file provision-client-key writes is named from the service and account, and an older per-account copy in the OS credential store is found under this service name.',
    rule: 'RFC 8252 section 8.5: an installed app cannot keep a client secret; the key is machine-wide, administrators write it, users read it (docs/policy.md).',
    example: DEFAULT_CLIENT_KEY_SERVICE,
  },
  ClientKeyAccount: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: DEFAULT_CLIENT_KEY_ACCOUNT,
    range: '1 to 200 characters',
    description:
      'Names the private_key_jwt key: the machine-wide file provision-client-key writes is named from the service and account, and an older per-account copy in the OS credential store is found under this account name.',
    rule: 'RFC 8252 section 8.5: an installed app cannot keep a client secret; the key is machine-wide, administrators write it, users read it (docs/policy.md).',
    example: DEFAULT_CLIENT_KEY_ACCOUNT,
  },
  AcrValues: {
    group: 'SignIn',
    registry: 'REG_SZ',
    schema: text(200),
    admx: { element: 'text', maxLength: 200 },
    default: DEFAULT_OIDC_SETTINGS.acrValues,
    range: '1 to 200 characters',
    description: 'The acr_values sent to CIS2: the authentication assurance the sign-in must reach.',
    rule: 'CIS2 authentication assurance levels (acr_values).',
    example: DEFAULT_OIDC_SETTINGS.acrValues,
  },
  Scopes: {
    group: 'SignIn',
    registry: 'REG_MULTI_SZ',
    schema: z
      .array(scopeToken)
      .min(1)
      .max(20)
      .refine((s) => s.includes('openid'), 'the scopes must include openid'),
    admx: { element: 'list' },
    default: DEFAULT_OIDC_SETTINGS.scopes.join(' '),
    range: '1 to 20 scopes, including openid',
    description: 'The scopes the shell asks CIS2 for; openid is required.',
    rule: 'OpenID Connect Core: the openid scope is required.',
    example: DEFAULT_OIDC_SETTINGS.scopes,
  },
  MaxAgeSeconds: {
    group: 'SignIn',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0, absoluteMax),
    admx: { element: 'decimal', min: 0, max: absoluteMax },
    default: 'not sent',
    range: `0 to ${absoluteMax}`,
    description: 'Sent to CIS2 as max_age; 0 forces a fresh authentication (the shell sends prompt=login anyway).',
    rule: 'OpenID Connect Core max_age; CIS2 requires prompt=login on every sign-in.',
    example: 0,
  },
  AuthTimeSkewSeconds: {
    group: 'SignIn',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: RULE_CAPS.AuthTimeSkewSeconds },
    default: String(DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds),
    range: `0 to ${RULE_CAPS.AuthTimeSkewSeconds} (more is clamped to ${RULE_CAPS.AuthTimeSkewSeconds})`,
    description: "Allowed distance in seconds between CIS2's auth_time and the workstation clock.",
    rule: `CIS2 auth_time check: at most ${RULE_CAPS.AuthTimeSkewSeconds} s of clock skew.`,
    example: DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds,
  },
  IdleLimitAAL2Seconds: {
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: aal2Max },
    default: minutes(RULE_MAXIMA.idleLimitMs.AAL2),
    range: `1 to ${aal2Max} (more is clamped to ${aal2Max})`,
    description: 'Seconds of inactivity after which an AAL2 session locks.',
    rule: 'CIS2 idle table and NIST SP 800-63B: AAL2 at most 30 min.',
    example: 900,
  },
  IdleLimitAAL3Seconds: {
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: aal3Max },
    default: minutes(RULE_MAXIMA.idleLimitMs.AAL3),
    range: `1 to ${aal3Max} (more is clamped to ${aal3Max})`,
    description:
      'Seconds of inactivity after which an AAL3 (smartcard) session locks; unknown assurance counts as AAL3.',
    rule: 'CIS2 idle table: AAL3 at most 15 min.',
    example: 600,
  },
  AbsoluteLimitSeconds: {
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(1),
    admx: { element: 'decimal', min: 1, max: absoluteMax },
    default: `${absoluteMax} (12 h)`,
    range: `1 to ${absoluteMax} (more is clamped to ${absoluteMax})`,
    description:
      'Seconds from the last full sign-in after which the clinician must sign in again, whatever the activity.',
    rule: 'NIST SP 800-63B and CIS2: re-authenticate within 12 h.',
    example: absoluteMax,
  },
  WarningLeadSeconds: {
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: aal3Max - 1 },
    default: String(DEFAULT_WARNING_LEAD_MS / 1000),
    range: '0 (no warning) and up, below both idle limits (otherwise moved to half the shorter one)',
    description: 'Seconds before an idle lock that the countdown warning appears; 0 for none.',
    rule: 'Clinical workflow: warn before locking; the warning always comes before the lock.',
    example: 90,
  },
  AbsoluteLimitWarningSeconds: {
    group: 'Session',
    registry: 'REG_DWORD',
    schema: wholeSeconds(0),
    admx: { element: 'decimal', min: 0, max: MAX_ABSOLUTE_WARNING_LEAD_MS / 1000 },
    default: minutes(DEFAULT_ABSOLUTE_WARNING_LEAD_MS),
    range: `0 (no notice) to ${MAX_ABSOLUTE_WARNING_LEAD_MS / 1000} (more is clamped), below AbsoluteLimitSeconds (otherwise moved to half of it)`,
    description:
      'Seconds before the 12-hour sign-in limit that the clinician is told it is coming and offered to sign in again early; 0 for none.',
    rule: 'Clinical workflow: say before the sign-in limit, so nobody is stopped mid-sentence; signing in again early restarts the 12 hours.',
    example: 600,
  },
  OnOsLock: osEvent('when the OS screen is locked (Win+L)', 'lock'),
  OnSleep: osEvent('when the workstation sleeps or hibernates', 'lock'),
  OnUserSwitch: osEvent('on a fast user switch', 'end-session'),
  // LockOnCardRemoval (Session) and RequireSmartcard (SignIn): beside the smartcard source.
  ...smartcardSettings,
  // OrganisationName (Workstation): the header's organisation, beside its readable bounds.
  ...workstationSettings,
  Kiosk: {
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
  LogFolder: {
    group: 'Logging',
    registry: 'REG_SZ',
    schema: absoluteFolder,
    admx: { element: 'text', maxLength: 260 },
    default: "the app's own log folder",
    range: 'an absolute folder path',
    description:
      "Folder for the audit log; each Windows account writes its own subfolder, so let accounts create folders there but not change each other's.",
    rule: 'Audit log kept where IT collects it; it never holds tokens, codes or note text.',
    example: 'C:\\ProgramData\\Clinical Workstation Shell\\logs',
  },
  LogLevel: {
    group: 'Logging',
    registry: 'REG_SZ',
    schema: z.enum(['error', 'warn', 'info', 'debug']),
    admx: { element: 'enum', items: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    range: 'error, warn, info, debug',
    description: 'How much the audit log records.',
    rule: 'Audit log: every level keeps tokens, codes and note text out.',
    example: 'info',
  },
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
