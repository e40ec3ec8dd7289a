/**
 * The issuer fetch port on Electron's `session.fetch` (main/adapters/network.ts), against a small
 * fake of the part of Electron it uses. The fake behaves as Electron 45 does, never kinder
 * (electron/electron, tag v45.0.0-nightly.20260821):
 * - `session.fetch(input, init)` builds a WHATWG Request from its arguments and resolves with a
 *   global Response (lib/browser/api/net-fetch.ts `fetchWithSession`);
 * - with `redirect: 'manual'` a redirect nobody follows is cancelled: the promise rejects with
 *   Error('Redirect was cancelled') (lib/common/api/net-client-request.ts, the 'redirect' handler;
 *   electron/electron#43715);
 * - a network failure rejects with Error(<Chromium's net error name>) (same file, the URL
 *   loader's 'error' event);
 * - `session.fromPartition(name)` without a `persist:` prefix is an in-memory session
 *   (electron.d.ts, `Session.fromPartition`).
 * Here the fake reaches the network with Node's fetch; Chromium's proxy handling is what it cannot
 * play, and what needs a ward PC (docs/deploy.md, "Proxies and TLS inspection").
 */
import type { FromPartitionOptions, Session } from 'electron';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronFetch, issuerFetch, issuerPartition, issuerSession } from '../../main/adapters/network';
import type { NetworkSession } from '../../main/adapters/network';
import { createAudit } from '../../main/services/audit';
import { createLogoutTokenValidatorFor, createSignInService, resolveOidcSettings } from '../../main/services/oidc';
import { startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { ScriptedBrowser } from '../services/oidc/fixtures';

type FetchInit = RequestInit & { bypassCustomProtocolHandlers?: boolean };

class FakeNetworkSession {
  readonly calls: { url: string; init: FetchInit; request: Request }[] = [];
  /** What the network does with a request; Node's fetch (redirects left unfollowed) unless a test says otherwise. */
  network: (request: Request) => Promise<Response> = (request) => fetch(request, { redirect: 'manual' });

  async fetch(input: string | Request, init?: FetchInit): Promise<Response> {
    const { bypassCustomProtocolHandlers: _bypass, ...requestInit } = init ?? {};
    const request = new Request(input, requestInit);
    this.calls.push({ url: request.url, init: init ?? {}, request });
    const response = await this.network(request.clone());
    if (response.status >= 300 && response.status < 400 && request.redirect === 'manual') {
      await response.arrayBuffer();
      throw new Error('Redirect was cancelled');
    }
    return response;
  }

  asSession(): NetworkSession {
    return this as unknown as NetworkSession;
  }
}

const noBody = { body: undefined, redirect: 'manual' as const };

describe('electronFetch', () => {
  it('sends openid-client’s request through the session, never following a redirect nor sending cookies', async () => {
    const session = new FakeNetworkSession();
    const answer = Response.json({ access_token: 'a' });
    session.network = async () => answer;
    const controller = new AbortController();
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c1' });
    const response = await electronFetch(session.asSession())('https://cis2.example/token', {
      method: 'POST',
      headers: { accept: 'application/json', authorization: 'DPoP x' },
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    expect(response).toBe(answer);
    expect(response).toBeInstanceOf(Response);
    const [call] = session.calls;
    expect(call?.url).toBe('https://cis2.example/token');
    expect(call?.init).toMatchObject({
      method: 'POST',
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      bypassCustomProtocolHandlers: true,
      signal: controller.signal,
    });
    expect(call?.request.headers.get('authorization')).toBe('DPoP x');
    expect(call?.request.headers.get('content-type')).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(await call?.request.text()).toBe('grant_type=authorization_code&code=c1');
    expect(call?.request.headers.has('cookie')).toBe(false);
    expect(call?.request.headers.has('referer')).toBe(false);
  });

  it('refuses plain http to anything but the loopback address, without a request', async () => {
    const session = new FakeNetworkSession();
    session.network = async () => new Response('{}');
    const send = electronFetch(session.asSession());
    await expect(send('http://cis2.example/token', { ...noBody, method: 'GET', headers: {} })).rejects.toThrow(
      /must use https/,
    );
    await expect(send('ftp://cis2.example/jwks', { ...noBody, method: 'GET', headers: {} })).rejects.toThrow(TypeError);
    expect(session.calls).toEqual([]);
    await send('http://127.0.0.1:5123/realm/.well-known/openid-configuration', {
      ...noBody,
      method: 'GET',
      headers: {},
    });
    expect(session.calls.map((c) => c.url)).toEqual(['http://127.0.0.1:5123/realm/.well-known/openid-configuration']);
  });

  it('turns Chromium’s network errors into fetch’s TypeError, naming the error and nothing else', async () => {
    const session = new FakeNetworkSession();
    const chromium = new Error('net::ERR_PROXY_CONNECTION_FAILED');
    session.network = async () => {
      throw chromium;
    };
    const failure = electronFetch(session.asSession())('https://cis2.example/authorize?state=secret', {
      ...noBody,
      method: 'GET',
      headers: {},
    });
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toMatchObject({
      message: 'fetch failed (ERR_PROXY_CONNECTION_FAILED)',
      code: 'ERR_PROXY_CONNECTION_FAILED',
      cause: chromium,
    });
  });

  it('gives the audit log Chromium’s error as the cause of a failed sign-in, and nothing of the address', async () => {
    const session = new FakeNetworkSession();
    session.network = async () => {
      throw new Error('net::ERR_CERT_AUTHORITY_INVALID');
    };
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const settings = resolveOidcSettings({ issuer: 'https://cis2.example/realm', clientId: 'cws' });
    const service = createSignInService({
      settings,
      browser: new ScriptedBrowser(),
      logger,
      fetch: electronFetch(session.asSession()),
    });
    const outcome = await service.signIn();
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'SIGNIN_DISCOVERY_FAILED' } });
    if (outcome.kind !== 'failed') return;
    createAudit(logger).signInFailed(outcome.error, { reauth: false });
    const audit = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['event'] === 'signin.failed');
    expect(audit).toMatchObject({
      code: 'SIGNIN_DISCOVERY_FAILED',
      category: 'downstream',
      cause: 'ERR_CERT_AUTHORITY_INVALID',
    });
    expect(lines.join('\n')).not.toContain('cis2.example');
  });

  it('refuses a redirect: Electron cancels it, and the caller hears a network failure', async () => {
    const session = new FakeNetworkSession();
    session.network = async () =>
      new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/steal' } });
    const failure = electronFetch(session.asSession())('https://cis2.example/token', {
      ...noBody,
      method: 'POST',
      headers: {},
      body: 'code=c1',
    });
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toMatchObject({
      message: 'fetch failed (REDIRECT_NOT_FOLLOWED)',
      code: 'REDIRECT_NOT_FOLLOWED',
    });
    expect(session.calls).toHaveLength(1);
  });

  it('passes an abort or a timeout on as it is', async () => {
    const session = new FakeNetworkSession();
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    session.network = async () => {
      throw timeout;
    };
    await expect(
      electronFetch(session.asSession())('https://cis2.example/jwks', { ...noBody, method: 'GET', headers: {} }),
    ).rejects.toBe(timeout);
  });
});

