/**
 * The one audience rule for every token the shell or the relay accepts from CIS2: ID tokens
 * (sign-in, and a workstation's registration at the relay) and back-channel logout tokens.
 *
 * OpenID Connect Core 1.0 §3.1.3.7, items 3 to 5, which OpenID Connect Back-Channel Logout 1.0
 * §2.6 applies to logout tokens ("in the same way they are validated in ID Tokens"):
 * - the client's own id must be an audience (`aud`, a string or an array of strings, RFC 7519 §4.1.3);
 * - a token whose audiences include one the client does not trust is rejected; here the trusted
 *   other audiences are the configuration's (none by default);
 * - with several audiences, `azp` must be present and name the client; an `azp` present with a
 *   single audience must name the client too (item 5: "SHOULD verify", taken as must).
 *
 * Pure: no clock, no I/O.
 */

export interface AudienceRule {
  /** The client id the token must be addressed to. */
  readonly clientId: string;
  /** Other audiences the configuration trusts beside the client; none when absent. */
  readonly trustedAudiences?: readonly string[] | undefined;
}

/** Why a token's audience is refused, for a caller that reports it. */
export type AudienceRefusal = 'not-for-client' | 'untrusted-audience' | 'azp-mismatch';

/** Null when the token's `aud` and `azp` pass the rule; otherwise why not. */
export function audienceRefusal(
  claims: { readonly aud?: unknown; readonly azp?: unknown },
  rule: AudienceRule,
): AudienceRefusal | null {
  const { aud, azp } = claims;
  const audiences: unknown[] = Array.isArray(aud) ? aud : [aud];
  if (!audiences.every((a): a is string => typeof a === 'string') || !audiences.includes(rule.clientId))
    return 'not-for-client';
  const trusted = rule.trustedAudiences ?? [];
  if (audiences.some((a) => a !== rule.clientId && !trusted.includes(a))) return 'untrusted-audience';
  if ((audiences.length > 1 || azp !== undefined) && azp !== rule.clientId) return 'azp-mismatch';
  return null;
}
