// The deployable relay: built with `npm run build:relay` into a folder outside the repository and
// started there with plain `node main.mjs` (the entry point the container image and the systemd
// unit run), against a real Redis and the stand-in issuer. It takes a registration and a logout,
// then stops on SIGTERM as a service manager stops it: the workstation hears 1001, a POST that
// was still arriving is answered, the process exits 0 well inside 10 s.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { needs } from '../../support/needs';
import { buildRelayOutside, removeFolder, startBuiltRelay } from '../fixtures/built-relay';
import type { BuiltRelay } from '../fixtures/built-relay';
import { newClientKeyPem, provisionWithVerb } from '../fixtures/client-key-verb';
import { startTestIssuer } from '../fixtures/issuer';
import type { TestIssuer } from '../fixtures/issuer';
import { redisServerAvailable, startRedis } from '../fixtures/redis';
import type { RedisServer } from '../fixtures/redis';
import { postLogout } from '../fixtures/relays';
import { TestWorkstation } from '../fixtures/workstation';

// Skipped without redis-server on a developer's machine; in CI a missing one fails (test/support/needs.ts).
const redisNeeded = needs(redisServerAvailable ? null : 'redis-server is not installed');

/** A logout POST whose body arrives in two parts: the second only when `finish` is called. */
function slowPost(url: string, token: string): { finish(): void; answer: Promise<number> } {
  const body = new URLSearchParams({ logout_token: token }).toString();
  const half = Math.floor(body.length / 2);
  const target = new URL('/backchannel-logout', url);
  let req: ReturnType<typeof request> | null = null;
  const answer = new Promise<number>((resolve, reject) => {
    req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, half));
  });
  return { finish: () => req?.end(body.slice(half)), answer };
}

redisNeeded.describe(redisNeeded.title('the built relay, outside the repository'), () => {
  let folder: string;
  let redis: RedisServer;
  let issuer: TestIssuer;
  let relay: BuiltRelay;
  let keys: string;
  let jwksFile: string;

  beforeAll(async () => {
    folder = buildRelayOutside();
    [redis, issuer] = await Promise.all([startRedis(), startTestIssuer()]);
    keys = mkdtempSync(path.join(tmpdir(), 'cws-built-relay-jwks-'));
    ({ jwksFile } = await provisionWithVerb(keys, 'client', newClientKeyPem('ec'), issuer.clientId));
    relay = await startBuiltRelay(folder, {
      RELAY_ISSUER: issuer.issuer,
      RELAY_CLIENT_ID: issuer.clientId,
      RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
      RELAY_PORT: '0',
      RELAY_REDIS_URL: redis.url,
      RELAY_REPLICA_NAME: 'built',
      RELAY_CLIENT_JWKS_FILES: jwksFile,
    });
  });

  afterAll(async () => {
    if (relay !== undefined && relay.child.exitCode === null) relay.child.kill('SIGKILL');
    await Promise.all([redis?.stop(), issuer?.close()]);
    if (folder !== undefined) removeFolder(folder);
    if (keys !== undefined) rmSync(keys, { recursive: true, force: true });
  });

  it("serves the client's JWK Set from RELAY_CLIENT_JWKS_FILES at /jwks.json", async () => {
    const response = await fetch(`${relay.url}/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(((await response.json()) as { keys: { kty: string }[] }).keys.map((k) => k.kty)).toEqual(['EC']);
  });

  it('does not start (exit 2) on a JWKS file holding a private key, naming the setting and not the key', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const file = path.join(keys, 'private.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...jwk, kid: 'k', alg: 'ES256', use: 'sig' }] }));
    const run = spawnSync(process.execPath, ['main.mjs'], {
      cwd: folder,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        RELAY_ISSUER: issuer.issuer,
        RELAY_CLIENT_ID: issuer.clientId,
        RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
        RELAY_PORT: '0',
        RELAY_ADMIN_PORT: '0',
        RELAY_CLIENT_JWKS_FILES: file,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('relay: not started.');
    expect(run.stderr).toContain('RELAY_CLIENT_JWKS_FILES');
    expect(run.stderr).toContain('holds private key members (d)');
    expect(run.stderr + run.stdout).not.toContain(String(jwk.d));
  });

  it('registers a workstation, delivers a logout, and stops on SIGTERM within 10 s', async () => {
    const names = { sub: '555000009001', sid: 'sid-built-relay' };
    const ws = await TestWorkstation.connect(relay.url);
    expect(await ws.register(await issuer.idToken(names))).toMatchObject({ type: 'registered' });

    const token = await issuer.logoutToken(names);
    expect((await postLogout(relay.url, token)).status).toBe(200);
    expect((await ws.logout(token, 5_000)).catchUp).toBe(false);

    // A second logout is still arriving when the service manager says stop.
    const other = { sub: '555000009002', sid: 'sid-built-relay-2' };
    const inFlight = slowPost(relay.url, await issuer.logoutToken(other));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalledAt = performance.now();
    relay.child.kill('SIGTERM');
    // The workstation is told the relay is going away (1001), so it reconnects elsewhere.
    expect((await ws.closed).code).toBe(1001);
    inFlight.finish();
    expect(await inFlight.answer).toBe(200);

    const { code, signal, at } = await relay.exited();
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(relay.stdout()).toMatch(/"event":"relay stopped"/);
  });
});
