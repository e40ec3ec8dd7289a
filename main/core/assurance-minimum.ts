/**
 * Whether a CIS2 sign-in is good enough for this workstation (issue 22): what it reached
 * (aal-mapping.ts `reachedAssurance`) against the machine policy's minimum (MinimumAssurance), and
 * the `acr` CIS2 returned against the `acr_values` the shell asked for. Applies alike to a
 * sign-in, an unlock, a renewal and a role change: each is a CIS2 authentication of its own.
 *
 * Sources: NHS England's CIS2 guidance, section 9 "Session management" ("for access to national
 * clinical systems an AAL3 authentication is required"; a session "SHALL NOT be considered at a
 * higher AAL than the authentication event"); CIS2 "Authenticator guidance for developers" / "ACR
 * and AMR values" (what each `acr_values` admits: AAL3_ANY only AAL3 authenticators,
 * AAL2_OR_AAL3_ANY either). What CIS2 returns for AAL2_OR_AAL3_ANY is to be confirmed on INT
 * (docs/cis2.md), so the request check refuses only what is certainly below the request.
 */
import { ACR_TO_AAL, reachedAssurance } from './aal-mapping';
import type { AssuranceClaims } from './aal-mapping';
import type { MinimumAssurance, ReachedAssurance } from './assurance-level';

/**
 * The `acr_values` sent for each minimum when IT has not set AcrValues, so that CIS2 offers only
 * authenticators that meet it rather than one the shell would then refuse.
 */
export const acrValuesFor: Readonly<Record<MinimumAssurance, string>> = {
  AAL2: 'AAL2_OR_AAL3_ANY',
  AAL3: 'AAL3_ANY',
};

/** The lowest level one CIS2 acr value admits (AAL3_ANY: AAL3; AAL2_ANY, AAL2_OR_AAL3_ANY: AAL2); null when it is not CIS2's. */
function floorOf(acr: unknown): MinimumAssurance | null {
  if (typeof acr !== 'string' || !Object.hasOwn(ACR_TO_AAL, acr)) return null;
  return ACR_TO_AAL[acr] === 'AAL3' ? 'AAL3' : 'AAL2';
}

/**
 * The lowest level an `acr_values` request admits (space-separated, OpenID Connect Core §3.1.2.1),
 * or null when any value in it is not one of CIS2's (then nothing is known about what it returns).
 */
export function requestedFloor(acrValues: string): MinimumAssurance | null {
  const values = acrValues.split(' ').filter((v) => v.length > 0);
  if (values.length === 0) return null;
  let floor: MinimumAssurance = 'AAL3';
  for (const value of values) {
    const admits = floorOf(value);
    if (admits === null) return null;
    if (admits === 'AAL2') floor = 'AAL2';
  }
  return floor;
}

/** Whether a reached level meets a minimum. 'unknown' meets none; AAL1 meets none of the choices. */
export function meetsMinimum(reached: ReachedAssurance, minimum: MinimumAssurance): boolean {
  return reached === 'AAL3' || (reached === 'AAL2' && minimum === 'AAL2');
}

export interface AssuranceRequirement {
  /** The `acr_values` the shell sent. */
  readonly requested: string;
  /**
   * The machine policy's MinimumAssurance. null: no minimum, only the request check (the
   * development harness and the benches; a shell configured by machine policy always has one).
   */
  readonly minimum: MinimumAssurance | null;
}

export type AssuranceJudgement =
  | { readonly ok: true; readonly reached: ReachedAssurance }
  /** `needed`: the level the clinician must sign in with (the higher of the minimum and the request). */
  | { readonly ok: false; readonly reached: ReachedAssurance; readonly needed: MinimumAssurance };

/**
 * Refused when the sign-in reached less than the minimum (or nothing we can read), or when CIS2
 * returned an `acr` that admits less than the request did (AAL3_ANY asked, AAL2_ANY or
 * AAL2_OR_AAL3_ANY returned). An `acr` we do not know is refused by the minimum, which it cannot meet.
 */
export function judgeAssurance(claims: AssuranceClaims, requirement: AssuranceRequirement): AssuranceJudgement {
  const reached = reachedAssurance(claims);
  const asked = requestedFloor(requirement.requested);
  const returned = floorOf(claims.acr);
  const belowRequest = asked === 'AAL3' && returned === 'AAL2';
  const belowMinimum = requirement.minimum !== null && !meetsMinimum(reached, requirement.minimum);
  if (!belowRequest && !belowMinimum) return { ok: true, reached };
  return { ok: false, reached, needed: asked === 'AAL3' || requirement.minimum === 'AAL3' ? 'AAL3' : 'AAL2' };
}
