import type { Aal } from './assurance-level';

/**
 * Which NIST assurance level a CIS2 sign-in reached, from the ID token's `acr` and `amr`. The
 * level sets the idle limit (AAL3: 15 minutes, AAL2: 30), so a mistake towards AAL2 doubles the
 * time an unattended workstation stays open: the mapping fails strict.
 *
 * Sources:
 * - NHS England's CIS2 Authentication guidance, "Authenticator guidance for developers" / "ACR and
 *   AMR values": CIS2 offers AAL2 ("high confidence") and AAL3 ("very high confidence")
 *   authenticators; applications request `acr_values=AAL3_ANY` or `acr_values=AAL2_OR_AAL3_ANY`;
 *   smartcards, Windows Hello, security keys and the iPad app are AAL3; passkeys, NHS.net Connect
 *   and Microsoft Authenticator are AAL2.
 * - NHS England's CIS2 guidance, section 9 "Session management" (after NIST SP 800-63B): "an AAL3
 *   authentication is required" for national clinical systems; the mechanism is read from `amr`.
 * - NIST SP 800-63B, AAL2: proof of possession and control of two distinct authentication factors
 *   (something you know, have, are), through one multi-factor authenticator or a combination of
 *   two single-factor ones; so a password and a PIN together are still one factor (something you know).
 * - RFC 8176 for the generic `amr` names (sc, hwk, swk, pwd, otp, pin, fpt, face, mfa).
 * Values marked TBC in docs/cis2.md are our reading and must be confirmed against the live INT issuer.
 *
 * Rule: only a recognised CIS2 AAL2 outcome gives AAL2; anything unknown, missing or malformed
 * gives AAL3, the stricter (shorter) idle limit.
 * - `acr` must be a string in ACR_TO_AAL. AAL3_ANY → AAL3, AAL2_ANY → AAL2. A missing, non-string
 *   or unknown `acr` → AAL3, without looking at `amr` (an `amr` cannot vouch for an `acr` we do
 *   not understand).
 * - AAL2_OR_AAL3_ANY → `amr` decides. AAL2 only if `amr` is an array of strings, every one in
 *   AMR_METHODS, none of them AAL3, and together they describe a multi-factor authentication:
 *   one method that is multi-factor by itself, or two different single-factor kinds of which one
 *   is possession (a biometric counts only with a physical authenticator).
 *   Otherwise (a single factor, an AAL3 method, an unknown or non-string element, no `amr`) → AAL3.
 */
export const ACR_TO_AAL: Readonly<Record<string, Aal | 'ambiguous'>> = {
  AAL3_ANY: 'AAL3',
  AAL2_ANY: 'AAL2',
  AAL2_OR_AAL3_ANY: 'ambiguous',
};

/**
 * What one `amr` method proves by itself:
 * - 'aal3': an AAL3 authenticator (any of these in `amr` makes the session AAL3, the stricter limit);
 * - 'multi-factor': an authenticator CIS2 lists as AAL2 that is multi-factor on its own;
 * - 'knowledge' | 'possession' | 'inherence': one factor; AAL2 only with a factor of another kind.
 */
export type AmrMethodKind = 'aal3' | 'multi-factor' | 'knowledge' | 'possession' | 'inherence';

/** amr → what the method proves. A method not listed here cannot prove AAL2. */
export const AMR_METHODS: Readonly<Record<string, AmrMethodKind>> = {
  sc: 'aal3', // smartcard (RFC 8176), CIS2 smartcard with passcode
  hwk: 'aal3', // hardware-secured key (RFC 8176), e.g. FIDO2 security key
  fido: 'aal3', // CIS2 security key (TBC spelling)
  SCARD: 'aal3', // TBC: CIS2 upper-case smartcard value
  FIDO2: 'aal3', // TBC
  HELLO: 'aal3', // TBC: Windows Hello for Business
  IOS: 'aal3', // TBC: CIS2 iPad app
  swk: 'multi-factor', // software-secured key, e.g. passkey (RFC 8176); CIS2 lists passkeys as AAL2
  PASSKEY: 'multi-factor', // TBC
  AUTHENTICATOR: 'multi-factor', // TBC: Microsoft Authenticator
  mfa: 'multi-factor', // multiple-factor authentication (RFC 8176)
  pwd: 'knowledge', // password (RFC 8176)
  pin: 'knowledge', // PIN or pattern (RFC 8176)
  otp: 'possession', // one-time password (RFC 8176)
  fpt: 'inherence', // fingerprint (RFC 8176)
  face: 'inherence', // facial recognition (RFC 8176)
};

export interface AssuranceClaims {
  readonly acr?: unknown;
  readonly amr?: unknown;
}

export function aalFromClaims(claims: AssuranceClaims): Aal {
  const fromAcr = ownValue(ACR_TO_AAL, claims.acr);
  if (fromAcr === undefined) return 'AAL3'; // missing, non-string or unknown acr
  if (fromAcr !== 'ambiguous') return fromAcr;
  const kinds = amrKinds(claims.amr);
  return kinds !== null && describesAal2(kinds) ? 'AAL2' : 'AAL3';
}

/** The kind of every listed method, or null unless `amr` is an array of known method names only. */
function amrKinds(amr: unknown): AmrMethodKind[] | null {
  if (!Array.isArray(amr)) return null;
  const kinds: AmrMethodKind[] = [];
  // An index loop, not filter/every: a hole in a sparse array is read as undefined and refused.
  for (let i = 0; i < amr.length; i += 1) {
    const kind = ownValue(AMR_METHODS, amr[i] as unknown);
    if (kind === undefined) return null;
    kinds.push(kind);
  }
  return kinds;
}

/**
 * AAL2 (NIST SP 800-63B): no AAL3 method, and one multi-factor method or two distinct factor
 * kinds, one of them possession: 800-63B accepts a biometric only together with a physical
 * authenticator, so a password with a fingerprint alone is not AAL2.
 */
function describesAal2(kinds: readonly AmrMethodKind[]): boolean {
  if (kinds.includes('aal3')) return false;
  if (kinds.includes('multi-factor')) return true;
  return kinds.includes('possession') && new Set(kinds).size >= 2; // only single-factor kinds remain
}

/** table[key] for the table's own keys only (never 'toString', '__proto__' and the like). */
function ownValue<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
