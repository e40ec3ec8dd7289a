/**
 * The machine policy IT sets for a ward PC (docs/policy.md): read from the Windows registry,
 * a JSON file on Linux or managed preferences on macOS, checked against the catalogue, and
 * turned into the limits and settings the shell runs with.
 *
 * Nothing in a policy stops the shell. An unknown name or a bad value is reported by name and
 * ignored, so that setting keeps its safe default; a limit past the rules is clamped by
 * main/core/policy and reported. Cheap enough to call again at every unlock.
 */
import { acrValuesFor } from '../../core/assurance-minimum';
import { capAtRule, resolvePolicy } from '../../core/policy';
import type { PolicyClamp, SessionPolicy } from '../../core/policy';
import { isShellError } from '../../core/errors';
import { CIS2_ISSUERS, DEFAULT_OIDC_SETTINGS, resolveOidcSettings } from '../oidc';
import type { OidcSettings } from '../oidc';
import { CATALOGUE, isSettingName, SETTING_NAMES } from './catalogue';
import type { PolicySettings, SettingName } from './catalogue';
import { LINUX_POLICY_FILE, MACOS_POLICY_FILE, readFileBytes, readJsonSource, readPlistSource } from './file-source';
import type { ReadFile } from './file-source';
import { runFile } from '../../platform/programs';
import type { ExecFile } from '../../platform/programs';
import type { SignInBrowser } from '../../platform/browsers';
import { readRegistrySource } from './registry-source';
import { auditSinkSettings } from './logging-settings';
import { kindOf, shortName } from './source';
import type { PolicyProblem, SourceRead, SourceStatus } from './source';

export type { PolicyClamp } from '../../core/policy';
export type { PolicyProblem } from './source';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface MachinePolicy {
  /** Every place looked at, in precedence order, and whether it held a policy. */
  readonly sources: readonly { readonly source: string; readonly status: SourceStatus }[];
  /** Where each applied setting came from. */
  readonly applied: Readonly<Partial<Record<SettingName, string>>>;
  readonly session: SessionPolicy;
  readonly clamps: readonly PolicyClamp[];
  readonly problems: readonly PolicyProblem[];
  readonly draftRetentionMs: number;
  readonly kiosk: boolean;
  /** null: no usable sign-in environment; a shell cannot sign anyone in (it says so at start). */
  readonly oidc: OidcSettings | null;
  readonly logLevel: LogLevel;
  /** undefined: the audit log goes to the app's own folder. auditSinks: where it also goes. */
  readonly logFolder: string | undefined;
  readonly auditSinks: ReturnType<typeof auditSinkSettings>;
  /** The back-channel logout relay's address; undefined: none (logouts reach the shell only at the idle lock). */
  readonly relayUrl: string | undefined;
  /** LockOnCardRemoval (default on) and RequireSmartcard (default off): main/services/presence/smartcard*.ts. */
  readonly smartcard: { readonly lockOnCardRemoval: boolean; readonly requireSmartcard: boolean };
  /** OrganisationName: shown in the header on every screen; null: none set (or refused). */
  readonly organisationName: string | null;
  /** SignInBrowser: where the CIS2 sign-in page opens (main/adapters/system-browser.ts); default 'default'. */
  readonly signInBrowser: SignInBrowser;
}

export interface ReadPolicyOptions {
  readonly platform: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * An installed (packaged) shell ignores the development sandbox and CWS_POLICY_FILE. The
   * composition root passes the build constant (`__CWS_DEV__`, main/build-flags.d.ts), not
   * Electron's app.isPackaged; and a production bundle has none of those code paths anyway.
   */
  readonly packaged: boolean;
  readonly exec?: ExecFile;
  readonly readFile?: ReadFile;
}

export async function readMachinePolicy(options: ReadPolicyOptions): Promise<MachinePolicy> {
  return resolveMachinePolicy(await readSources(options), options);
}

/**
 * The policy read again while the shell runs (at each sign-in and unlock), with what it means for
 * the session: null keeps the limits in force. At start a source that cannot be read counts as
 * empty (the rules' defaults are safe); mid-shift the same failure (reg.exe timing out, a file
 * half-written) would silently replace IT's stricter limits with those defaults, so it keeps them.
 */
export async function rereadMachinePolicy(
  options: ReadPolicyOptions,
): Promise<{ policy: MachinePolicy; session: SessionPolicy | null }> {
  const policy = await readMachinePolicy(options);
  const complete = policy.sources.every((s) => s.status !== 'unreadable');
  // A bad value for a session setting reads as its default, which may be looser than the
  // value in force: keep the limits in force rather than loosen them by a typo.
  const sessionSettingRefused = policy.problems.some((p) => isSessionSetting(p.setting));
  return { policy, session: complete && !sessionSettingRefused ? policy.session : null };
}

