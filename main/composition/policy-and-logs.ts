/**
 * The machine policy and the log, first after 'ready': everything else is configured by the one
 * and reports to the other.
 */
import { app } from '../adapters/electron-main';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { createAudit } from '../services/audit';
import { openAuditSinks, sinkProblemReporter } from '../services/audit-sinks/sinks';
import type { Audit } from '../services/audit';
import { createFolderLogger, perUserLogFolder } from '../services/log-folder';
import type { Logger } from '../services/logger';
import type { OidcSettings } from '../services/oidc';
import { readMachinePolicy, rereadMachinePolicy } from '../services/policy/machine-policy';
import type { MachinePolicy } from '../services/policy/machine-policy';
import { environmentOfPolicy, refuseLiveBesideDevelopment } from './environment';

export interface PolicyAndLogs {
  readonly policy: MachinePolicy;
  readonly logger: Logger;
  readonly audit: Audit;
  /** Reads the machine policy's session limits again (at each sign-in and unlock), reporting what it read. */
  rereadPolicy(): Promise<MachinePolicy['session'] | null>;
}

export function oidcSettingsFor(policy: MachinePolicy): OidcSettings {
  if (policy.oidc) return policy.oidc;
  throw new Error(
    'No CIS2 environment is configured. IT sets Issuer and ClientId in the machine policy; see docs/policy.md.',
  );
}

/** The OS account running the shell; userInfo() can throw where the account has no profile entry. */
function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USERNAME'] ?? process.env['USER'] ?? 'user';
  }
}

export async function readPolicyAndLogs(developmentBuild: boolean): Promise<PolicyAndLogs> {
  // The sandbox (CWS_SANDBOX_ISSUER, CWS_SANDBOX_RELAY) and CWS_POLICY_FILE count only in a
  // development build: decided when the bundle is built (`__CWS_DEV__`, main/build-flags.d.ts),
  // never from app.isPackaged, which only compares the executable's file name (a copied install
  // with the exe renamed electron.exe would count as unpackaged).
  const policyOptions = { platform: process.platform, env: process.env, packaged: !developmentBuild };
  const policy = await readMachinePolicy(policyOptions);
  // IT's folder gets a subfolder per Windows account (one account cannot rotate another's files);
  // the app's own folder is the fallback when IT's cannot be written.
  const ownLogs = join(app.getPath('userData'), 'logs');
  // The Event Log, journald and the syslog collector, as IT asked (docs/audit-log.md, "Sinks").
  // What they report comes back through the logger, which exists only once they are open.
  const late: { audit?: Audit } = {};
  const problems = sinkProblemReporter();
  const sinks = await openAuditSinks(policy.auditSinks, {
    platform: process.platform,
    onDropped: (sink, count) => late.audit?.auditLinesDropped(sink, count),
    onProblem: problems.report,
  });
  const { logger } = await createFolderLogger({
    sinks,
    folder: policy.logFolder === undefined ? ownLogs : perUserLogFolder(policy.logFolder, accountName()),
    fallbackFolder: ownLogs,
    level: policy.logLevel,
    // Every line, the first included, names this PC and OS account (a ward's PCs may share IT's
    // log folder) and the CIS2 environment (live, int, dep, sandbox, other: core/environment.ts).
    workstation: { host: hostname(), account: accountName(), environment: environmentOfPolicy(policy) },
  });
  const audit = createAudit(logger);
  late.audit = audit;
  problems.attach(logger);
  // Where settings came from, each clamp, and each ignored setting by name (never its value).
  const reportPolicy = (read: MachinePolicy): void =>
    audit.policyLoaded({
      sources: read.sources.filter((s) => s.status === 'read').map((s) => s.source),
      clamps: read.clamps,
      problems: read.problems,
    });
  reportPolicy(policy);
  // A Live issuer beside a development-only option: not started (main/index.ts shows why).
  refuseLiveBesideDevelopment({ policy, developmentBuild, env: process.env }, audit);
  return {
    policy,
    logger,
    audit,
    // Session limits follow IT's changes at the next sign-in or unlock; the rest (issuer, kiosk,
    // log folder, retention) at the next start.
    async rereadPolicy() {
      const { policy: read, session } = await rereadMachinePolicy(policyOptions);
      reportPolicy(read);
      return session;
    },
  };
}
