/**
 * The CIS2 environment this shell runs in (core/environment.ts), read once from the machine
 * policy's issuer, and the start-up refusal of a Live issuer beside a development-only option
 * (docs/decisions.md, 35). The refusal takes the same path as every other start-up refusal of the
 * configuration (main/index.ts: the error box "Clinical Workstation Shell cannot start", then
 * exit), after an audit line naming the settings, never their values.
 */
import { ShellError } from '../core/errors';
import { developmentOptionsBesideLive, environmentOf } from '../core/environment';
import type { Cis2Environment } from '../core/environment';
import { transportOf } from '../core/http-scheme';
import type { Audit } from '../services/audit';
import type { MachinePolicy } from '../services/policy/machine-policy';

/**
 * The development variables set that a development build reads (main/build-flags.d.ts). Written
 * behind the build constant, so the production bundle holds none of their names (it reads none).
 */
function developmentVariablesIn(env: Readonly<Record<string, string | undefined>>): string[] {
  if (!(typeof __CWS_DEV__ === 'undefined' || __CWS_DEV__)) return [];
  const names = ['CWS_POLICY_FILE', 'CWS_SANDBOX_ISSUER', 'CWS_SANDBOX_RELAY', 'CWS_SANDBOX_CLIENT_ID'];
  return names.filter((name) => env[name] !== undefined);
}

/**
 * The environment of the configured issuer, for every log line (the logger's `workstation`
 * binding): "other" when none is configured or it does not parse.
 */
export function environmentOfPolicy(policy: Pick<MachinePolicy, 'oidc'>): Cis2Environment {
  if (policy.oidc === null || !URL.canParse(policy.oidc.issuer)) return 'other';
  return environmentOf(new URL(policy.oidc.issuer));
}

function relayTransport(relayUrl: string | undefined): 'tls' | 'loopback' | null {
  return relayUrl === undefined || !URL.canParse(relayUrl) ? null : transportOf(new URL(relayUrl));
}

/**
 * Throws (for the start-up error box) when a Live issuer stands beside a development-only option:
 * a development build, a CWS_* variable it reads, the sandbox's plain-http issuer allowance, or a
 * relay reached in plain http on this PC. The message names each, and what to do.
 */
export function refuseLiveBesideDevelopment(
  context: {
    readonly policy: Pick<MachinePolicy, 'oidc' | 'relayUrl'>;
    readonly developmentBuild: boolean;
    readonly env: Readonly<Record<string, string | undefined>>;
  },
  audit: Pick<Audit, 'environmentRefused'>,
): void {
  const { policy, developmentBuild, env } = context;
  const found = developmentOptionsBesideLive({
    environment: environmentOfPolicy(policy),
    developmentBuild,
    // Only a development build reads them; a production bundle does not contain that code.
    developmentVariables: developmentBuild ? developmentVariablesIn(env) : [],
    allowInsecureLoopbackIssuer: policy.oidc?.allowInsecureLoopbackIssuer ?? false,
    relayTransport: relayTransport(policy.relayUrl),
  });
  if (found.length === 0) return;
  audit.environmentRefused(found);
  throw new ShellError(
    'CONFIG_INVALID',
    `The shell is set to sign in to CIS2 Live (Issuer), but also has development-only options: ${found.join(', ')}. It has not started, so Live is never used with them. Remove them, or set Issuer to int or dep for testing (docs/deploy.md, "Environments").`,
  );
}
