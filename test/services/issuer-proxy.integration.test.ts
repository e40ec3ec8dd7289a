/**
 * Sign-in on a proxied hospital network. The services send every request to the issuer through
 * their fetch port (AppServicesOptions.fetch; on a ward PC Chromium's network stack, which follows
 * the system proxy: main/adapters/network.ts). Here the network is played on loopback:
 *
 * - the sandbox names its issuer at an address where a "firewall" drops every direct connection,
 *   as a hospital's firewall drops a workstation's direct connections to the internet;
 * - a small HTTP forward proxy, the only way through, forwards that address to the sandbox and
 *   records each request it carries (plain http on loopback, so it sees absolute-form request
 *   lines such as `GET http://127.0.0.1:PORT/... HTTP/1.1`);
 * - the services get a fetch that sends every request via that proxy, as Chromium would.
 *
 * With that fetch, a whole sign-in (discovery, token, userinfo, JWKS), the logout-token check's
 * JWKS fetch and the revocation at sign-out all go through the proxy; with Node's own fetch, which
 * knows nothing of proxies, the same sign-in fails.
 */
import { request as httpRequest, createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CustomFetch } from 'openid-client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../main/core/policy';
import { createAppServices } from '../../main/services/compose';
import type { AppServices } from '../../main/services/compose';
import { createMemorySecretStore } from '../../main/services/secret-store';
import { ManualTime } from '../../main/services/time';
import { SANDBOX_REALM_PATH, startSandbox } from '../../sandbox/provider';
import type { Sandbox } from '../../sandbox/provider';
import { ScriptedBrowser, sandboxSettings } from './oidc/fixtures';

const listen = async <T extends Server | TcpServer>(
  server: T,
): Promise<{ server: T; origin: string; port: number }> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, port };
};

