import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACR_TO_AAL, AMR_TO_AAL, aalFromClaims } from '../../main/core/aal-mapping';

describe('aalFromClaims', () => {
  it.each([
    [{ acr: 'AAL3_ANY' }, 'AAL3'],
    [{ acr: 'AAL2_ANY' }, 'AAL2'],
    [{ acr: 'AAL2_ANY', amr: ['sc'] }, 'AAL2'], // an acr that names one level wins
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['sc'] }, 'AAL3'],
    [{ acr: 'AAL2_OR_AAL3_ANY', amr: ['swk'] }, 'AAL2'],
    [{ amr: ['pwd', 'otp'] }, 'AAL2'],
    [{ amr: ['pwd', 'hwk'] }, 'AAL3'],
    [{ amr: ['pwd', 'something-new'] }, 'AAL3'], // one unknown method: cannot prove AAL2 only
    [{ acr: 'AAL2_OR_AAL3_ANY' }, 'AAL3'],
    [{}, 'AAL3'],
    [{ acr: 42, amr: 'sc' }, 'AAL3'],
  ] as const)('%j → %s', (claims, expected) => {
    expect(aalFromClaims(claims)).toBe(expected);
  });

  it('never returns AAL2 for anything outside the table (unknown counts as the stricter AAL3)', () => {
    const known = new Set([...Object.keys(ACR_TO_AAL), ...Object.keys(AMR_TO_AAL)]);
    fc.assert(
      fc.property(fc.option(fc.string()), fc.array(fc.string()), (acr, amr) => {
        fc.pre((acr === null || !known.has(acr)) && amr.every((m) => !known.has(m)));
        return aalFromClaims({ acr, amr }) === 'AAL3';
      }),
    );
  });
});
