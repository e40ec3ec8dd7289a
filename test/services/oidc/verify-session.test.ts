import { describe, expect, it } from 'vitest';
import { providerErrorToShellError, toShellError } from '../../../main/services/oidc/error-mapping';
import {
  buildSession,
  checkAuthTime,
  checkIdTokenAudience,
  userinfoMismatch,
} from '../../../main/services/oidc/verify-session';

const now = 1_800_000_000_000;

describe('checkAuthTime (CIS2: within 15 s of now after prompt=login)', () => {
  it('accepts auth_time within the skew either side and returns it in ms', () => {
    expect(checkAuthTime(now / 1000 - 15, { nowMs: now, skewSeconds: 15 })).toBe(now - 15_000);
    expect(checkAuthTime(now / 1000 + 15, { nowMs: now, skewSeconds: 15 })).toBe(now + 15_000);
  });

  it('refuses stale, future and missing auth_time', () => {
    expect(() => checkAuthTime(now / 1000 - 16, { nowMs: now, skewSeconds: 15 })).toThrow(
      expect.objectContaining({ code: 'SIGNIN_AUTH_TIME_STALE' }),
    );
    expect(() => checkAuthTime(now / 1000 + 16, { nowMs: now, skewSeconds: 15 })).toThrow(
      expect.objectContaining({ code: 'SIGNIN_AUTH_TIME_STALE', message: expect.stringContaining('future') }),
    );
    expect(() => checkAuthTime(undefined, { nowMs: now, skewSeconds: 15 })).toThrow(
      expect.objectContaining({ code: 'SIGNIN_AUTH_TIME_MISSING' }),
    );
    expect(() => checkAuthTime('1800000000', { nowMs: now, skewSeconds: 15 })).toThrow(
      expect.objectContaining({ code: 'SIGNIN_AUTH_TIME_MISSING' }),
    );
    for (const notATime of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(() => checkAuthTime(notATime, { nowMs: now, skewSeconds: 15 })).toThrow(
        expect.objectContaining({ code: 'SIGNIN_AUTH_TIME_MISSING' }),
      );
  });
});

describe('why an auth_time from before now is refused (the unlock says what to do about it)', () => {
  it('marks only the past auth_time as not asked again (AUTH_TIME_BEFORE_NOW), not the future one', () => {
    const refusal = (authTime: number): unknown => {
      try {
        checkAuthTime(authTime, { nowMs: now, skewSeconds: 15 });
      } catch (error) {
        return error;
      }
      throw new Error('not refused');
    };
    const past = refusal(now / 1000 - 16) as { cause?: unknown };
    expect(past.cause).toEqual({ code: 'AUTH_TIME_BEFORE_NOW' });
    expect(Object.isFrozen(past.cause)).toBe(true);
    expect((refusal(now / 1000 + 16) as { cause?: unknown }).cause).toBeUndefined();
  });
});

describe('the sign-in refusals’ words, for the log', () => {
  it('a missing auth_time and a token that names no one each carry a whole sentence', () => {
    expect(() => checkAuthTime(undefined, { nowMs: now, skewSeconds: 15 })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^NHS Care Identity did not say when you signed in.*\.$/),
      }),
    );
    expect(() => buildSession({}, { sub: 'a' }, now)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^The sign-in response .* did not identify you.*\.$/) }),
    );
  });

  it('a userinfo mismatch keeps what openid-client reported as its cause', () => {
    const reported = Object.assign(new Error('unexpected sub'), { code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' });
    expect(userinfoMismatch(reported)).toMatchObject({ code: 'SIGNIN_USERINFO_MISMATCH', cause: reported });
  });
});

