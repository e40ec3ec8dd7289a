// The relay's TLS front as docs/relay.md gives it (relay/deploy/nginx.conf), run by Debian's nginx
// with a test CA, in front of two replicas sharing a real Redis. Addresses on loopback stand for
// the parties: 127.0.0.4 is CIS2 (the replicas' RELAY_ALLOW_SOURCES), 127.0.0.2 a ward PC (the
// trust network the configuration allows to /workstations), 127.0.0.3 anyone else; nginx itself
// is 127.0.0.1, the replicas' RELAY_TRUSTED_PROXIES. Only the lines the file marks SITE are changed.
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { needs } from '../../support/needs';
import { newClientKeyPem, provisionWithVerb } from '../fixtures/client-key-verb';
import { startTestIssuer } from '../fixtures/issuer';
import type { TestIssuer } from '../fixtures/issuer';
import { makeTestCa, nginxFolder, nginxMissing, removeNginxFolder, startNginx } from '../fixtures/nginx';
import type { TestCa, TestNginx } from '../fixtures/nginx';
import { freePort, redisServerAvailable, startRedis } from '../fixtures/redis';
import type { RedisServer } from '../fixtures/redis';
import { startTestRelay } from '../fixtures/relays';
import type { TestRelay } from '../fixtures/relays';
import { TestWorkstation } from '../fixtures/workstation';

const CIS2 = '127.0.0.4';
const WARD_PC = '127.0.0.2';
const STRANGER = '127.0.0.3';

// Skipped without nginx, openssl or redis-server on a developer's machine; in CI a missing one fails (test/support/needs.ts).
const front = needs(nginxMissing ?? (redisServerAvailable ? null : 'redis-server is not installed'));

const shipped = readFileSync(path.resolve(import.meta.dirname, '../../../relay/deploy/nginx.conf'), 'utf8');

/** relay/deploy/nginx.conf with its SITE lines set for this test; each must be found exactly once. */
function siteConfig(options: { port: number; replicas: readonly number[]; ca: TestCa }): string {
  let text = shipped;
  const replace = (pattern: RegExp, to: string): void => {
    expect(text.match(new RegExp(pattern.source, 'gm')), String(pattern)).toHaveLength(1);
    text = text.replace(new RegExp(pattern.source, 'm'), to);
  };
  replace(/server 10\.20\.0\.11:8787 /, `server 127.0.0.1:${options.replicas[0]} `);
  replace(/server 10\.20\.0\.12:8787 /, `server 127.0.0.1:${options.replicas[1]} `);
  replace(/listen 443 ssl;/, `listen 127.0.0.1:${options.port} ssl;`);
  replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${options.ca.certFile};`);
  replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${options.ca.keyFile};`);
  replace(/allow 10\.0\.0\.0\/8;/, `allow ${WARD_PC};`);
  return text;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** An HTTPS request to nginx from `from`, trusting only the test CA. */
