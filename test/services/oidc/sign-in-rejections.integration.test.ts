import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/provider';
import type { Misbehaviour, Sandbox } from '../../../sandbox/provider';
import { countingFetch, serviceFor } from './fixtures';

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
  ['id-token-expired', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-missing-sub', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-wrong-nonce', 'SIGNIN_TOKEN_REJECTED'],
  ['id-token-alg-none', 'SIGNIN_TOKEN_REJECTED'],
  ['auth-time-stale', 'SIGNIN_AUTH_TIME_STALE'],
  ['auth-time-future', 'SIGNIN_AUTH_TIME_STALE'],
  ['userinfo-sub-mismatch', 'SIGNIN_USERINFO_MISMATCH'],
];

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
  });

  it('never passes anything but the discovered authorization endpoint to the browser', async () => {
    const { service, browser } = serviceFor(sandbox, 'nurse-hughes');
    await service.signIn();
    const opened = browser.opened[0];
    expect(opened && `${opened.origin}${opened.pathname}`).toBe(`${sandbox.issuer}/auth`);
    // The adapter's last check (main/adapters/system-browser.ts) is only as good as this argument.
    expect(browser.endpoints.map((e) => e.href)).toEqual([`${sandbox.issuer}/auth`]);
  });
});