describe('buildSession', () => {
  it('reads the assurance level from amr when acr leaves it open: a passkey alone is AAL2', () => {
    expect(buildSession({ sub: 'a', acr: 'AAL2_OR_AAL3_ANY', amr: ['swk'] }, { sub: 'a' }, now).aal).toBe('AAL2');
    expect(buildSession({ sub: 'a', acr: 'AAL2_OR_AAL3_ANY', amr: ['sc'] }, { sub: 'a' }, now).aal).toBe('AAL3');
  });

  it.each([
    ['no sub', {}],
    ['an empty sub', { sub: '' }],
    ['a sub that is not a string', { sub: 555000000001 }],
  ])('refuses an ID token with %s, whatever userinfo says', (_name, idClaims) => {
    expect(() => buildSession(idClaims, { sub: '' }, now)).toThrow(
      expect.objectContaining({ code: 'SIGNIN_TOKEN_REJECTED' }),
    );
    expect(() => buildSession(idClaims, { sub: 555000000001 }, now)).toThrow(
      expect.objectContaining({ code: 'SIGNIN_TOKEN_REJECTED' }),
    );
  });

  it('a session without a sid string has none, and a missing sid is never made up', () => {
    expect(buildSession({ sub: 'a', sid: 42 }, { sub: 'a' }, now).sessionId).toBeNull();
    expect(buildSession({ sub: 'a' }, { sub: 'a' }, now).sessionId).toBeNull();
  });

  it('refuses a userinfo response for another subject', () => {
    expect(() => buildSession({ sub: 'a' }, { sub: 'b' }, now)).toThrow(
      expect.objectContaining({ code: 'SIGNIN_USERINFO_MISMATCH' }),
    );
  });

  it('takes roles from userinfo, sid and acr from the ID token', () => {
    const s = buildSession(
      { sub: 'a', sid: 'sid-1', acr: 'AAL2_ANY', name: 'From ID token' },
      {
        sub: 'a',
        name: 'From userinfo',
        nhsid_nrbac_roles: [{ person_roleid: 'r', org_code: 'O', role_name: 'Nurse' }],
        selected_roleid: 'r',
      },
      now,
    );
    expect(s).toMatchObject({
      subject: 'a',
      sessionId: 'sid-1',
      aal: 'AAL2',
      authTime: now,
      identity: { name: 'From ID token', selectedRole: { roleId: 'r', orgCode: 'O' } },
    });
  });
});

describe('error mapping', () => {
  it.each([
    ['access_denied', 'SIGNIN_ACCESS_DENIED'],
    ['login_required', 'SIGNIN_LOGIN_REQUIRED'],
    ['interaction_required', 'SIGNIN_LOGIN_REQUIRED'],
    ['temporarily_unavailable', 'SIGNIN_PROVIDER_ERROR'],
  ])('%s → %s with a whole sentence', (error, code) => {
    const e = providerErrorToShellError(error);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(/^[A-Z][^<>]*\.$/);
  });

  it('does not echo markup from a hostile error parameter', () => {
    expect(providerErrorToShellError('<script>alert(1)</script>').message).not.toMatch(/[<>]/);
  });

  it('maps network failures and provider error bodies', () => {
    expect(toShellError(new TypeError('fetch failed')).code).toBe('SIGNIN_NETWORK');
    expect(
      toShellError(Object.assign(new Error('x'), { name: 'ResponseBodyError', error: 'invalid_grant' })).code,
    ).toBe('SIGNIN_PROVIDER_ERROR');
    expect(toShellError(new Error('unexpected JWT claim value')).code).toBe('SIGNIN_TOKEN_REJECTED');
  });
});

describe('checkIdTokenAudience (the one audience rule, as for logout tokens and at the relay)', () => {
  const settings = { clientId: 'shell', trustedAudiences: [] };
  it('accepts the shell alone, with or without azp naming it', () => {
    expect(() => checkIdTokenAudience({ aud: 'shell' }, settings)).not.toThrow();
    expect(() => checkIdTokenAudience({ aud: ['shell'], azp: 'shell' }, settings)).not.toThrow();
  });

  it('refuses another audience beside the shell unless IT trusts it, and then only with azp naming the shell', () => {
    const rejected = expect.objectContaining({ code: 'SIGNIN_TOKEN_REJECTED' });
    expect(() => checkIdTokenAudience({ aud: ['shell', 'portal'], azp: 'shell' }, settings)).toThrow(rejected);
    const trusting = { clientId: 'shell', trustedAudiences: ['portal'] };
    expect(() => checkIdTokenAudience({ aud: ['shell', 'portal'] }, trusting)).toThrow(rejected);
    expect(() => checkIdTokenAudience({ aud: ['shell', 'portal'], azp: 'portal' }, trusting)).toThrow(rejected);
    expect(() => checkIdTokenAudience({ aud: ['shell', 'portal'], azp: 'shell' }, trusting)).not.toThrow();
    expect(() => checkIdTokenAudience({ aud: 'shell', azp: 'portal' }, settings)).toThrow(rejected);
  });
});
