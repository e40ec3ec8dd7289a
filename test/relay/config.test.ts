// The relay's settings: environment variables over a JSON file, checked with zod; a bad value
// stops the relay with a sentence naming the setting and never echoing its value.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS } from '../../main/services/relay-client/protocol';
import { RelayConfigError, loadRelayConfig, parseHostPort, parseRelayConfig } from '../../relay/config';
import { addressSet, clientAddress, parseCidr } from '../../relay/net';
import { perObjectLimiter, rateLimiter } from '../../relay/rate-limit';
import { freePort } from './fixtures/redis';

const ISSUER =
  'https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const base = { RELAY_ISSUER: ISSUER, RELAY_CLIENT_ID: 'clinical-workstation-shell' };
const dir = mkdtempSync(join(tmpdir(), 'cws-relay-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof RelayConfigError) return err.message;
    throw err;
  }
  throw new Error('no error');
}

describe('relay configuration', () => {
  it('needs only the issuer and client id; the rest has safe defaults (memory store, loopback, 12 hours)', () => {
    const config = loadRelayConfig(base);
    expect(config.redisUrl).toBeUndefined();
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      allowSources: [],
      trustedProxies: [],
      revocationHours: 12,
      heartbeatMs: HEARTBEAT_MS,
      maxBodyBytes: 32 * 1024,
    });
  });

  it('reads a JSON file named by RELAY_CONFIG, and an environment variable overrides it', () => {
    const file = join(dir, 'relay.json');
    writeFileSync(
      file,
      JSON.stringify({
        issuer: ISSUER,
        clientId: 'from-file',
        port: 9000,
        allowSources: ['192.0.2.0/24', '2001:db8::/32'],
        redisUrl: 'redis://redis.trust.internal:6379',
      }),
    );
    const config = loadRelayConfig({
      RELAY_CONFIG: file,
      RELAY_CLIENT_ID: 'from-env',
      RELAY_TRUSTED_PROXIES: '10.0.0.5, 10.0.0.6',
    });
    expect(config).toMatchObject({
      clientId: 'from-env',
      port: 9000,
      allowSources: ['192.0.2.0/24', '2001:db8::/32'],
      trustedProxies: ['10.0.0.5', '10.0.0.6'],
      redisUrl: 'redis://redis.trust.internal:6379',
    });
  });

  it.each([
    ['RELAY_PORT', { RELAY_PORT: 'eighty' }],
    ['RELAY_PORT', { RELAY_PORT: '70000' }],
    ['RELAY_ALLOW_SOURCES', { RELAY_ALLOW_SOURCES: '192.0.2.0/33' }],
    ['RELAY_TRUSTED_PROXIES', { RELAY_TRUSTED_PROXIES: 'proxy.trust.internal' }],
    ['RELAY_REVOCATION_HOURS', { RELAY_REVOCATION_HOURS: '6' }],
    ['RELAY_HOST', { RELAY_HOST: 'everywhere' }],
    ['RELAY_LOG_LEVEL', { RELAY_LOG_LEVEL: 'loud' }],
    ['RELAY_ISSUER', { RELAY_ISSUER: 'http://cis2.example/issuer' }],
    ['RELAY_HEADERS_TIMEOUT_MS', { RELAY_HEADERS_TIMEOUT_MS: '30000', RELAY_REQUEST_TIMEOUT_MS: '10000' }],
    ['RELAY_MAX_CONNECTIONS_PER_SOURCE', { RELAY_MAX_CONNECTIONS_PER_SOURCE: '0' }],
  ])('names %s when its value is bad', (name, env) => {
    expect(error(() => loadRelayConfig({ ...base, ...env }))).toContain(name);
  });

  it('names a missing required setting', () => {
    expect(error(() => loadRelayConfig({ RELAY_ISSUER: ISSUER }))).toMatch(/RELAY_CLIENT_ID .*is required/);
  });

  it('never repeats a secret value in the error', () => {
    const message = error(() => loadRelayConfig({ ...base, RELAY_REDIS_URL: 'http://user:hunter2-secret@redis:6379' }));
    expect(message).toContain('RELAY_REDIS_URL');
    expect(message).not.toContain('hunter2-secret');
    expect(error(() => loadRelayConfig({ ...base, RELAY_LOG_HASH_KEY: 'short-secret' }))).not.toContain('short-secret');
  });

  it('refuses an unknown setting in the file, and a file that is not JSON', () => {
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ issuer: ISSUER, clientId: 'x', redis: 'redis://r' }));
    expect(error(() => loadRelayConfig({ RELAY_CONFIG: unknown }))).toMatch(/"redis".*not known/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ issuer: ');
    expect(error(() => loadRelayConfig({ RELAY_CONFIG: broken }))).toMatch(/not valid JSON/);
    expect(error(() => loadRelayConfig({ RELAY_CONFIG: join(dir, 'missing.json') }))).toMatch(/could not be read/);
  });

  it('takes Redis Sentinels instead of a URL: both named together, never with a URL, each host:port', () => {
    const config = loadRelayConfig({
      ...base,
      RELAY_REDIS_SENTINELS: '10.0.0.11:26379, [2001:db8::12]:26379,sentinel-3.trust.internal:26379',
      RELAY_REDIS_MASTER_NAME: 'cws-relay',
      RELAY_REDIS_PASSWORD: 'hunter2-secret',
      RELAY_REDIS_WAIT_REPLICAS: '1',
    });
    expect(config).toMatchObject({
      redisSentinels: ['10.0.0.11:26379', '[2001:db8::12]:26379', 'sentinel-3.trust.internal:26379'],
      redisMasterName: 'cws-relay',
      redisWaitReplicas: 1,
    });
    expect(parseHostPort('[2001:db8::12]:26379')).toEqual({ host: '2001:db8::12', port: 26379 });
    expect(error(() => loadRelayConfig({ ...base, RELAY_REDIS_SENTINELS: '10.0.0.11:26379' }))).toMatch(
      /RELAY_REDIS_MASTER_NAME .*must be set together with redisSentinels/,
    );
    expect(
      error(() =>
        loadRelayConfig({
          ...base,
          RELAY_REDIS_SENTINELS: '10.0.0.11:26379',
          RELAY_REDIS_MASTER_NAME: 'cws-relay',
          RELAY_REDIS_URL: 'redis://r:6379',
        }),
      ),
    ).toMatch(/RELAY_REDIS_SENTINELS .*must not be set together with redisUrl/);
    const bad = error(() =>
      loadRelayConfig({ ...base, RELAY_REDIS_SENTINELS: '10.0.0.11', RELAY_REDIS_MASTER_NAME: 'cws-relay' }),
    );
    expect(bad).toMatch(/RELAY_REDIS_SENTINELS/);
    expect(
      error(() =>
        loadRelayConfig({ ...base, RELAY_REDIS_PASSWORD: '' + 'x'.repeat(600), RELAY_REDIS_MASTER_NAME: 'n' }),
      ),
    ).not.toContain('xxxxxxxx');
  });

  it('puts health and metrics on their own loopback listener, never the public port', () => {
    expect(loadRelayConfig(base)).toMatchObject({ adminHost: '127.0.0.1', adminPort: 8788 });
    expect(error(() => loadRelayConfig({ ...base, RELAY_PORT: '9000', RELAY_ADMIN_PORT: '9000' }))).toMatch(
      /RELAY_ADMIN_PORT .*must differ from port/,
    );
  });

  it('allows http only for the loopback sandbox, on request', () => {
    expect(
      parseRelayConfig({ issuer: 'http://127.0.0.1:4000/issuer', clientId: 'x', allowInsecureLoopbackIssuer: 'true' })
        .issuer,
    ).toBe('http://127.0.0.1:4000/issuer');
    expect(() => parseRelayConfig({ issuer: 'http://127.0.0.1:4000/issuer', clientId: 'x' })).toThrow(RelayConfigError);
  });
});

