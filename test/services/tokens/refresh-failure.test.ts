// What a failed refresh says about the session (main/services/tokens/refresh-failure.ts), for each
// shape openid-client, Chromium's fetch (adapters/network.ts) and Node's fetch really throw.
import { describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { ShellError } from '../../../main/core/errors';
import { classifyRefreshFailure } from '../../../main/services/tokens/refresh-failure';

/** fetch's TypeError as Chromium's port makes it: Chromium's error name as `code`. */
const chromium = (code: string) => Object.assign(new TypeError(`fetch failed (${code})`), { code });
/** Node's fetch: a TypeError whose cause carries the socket's code. */
const node = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
/** openid-client's answer to an HTTP response that is not a conforming token response. */
const notConform = (status: number, code = 'OAUTH_RESPONSE_IS_NOT_CONFORM') =>
  Object.assign(new Error('unexpected HTTP response status code'), {
    name: 'ClientError',
    code,
    cause: new Response('<html>…</html>', { status }),
  });
/** openid-client's ResponseBodyError: a 4xx with an OAuth error body. */
const oauthBody = (status: number, error: string) =>
  Object.assign(new Error('server responded with an error in the response body'), {
    name: 'ResponseBodyError',
    code: 'OAUTH_RESPONSE_BODY_ERROR',
    error,
    status,
  });

describe('classifyRefreshFailure', () => {
  it.each([
    ['Chromium: no network', chromium('ERR_INTERNET_DISCONNECTED'), 'network'],
    ['Chromium: reset', chromium('ERR_CONNECTION_RESET'), 'network'],
    ['Chromium: DNS', chromium('ERR_NAME_NOT_RESOLVED'), 'network'],
    ['Chromium: timed out', chromium('ERR_TIMED_OUT'), 'timeout'],
    ['Chromium: proxy down', chromium('ERR_PROXY_CONNECTION_FAILED'), 'proxy'],
    ['Chromium: tunnel refused', chromium('ERR_TUNNEL_CONNECTION_FAILED'), 'proxy'],
    ['Chromium: unknown root', chromium('ERR_CERT_AUTHORITY_INVALID'), 'tls'],
    ['Chromium: SSL protocol', chromium('ERR_SSL_PROTOCOL_ERROR'), 'tls'],
    ['Node: refused', node('ECONNREFUSED'), 'network'],
    ['Node: reset', node('ECONNRESET'), 'network'],
    ['Node: connect timeout', node('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    ['Node: self-signed', node('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    ['Node: expired certificate', node('CERT_HAS_EXPIRED'), 'tls'],
    ['a bare fetch failure', new TypeError('fetch failed'), 'network'],
    ['openid-client’s own timeout', new DOMException('The operation timed out.', 'TimeoutError'), 'timeout'],
    ['503 with a page', notConform(503), 'server-error'],
    ['502 from the proxy', notConform(502), 'server-error'],
    ['429 with a page', notConform(429), 'rate-limited'],
    ['407 from the proxy', notConform(407), 'proxy'],
    ['408', notConform(408), 'timeout'],
    ['a captive portal’s 200 page', notConform(200, 'OAUTH_RESPONSE_IS_NOT_JSON'), 'not-oauth'],
    ['a proxy’s 404 page', notConform(404), 'not-oauth'],
    ['429 with an OAuth body', oauthBody(429, 'slow_down'), 'rate-limited'],
    ['400 temporarily_unavailable', oauthBody(400, 'temporarily_unavailable'), 'server-error'],
    ['400 server_error', oauthBody(400, 'server_error'), 'server-error'],
  ])('%s is unanswered (%s)', (_name, error, cause) => {
    expect(classifyRefreshFailure(error)).toMatchObject({ kind: 'unanswered', cause });
  });

  it('keeps only fixed codes and the status as detail, never a message', () => {
    expect(classifyRefreshFailure(chromium('ERR_INTERNET_DISCONNECTED'))).toEqual({
      kind: 'unanswered',
      cause: 'network',
      detail: 'ERR_INTERNET_DISCONNECTED',
    });
    expect(classifyRefreshFailure(notConform(503))).toEqual({
      kind: 'unanswered',
      cause: 'server-error',
      detail: 'HTTP 503',
    });
    expect(classifyRefreshFailure(new TypeError('fetch failed to https://cis2.example/token?x=secret'))).toEqual({
      kind: 'unanswered',
      cause: 'network',
      detail: null,
    });
  });

  it.each([
    ['invalid_grant', oauthBody(400, 'invalid_grant'), 'invalid-grant'],
    ['invalid_client', oauthBody(401, 'invalid_client'), 'oauth-error'],
    ['unauthorized_client', oauthBody(400, 'unauthorized_client'), 'oauth-error'],
    [
      'a 401 challenge',
      Object.assign(new Error('challenge'), { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 401 }),
      'client-challenge',
    ],
    [
      'a refreshed ID token that fails its checks',
      Object.assign(new Error('unexpected JWT claim value encountered'), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' }),
      'failed-checks',
    ],
    ['an unknown error', new Error('something else'), 'failed-checks'],
  ])('%s is CIS2 refusing (%s)', (_name, error, refusal) => {
    expect(classifyRefreshFailure(error)).toEqual({ kind: 'refused', refusal });
  });

  it('a 407 challenge is the proxy, not CIS2', () => {
    const challenge = Object.assign(new Error('challenge'), { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 407 });
    expect(classifyRefreshFailure(challenge)).toMatchObject({ kind: 'unanswered', cause: 'proxy' });
  });

  it('a discovery that could not be refreshed is never a refusal: what it met, or not-oauth', () => {
    const discovery = (cause?: unknown) =>
      new ShellError('SIGNIN_DISCOVERY_FAILED', 'could not reach', cause === undefined ? undefined : { cause });
    expect(classifyRefreshFailure(discovery(node('ECONNREFUSED')))).toMatchObject({ cause: 'network' });
    expect(classifyRefreshFailure(discovery(notConform(503)))).toMatchObject({ cause: 'server-error' });
    expect(classifyRefreshFailure(discovery(new Error('issuer mismatch')))).toMatchObject({
      kind: 'unanswered',
      cause: 'not-oauth',
    });
    expect(classifyRefreshFailure(discovery())).toMatchObject({ kind: 'unanswered', cause: 'network' });
  });

  it("takes a code only when the whole of it is a code, and looks past openid-client's own to the network's", () => {
    for (const code of ['connect ECONNREFUSED', 'ECONNREFUSED 10.0.0.1:443'])
      expect(classifyRefreshFailure(chromium(code))).toEqual({ kind: 'unanswered', cause: 'network', detail: null });
    const wrapped = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'OAUTH_RESPONSE_IS_NOT_JSON', cause: node('ECONNRESET') }),
    });
    expect(classifyRefreshFailure(wrapped)).toEqual({ kind: 'unanswered', cause: 'network', detail: 'ECONNRESET' });
  });

  it('a 500 is the server, and the status is the detail of every unanswered HTTP answer', () => {
    expect(classifyRefreshFailure(notConform(500))).toEqual({
      kind: 'unanswered',
      cause: 'server-error',
      detail: 'HTTP 500',
    });
    expect(classifyRefreshFailure(notConform(499))).toEqual({
      kind: 'unanswered',
      cause: 'not-oauth',
      detail: 'HTTP 499',
    });
    expect(classifyRefreshFailure(oauthBody(503, 'server_error'))).toEqual({
      kind: 'unanswered',
      cause: 'server-error',
      detail: 'HTTP 503',
    });
    expect(classifyRefreshFailure(oauthBody(400, 'server_error'))).toEqual({
      kind: 'unanswered',
      cause: 'server-error',
      detail: 'server_error',
    });
    const challenge = Object.assign(new Error('challenge'), { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 429 });
    expect(classifyRefreshFailure(challenge)).toEqual({
      kind: 'unanswered',
      cause: 'rate-limited',
      detail: 'HTTP 429',
    });
  });

  it('a non-conforming answer with no usable status is not-oauth with no detail', () => {
    const withCause = (cause: unknown) =>
      Object.assign(new Error('unexpected'), { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM', cause });
    for (const cause of [undefined, null, { status: '503' }, { status: 503.5 }])
      expect(classifyRefreshFailure(withCause(cause))).toEqual({
        kind: 'unanswered',
        cause: 'not-oauth',
        detail: null,
      });
  });

  it('something thrown that is not an object is a failure to reach CIS2, and either abort is a timeout', () => {
    for (const thrown of [null, undefined, 'fetch failed', 42])
      expect(classifyRefreshFailure(thrown)).toEqual({ kind: 'unanswered', cause: 'network', detail: null });
    for (const name of ['TimeoutError', 'AbortError'])
      expect(classifyRefreshFailure(new DOMException('stopped', name))).toEqual({
        kind: 'unanswered',
        cause: 'timeout',
        detail: null,
      });
  });

  it("only the shell's own discovery failure is treated as discovery; any other error with its code is a refusal", () => {
    const other = new ShellError('SIGNIN_TOKEN_REJECTED', 'refused', { cause: node('ECONNREFUSED') });
    expect(classifyRefreshFailure(other)).toEqual({ kind: 'refused', refusal: 'failed-checks' });
    const lookalike = Object.assign(new Error('x', { cause: node('ECONNREFUSED') }), {
      code: 'SIGNIN_DISCOVERY_FAILED',
    });
    expect(classifyRefreshFailure(lookalike)).toEqual({ kind: 'refused', refusal: 'failed-checks' });
  });

  it('what openid-client really throws for a 503 from the token endpoint is server-error', async () => {
    const server = new client.Configuration(
      { issuer: 'https://cis2.example', token_endpoint: 'https://cis2.example/token' },
      'client',
    );
    server[client.customFetch] = async () => new Response('Service Unavailable', { status: 503 });
    const thrown = await client.refreshTokenGrant(server, 'rt').catch((error: unknown) => error);
    expect(classifyRefreshFailure(thrown)).toMatchObject({ kind: 'unanswered', cause: 'server-error' });
    server[client.customFetch] = async () => Response.json({ error: 'invalid_grant' }, { status: 400 });
    const refused = await client.refreshTokenGrant(server, 'rt').catch((error: unknown) => error);
    expect(classifyRefreshFailure(refused)).toEqual({ kind: 'refused', refusal: 'invalid-grant' });
  });
});