function send(
  url: string,
  options: { from: string; ca: string; method?: string; body?: string; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: options.ca,
        localAddress: options.from,
        agent: false,
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

front.describe(front.title('the nginx TLS front (relay/deploy/nginx.conf) before two replicas'), () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let replicas: TestRelay[] = [];
  let dir: string;
  let ca: TestCa;
  let nginx: TestNginx;
  let origin: string;
  let keys: string;
  let jwks: string;
  const open: TestWorkstation[] = [];

  const postLogout = async (token: string, from: string, headers: Record<string, string> = {}) =>
    send(`${origin}/backchannel-logout`, {
      from,
      ca: ca.caPem,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ logout_token: token }).toString(),
    });

  const workstation = async (from: string): Promise<TestWorkstation> => {
    const ws = await TestWorkstation.connect(origin, { client: { ca: ca.caPem, localAddress: from } });
    open.push(ws);
    return ws;
  };

  beforeAll(async () => {
    [redis, issuer] = await Promise.all([startRedis(), startTestIssuer()]);
    // The client's JWK Set as the provisioning verb prints it, published by both replicas.
    keys = mkdtempSync(path.join(tmpdir(), 'cws-relay-nginx-jwks-'));
    const client = await provisionWithVerb(keys, 'client', newClientKeyPem(), issuer.clientId);
    jwks = readFileSync(client.jwksFile, 'utf8').trim();
    replicas = await Promise.all(
      ['a', 'b'].map((name) =>
        startTestRelay({
          issuer: issuer.issuer,
          clientId: issuer.clientId,
          redisUrl: redis.url,
          replicaName: name,
          trustedProxies: ['127.0.0.1'],
          allowSources: [CIS2],
          clientJwksFiles: [client.jwksFile],
        }),
      ),
    );
    dir = nginxFolder();
    ca = makeTestCa(dir);
    const port = await freePort();
    nginx = await startNginx(dir, siteConfig({ port, replicas: replicas.map((r) => r.port), ca }), port);
    origin = `https://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const ws of open) ws.close();
    await nginx?.stop();
    await Promise.all(replicas.map((r) => r.close()));
    await Promise.all([redis?.stop(), issuer?.close()]);
    if (dir !== undefined) removeNginxFolder(dir);
    if (keys !== undefined) rmSync(keys, { recursive: true, force: true });
  });

  it("carries ward PCs' wss:// channels to both replicas and CIS2's logouts to whichever holds the session", async () => {
    const sessions = [
      { sub: '555000009101', sid: 'sid-nginx-1' },
      { sub: '555000009102', sid: 'sid-nginx-2' },
    ];
    const stations = [await workstation(WARD_PC), await workstation(WARD_PC)];
    for (const [i, ws] of stations.entries()) {
      expect(await ws.register(await issuer.idToken(sessions[i]))).toMatchObject({ type: 'registered' });
    }
    // nginx spreads the channels over the two replicas (round robin).
    expect(replicas.map((r) => r.health().counts.registered)).toEqual([1, 1]);

    for (const [i, ws] of stations.entries()) {
      const token = await issuer.logoutToken(sessions[i]);
      const answer = await postLogout(token, CIS2);
      expect(answer, nginx.errors()).toMatchObject({ status: 200 });
      expect((await ws.logout(token, 5_000)).catchUp).toBe(false);
    }
  });

  it('the replicas take the client from the X-Forwarded-For entry nginx appends, not from one a client forged', async () => {
    const token = await issuer.logoutToken({ sub: '555000009103', sid: 'sid-nginx-3' });
    expect(await postLogout(token, STRANGER, { 'x-forwarded-for': CIS2 })).toMatchObject({ status: 403 });
    expect(await postLogout(token, CIS2, { 'x-forwarded-for': STRANGER })).toMatchObject({ status: 200 });
  });

  it('publishes neither health nor metrics, nor the workstation channel outside the trust network', async () => {
    for (const route of ['/healthz', '/readyz', '/livez', '/metrics', '/']) {
      expect(await send(`${origin}${route}`, { from: WARD_PC, ca: ca.caPem }), route).toMatchObject({ status: 404 });
    }
    // Health lives on each replica's admin listener, which nginx has no route to.
    expect((await fetch(`${replicas[0]?.adminUrl}/healthz`)).status).toBe(200);
    await expect(workstation(STRANGER)).rejects.toMatchObject({ status: 403 });
  });

  it("publishes the client's JWK Set to anyone (CIS2 fetches it) with the replicas' type, caching and ETag, read-only", async () => {
    const first = await send(`${origin}/jwks.json`, { from: STRANGER, ca: ca.caPem });
    expect(first, nginx.errors()).toMatchObject({ status: 200 });
    expect(JSON.parse(first.body)).toEqual(JSON.parse(jwks));
    expect(first.headers).toMatchObject({
      'content-type': 'application/jwk-set+json',
      'cache-control': 'public, max-age=300',
    });
    const etag = String(first.headers['etag']);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    // Round robin sends these to both replicas: each answers the same set with the same ETag.
    for (const _ of [1, 2]) {
      expect(
        await send(`${origin}/jwks.json`, { from: STRANGER, ca: ca.caPem, headers: { 'if-none-match': etag } }),
      ).toMatchObject({ status: 304, body: '' });
    }
    expect(await send(`${origin}/jwks.json`, { from: CIS2, ca: ca.caPem, method: 'HEAD' })).toMatchObject({
      status: 200,
      body: '',
    });
    expect(
      await send(`${origin}/jwks.json`, { from: STRANGER, ca: ca.caPem, method: 'POST', body: '{}' }),
    ).toMatchObject({ status: 403 });
  });

  it('keeps workstation channels open for an hour of silence, logout POSTs for 20 s', () => {
    const location = (name: string): string => new RegExp(`location = ${name} \\{([^}]*)\\}`).exec(shipped)?.[1] ?? '';
    expect(location('/workstations')).toMatch(/proxy_read_timeout 3600s;/);
    expect(location('/workstations')).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(location('/backchannel-logout')).toMatch(/proxy_read_timeout 20s;/);
  });
});
