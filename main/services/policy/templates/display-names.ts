/**
 * What Group Policy Management Editor shows for each setting: a readable name, as Chrome's and
 * Edge's templates do ("Idle lock for smartcard sessions (seconds)", not IdleLimitAAL3Seconds).
 * The registry value, JSON key and plist key stay the catalogue's name; the name is also shown
 * beside the value box, so an admin can match the two.
 *
 * Keyed by string rather than by SettingName so a setting added beside its own source (the
 * smartcard settings) can have its name here before or after it lands in the catalogue;
 * test/packaging/policy-display-names.test.ts fails for any setting without one.
 */
export const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  Issuer: 'NHS Care Identity environment (issuer)',
  ClientId: 'Client ID of your CIS2 registration',
  RelayUrl: 'Back-channel logout relay address',
  ClientAuthMethod: 'How the shell authenticates to CIS2',
  ClientKeyService: 'Client key: service name',
  ClientKeyAccount: 'Client key: account name',
  AcrValues: 'Authentication assurance requested (acr_values)',
  Scopes: 'Scopes requested from CIS2',
  MaxAgeSeconds: 'Maximum age of a CIS2 sign-in (max_age, seconds)',
  AuthTimeSkewSeconds: 'Allowed clock difference with CIS2 (seconds)',
  IdleLimitAAL2Seconds: 'Idle lock for AAL2 sessions (seconds)',
  IdleLimitAAL3Seconds: 'Idle lock for smartcard (AAL3) sessions (seconds)',
  AbsoluteLimitSeconds: 'Sign in again after (seconds, at most 12 hours)',
  WarningLeadSeconds: 'Warning before the idle lock (seconds)',
  AbsoluteLimitWarningSeconds: 'Notice before the 12-hour sign-in limit (seconds)',
  OnOsLock: 'When Windows is locked',
  OnSleep: 'When the workstation sleeps',
  OnUserSwitch: 'When the Windows user is switched',
  LockOnCardRemoval: 'Lock when the smartcard is removed',
  RequireSmartcard: 'Require a smartcard to sign in',
  OrganisationName: 'Organisation shown in the NHS header',
  Kiosk: 'Kiosk mode (full screen, no way out)',
  DraftRetentionHours: 'Keep unfinished notes for (hours)',
  LogFolder: 'Audit log folder',
  LogLevel: 'Audit log detail',
};

/** The setting's readable name; its own name when it has none yet (the test says which). */
export function displayNameOf(name: string): string {
  return DISPLAY_NAMES[name] ?? name;
}
