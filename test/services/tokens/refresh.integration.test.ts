import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { Sandbox } from '../../../sandbox/provider';
import { countingFetch, refreshRequests, serviceFor } from '../oidc/fixtures';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ accessTokenTtlSeconds: 300 });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.misbehave(null));

/** A signed-in service whose clock the test can move forward. */
async function signedIn() {
  const fetch = countingFetch();
  let offset = 0;
  const { service } = serviceFor(sandbox, 'dr-okafor', { fetch, now: () => Date.now() + offset });
  const outcome = await service.signIn();
  expect(outcome.kind).toBe('signed-in');
  const first = await service.tokens.getAccessToken();
  if (!first.ok) throw new Error('expected an access token after sign-in');
  const failures: string[] = [];
  service.tokens.onRefreshOutcome((o) => failures.push(o.kind === 'refused' ? o.error.code : o.kind));
  return { service, fetch, first: first.token, failures, advance: (ms: number) => (offset += ms) };
}

describe('token refresh against the sandbox', () => {
  it('ten concurrent callers near expiry share exactly one refresh request', async () => {
    const { service, fetch, first, advance } = await signedIn();
    expect(refreshRequests(fetch)).toBe(0);
    advance(290_000); // inside the 60 s margin of a 300 s token
    const results = await Promise.all(Array.from({ length: 10 }, () => service.tokens.getAccessToken()));
    expect(refreshRequests(fetch)).toBe(1);
    const tokens = new Set(results.map((r) => (r.ok ? r.token : r.reason)));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).not.toBe(first);
  });

  it('uses the rotated refresh token for the next refresh', async () => {
    const { service, fetch, advance } = await signedIn();
    advance(290_000);
    expect((await service.tokens.getAccessToken()).ok).toBe(true);
    advance(290_000);
    // The old refresh token was consumed; only the rotated one can succeed here.
    expect((await service.tokens.getAccessToken()).ok).toBe(true);
    expect(refreshRequests(fetch)).toBe(2);
  });

  it('reports refresh-refused when a stolen copy of the refresh token was used first (rotation reuse)', async () => {
    const { service, fetch, failures, advance } = await signedIn();
    const stolen = fetch.tokenResponses[0]?.['refresh_token'];
    expect(typeof stolen).toBe('string');
    const thief = await globalThis.fetch(`${sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(stolen),
        client_id: sandbox.clientId,
      }),
    });
    expect(thief.status).toBe(200);
    advance(290_000);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'refresh-refused' });
    expect(failures).toEqual(['TOKEN_REFRESH_FAILED']);
  });

  it('rejects a refresh whose ID token names a different subject', async () => {
    const { service, failures, advance } = await signedIn();
    sandbox.misbehave('refresh-different-sub');
    advance(290_000);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'refresh-refused' });
    expect(failures).toEqual(['TOKEN_REFRESH_FAILED']);
  });

  it('reports unreachable, keeps the tokens and refreshes after the wait, when the network is down', async () => {
    const { service, fetch, failures, advance } = await signedIn();
    fetch.offline = true;
    advance(290_000);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'unreachable' });
    expect(failures).toEqual(['unanswered']);
    expect(service.tokens.hasSession()).toBe(true);
    fetch.offline = false;
    // Within the wait, no request is made; after the longest first wait (15 s), one is.
    const tried = refreshRequests(fetch);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'unreachable' });
    expect(refreshRequests(fetch)).toBe(tried);
    advance(15_000);
    expect(service.tokens.retryDue()).toBe(true);
    expect((await service.tokens.getAccessToken()).ok).toBe(true);
    expect(failures).toEqual(['unanswered', 'recovered']);
  });

  it('sign-out wipes at once, even offline', async () => {
    const { service, fetch } = await signedIn();
    fetch.offline = true;
    service.signOut();
    expect(service.tokens.hasSession()).toBe(false);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'signed-out' });
  });
});