describe('source addresses', () => {
  it('parses IPv4 and IPv6 addresses and ranges, and nothing else', () => {
    expect(parseCidr('192.0.2.0/24')).toEqual({ address: '192.0.2.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseCidr('198.51.100.7')).toMatchObject({ prefix: 32 });
    for (const bad of ['192.0.2.0/33', '2001:db8::/129', 'cis2.nhs.uk', '192.0.2.0/24/1', '192.0.2.0/-1', ''])
      expect(parseCidr(bad)).toBeNull();
  });

  it('matches ranges, including an IPv4 peer seen on a dual-stack socket', () => {
    const set = addressSet(['192.0.2.0/24', '2001:db8:cafe::/48']);
    expect(set.has('192.0.2.200')).toBe(true);
    expect(set.has('::ffff:192.0.2.200')).toBe(true);
    expect(set.has('192.0.3.1')).toBe(false);
    expect(set.has('2001:db8:cafe:12::1')).toBe(true);
    expect(set.has('2001:db8:beef::1')).toBe(false);
    expect(set.has('not an address')).toBe(false);
  });

  it('reads X-Forwarded-For only from a trusted proxy, from the right, skipping trusted hops', () => {
    const proxies = addressSet(['10.0.0.0/29']);
    expect(clientAddress('203.0.113.9', '192.0.2.1', proxies)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '192.0.2.1', proxies)).toBe('192.0.2.1');
    expect(clientAddress('10.0.0.2', '192.0.2.1, 10.0.0.3', proxies)).toBe('192.0.2.1');
    expect(clientAddress('10.0.0.2', '192.0.2.1, 198.51.100.4', proxies)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', 'nonsense', proxies)).toBe('10.0.0.2');
    expect(clientAddress('::ffff:10.0.0.2', undefined, proxies)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '192.0.2.1', addressSet([]))).toBe('10.0.0.2');
  });

  it('rate-limits per key with a refilling bucket', () => {
    let t = 0;
    const limit = rateLimiter(60, () => t);
    for (let i = 0; i < 60; i += 1) expect(limit.take('a')).toBe(true);
    expect(limit.take('a')).toBe(false);
    expect(limit.take('b')).toBe(true);
    expect(limit.retryAfterSeconds('a')).toBe(1);
    t += 1_000;
    expect(limit.take('a')).toBe(true);
    expect(limit.take('a')).toBe(false);
  });

  it('counts a clock set back as no time passing: the bucket neither empties nor fills', () => {
    let t = 10_000_000;
    const limit = rateLimiter(60, () => t);
    for (let i = 0; i < 30; i += 1) expect(limit.take('a')).toBe(true);
    t -= 3_600_000; // an hour back
    for (let i = 0; i < 30; i += 1) expect(limit.take('a'), String(i)).toBe(true);
    expect(limit.take('a')).toBe(false);
    t += 1_000; // a second on from the new time: one token back
    expect(limit.take('a')).toBe(true);

    const perConnection = perObjectLimiter<object>(12, () => t);
    const conn = {};
    for (let i = 0; i < 6; i += 1) expect(perConnection(conn)).toBe(true);
    t -= 3_600_000;
    for (let i = 0; i < 6; i += 1) expect(perConnection(conn), String(i)).toBe(true);
    expect(perConnection(conn)).toBe(false);
  });
});

describe('npm run relay', () => {
  const run = (env: Record<string, string>): { lines: Promise<string>; stop: () => Promise<number | null> } => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const lines = new Promise<string>((resolve) => {
      const check = (): void => {
        if (/relay: http:\/\/\S+\n/.test(out) || child.exitCode !== null) resolve(out);
      };
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        check();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('exit', () => resolve(out));
    });
    return {
      lines,
      stop: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(child.exitCode);
          child.once('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        }),
    };
  };

  it('starts one relay with its in-memory store and prints its URL', async () => {
    const adminPort = await freePort();
    const relay = run({
      RELAY_ISSUER: 'http://127.0.0.1:9/issuer',
      RELAY_CLIENT_ID: 'clinical-workstation-shell',
      RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'true',
      RELAY_PORT: '0',
      RELAY_ADMIN_PORT: String(adminPort),
      RELAY_LOG_LEVEL: 'silent',
    });
    const out = await relay.lines;
    const url = /relay: (http:\/\/\S+)/.exec(out)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Health is on the admin listener only, not the public route.
    expect((await fetch(`${url}/healthz`)).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${adminPort}/healthz`)).json()).toMatchObject({
      status: 'ok',
      store: 'memory',
    });
    expect(await relay.stop()).toBe(0);
  });

  it('refuses to start on a bad setting, naming it (exit 2)', async () => {
    const relay = run({ RELAY_ISSUER: ISSUER, RELAY_CLIENT_ID: 'x', RELAY_PORT: 'eighty', RELAY_CONFIG: '' });
    expect(await relay.lines).toMatch(/RELAY_PORT/);
    expect(await relay.stop()).toBe(2);
  });
});
