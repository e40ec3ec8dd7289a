/**
 * The machine policy's assurance minimum and the acr_values check (core/assurance-minimum.ts),
 * over random acr/amr claims: what is admitted always meets the minimum and what was asked for,
 * what was reached is what the claims prove, and a sign-in nobody can read is refused whenever a
 * minimum applies (NHS England's CIS2 guidance, Session management; NIST SP 800-63B).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reachedAssurance } from '../../main/core/aal-mapping';
import type { MinimumAssurance } from '../../main/core/assurance-level';
import { acrValuesFor, judgeAssurance, meetsMinimum, requestedFloor } from '../../main/core/assurance-minimum';
import { claimsArb, level, numRuns, reachedOracle } from './assurance-claims';

const minimumArb = fc.constantFrom<MinimumAssurance | null>('AAL2', 'AAL3', null);
const requestArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('AAL3_ANY', 'AAL2_OR_AAL3_ANY', 'AAL2_ANY', 'AAL3_ANY AAL2_ANY') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'urn:x:other', 'AAL3_ANY urn:x:other', 'aal3_any') },
);

describe('judgeAssurance: the minimum and the request', () => {
  it.each([
    // [claims, acr_values, minimum, admitted, needed when refused]
    [{ acr: 'AAL3_ANY', amr: ['sc'] }, 'AAL3_ANY', 'AAL3', true, null],
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'AAL3_ANY', 'AAL3', false, 'AAL3'], // a passkey at an AAL3 workstation
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'AAL3_ANY', 'AAL2', false, 'AAL3'], // below what was asked for
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'AAL3_ANY', null, false, 'AAL3'],
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['sc'] }, 'AAL3_ANY', null, false, 'AAL3'], // AAL3_ANY returns AAL3_ANY
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'AAL2_OR_AAL3_ANY', 'AAL2', true, null],
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'AAL2_OR_AAL3_ANY', 'AAL3', false, 'AAL3'],
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['sc'] }, 'AAL2_OR_AAL3_ANY', 'AAL3', true, null],
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['pwd', 'otp'] }, 'AAL2_OR_AAL3_ANY', 'AAL2', true, null],
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['pwd'] }, 'AAL2_OR_AAL3_ANY', 'AAL2', false, 'AAL2'], // one factor
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['pwd'] }, 'AAL2_OR_AAL3_ANY', null, true, null], // no minimum: admitted, recorded AAL1
    [{ acr: 'AAL3_ANY', amr: ['swk'] }, 'AAL3_ANY', 'AAL3', false, 'AAL3'], // contradicting claims: reached AAL2
    [{ amr: ['sc'] }, 'AAL3_ANY', 'AAL2', false, 'AAL3'], // no acr: unknown
    [{ acr: 'urn:x:unknown', amr: ['sc'] }, 'AAL2_OR_AAL3_ANY', 'AAL2', false, 'AAL2'],
    [{ acr: 'urn:x:unknown', amr: ['sc'] }, 'AAL2_OR_AAL3_ANY', null, true, null], // nothing to prove it against
    [{ acr: 'AAL2_ANY', amr: ['swk'] }, 'urn:x:other', 'AAL2', true, null], // a request not CIS2's: the minimum alone
  ] as const)('%j asked %s, minimum %s → admitted %s', (claims, requested, minimum, admitted, needed) => {
    const judgement = judgeAssurance(claims, { requested, minimum });
    expect(judgement.ok).toBe(admitted);
    expect(judgement.reached).toBe(reachedAssurance(claims));
    if (!judgement.ok) expect(judgement.needed).toBe(needed);
  });

  it('an admitted sign-in always meets the minimum', () => {
    fc.assert(
      fc.property(claimsArb, requestArb, minimumArb, (claims, requested, minimum) => {
        const judgement = judgeAssurance(claims, { requested, minimum });
        return !judgement.ok || minimum === null || meetsMinimum(judgement.reached, minimum);
      }),
      { numRuns },
    );
  });

  it('an admitted sign-in reached at least the minimum by the rule restated, and never AAL1 or unknown under one', () => {
    fc.assert(
      fc.property(
        claimsArb,
        requestArb,
        fc.constantFrom<MinimumAssurance>('AAL2', 'AAL3'),
        (claims, requested, minimum) => {
          if (!judgeAssurance(claims, { requested, minimum }).ok) return true;
          const reached = reachedOracle(claims);
          return reached !== 'unknown' && level[reached] >= level[minimum];
        },
      ),
      { numRuns },
    );
  });

  it('when AAL3_ANY was asked for, an admitted sign-in returned acr AAL3_ANY or one that is not CIS2’s (refused by any minimum)', () => {
    fc.assert(
      fc.property(claimsArb, minimumArb, (claims, minimum) => {
        if (!judgeAssurance(claims, { requested: 'AAL3_ANY', minimum }).ok) return true;
        if (claims.acr === 'AAL3_ANY') return true;
        return minimum === null && claims.acr !== 'AAL2_ANY' && claims.acr !== 'AAL2_OR_AAL3_ANY';
      }),
      { numRuns },
    );
  });

  it('a sign-in whose assurance cannot be read is refused whenever a minimum applies', () => {
    fc.assert(
      fc.property(
        claimsArb,
        requestArb,
        fc.constantFrom<MinimumAssurance>('AAL2', 'AAL3'),
        (claims, requested, minimum) => {
          fc.pre(reachedAssurance(claims) === 'unknown');
          return !judgeAssurance(claims, { requested, minimum }).ok;
        },
      ),
      { numRuns },
    );
  });

  it('is monotone: refused under AAL2 is refused under AAL3, and the refusal names at least the minimum', () => {
    fc.assert(
      fc.property(claimsArb, requestArb, (claims, requested) => {
        const aal2 = judgeAssurance(claims, { requested, minimum: 'AAL2' });
        const aal3 = judgeAssurance(claims, { requested, minimum: 'AAL3' });
        if (!aal3.ok && aal3.needed !== 'AAL3') return false;
        return aal2.ok || !aal3.ok;
      }),
      { numRuns },
    );
  });

  it('the acr_values sent for each minimum admit exactly that minimum', () => {
    expect(requestedFloor(acrValuesFor.AAL3)).toBe('AAL3');
    expect(requestedFloor(acrValuesFor.AAL2)).toBe('AAL2');
    expect(requestedFloor('AAL3_ANY  AAL2_ANY')).toBe('AAL2');
    expect(requestedFloor('AAL3_ANY urn:x:other')).toBeNull();
    expect(requestedFloor('')).toBeNull();
    expect(requestedFloor('toString')).toBeNull();
  });

  it('meetsMinimum: AAL1 and unknown meet neither choice', () => {
    expect(meetsMinimum('AAL3', 'AAL3')).toBe(true);
    expect(meetsMinimum('AAL2', 'AAL3')).toBe(false);
    expect(meetsMinimum('AAL2', 'AAL2')).toBe(true);
    expect(meetsMinimum('AAL1', 'AAL2')).toBe(false);
    expect(meetsMinimum('unknown', 'AAL2')).toBe(false);
  });
});