/** The development relay `npm start` runs (loopback only); ignored by an installed shell. */
function sandboxRelay(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const url = typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__ ? env['CWS_SANDBOX_RELAY'] : undefined;
  return url !== undefined && /^http:\/\/127\.0\.0\.1:\d+$/.test(url) ? url : undefined;
}

function isSessionSetting(name: string): boolean {
  return isSettingName(name) && CATALOGUE[name].group === 'Session';
}

/** Where policy lives on this platform, highest precedence first. */
async function readSources(options: ReadPolicyOptions): Promise<SourceRead[]> {
  const readFile = options.readFile ?? readFileBytes;
  // Development and tests only: an installed shell reads nothing an ordinary user can point at.
  const override =
    (typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__) && !options.packaged
      ? options.env['CWS_POLICY_FILE']
      : undefined;
  if (override)
    return [
      override.endsWith('.plist')
        ? await readPlistSource(override, readFile)
        : await readJsonSource(override, readFile),
    ];
  if (options.platform === 'win32') {
    const exec = options.exec ?? runFile;
    return Promise.all([readRegistrySource('HKLM', exec), readRegistrySource('HKCU', exec)]);
  }
  if (options.platform === 'darwin') return [await readPlistSource(MACOS_POLICY_FILE, readFile)];
  return [await readJsonSource(LINUX_POLICY_FILE, readFile)];
}

/**
 * Checks each source against the catalogue and merges them: per setting, the highest source that
 * names it decides. A bad value there means the default, not a lower source's value: HKCU never
 * supplies a setting the machine policy meant to set.
 */
export function resolveMachinePolicy(
  reads: readonly SourceRead[],
  context: Pick<ReadPolicyOptions, 'platform' | 'env' | 'packaged'>,
): MachinePolicy {
  const problems: PolicyProblem[] = reads.flatMap((read) => read.problems);
  const settings: PolicySettings = {};
  const applied: Partial<Record<SettingName, string>> = {};
  const decided = new Set<SettingName>();
  for (const read of reads) {
    const { valid, named } = checkSource(read, context.platform, problems);
    for (const [name, value] of valid) {
      if (decided.has(name) || applied[name] !== undefined) continue;
      (settings as Record<string, unknown>)[name] = value;
      applied[name] = read.source;
    }
    for (const name of named) decided.add(name);
  }

  const { policy: session, clamps } = resolvePolicy({
    idleLimitSeconds: { AAL2: settings.IdleLimitAAL2Seconds, AAL3: settings.IdleLimitAAL3Seconds },
    absoluteLimitSeconds: settings.AbsoluteLimitSeconds,
    warningLeadSeconds: settings.WarningLeadSeconds,
    absoluteWarningLeadSeconds: settings.AbsoluteLimitWarningSeconds,
    onOsLock: settings.OnOsLock,
    onSleep: settings.OnSleep,
    onUserSwitch: settings.OnUserSwitch,
    unansweredRefreshLimitSeconds: settings.UnansweredRefreshLimitSeconds,
    activityCountedFrom: settings.ActivityCountedFrom,
  });
  const retention = capAtRule('DraftRetentionHours', settings.DraftRetentionHours ?? 12);
  const skew = capAtRule(
    'AuthTimeSkewSeconds',
    settings.AuthTimeSkewSeconds ?? DEFAULT_OIDC_SETTINGS.authTimeSkewSeconds,
  );
  for (const c of [retention.clamp, skew.clamp]) if (c) clamps.push(c);

  return {
    sources: reads.map(({ source, status }) => ({ source, status })),
    applied,
    session,
    clamps,
    problems,
    draftRetentionMs: retention.applied * 3_600_000,
    kiosk: settings.Kiosk ?? false,
    oidc: signInSettings(settings, applied, skew.applied, context, problems),
    logLevel: settings.LogLevel ?? 'info',
    logFolder: settings.LogFolder,
    auditSinks: auditSinkSettings(settings),
    // `npm start` runs the sandbox's relay beside it; an installed shell uses only IT's setting.
    relayUrl:
      settings.RelayUrl ??
      ((typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__) && !context.packaged
        ? sandboxRelay(context.env)
        : undefined),
    smartcard: {
      lockOnCardRemoval: settings.LockOnCardRemoval ?? true,
      requireSmartcard: settings.RequireSmartcard ?? false,
    },
    organisationName: settings.OrganisationName ?? null,
    signInBrowser: settings.SignInBrowser ?? 'default',
  };
}

