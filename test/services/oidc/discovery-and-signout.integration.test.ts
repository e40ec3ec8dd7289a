import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { countingFetch, serviceFor } from './fixtures';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const discoveries = (f: ReturnType<typeof countingFetch>): number =>
  f.requests.filter((r) => r.url.endsWith('/.well-known/openid-configuration')).length;

describe('discovery cache', () => {
  it('reuses metadata within its lifetime, fetches again after it, and after a failed sign-in', async () => {
    const fetch = countingFetch();
    // A 5 s lifetime stands in for CIS2's hour, and the service's clock is moved past it rather
    // than waited for (a short real wait is missed on a loaded machine); 5 s also ages auth_time
    // by no more than its 15 s tolerance.
    let ahead = 0;
    const now = (): number => Date.now() + ahead;
    const { service } = serviceFor(sandbox, 'dr-okafor', { fetch, now, settings: { discoveryTtlMs: 5_000 } });
    expect((await service.signIn()).kind).toBe('signed-in');
    expect((await service.signIn()).kind).toBe('signed-in');
    expect(discoveries(fetch)).toBe(1);
    ahead = 5_100;
    expect((await service.signIn()).kind).toBe('signed-in');
    expect(discoveries(fetch)).toBe(2);
    sandbox.misbehave('id-token-bad-signature');
    try {
      expect((await service.signIn()).kind).toBe('failed');
    } finally {
      sandbox.misbehave(null);
    }
    expect((await service.signIn()).kind).toBe('signed-in');
    expect(discoveries(fetch)).toBe(3);
  });

  it('reports an unreachable issuer as a clear failure, not an exception', async () => {
    const fetch = countingFetch();
    fetch.offline = true;
    const { service } = serviceFor(sandbox, 'dr-okafor', { fetch });
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_DISCOVERY_FAILED');
  });

  it('does not open the browser on cached metadata when the issuer has since become unreachable', async () => {
    const fetch = countingFetch();
    const { service, browser } = serviceFor(sandbox, 'dr-okafor', { fetch });
    expect((await service.signIn()).kind).toBe('signed-in');
    expect(browser.opened).toHaveLength(1);
    fetch.offline = true; // the network went after the metadata was cached
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_DISCOVERY_FAILED');
    expect(browser.opened).toHaveLength(1);
    // The check is one request to the authorization endpoint, not a discovery: the cache keeps its lifetime.
    expect(fetch.requests.at(-1)?.url).toMatch(/\/auth$/);
    expect(discoveries(fetch)).toBe(1);
    fetch.offline = false;
    expect((await service.signIn()).kind).toBe('signed-in');
  });
});

describe('sign-out', () => {
  it('wipes synchronously, then revokes the refresh token at the provider in the background', async () => {
    const fetch = countingFetch();
    const { service } = serviceFor(sandbox, 'dr-okafor', { fetch });
    expect((await service.signIn()).kind).toBe('signed-in');
    const refreshToken = String(fetch.tokenResponses[0]?.['refresh_token']);
    service.signOut();
    expect(service.tokens.hasSession()).toBe(false);
    await expect
      .poll(() => fetch.requests.filter((r) => r.url.endsWith('/token/revocation')).length)
      .toBeGreaterThanOrEqual(1);
    const reuse = await globalThis.fetch(`${sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: sandbox.clientId,
      }),
    });
    expect(reuse.status).toBe(400);
  });
});
