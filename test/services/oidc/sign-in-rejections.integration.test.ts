import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { AuthTimeEdge, Misbehaviour, Sandbox } from '../../../sandbox/provider';
import { pino } from 'pino';
import { ShellError } from '../../../main/core/errors';
import { createSignInService } from '../../../main/services/oidc';
import { countingFetch, sandboxSettings, serviceFor } from './fixtures';

let sandbox: Sandbox;

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.misbehave(null));

const cases: [Misbehaviour, string][] = [
  ['id-token-bad-signature', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-wrong-iss', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-wrong-aud', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-extra-aud', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-expired', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-missing-sub', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-wrong-nonce', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-alg-none', 'SIGNIN_TOKEN_REJECTED'],
  ['auth-time-stale', 'SIGNIN_AUTH_TIME_STALE'],
  ['auth-time-future', 'SIGNIN_AUTH_TIME_STALE'],
  ['userinfo-sub-mismatch', 'SIGNIN_USERINFO_MISMATCH'],
];

/** A sign-in service over the sandbox whose browser adapter fails with `error`. */
function serviceWhoseBrowserThrows(error: unknown): ReturnType<typeof createSignInService> {
  return createSignInService({
    settings: sandboxSettings(sandbox),
    browser: { open: () => Promise.reject(error) },
    logger: pino({ level: 'silent' }),
  });
}

describe('sign-in refuses a provider that misbehaves', () => {
  it.each(cases)('%s → %s, with a whole-sentence message and no session', async (kind, code) => {
    sandbox.misbehave(kind);
    const { service } = serviceFor(sandbox, 'dr-okafor');
    const outcome = await service.signIn();
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.code).toBe(code);
    expect(outcome.error.message).toMatch(/^[A-Z].*\.$/);
    expect(await service.tokens.getAccessToken()).toEqual({ ok: false, reason: 'signed-out' });
    expect(service.tokens.hasSession()).toBe(false);
  });

  it('control: the same service signs in once the sandbox behaves', async () => {
    const { service } = serviceFor(sandbox, 'dr-okafor');
    expect((await service.signIn()).kind).toBe('signed-in');
  });

  it('a callback with the wrong state gets 404 and the attempt carries on to success', async () => {
    const { service, browser } = serviceFor(sandbox, null);
    const pending = service.signIn();
    const authUrl = await browser.nextOpen();
    const callback = await sandbox.completeLogin(authUrl, 'dr-okafor');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    expect((await fetch(forged, { redirect: 'manual' })).status).toBe(404);
    const real = await fetch(callback, { redirect: 'manual' });
    expect(real.status).toBe(303);
    expect(real.headers.get('location')).toBe('/done');
    const outcome = await pending;
    expect(outcome.kind).toBe('signed-in');
  });

  it('refuses a callback whose iss response parameter names another issuer (RFC 9207)', async () => {
    const { service, browser } = serviceFor(sandbox, null);
    const pending = service.signIn();
    const callback = await sandbox.completeLogin(await browser.nextOpen(), 'dr-okafor');
    callback.searchParams.set('iss', 'https://impostor.invalid/');
    await fetch(callback);
    const outcome = await pending;
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_TOKEN_REJECTED');
  });

  it('cancel ends a waiting sign-in as cancelled, and a second sign-in replaces the first', async () => {
    const { service, browser } = serviceFor(sandbox, null);
    const first = service.signIn();
    const firstUrl = await browser.nextOpen();
    const second = service.signIn();
    expect(await first).toEqual({ kind: 'cancelled' });
    const firstPort = Number(new URL(firstUrl.searchParams.get('redirect_uri') ?? '').port);
    await expect.poll(() => portIsFree(firstPort)).toBe(true);
    const secondUrl = await browser.nextOpen();
    service.cancel();
    expect(await second).toEqual({ kind: 'cancelled' });
    // The cancelled attempt's callback no longer answers.
    const callback = await sandbox.completeLogin(secondUrl, 'dr-okafor');
    await expect(fetch(callback)).rejects.toThrow();
  });

  it('a second sign-in started before the first reached the browser replaces it, and only one browser opens', async () => {
    const { service, browser } = serviceFor(sandbox, 'nurse-hughes');
    const [first, second] = await Promise.all([service.signIn(), service.signIn()]);
    expect(first).toEqual({ kind: 'cancelled' });
    expect(second.kind).toBe('signed-in');
    expect(browser.opened).toHaveLength(1);
  });

  it('cancel before the browser opens means it never opens', async () => {
    const { service, browser } = serviceFor(sandbox, 'nurse-hughes');
    const pending = service.signIn();
    service.cancel();
    expect(await pending).toEqual({ kind: 'cancelled' });
    expect(browser.opened).toHaveLength(0);
  });

  it('sign-out while the code is being exchanged keeps no tokens', async () => {
    const ref: { service?: ReturnType<typeof serviceFor>['service'] } = {};
    const fetch = countingFetch();
    const signOutDuringExchange = Object.assign(async (url: string, options: Parameters<typeof fetch>[1]) => {
      if (url.endsWith('/token')) ref.service?.signOut();
      return fetch(url, options);
    }, fetch);
    const service = serviceFor(sandbox, 'dr-okafor', { fetch: signOutDuringExchange }).service;
    ref.service = service;
    expect(await service.signIn()).toEqual({ kind: 'cancelled' });
    expect(service.tokens.hasSession()).toBe(false);
  });

  it('reports a timeout when the browser never comes back', async () => {
    const { service } = serviceFor(sandbox, null, { settings: { callbackTimeoutMs: 200 } });
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_TIMEOUT');
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/^Sign-in took too long.*\.$/);
  });

  it('reports a userinfo request lost on the network as a network failure, not as details of another person', async () => {
    const base = countingFetch();
    let userinfoEndpoint = '';
    const losingUserinfo = Object.assign(async (url: string, options: Parameters<typeof base>[1]) => {
      if (url === userinfoEndpoint) throw new TypeError('fetch failed');
      const response = await base(url, options);
      if (url.endsWith('/.well-known/openid-configuration'))
        userinfoEndpoint = String(((await response.clone().json()) as Record<string, unknown>)['userinfo_endpoint']);
      return response;
    }, base);
    const { service } = serviceFor(sandbox, 'dr-okafor', { fetch: losingUserinfo });
    const outcome = await service.signIn();
    expect(userinfoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_NETWORK');
    expect(service.tokens.hasSession()).toBe(false);
  });

  it('keeps openid-client’s comparison failure as the cause when userinfo names another person', async () => {
    sandbox.misbehave('userinfo-sub-mismatch');
    const { service } = serviceFor(sandbox, 'dr-okafor');
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error).toMatchObject({
      code: 'SIGNIN_USERINFO_MISMATCH',
      cause: expect.objectContaining({ code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' }),
    });
  });

  it('fails the sign-in as SIGNIN_BROWSER_FAILED, with a sentence and the browser’s own error as cause, when the browser cannot be opened', async () => {
    const refused = new Error('no default browser');
    const service = serviceWhoseBrowserThrows(refused);
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error).toMatchObject({
      code: 'SIGNIN_BROWSER_FAILED',
      message: expect.stringMatching(/^The shell could not open the web browser for sign-in\..*\.$/),
      cause: refused,
    });
  });

  it('passes on the browser adapter’s own SIGNIN_BROWSER_FAILED as it is, since its sentence already names what IT must fix', async () => {
    const adapterSays = new ShellError(
      'SIGNIN_BROWSER_FAILED',
      'Microsoft Edge is not installed on this workstation, so the sign-in page was not opened. Tell IT: check the SignInBrowser setting.',
    );
    const service = serviceWhoseBrowserThrows(adapterSays);
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error).toBe(adapterSays);
  });

  it('wraps any other ShellError the browser throws as SIGNIN_BROWSER_FAILED, keeping it as the cause: only the adapter’s own refusal is passed on as it is', async () => {
    const other = new ShellError('SIGNIN_TIMEOUT', 'Something else went wrong.');
    const service = serviceWhoseBrowserThrows(other);
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_BROWSER_FAILED');
    expect(outcome.kind === 'failed' && outcome.error.cause).toBe(other);
  });

  it('passes on a plain error carrying the code SIGNIN_BROWSER_FAILED only wrapped: the code alone is not the adapter’s refusal', async () => {
    const lookalike = Object.assign(new Error('not a ShellError'), { code: 'SIGNIN_BROWSER_FAILED' });
    const service = serviceWhoseBrowserThrows(lookalike);
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error).toBeInstanceOf(ShellError);
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/could not open the web browser/);
    expect(outcome.kind === 'failed' && outcome.error.cause).toBe(lookalike);
  });

  it('says an ID token addressed to another application as well is refused for that reason, and signs in once IT trusts that audience', async () => {
    sandbox.misbehave('id-token-extra-aud');
    const refused = await serviceFor(sandbox, 'dr-okafor').service.signIn();
    expect(refused.kind === 'failed' && refused.error.message).toMatch(/addressed to another application as well/);
    const trusting = serviceFor(sandbox, 'dr-okafor', { settings: { trustedAudiences: ['another-application'] } });
    expect((await trusting.service.signIn()).kind).toBe('signed-in');
  });

  it('opens an authorization endpoint published with a query string (RFC 6749 §3.1 allows one), keeping its query', async () => {
    const base = countingFetch();
    const withQuery = Object.assign(async (url: string, options: Parameters<typeof base>[1]) => {
      const response = await base(url, options);
      if (!url.endsWith('/.well-known/openid-configuration')) return response;
      const metadata = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...metadata, authorization_endpoint: `${sandbox.issuer}/auth?realm=Healthcare` });
    }, base);
    const { service, browser } = serviceFor(sandbox, null, { fetch: withQuery });
    const pending = service.signIn();
    const opened = await browser.nextOpen();
    service.cancel();
    expect(await pending).toEqual({ kind: 'cancelled' });
    expect(`${opened.origin}${opened.pathname}`).toBe(`${sandbox.issuer}/auth`);
    expect(opened.searchParams.get('realm')).toBe('Healthcare');
    expect(opened.searchParams.get('client_id')).toBe(sandbox.clientId);
  });

  it('never passes anything but the discovered authorization endpoint to the browser', async () => {
    const { service, browser } = serviceFor(sandbox, 'nurse-hughes');
    await service.signIn();
    const opened = browser.opened[0];
    expect(opened && `${opened.origin}${opened.pathname}`).toBe(`${sandbox.issuer}/auth`);
    // The adapter's last check (main/adapters/system-browser.ts) is only as good as this argument.
    expect(browser.endpoints.map((e) => e.href)).toEqual([`${sandbox.issuer}/auth`]);
  });

  it('opens only the authorization endpoint exactly as published: one the URL parser would rewrite is refused, not opened rewritten', async () => {
    // The discovery document names `…/x/../auth`; a browser would go to `…/auth`, which is not the
    // address CIS2 published. The service refuses before the browser (whose own check compares
    // with the parsed, rewritten endpoint and would let it through) is asked.
    const base = countingFetch();
    const rewriting = Object.assign(async (url: string, options: Parameters<typeof base>[1]) => {
      const response = await base(url, options);
      if (!url.endsWith('/.well-known/openid-configuration')) return response;
      const metadata = (await response.json()) as Record<string, unknown>;
      const published = `${sandbox.issuer}/x/../auth`;
      return Response.json({ ...metadata, authorization_endpoint: published });
    }, base);
    const { service, browser } = serviceFor(sandbox, 'nurse-hughes', { fetch: rewriting });
    const outcome = await service.signIn();
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_BROWSER_FAILED');
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/did not match NHS Care Identity/);
    expect(browser.opened).toEqual([]);
  });
});