describe('issuerFetch', () => {
  it('makes the issuer’s session at the first request, not at start, and only once', async () => {
    const session = new FakeNetworkSession();
    session.network = async () => new Response('{}');
    const made: string[] = [];
    const send = issuerFetch({
      fromPartition: (partition) => {
        made.push(partition);
        return session.asSession() as Session;
      },
    });
    expect(made).toEqual([]);
    await send('https://cis2.example/.well-known/openid-configuration', { ...noBody, method: 'GET', headers: {} });
    await send('https://cis2.example/jwks', { ...noBody, method: 'GET', headers: {} });
    expect(made).toEqual([issuerPartition]);
    expect(session.calls.map((c) => c.init.credentials)).toEqual(['omit', 'omit']);
  });
});

describe('issuerSession', () => {
  it('is an in-memory partition of its own, without an HTTP cache', () => {
    const made: [string, FromPartitionOptions | undefined][] = [];
    const session = issuerSession({
      fromPartition: (partition, options) => {
        made.push([partition, options]);
        return {} as Session;
      },
    });
    expect(session).toEqual({});
    expect(made).toEqual([[issuerPartition, { cache: false }]]);
    expect(issuerPartition).not.toMatch(/^persist:/);
    expect(issuerPartition).not.toBe('');
  });
});

describe('a sandbox sign-in and a logout-token check over the Electron port', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('discovers, exchanges the code, reads userinfo and fetches keys through session.fetch only', async () => {
    const session = new FakeNetworkSession();
    const fetch = electronFetch(session.asSession());
    const settings = resolveOidcSettings({
      issuer: sandbox.issuer,
      clientId: sandbox.clientId,
      allowInsecureLoopbackIssuer: true,
    });
    const service = createSignInService({
      settings,
      browser: new ScriptedBrowser((url) => sandbox.loginAs(url, 'dr-okafor')),
      logger: pino({ level: 'silent' }),
      fetch,
    });
    const outcome = await service.signIn();
    expect(outcome.kind).toBe('signed-in');
    const paths = (): string[] =>
      session.calls.map((c) => new URL(c.url).pathname.slice(new URL(sandbox.issuer).pathname.length));
    expect(paths()).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/me', '/jwks']));
    expect(session.calls.every((c) => c.init.redirect === 'manual' && c.init.credentials === 'omit')).toBe(true);

    const validate = createLogoutTokenValidatorFor(settings, await service.providerMetadata(), { fetch });
    const before = session.calls.length;
    const subject = outcome.kind === 'signed-in' ? outcome.session.subject : '';
    expect(await validate(await sandbox.logoutToken({ sub: subject }))).toMatchObject({ ok: true, subject });
    expect(paths().slice(before)).toEqual(['/jwks']);
  });
});
