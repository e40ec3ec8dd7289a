/**
 * The one audience rule (main/core/audience.ts) for ID tokens and logout tokens, shell and relay:
 * OpenID Connect Core 1.0 §3.1.3.7 items 3-5. Examples for each clause, then a property over
 * random audience lists, trusted lists and azp values against the rule as the spec words it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceRefusal } from '../../main/core/audience';

const CLIENT = 'clinical-workstation-shell';

describe('the audience rule', () => {
  it.each([
    ['the client as a string', { aud: CLIENT }, []],
    ['the client alone in an array', { aud: [CLIENT] }, []],
    ['the client with azp naming it', { aud: CLIENT, azp: CLIENT }, []],
    ['the client and a trusted other, azp the client', { aud: [CLIENT, 'portal'], azp: CLIENT }, ['portal']],
  ])('accepts %s', (_what, claims, trusted) => {
    expect(audienceRefusal(claims, { clientId: CLIENT, trustedAudiences: trusted })).toBeNull();
  });

  it.each([
    ['no aud', {}, [], 'not-for-client'],
    ['another client', { aud: 'portal' }, ['portal'], 'not-for-client'],
    ['an empty array', { aud: [] }, [], 'not-for-client'],
    ['a non-string among the audiences', { aud: [CLIENT, 7] }, [], 'not-for-client'],
    ['the client as a substring', { aud: `${CLIENT}-evil` }, [], 'not-for-client'],
    ['an untrusted other, azp the client', { aud: [CLIENT, 'portal'], azp: CLIENT }, [], 'untrusted-audience'],
    ['a trusted other without azp', { aud: [CLIENT, 'portal'] }, ['portal'], 'azp-mismatch'],
    ['a trusted other with azp naming it', { aud: [CLIENT, 'portal'], azp: 'portal' }, ['portal'], 'azp-mismatch'],
    ['a single audience with azp naming another', { aud: CLIENT, azp: 'portal' }, [], 'azp-mismatch'],
  ])('refuses %s', (_what, claims, trusted, why) => {
    expect(audienceRefusal(claims, { clientId: CLIENT, trustedAudiences: trusted })).toBe(why);
  });

  it('trusts no other audience by default', () => {
    expect(audienceRefusal({ aud: [CLIENT, 'portal'], azp: CLIENT }, { clientId: CLIENT })).toBe('untrusted-audience');
  });

  it('accepts exactly the tokens OIDC Core §3.1.3.7 items 3-5 accept, for any audiences, trusted list and azp', () => {
    const name = fc.constantFrom(CLIENT, 'portal', 'pharmacy', 'evil', '');
    fc.assert(
      fc.property(
        fc.oneof(name, fc.array(name, { maxLength: 4 }), fc.constant(undefined)),
        fc.array(name, { maxLength: 3 }),
        fc.option(name, { nil: undefined }),
        (aud, trusted, azp) => {
          const list = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
          const expected =
            list.includes(CLIENT) &&
            list.every((a) => a === CLIENT || trusted.includes(a)) &&
            (list.length > 1 ? azp === CLIENT : azp === undefined || azp === CLIENT);
          const refusal = audienceRefusal({ aud, azp }, { clientId: CLIENT, trustedAudiences: trusted });
          expect(refusal === null).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
