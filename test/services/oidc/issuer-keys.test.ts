// CIS2's signing keys (main/services/oidc/issuer-keys.ts), shared by the shell and the relay:
// what a configuration document must say before its keys are trusted, and how the relay's own
// discovery is fetched, kept and retried.
import { describe, expect, it } from 'vitest';
import { discoverIssuerKeys, issuerKeysFor } from '../../../main/services/oidc/issuer-keys';
import type { IssuerKeysMetadata } from '../../../main/services/oidc/issuer-keys';

const ISSUER = 'https://cis2.test/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const SANDBOX = 'http://127.0.0.1:4000/issuer';

describe('the keys a configuration document gives', () => {
  const strict = { issuer: ISSUER, allowInsecureLoopbackIssuer: false };
  const sandbox = { issuer: SANDBOX, allowInsecureLoopbackIssuer: true };

  it('takes an https key set, with the asymmetric algorithms the issuer advertises for ID tokens', () => {
    const keys = issuerKeysFor(
      {
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/connect/jwk_uri`,
        id_token_signing_alg_values_supported: ['RS256', 'HS256'],
      },
      strict,
    );
    expect(keys.algorithms).toEqual(['RS256']);
    expect(typeof keys.jwks).toBe('function');
  });

  it('takes every asymmetric algorithm when the issuer advertises none', () => {
    expect(issuerKeysFor({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` }, strict).algorithms).toContain('ES256');
  });

  it.each([
    ['another issuer', { issuer: 'https://elsewhere.test', jwks_uri: 'https://elsewhere.test/jwks' }, 'CONFIG_INVALID'],
    ['no jwks_uri', { issuer: ISSUER }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    ['an empty jwks_uri', { issuer: ISSUER, jwks_uri: '' }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    ['a jwks_uri that is not a string', { issuer: ISSUER, jwks_uri: 42 }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    ['a jwks_uri that is not a URL', { issuer: ISSUER, jwks_uri: 'not a url' }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    ['a plain http jwks_uri', { issuer: ISSUER, jwks_uri: 'http://cis2.test/jwks' }, 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'],
    [
      'a loopback http jwks_uri without the sandbox switch',
      { issuer: ISSUER, jwks_uri: 'http://127.0.0.1:8080/jwks' },
      'LOGOUT_TOKEN_KEYS_UNAVAILABLE',
    ],
    [
      'only symmetric algorithms advertised',
      { issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: ['HS256'] },
      'CONFIG_INVALID',
    ],
  ] as const)('refuses %s', (_name, metadata: IssuerKeysMetadata, code) => {
    expect(() => issuerKeysFor(metadata, strict)).toThrow(expect.objectContaining({ code }));
  });

  it('takes a loopback http key set only with the sandbox switch: 127.0.0.0/8 and [::1], never localhost', () => {
    for (const jwks of ['http://127.0.0.1:4000/jwks', 'http://127.1.2.3:4000/jwks', 'http://[::1]:4000/jwks'])
      expect(issuerKeysFor({ issuer: SANDBOX, jwks_uri: jwks }, sandbox).algorithms.length).toBeGreaterThan(0);
    for (const jwks of ['http://localhost:4000/jwks', 'http://127.0.0.1@evil.example/jwks', 'http://0.0.0.0/jwks'])
      expect(() => issuerKeysFor({ issuer: SANDBOX, jwks_uri: jwks }, sandbox)).toThrow(
        expect.objectContaining({ code: 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' }),
      );
  });
});

describe('discovering the keys (the relay)', () => {
  function documentServer(answers: Array<() => Response>) {
    const requests: Array<{ url: string; redirect: RequestRedirect | undefined }> = [];
    const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: String(url), redirect: init?.redirect });
      const next = answers.shift();
      if (next === undefined) throw new TypeError('fetch failed');
      return next();
    }) as typeof globalThis.fetch;
    return { fetch, requests };
  }
  const document = (): Response => Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` });

  it('fetches the configuration document once, without following redirects, and keeps the keys', async () => {
    const { fetch, requests } = documentServer([document]);
    const keys = discoverIssuerKeys({ issuer: `${ISSUER}`, allowInsecureLoopbackIssuer: false, fetch });
    const first = await keys();
    expect(await keys()).toBe(first);
    expect(requests).toEqual([{ url: `${ISSUER}/.well-known/openid-configuration`, redirect: 'error' }]);
  });

  it('after a failure, refuses at once until retryAfterMs has passed, then fetches again', async () => {
    let now = 1_000_000;
    const { fetch, requests } = documentServer([() => new Response('no', { status: 503 }), document]);
    const keys = discoverIssuerKeys({ issuer: ISSUER, allowInsecureLoopbackIssuer: false, fetch, now: () => now });
    await expect(keys()).rejects.toMatchObject({ code: 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' });
    now += 1_999;
    await expect(keys()).rejects.toMatchObject({ code: 'LOGOUT_TOKEN_KEYS_UNAVAILABLE' });
    expect(requests).toHaveLength(1);
    now += 1;
    expect((await keys()).algorithms.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(2);
  });

  it.each([
    ['an unreachable issuer', () => Promise.reject(new TypeError('fetch failed'))],
    ['a document that is not JSON', async () => new Response('<html>', { status: 200 })],
    ['a document that is not an object', async () => Response.json(null)],
    ['a document naming another issuer', async () => Response.json({ issuer: 'https://elsewhere.test' })],
    ['a document with an http key set', async () => Response.json({ issuer: ISSUER, jwks_uri: 'http://cis2.test/j' })],
  ] as const)('gives no keys for %s', async (_name, answer) => {
    const fetch = (() => answer()) as unknown as typeof globalThis.fetch;
    const keys = discoverIssuerKeys({ issuer: ISSUER, allowInsecureLoopbackIssuer: false, fetch });
    await expect(keys()).rejects.toBeInstanceOf(Error);
  });
});