// CIS2's auth_time rule at the edges of the tolerance, end to end: the sandbox stamps auth_time
// this far from the second it signs the ID token, and the shell's clock is pinned to that second
// (the service's `now`), so the distance the shell checks is exactly the edge. openid-client's own
// checks (iat, exp) keep the real clock.
describe('auth_time at the edges of the configured tolerance', () => {
  const pinnedToTheStamp = (): number => (sandbox.lastStampedAt() ?? Date.now() / 1000) * 1000;

  const cases: [AuthTimeEdge, number | undefined, 'signed-in' | 'refused'][] = [
    ['auth-time-14s-ago', undefined, 'signed-in'],
    ['auth-time-16s-ago', undefined, 'refused'],
    ['auth-time-14s-ahead', undefined, 'signed-in'],
    ['auth-time-16s-ahead', undefined, 'refused'],
    // IT may widen the tolerance, up to its cap of 60 s: 600 asked for is 60 applied.
    ['auth-time-59s-ago', 600, 'signed-in'],
    ['auth-time-61s-ago', 600, 'refused'],
    ['auth-time-16s-ago', 30, 'signed-in'],
  ];

  it.each(cases)('%s with a tolerance of %s s (default 15) → %s', async (edge, skew, expected) => {
    sandbox.misbehave(edge);
    const { service } = serviceFor(sandbox, 'dr-okafor', {
      now: pinnedToTheStamp,
      ...(skew === undefined ? {} : { settings: { authTimeSkewSeconds: skew } }),
    });
    const outcome = await service.signIn();
    if (expected === 'signed-in') {
      expect(outcome.kind).toBe('signed-in');
    } else {
      expect(outcome.kind === 'failed' && outcome.error.code).toBe('SIGNIN_AUTH_TIME_STALE');
      expect(service.tokens.hasSession()).toBe(false);
    }
  });
});
