import { describe, expect, it } from 'vitest';
import { CIS2_ISSUERS, DEFAULT_OIDC_SETTINGS, resolveOidcSettings } from '../../../main/services/oidc/settings';

const base = { issuer: CIS2_ISSUERS.int, clientId: 'cws' };

describe('resolveOidcSettings', () => {
  it('fills the CIS2 defaults', () => {
    const s = resolveOidcSettings(base);
    expect(s.scopes).toEqual(['openid', 'profile', 'nationalrbacaccess', 'selectedrole']);
    expect(s.acrValues).toBe('AAL2_OR_AAL3_ANY');
    expect(s.authTimeSkewSeconds).toBe(15);
    expect(s.callbackTimeoutMs).toBe(300_000);
    expect(s.clientAuth).toEqual({ method: 'none' });
    // No audience beside the shell's own is trusted unless IT names one.
    expect(s.trustedAudiences).toEqual([]);
    expect(s.redirectPath).toBe(DEFAULT_OIDC_SETTINGS.redirectPath);
  });

  it('clamps the auth_time skew to 60 s and never below 0', () => {
    expect(resolveOidcSettings({ ...base, authTimeSkewSeconds: 600 }).authTimeSkewSeconds).toBe(60);
    expect(resolveOidcSettings({ ...base, authTimeSkewSeconds: -5 }).authTimeSkewSeconds).toBe(0);
    expect(resolveOidcSettings({ ...base, authTimeSkewSeconds: Number.NaN }).authTimeSkewSeconds).toBe(15);
  });

  it('refuses http issuers unless it is the loopback sandbox and that is explicitly allowed', () => {
    expect(() => resolveOidcSettings({ ...base, issuer: 'http://cis2.example/openam' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => resolveOidcSettings({ ...base, issuer: 'http://127.0.0.1:9/x' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() =>
      resolveOidcSettings({ ...base, issuer: 'http://cis2.example/x', allowInsecureLoopbackIssuer: true }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(
      resolveOidcSettings({ ...base, issuer: 'http://127.0.0.1:9/x', allowInsecureLoopbackIssuer: true }).issuer,
    ).toBe('http://127.0.0.1:9/x');
  });

  it('refuses a redirect path that does not start with "/" (the loopback redirect is built from it)', () => {
    expect(() => resolveOidcSettings({ ...base, redirectPath: 'callback' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('redirect path') }),
    );
    expect(resolveOidcSettings({ ...base, redirectPath: '/signed-in' }).redirectPath).toBe('/signed-in');
  });

  it('refuses scopes without openid and a malformed issuer', () => {
    expect(() => resolveOidcSettings({ ...base, scopes: ['profile'] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => resolveOidcSettings({ ...base, issuer: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('names the setting IT must correct in each refusal, and keeps the URL parser’s error for a malformed issuer', () => {
    const refusal = (input: Parameters<typeof resolveOidcSettings>[0]): unknown => {
      try {
        resolveOidcSettings(input);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal({ ...base, issuer: 'not a url' })).toMatchObject({
      message: expect.stringMatching(/^The sign-in issuer address is not a valid URL;.*\.$/),
      cause: expect.any(TypeError),
    });
    expect(refusal({ ...base, issuer: 'http://cis2.example/openam' })).toMatchObject({
      message: expect.stringMatching(/^The sign-in issuer must use https;.*\.$/),
    });
    expect(refusal({ ...base, scopes: ['profile'] })).toMatchObject({
      message: expect.stringMatching(/^The sign-in scopes must include openid;.*\.$/),
    });
  });
});
