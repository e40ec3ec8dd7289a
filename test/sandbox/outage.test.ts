/**
 * The sandbox plays a ward network outage (Sandbox.outage) and CIS2 revoking a clinician's
 * sessions for refresh (Sandbox.revokeRefreshTokensOf), against real HTTP: the refreshes are made
 * with openid-client, as the shell makes them, after a real sign-in at the sandbox.
 */
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';

let sandbox: Sandbox;
let config: client.Configuration;

beforeAll(async () => {
  sandbox = await startSandbox();
  config = await client.discovery(new URL(sandbox.issuer), sandbox.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.outage(null));

/** A complete sign-in as the clinician (PKCE, the sandbox's page, the code exchanged); their refresh token. */
async function signIn(clinicianId: string): Promise<string> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:47012/callback',
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await sandbox.completeLogin(url, clinicianId);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  if (tokens.refresh_token === undefined) throw new Error('The sandbox issued no refresh token.');
  return tokens.refresh_token;
}

/** The refresh as the shell makes it: the rotated refresh token and the ID token's subject. */
async function refresh(refreshToken: string): Promise<{ refreshToken: string; sub: string | undefined }> {
  const response = await client.refreshTokenGrant(config, refreshToken);
  return { refreshToken: response.refresh_token ?? '', sub: response.claims()?.sub };
}

/** Why a promise was refused (fails the test when it was not). */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (error: unknown) => error,
  );
}

/** A failure at the connection, below HTTP: fetch's "fetch failed" with the socket's reset as its cause. */
function expectConnectionFailure(error: unknown): void {
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toBe('fetch failed');
  const cause = (error as Error).cause as { code?: string };
  expect(cause.code).toBe('ECONNRESET');
}

const discoveryUrl = (): string => `${sandbox.issuer}/.well-known/openid-configuration`;
const tokenEndpoint = (): string => config.serverMetadata().token_endpoint ?? expect.fail('no token endpoint');

describe('a network outage (Sandbox.outage)', () => {
  it('drop on the token endpoint: a refresh fails at the connection while discovery answers; ended, the same refresh token works', async () => {
    const refreshToken = await signIn('nurse-hughes');
    sandbox.outage({ mode: 'drop', scope: 'token-endpoint' });
    expectConnectionFailure(await refusal(refresh(refreshToken)));
    expectConnectionFailure(await refusal(refresh(refreshToken)));
    const discovery = await fetch(discoveryUrl());
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { token_endpoint: string }).token_endpoint).toBe(tokenEndpoint());

    sandbox.outage(null);
    // Nothing reached the provider meanwhile: the refresh token was not used up by the dropped attempts.
    const refreshed = await refresh(refreshToken);
    expect(refreshed.sub).toBe('555000000002');
    expect(refreshed.refreshToken).not.toBe(refreshToken);
  });

  it('unavailable on the token endpoint: 503 with Retry-After: 30, discovery still answers, the refresh token is kept', async () => {
    const refreshToken = await signIn('nurse-hughes');
    sandbox.outage({ mode: 'unavailable', scope: 'token-endpoint' });
    const answer = await fetch(tokenEndpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: sandbox.clientId,
      }),
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(await answer.text()).toMatch(/^Service Unavailable/);
    // openid-client refuses it too: the 503 is no OAuth error (nothing the shell could take for CIS2 saying no).
    const refused = await refusal(refresh(refreshToken));
    expect(refused).toBeInstanceOf(client.ClientError);
    expect(refused).toMatchObject({ code: 'OAUTH_RESPONSE_IS_NOT_CONFORM', cause: { status: 503 } });
    expect(((refused as Error).cause as Response).headers.get('retry-after')).toBe('30');
    expect((await fetch(discoveryUrl())).status).toBe(200);

    sandbox.outage(null);
    expect((await refresh(refreshToken)).sub).toBe('555000000002');
  });

  it('everything: discovery, JWKS and the sign-in pages fail too (dropped, or 503)', async () => {
    const jwksUri = config.serverMetadata().jwks_uri ?? expect.fail('no jwks_uri');
    sandbox.outage({ mode: 'drop', scope: 'everything' });
    expectConnectionFailure(await refusal(fetch(discoveryUrl())));
    expectConnectionFailure(await refusal(fetch(jwksUri)));
    expectConnectionFailure(await refusal(fetch(`${sandbox.address}/no-such-path`)));

    sandbox.outage({ mode: 'unavailable', scope: 'everything' });
    for (const url of [discoveryUrl(), jwksUri, `${sandbox.issuer}/auth`, `${sandbox.issuer}/interaction/x`]) {
      const answer = await fetch(url, { redirect: 'manual' });
      expect([url, answer.status, answer.headers.get('retry-after')]).toEqual([url, 503, '30']);
    }
    await expect(refusal(signIn('dr-okafor'))).resolves.toBeInstanceOf(Error);

    sandbox.outage(null);
    expect((await fetch(discoveryUrl())).status).toBe(200);
    expect((await refresh(await signIn('dr-okafor'))).sub).toBe('555000000001');
  });
});

describe("CIS2 revokes a clinician's sessions for refresh (Sandbox.revokeRefreshTokensOf)", () => {
  it("refuses that clinician's next refresh with invalid_grant, from the provider itself; another clinician's still works", async () => {
    const nurse = await signIn('locum-reid');
    const doctor = await signIn('nurse-adeyemi');
    // A refresh before the revocation: it is the rotated token that is revoked, and the first sign-in's grant.
    const rotated = (await refresh(nurse)).refreshToken;
    const again = await signIn('locum-reid');

    await expect(sandbox.revokeRefreshTokensOf('locum-reid')).resolves.toBe(2);
    for (const token of [rotated, again]) {
      const refused = await refusal(refresh(token));
      expect(refused).toBeInstanceOf(client.ResponseBodyError);
      expect(refused).toMatchObject({ status: 400, error: 'invalid_grant' });
    }
    expect((await refresh(doctor)).sub).toBe('555000000005');
    // Nothing is left to revoke.
    await expect(sandbox.revokeRefreshTokensOf('locum-reid')).resolves.toBe(0);
    // A new sign-in gets a refresh token that works.
    expect((await refresh(await signIn('locum-reid'))).sub).toBe('555000000004');
  });

  it('throws for an id that is no sandbox clinician', async () => {
    await expect(sandbox.revokeRefreshTokensOf('nobody')).rejects.toThrow('There is no sandbox clinician "nobody".');
  });
});
