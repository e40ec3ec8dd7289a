import type { Aal, ReachedAssurance } from './assurance-level';

/**
 * What a CIS2 sign-in's `acr` and `amr` prove, in two answers kept apart (assurance-level.ts):
 * - `reachedAssurance`: the level the sign-in **reached** (AAL1, AAL2, AAL3 or unknown), never
 *   more than the claims prove: what the audit log records and the policy minimum is compared with.
 * - `aalFromClaims`: the **idle-limit class** (AAL3: 15 minutes, AAL2: 30). A mistake towards AAL2
 *   doubles the time an unattended workstation stays open, so it fails strict: AAL2 only when the
 *   sign-in reached AAL2 exactly and the acr did not name AAL3; everything else gets AAL3.
 *
 * Sources:
 * - NHS England's CIS2 Authentication guidance, "Authenticator guidance for developers" / "ACR and
 *   AMR values": CIS2 offers AAL2 ("high confidence") and AAL3 ("very high confidence")
 *   authenticators; applications request `acr_values=AAL3_ANY` or `acr_values=AAL2_OR_AAL3_ANY`;
 *   smartcards, Windows Hello, security keys and the iPad app are AAL3; passkeys, NHS.net Connect
 *   and Microsoft Authenticator are AAL2.
 * - NHS England's CIS2 guidance, section 9 "Session management" (after NIST SP 800-63B): "an AAL3
 *   authentication is required" for national clinical systems; the mechanism is read from `amr`;
 *   a session "SHALL NOT be considered at a higher AAL than the authentication event".
 * - NIST SP 800-63B, AAL2: proof of possession and control of two distinct authentication factors
 *   (something you know, have, are), through one multi-factor authenticator or a combination of
 *   two single-factor ones; so a password and a PIN together are still one factor (something you know).
 * - RFC 8176 for the generic `amr` names (sc, hwk, swk, pwd, otp, pin, fpt, face, mfa).
 * Values marked TBC in docs/cis2.md are our reading and must be confirmed against the live INT issuer.
 *
 * What the `amr` proves by itself (`amrProves`): only an array of strings, every one in
 * AMR_METHODS, proves anything (else 'unknown'; an empty array too). An AAL3 method anywhere →
 * AAL3; a method multi-factor by itself, or two different single-factor kinds of which one is
 * possession (a biometric counts only with a physical authenticator) → AAL2; otherwise AAL1.
 *
 * Reached (`reachedAssurance`):
 * - a missing, non-string or unknown `acr` → 'unknown', without looking at `amr` (an `amr` cannot
 *   vouch for an `acr` we do not understand);
 * - AAL2_OR_AAL3_ANY → what the `amr` proves (so 'unknown' when it proves nothing);
 * - AAL3_ANY, AAL2_ANY (CIS2 naming the level) → that level, lowered to what the `amr` proves when
 *   the `amr` is understood and proves less (claims that contradict each other are taken at the
 *   lower); an `amr` we cannot read does not lower it, and an `amr` never raises it.
 */
export const ACR_TO_AAL: Readonly<Record<string, Aal | 'ambiguous'>> = {
  AAL3_ANY: 'AAL3',
  AAL2_ANY: 'AAL2',
  AAL2_OR_AAL3_ANY: 'ambiguous',
};

/**
 * What one `amr` method proves by itself:
 * - 'aal3': an AAL3 authenticator (any of these in `amr` proves AAL3);
 * - 'multi-factor': an authenticator CIS2 lists as AAL2 that is multi-factor on its own;
 * - 'knowledge' | 'possession' | 'inherence': one factor; AAL2 only with a factor of another kind.
 */
export type AmrMethodKind = 'aal3' | 'multi-factor' | 'knowledge' | 'possession' | 'inherence';

/** amr → what the method proves. An `amr` with a method not listed here proves nothing ('unknown'). */
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

const rank: Readonly<Record<Exclude<ReachedAssurance, 'unknown'>, number>> = { AAL1: 1, AAL2: 2, AAL3: 3 };

/** The level a sign-in reached, never more than its claims prove (see the rule above). */
export function reachedAssurance(claims: AssuranceClaims): ReachedAssurance {
  const stated = ownValue(ACR_TO_AAL, claims.acr);
  if (stated === undefined) return 'unknown'; // missing, non-string or unknown acr
  const proved = amrProves(claims.amr);
  if (stated === 'ambiguous') return proved;
  if (proved === 'unknown') return stated;
  return rank[proved] < rank[stated] ? proved : stated;
}

/**
 * The idle-limit class (AAL3 for anything not proven AAL2): AAL2 only when the sign-in reached
 * AAL2 and its acr did not name AAL3. Never AAL2 for a sign-in that reached AAL1 or 'unknown'.
 */
export function aalFromClaims(claims: AssuranceClaims): Aal {
  return reachedAssurance(claims) === 'AAL2' && ownValue(ACR_TO_AAL, claims.acr) !== 'AAL3' ? 'AAL2' : 'AAL3';
}

/** What the `amr` proves by itself: 'unknown' unless it is a non-empty array of known method names. */
function amrProves(amr: unknown): ReachedAssurance {
  const kinds = amrKinds(amr);
  if (kinds === null || kinds.length === 0) return 'unknown';
  if (kinds.includes('aal3')) return 'AAL3';
  return describesAal2(kinds) ? 'AAL2' : 'AAL1';
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
 * AAL2 (NIST SP 800-63B), once no AAL3 method is present: one multi-factor method or two distinct
 * factor kinds, one of them possession: 800-63B accepts a biometric only together with a physical
 * authenticator, so a password with a fingerprint alone is not AAL2.
 */
function describesAal2(kinds: readonly AmrMethodKind[]): boolean {
  if (kinds.includes('multi-factor')) return true;
  return kinds.includes('possession') && new Set(kinds).size >= 2; // only single-factor kinds remain
}

/** table[key] for the table's own keys only (never 'toString', '__proto__' and the like). */
function ownValue<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
