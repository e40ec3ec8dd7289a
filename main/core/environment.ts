/**
 * Which CIS2 environment a workstation signs in to, derived from its configured issuer, and what
 * may not stand beside Live (docs/decisions.md, 35). NHS England runs CIS2 in separate
 * environments (Live, and the Path-to-Live INT and DEP) with separate client registrations; a
 * workstation on INT or the local sandbox must never be mistaken for one on Live, and Live must
 * never run beside an option made for development.
 *
 * The environment is read from the issuer's host alone, so a path, port or letter case does not
 * change it: the Live host (and only it) is Live; the two Path-to-Live hosts are INT and DEP; an
 * http issuer on a loopback address is the local sandbox; anything else (another OpenID Provider,
 * a host NHS England has not published) is "other", which is never Live: the shell shows the
 * test-environment banner for it and does not treat it as Live. The hosts are those of the
 * issuers in main/services/oidc/settings.ts (CIS2_ISSUERS; docs/cis2.md, "Configuration").
 */
import { transportOf } from './http-scheme';
import type { ParsedAddress } from './http-scheme';

/** Every environment, in the order docs/deploy.md lists them; the renderer's view carries one. */
export const cis2Environments = ['live', 'int', 'dep', 'sandbox', 'other'] as const;
export type Cis2Environment = (typeof cis2Environments)[number];

/** The CIS2 hosts, lower case, without a trailing dot (docs/cis2.md, "Configuration"). */
const CIS2_HOSTS = {
  live: 'am.nhsidentity.spineservices.nhs.uk',
  int: 'am.nhsint.auth-ptl.cis2.spineservices.nhs.uk',
  dep: 'am.nhsdep.auth-ptl.cis2.spineservices.nhs.uk',
} as const;

/**
 * The environment of an issuer, as the URL parser gives it (`new URL(issuer)`: the scheme and
 * host already lower case). A CIS2 host counts only over TLS; the sandbox only as plain http on a
 * loopback address (main/core/http-scheme.ts, the one place the schemes are compared).
 */
export function environmentOf(issuer: ParsedAddress): Cis2Environment {
  const transport = transportOf(issuer);
  if (transport === 'loopback') return 'sandbox';
  if (transport === null) return 'other';
  const host = issuer.hostname.toLowerCase().replace(/\.$/, '');
  if (host === CIS2_HOSTS.live) return 'live';
  if (host === CIS2_HOSTS.int) return 'int';
  if (host === CIS2_HOSTS.dep) return 'dep';
  return 'other';
}

/** What the shell starts with that bears on Live: each named as IT or a developer sets it. */
export interface StartingOptions {
  readonly environment: Cis2Environment;
  /** A development build (`npm start`, main/build-flags.d.ts): DevTools, and the CWS_* overrides. */
  readonly developmentBuild: boolean;
  /** The development variables (CWS_POLICY_FILE, CWS_SANDBOX_*) that are set and that this build reads. */
  readonly developmentVariables: readonly string[];
  /** The sign-in settings allow a plain-http issuer on a loopback address (the sandbox only). */
  readonly allowInsecureLoopbackIssuer: boolean;
  /** How the relay is reached (RelayUrl), or null when none is set. */
  readonly relayTransport: 'tls' | 'loopback' | null;
}

/**
 * The development-only options set beside a Live issuer, each by the name IT or a developer
 * would look for; empty when the issuer is not Live or none is set. The shell refuses to start
 * with any of them (main/composition/environment.ts).
 */
export function developmentOptionsBesideLive(options: StartingOptions): string[] {
  if (options.environment !== 'live') return [];
  const found: string[] = [];
  if (options.developmentBuild) found.push('a development build (npm start)');
  found.push(...options.developmentVariables);
  if (options.allowInsecureLoopbackIssuer) found.push('allowInsecureLoopbackIssuer');
  if (options.relayTransport === 'loopback') found.push('RelayUrl (plain http on a loopback address)');
  return found;
}