/** The valid settings of one source, and every setting it names; everything else becomes a problem naming it. */
function checkSource(
  read: SourceRead,
  platform: string,
  problems: PolicyProblem[],
): { valid: [SettingName, unknown][]; named: SettingName[] } {
  const valid: [SettingName, unknown][] = [];
  const named: SettingName[] = [];
  const byLowerCase = new Map(SETTING_NAMES.map((n) => [n.toLowerCase(), n]));
  for (const [written, raw] of Object.entries(read.values)) {
    const near = byLowerCase.get(written.toLowerCase());
    const name = isSettingName(written) ? written : read.caseInsensitive ? near : undefined;
    const report = (reason: string): void =>
      void problems.push({ setting: shortName(written), source: read.source, reason });
    if (!name) {
      const hint = near
        ? ` Names are case-sensitive here: did you mean ${near}?`
        : ' Check the spelling against docs/policy.md.';
      report(`This is not a setting this version of the shell knows, so it is ignored.${hint}`);
      continue;
    }
    named.push(name);
    const spec = CATALOGUE[name];
    // Group Policy stores on/off as a REG_DWORD 1/0.
    const value = spec.admx.element === 'boolean' && (raw === 0 || raw === 1) ? raw === 1 : raw;
    const parsed = spec.schema.safeParse(value);
    const folderOk = name !== 'LogFolder' || !parsed.success || absoluteOn(platform, String(parsed.data));
    if (!parsed.success || !folderOk) {
      const expected = read.caseInsensitive ? `${spec.range}, as a ${spec.registry}` : spec.range;
      // The value itself is never repeated: the log keeps names only (a secret typed into the wrong field stays out).
      report(
        `Its value (${kindOf(raw)}) is not accepted (expected ${expected}), so it is ignored and the default applies; correct or remove it.`,
      );
      continue;
    }
    valid.push([name, parsed.data]);
  }
  return { valid, named };
}
function absoluteOn(platform: string, folder: string): boolean {
  return platform === 'win32' ? /^([A-Za-z]:\\|\\\\)/.test(folder) : folder.startsWith('/');
}

function signInSettings(
  s: PolicySettings,
  applied: Partial<Record<SettingName, string>>,
  authTimeSkewSeconds: number,
  context: Pick<ReadPolicyOptions, 'env' | 'packaged'>,
  problems: PolicyProblem[],
): OidcSettings | null {
  const sandboxIssuer =
    typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__ ? context.env['CWS_SANDBOX_ISSUER'] : undefined;
  // `npm start` runs the local CIS2 sandbox; with no Issuer set, a development build uses it.
  const issuer = s.Issuer ?? (!context.packaged && sandboxIssuer ? 'sandbox' : undefined);
  if (issuer === undefined) return null;
  // MinimumAssurance (default AAL3), and the acr_values that follow it unless AcrValues is set.
  const minimumAssurance = s.MinimumAssurance ?? CATALOGUE.MinimumAssurance.default;
  const assurance = { minimumAssurance, acrValues: s.AcrValues ?? acrValuesFor[minimumAssurance] };
  const source =
    applied.Issuer ?? (typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__ ? 'CWS_SANDBOX_ISSUER' : 'Issuer');
  const fail = (setting: string, reason: string): null => (problems.push({ setting, source, reason }), null);
  try {
    if (issuer === 'sandbox') {
      if (!(typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__) || context.packaged)
        return fail(
          'Issuer',
          'The sandbox issuer is for development only and an installed shell ignores it; set int, dep, live or your https issuer address.',
        );
      if (!sandboxIssuer)
        return fail(
          'Issuer',
          'The sandbox issuer needs the local sandbox that npm start runs; start the shell with npm start or set another issuer.',
        );
      const clientId = context.env['CWS_SANDBOX_CLIENT_ID'] ?? s.ClientId ?? 'clinical-workstation-shell';
      return resolveOidcSettings({
        issuer: sandboxIssuer,
        clientId,
        ...assurance,
        authTimeSkewSeconds,
        allowInsecureLoopbackIssuer: true,
      });
    }
    if (!s.ClientId)
      return fail(
        'ClientId',
        'Issuer is set but ClientId is not, so nobody can sign in; add the client id of your CIS2 registration.',
      );
    const privateKey = s.ClientAuthMethod === 'private_key_jwt';
    return resolveOidcSettings({
      issuer: issuer === 'int' || issuer === 'dep' || issuer === 'live' ? CIS2_ISSUERS[issuer] : issuer,
      clientId: s.ClientId,
      clientAuth: privateKey
        ? {
            method: 'private_key_jwt',
            keyringService: s.ClientKeyService ?? CATALOGUE.ClientKeyService.default,
            keyringAccount: s.ClientKeyAccount ?? CATALOGUE.ClientKeyAccount.default,
          }
        : { method: 'none' },
      ...assurance,
      ...(s.Scopes ? { scopes: s.Scopes } : {}),
      ...(s.TrustedAudiences ? { trustedAudiences: s.TrustedAudiences } : {}),
      ...(s.MaxAgeSeconds !== undefined ? { maxAge: s.MaxAgeSeconds } : {}),
      authTimeSkewSeconds,
    });
  } catch (error) {
    if (!isShellError(error)) throw error;
    return fail('Issuer', error.message);
  }
}
