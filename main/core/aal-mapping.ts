import type { Aal } from './assurance-level';

/**
 * Which NIST assurance level a CIS2 sign-in reached, from the ID token's `acr` and `amr`.
 *
 * Sources:
 * - CIS2 "Authenticator guidance for developers" / "ACR and AMR values" (NHS England, digital.nhs.uk
 *   .../cis2-authentication/guidance-for-developers/detailed-guidance/acr-values): CIS2 offers AAL2
 *   ("high confidence") and AAL3 ("very high confidence") authenticators; applications request
 *   `acr_values=AAL3_ANY` or `acr_values=AAL2_OR_AAL3_ANY`; smartcards, Windows Hello, security keys
 *   and the iPad app are AAL3; passkeys, NHS.net Connect and Microsoft Authenticator are AAL2.
 * - NHS England's CIS2 guidance, section 9 "Session management" (after NIST SP 800-63B): "an AAL3 authentication is
 *   required" for national clinical systems; the mechanism is read from `amr`.
 * - RFC 8176 for the generic `amr` names (sc, hwk, swk, pwd, otp, pin, fpt, face, mfa).
 * Values marked TBC in docs/cis2.md are our reading and must be confirmed against the live INT issuer.
 *
 * Rule: an `acr` that names exactly one level wins. An ambiguous `acr` (AAL2_OR_AAL3_ANY, or absent)
 * falls back to `amr`. Anything we cannot place counts as AAL3, the stricter (shorter) idle limit.
 */
export const ACR_TO_AAL: Readonly<Record<string, Aal | 'ambiguous'>> = {
  AAL3_ANY: 'AAL3',
  AAL2_ANY: 'AAL2',
  AAL2_OR_AAL3_ANY: 'ambiguous',
};

/** amr → level. The highest level any listed method proves wins; hardware keys are AAL3. */
export const AMR_TO_AAL: Readonly<Record<string, Aal>> = {
  sc: 'AAL3', // smartcard (RFC 8176), CIS2 smartcard with passcode
  hwk: 'AAL3', // hardware-secured key (RFC 8176), e.g. FIDO2 security key
  fido: 'AAL3', // CIS2 security key (TBC spelling)
  SCARD: 'AAL3', // TBC: CIS2 upper-case smartcard value
  FIDO2: 'AAL3', // TBC
  HELLO: 'AAL3', // TBC: Windows Hello for Business
  IOS: 'AAL3', // TBC: CIS2 iPad app
  swk: 'AAL2', // software-secured key, e.g. passkey (RFC 8176)
  otp: 'AAL2',
  pwd: 'AAL2',
  pin: 'AAL2',
  mfa: 'AAL2',
  fpt: 'AAL2',
  face: 'AAL2',
  PASSKEY: 'AAL2', // TBC
  AUTHENTICATOR: 'AAL2', // TBC: Microsoft Authenticator
};

export interface AssuranceClaims {
  readonly acr?: unknown;
  readonly amr?: unknown;
}

export function aalFromClaims(claims: AssuranceClaims): Aal {
  if (typeof claims.acr === 'string') {
    const fromAcr = ACR_TO_AAL[claims.acr];
    if (fromAcr === 'AAL2' || fromAcr === 'AAL3') return fromAcr;
  }
  if (Array.isArray(claims.amr)) {
    const levels = claims.amr.filter((m): m is string => typeof m === 'string').map((m) => AMR_TO_AAL[m]);
    if (levels.includes('AAL3')) return 'AAL3';
    // Only a list in which every method is known may lower the level to AAL2.
    if (levels.length > 0 && levels.every((l) => l === 'AAL2')) return 'AAL2';
  }
  return 'AAL3';
}
