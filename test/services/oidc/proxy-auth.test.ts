// Issue 24, item 8: a proxy that asks for credentials the PC's own Windows sign-in cannot answer
// (HTTP 407; Chromium's ERR_PROXY_AUTH_*) is named as the proxy, not as "could not reach": the
// shell has no `login` handler (no credential prompt on a shared PC), so only IT can fix it.
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { electronFetch } from '../../../main/adapters/network';
import { isProxyAuthFailure, toShellError } from '../../../main/services/oidc/error-mapping';

/** What the network adapter throws when Chromium's fetch fails with `net::<chromium>`. */
async function failureThroughChromium(chromium: string): Promise<unknown> {
  const fetch = electronFetch({
    fetch: () => Promise.reject(new Error(`net::${chromium}`)),
  } as unknown as Parameters<typeof electronFetch>[0]);
  return fetch('https://cis2.example/token', {
    method: 'POST',
    headers: {},
    body: undefined,
    redirect: 'manual',
  }).catch((e: unknown) => e);
}

describe('a proxy asking for credentials (issue 24, item 8)', () => {
  it("Chromium's proxy-auth errors, through the network adapter, become SIGNIN_PROXY_AUTH saying 'proxy'", async () => {
    for (const chromium of ['ERR_PROXY_AUTH_REQUESTED', 'ERR_PROXY_AUTH_UNSUPPORTED']) {
      const failure = await failureThroughChromium(chromium);
      expect(isProxyAuthFailure(failure)).toBe(true);
      const shown = toShellError(failure);
      expect(shown.code).toBe('SIGNIN_PROXY_AUTH');
      expect(shown.message).toMatch(/proxy/);
      expect(shown.message).not.toMatch(/could not reach NHS Care Identity to/);
    }
  });

  it("an HTTP 407 response (what Chromium's fetch hands back for a plain-HTTP proxy that wants credentials) is the proxy too, as openid-client reports it", async () => {
    // Node's own fetch turns a 407 into a bare network error (the Fetch standard, for a request
    // with no window); Electron's session.fetch, built on net.request, returns the response.
    const failure = await client
      .discovery(new URL('https://cis2.example'), 'client', undefined, undefined, {
        [client.customFetch]: async () =>
          new Response(null, { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="ward"' } }),
      })
      .catch((e: unknown) => e);
    expect(isProxyAuthFailure(failure)).toBe(true);
    expect(toShellError(failure).code).toBe('SIGNIN_PROXY_AUTH');
  });

  it('other network failures stay "could not reach" (a refused tunnel, a timeout, DNS)', async () => {
    for (const chromium of ['ERR_TUNNEL_CONNECTION_FAILED', 'ERR_PROXY_CONNECTION_FAILED', 'ERR_NAME_NOT_RESOLVED']) {
      const failure = await failureThroughChromium(chromium);
      expect(isProxyAuthFailure(failure)).toBe(false);
      expect(toShellError(failure).code).toBe('SIGNIN_NETWORK');
    }
  });
});
