/**
 * The machine policy IT deploys with the MSI: one JSON file per workstation, writable only
 * by administrators (see docs/policy.md). It can shorten session limits, choose the stricter
 * reaction to OS events, turn on kiosk mode, and point the shell at a CIS2 environment.
 *
 * Parsing is strict: an unknown field or a wrong type is an error that names the field, so a
 * typo never silently leaves a ward PC on a longer limit than IT meant. Limits above the rules
 * are not errors: they are clamped by main/core/policy and each clamp is reported.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { ShellError } from '../../core/errors';
import { resolvePolicy } from '../../core/policy';
import type { PolicyClamp, SessionPolicy } from '../../core/policy';
import { DEFAULT_CLIENT_KEY_ACCOUNT, DEFAULT_CLIENT_KEY_SERVICE } from '../client-key/client-key-store';
import { CIS2_ISSUERS, resolveOidcSettings } from '../oidc';
import type { OidcSettings } from '../oidc';

const OsAction = z.enum(['lock', 'end-session']);
const Seconds = z.number().finite();

export const MachinePolicySchema = z.strictObject({
  session: z
    .strictObject({
      idleLimitSeconds: z.strictObject({ AAL2: Seconds.optional(), AAL3: Seconds.optional() }).optional(),
      absoluteLimitSeconds: Seconds.optional(),
      warningLeadSeconds: Seconds.optional(),
      onOsLock: OsAction.optional(),
      onSleep: OsAction.optional(),
      onUserSwitch: OsAction.optional(),
    })
    .optional(),
  drafts: z.strictObject({ retentionHours: z.number().finite().positive().optional() }).optional(),
  kiosk: z.boolean().optional(),
  cis2: z
    .strictObject({
      environment: z.enum(['int', 'dep', 'live', 'custom']),
      issuer: z.url().optional(),
      clientId: z.string().min(1).max(200),
      clientAuth: z.enum(['none', 'private_key_jwt']).optional(),
      keyringService: z.string().min(1).max(200).optional(),
      keyringAccount: z.string().min(1).max(200).optional(),
      acrValues: z.string().min(1).max(200).optional(),
      scopes: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
      maxAgeSeconds: z.int().min(0).optional(),
      authTimeSkewSeconds: z.number().finite().min(0).optional(),
    })
    .optional(),
  logLevel: z.enum(['error', 'warn', 'info', 'debug']).optional(),
});
export type MachinePolicyFile = z.infer<typeof MachinePolicySchema>;

export interface MachinePolicy {
  readonly source: string | null;
  readonly session: SessionPolicy;
  readonly clamps: readonly PolicyClamp[];
  readonly draftRetentionMs: number | undefined;
  readonly kiosk: boolean;
  /** null: no CIS2 environment is set (development uses the sandbox). */
  readonly oidc: OidcSettings | null;
  readonly logLevel: string;
}

/** Where IT puts the file on each platform (only administrators can write these folders). */
export function machinePolicyPath(platform: string, env: Record<string, string | undefined>): string {
  if (platform === 'win32') return join(env['ProgramData'] ?? 'C:\\ProgramData', 'Clinical Workstation Shell', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Clinical Workstation Shell/policy.json';
  return '/etc/clinical-workstation-shell/policy.json';
}

function cis2Settings(cis2: NonNullable<MachinePolicyFile['cis2']>): OidcSettings {
  const issuer = cis2.environment === 'custom' ? cis2.issuer : CIS2_ISSUERS[cis2.environment];
  if (!issuer) {
    throw new ShellError('CONFIG_INVALID', 'The machine policy sets cis2.environment to "custom" but gives no cis2.issuer; add the issuer address or choose int, dep or live.');
  }
  const privateKey = cis2.clientAuth === 'private_key_jwt';
  return resolveOidcSettings({
    issuer,
    clientId: cis2.clientId,
    clientAuth: privateKey
      ? { method: 'private_key_jwt', keyringService: cis2.keyringService ?? DEFAULT_CLIENT_KEY_SERVICE, keyringAccount: cis2.keyringAccount ?? DEFAULT_CLIENT_KEY_ACCOUNT }
      : { method: 'none' },
    ...(cis2.acrValues ? { acrValues: cis2.acrValues } : {}),
    ...(cis2.scopes ? { scopes: cis2.scopes } : {}),
    ...(cis2.maxAgeSeconds !== undefined ? { maxAge: cis2.maxAgeSeconds } : {}),
    ...(cis2.authTimeSkewSeconds !== undefined ? { authTimeSkewSeconds: cis2.authTimeSkewSeconds } : {}),
  });
}

/** Turns the file's text into a policy, or a ShellError that names what to fix. */
export function parseMachinePolicy(text: string | null, source: string | null): MachinePolicy {
  let raw: unknown = {};
  if (text !== null) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ShellError('CONFIG_INVALID', `The machine policy file ${source ?? ''} is not valid JSON; ask IT to correct it.`);
    }
  }
  const parsed = MachinePolicySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new ShellError('CONFIG_INVALID', `The machine policy file ${source ?? ''} has a problem at "${where}": ${issue?.message ?? 'invalid'}. Ask IT to correct it.`);
  }
  const file = parsed.data;
  const { policy, clamps } = resolvePolicy(file.session ?? {});
  return {
    source,
    session: policy,
    clamps,
    draftRetentionMs: file.drafts?.retentionHours === undefined ? undefined : file.drafts.retentionHours * 3_600_000,
    kiosk: file.kiosk ?? false,
    oidc: file.cis2 ? cis2Settings(file.cis2) : null,
    logLevel: file.logLevel ?? 'info',
  };
}

/** Reads the policy file; a missing file means "no machine policy" (the rules' defaults). */
export async function loadMachinePolicy(path: string): Promise<MachinePolicy> {
  let text: string | null;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ShellError('CONFIG_INVALID', `The machine policy file ${path} could not be read; ask IT to check its permissions.`, { cause: error });
    }
    text = null;
  }
  return parseMachinePolicy(text, text === null ? null : path);
}