/** Drops every direct connection: the address is reachable only through the proxy. */
async function startFirewall(): Promise<{
  origin: string;
  port: number;
  attempts: () => number;
  close(): Promise<void>;
}> {
  let attempts = 0;
  const { server, origin, port } = await listen(
    createTcpServer((socket) => {
      attempts += 1;
      socket.destroy();
    }),
  );
  return {
    origin,
    port,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface ProxiedRequest {
  readonly method: string;
  /** The request target as the proxy received it (absolute form). */
  readonly target: string;
}

/** An HTTP forward proxy that forwards the hosts it is told about, and records what it carries. */
async function startProxy(
  routes: Map<string, string>,
): Promise<{ origin: string; carried: ProxiedRequest[]; close(): Promise<void> }> {
  const carried: ProxiedRequest[] = [];
  const { server, origin } = await listen(
    createServer((req, res) => {
      const target = req.url ?? '';
      // A forward proxy gets absolute-form targets (RFC 9112 §3.2.2); anything else is not for it.
      if (!/^http:\/\//.test(target)) {
        res.writeHead(400).end('not a proxy request');
        return;
      }
      const url = new URL(target);
      const upstream = routes.get(url.host);
      if (upstream === undefined) {
        res.writeHead(502).end('no route');
        return;
      }
      carried.push({ method: req.method ?? 'GET', target });
      const to = new URL(upstream);
      // The Host header is the client's, as a forward proxy leaves it.
      const forward = httpRequest(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end('upstream failed'));
      req.pipe(forward);
    }),
  );
  return {
    origin,
    carried,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** openid-client's CustomFetch over an HTTP forward proxy, as Chromium sends a plain-http request to one. */
function fetchViaProxy(proxyOrigin: string): CustomFetch {
  const proxy = new URL(proxyOrigin);
  return async (url, options) => {
    const target = new URL(url);
    const headers: Record<string, string> = { ...options.headers, host: target.host };
    let body: Buffer | null = null;
    if (options.body !== undefined && options.body !== null) {
      body = Buffer.from(await new Response(options.body as BodyInit).arrayBuffer());
      headers['content-type'] ??=
        typeof options.body === 'string' || options.body instanceof URLSearchParams
          ? 'application/x-www-form-urlencoded;charset=UTF-8'
          : 'application/octet-stream';
      headers['content-length'] = String(body.length);
    }
    return new Promise<Response>((resolve, reject) => {
      const req = httpRequest(
        {
          host: proxy.hostname,
          port: proxy.port,
          method: options.method,
          path: target.href,
          headers,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers as IncomingHttpHeaders)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
              responseHeaders.append(name, v);
          }
          const status = res.statusCode ?? 502;
          const nullBody = [204, 205, 304].includes(status) || options.method === 'HEAD';
          if (nullBody) res.resume();
          // Never followed: a 3xx comes back to the caller as it is (redirect: 'manual').
          resolve(
            new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      req.on('error', (cause) => reject(new TypeError('fetch failed', { cause })));
      req.end(body ?? undefined);
    });
  };
}

let firewall: Awaited<ReturnType<typeof startFirewall>>;
let sandbox: Sandbox;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let root: string;
beforeAll(async () => {
  firewall = await startFirewall();
  sandbox = await startSandbox({ issuerOrigin: firewall.origin });
  proxy = await startProxy(new Map([[new URL(firewall.origin).host, sandbox.address]]));
  root = await mkdtemp(join(tmpdir(), 'cws-proxy-'));
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
  await firewall.close();
  await rm(root, { recursive: true, force: true });
});

async function services(fetch?: CustomFetch): Promise<AppServices> {
  return createAppServices({
    oidc: sandboxSettings(sandbox),
    policy: resolvePolicy({}).policy,
    browser: new ScriptedBrowser((url) => sandbox.loginAs(url, 'dr-okafor')),
    time: new ManualTime({ wall: Date.now(), mono: 0 }),
    logger: pino({ level: 'silent' }),
    secretStore: createMemorySecretStore(),
    draftsDir: join(root, `drafts-${Math.random().toString(36).slice(2)}`),
    signInClock: Date.now,
    ...(fetch ? { fetch } : {}),
  });
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

/** The issuer-relative paths the proxy carried from `from` on, e.g. '/token'. */
const carriedPaths = (from = 0): string[] =>
  proxy.carried.slice(from).map((r) => new URL(r.target).pathname.slice(SANDBOX_REALM_PATH.length));

describe('sign-in through the hospital’s HTTP proxy', () => {
  it('names its issuer where only the proxy can reach it', () => {
    expect(new URL(sandbox.issuer).origin).toBe(firewall.origin);
    expect(sandbox.address).not.toBe(firewall.origin);
  });

  it('signs in when the fetch port goes through the proxy: discovery, token, userinfo and keys all carried by it', async () => {
    const attempts = firewall.attempts();
    const app = await services(fetchViaProxy(proxy.origin));
    try {
      app.session.backend.signIn();
      await until('the sign-in', () => app.session.view().kind === 'active');
      expect(proxy.carried.every((r) => r.target.startsWith(`${firewall.origin}${SANDBOX_REALM_PATH}/`))).toBe(true);
      expect(proxy.carried[0]).toEqual({ method: 'GET', target: `${sandbox.issuer}/.well-known/openid-configuration` });
      expect(carriedPaths()).toEqual(
        expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/me', '/jwks']),
      );
      expect(proxy.carried.find((r) => r.target.endsWith('/token'))?.method).toBe('POST');

      // A CIS2 logout token: its signature is checked with keys fetched through the proxy too.
      const signedIn = proxy.carried.length;
      const sub = sandbox.clinicians.find((c) => c.id === 'dr-okafor')?.sub;
      expect(await app.receiveLogoutToken(await sandbox.logoutToken({ sub }))).toMatchObject({
        ok: true,
        subject: sub,
      });
      expect(carriedPaths(signedIn)).toEqual(['/jwks']);
    } finally {
      await app.close();
    }
    // The shell never went round the proxy.
    expect(firewall.attempts()).toBe(attempts);
  });

  it('revokes the tokens at sign-out through the proxy', async () => {
    const attempts = firewall.attempts();
    const app = await services(fetchViaProxy(proxy.origin));
    try {
      app.session.backend.signIn();
      await until('the sign-in', () => app.session.view().kind === 'active');
      const signedIn = proxy.carried.length;
      app.signIn.signOut();
      // Both revocations (the refresh token, then the access token): the second would otherwise
      // land during the next test and be counted there.
      await until(
        'both revocations',
        () => carriedPaths(signedIn).filter((p) => p === '/token/revocation').length === 2,
      );
    } finally {
      await app.close();
    }
    expect(firewall.attempts()).toBe(attempts);
  });

  it('cannot sign in with Node’s fetch, which does not know the proxy', async () => {
    const before = { carried: proxy.carried.length, attempts: firewall.attempts() };
    const app = await services();
    try {
      const outcome = await app.signIn.signIn();
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'SIGNIN_DISCOVERY_FAILED' } });
    } finally {
      await app.close();
    }
    expect(proxy.carried.length).toBe(before.carried);
    expect(firewall.attempts()).toBeGreaterThan(before.attempts);
  });
});
