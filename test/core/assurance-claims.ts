/**
 * The AAL rules restated independently of main/core/aal-mapping.ts (docs/cis2.md, "AAL mapping"),
 * and random acr/amr claims, for the mapping's and the assurance minimum's property tests.
 */
import fc from 'fast-check';
import { ACR_TO_AAL } from '../../main/core/aal-mapping';

export const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

// The rule restated independently of the module's tables (docs/cis2.md, "AAL mapping"), so a
// wrong row in AMR_METHODS fails here instead of being copied into the oracle.
export const aal3Methods = ['sc', 'hwk', 'fido', 'SCARD', 'FIDO2', 'HELLO', 'IOS'];
export const multiFactorMethods = ['swk', 'PASSKEY', 'AUTHENTICATOR', 'mfa'];
export const singleFactorKind: Readonly<Record<string, string>> = {
  pwd: 'knowledge',
  pin: 'knowledge',
  otp: 'possession',
  fpt: 'inherence',
  face: 'inherence',
};
export const knownMethods = [...aal3Methods, ...multiFactorMethods, ...Object.keys(singleFactorKind)];

/** What an amr proves by itself, restated (docs/cis2.md): unknown unless a non-empty array of known names. */
export function amrOracle(amr: unknown): 'AAL1' | 'AAL2' | 'AAL3' | 'unknown' {
  if (!Array.isArray(amr) || amr.length === 0) return 'unknown';
  const methods: string[] = [];
  for (let i = 0; i < amr.length; i += 1) {
    const m: unknown = amr[i];
    if (typeof m !== 'string' || !knownMethods.includes(m)) return 'unknown';
    methods.push(m);
  }
  if (methods.some((m) => aal3Methods.includes(m))) return 'AAL3';
  if (methods.some((m) => multiFactorMethods.includes(m))) return 'AAL2';
  const kinds = new Set(methods.map((m) => singleFactorKind[m]));
  return kinds.has('possession') && kinds.size >= 2 ? 'AAL2' : 'AAL1';
}

export const level = { AAL1: 1, AAL2: 2, AAL3: 3 } as const;

/** The reached level, restated: the acr's level, lowered (never raised) by an amr we understand. */
export function reachedOracle(claims: { acr?: unknown; amr?: unknown }): 'AAL1' | 'AAL2' | 'AAL3' | 'unknown' {
  const proved = amrOracle(claims.amr);
  if (claims.acr === 'AAL2_OR_AAL3_ANY') return proved;
  const stated = claims.acr === 'AAL3_ANY' ? 'AAL3' : claims.acr === 'AAL2_ANY' ? 'AAL2' : null;
  if (stated === null) return 'unknown';
  return proved !== 'unknown' && level[proved] < level[stated] ? proved : stated;
}

// Strings that look like table keys but are not, and inherited property names a lookup could hit.
export const junkStrings = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    'aal2_any',
    'AAL2_ANY ',
    'AAL2',
    'urn:x:unknown',
    'PWD',
    'Otp',
    'toString',
    'constructor',
    '__proto__',
    'hasOwnProperty',
    'valueOf',
  ),
);
export const nonStrings = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.constantFrom(...knownMethods), { maxLength: 2 }),
  fc.constantFrom({}, { toString: () => 'AAL2_ANY' }, ['AAL2_ANY']),
);
const acrArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(ACR_TO_AAL)) },
  { weight: 3, arbitrary: fc.constant('AAL2_OR_AAL3_ANY') },
  { weight: 1, arbitrary: junkStrings },
  { weight: 1, arbitrary: nonStrings },
);
export const amrElement = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...knownMethods) },
  { weight: 1, arbitrary: junkStrings },
  { weight: 1, arbitrary: nonStrings },
);
export const amrArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(amrElement, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('pwd', 'swk', 'mfa', { 0: 'swk', length: 1 }) },
  { weight: 1, arbitrary: nonStrings },
);
// Either claim may be absent altogether (the key missing, not only undefined).
export const claimsArb = fc.record({ acr: acrArb, amr: amrArb }, { requiredKeys: [] });
