// Every relay setting as an IT admin sets it: through its RELAY_* variable, taken at the edges of
// its range and refused one past them (the sentence naming the variable), and the defaults a relay
// runs with when nothing is set. config-rules.test.ts has the rules between settings and their
// sentences; this file walks the settings one by one.
import { describe, expect, it } from 'vitest';
import { RELAY_ENV, RelayConfigError, RelayConfigSchema, loadRelayConfig } from '../../relay/config';
import type { RelayConfig } from '../../relay/config';

const ISSUER = 'https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity';
const base = { RELAY_ISSUER: ISSUER, RELAY_CLIENT_ID: 'clinical-workstation-shell' };

const load = (env: Record<string, string>): RelayConfig => loadRelayConfig({ ...base, ...env });
function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (err) {
    if (err instanceof RelayConfigError) return err.message;
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('each setting’s variable', () => {
  it('is RELAY_ and the setting’s name in capitals with underscores, for every setting', () => {
    for (const [key, env] of Object.entries(RELAY_ENV))
      expect(env).toBe(`RELAY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
  });
});

// [setting, lowest taken, highest taken] for the numeric settings; one below and one above are refused.
const ranges: [keyof RelayConfig, number, number][] = [
  ['port', 0, 65535],
  ['adminPort', 0, 65535],
  ['redisWaitReplicas', 0, 10],
  ['maxBodyBytes', 1, 1024 * 1024],
  ['headersTimeoutMs', 1, 600_000],
  ['requestTimeoutMs', 1, 600_000],
  ['ingressPerMinute', 1, 1_000_000],
  ['maxConnections', 1, 1_000_000],
  ['maxConnectionsPerSource', 1, 1_000_000],
  ['registrationsPerMinute', 1, 1_000_000],
  ['registrationsInFlight', 1, 1_000],
  ['maxQueuedRegistrations', 1, 1_000_000],
  ['registerTimeoutMs', 100, 600_000],
  ['maxUnregistered', 1, 1_000_000],
  ['maxUnregisteredPerSource', 1, 1_000_000],
  ['catchUpsPerMinute', 1, 10_000],
  ['heartbeatMs', 50, 600_000],
  ['revocationHours', 12, 7 * 24],
  ['pendingRetryMs', 50, 600_000],
];

/** Other settings a value needs beside it to be valid on its own (the timeouts' order, the two ports). */
function alongside(key: keyof RelayConfig, value: number): Record<string, string> {
  if (key === 'headersTimeoutMs') return { RELAY_REQUEST_TIMEOUT_MS: String(Math.max(value, 1)) };
  if (key === 'requestTimeoutMs') return { RELAY_HEADERS_TIMEOUT_MS: String(Math.max(Math.min(value, 600_000), 1)) };
  if (key === 'port' || key === 'adminPort') return { RELAY_ADMIN_HOST: '127.0.0.2' };
  return {};
}

describe('numeric settings at the edges of their range', () => {
  it.each(ranges)('%s takes %d and %d', (key, low, high) => {
    const env = RELAY_ENV[key as keyof typeof RELAY_ENV];
    expect(load({ [env]: String(low), ...alongside(key, low) })[key]).toBe(low);
    expect(load({ [env]: String(high), ...alongside(key, high) })[key]).toBe(high);
  });

  it.each(ranges)('%s refuses one below %d and one above %d, naming its variable', (key, low, high) => {
    const env = RELAY_ENV[key as keyof typeof RELAY_ENV];
    expect(refusal({ [env]: String(low - 1), ...alongside(key, low - 1) })).toContain(`The relay setting ${env} (`);
    expect(refusal({ [env]: String(high + 1), ...alongside(key, high + 1) })).toContain(`The relay setting ${env} (`);
  });
});

describe('text settings at the edges of their length and alphabet', () => {
  it.each<[string, string, string[], string[]]>([
    ['RELAY_CLIENT_ID', 'clientId', ['x', 'x'.repeat(256)], ['x'.repeat(257)]],
    [
      'RELAY_REDIS_MASTER_NAME',
      'redisMasterName',
      ['m', 'cws_relay.primary-1', 'm'.repeat(64)],
      ['m'.repeat(65), 'cws relay', 'cws:relay', 'a/b', 'x\nmymaster'],
    ],
    ['RELAY_REDIS_PASSWORD', 'redisPassword', ['p', 'p'.repeat(512)], ['p'.repeat(513)]],
    ['RELAY_REDIS_SENTINEL_PASSWORD', 'redisSentinelPassword', ['p', 'p'.repeat(512)], ['p'.repeat(513)]],
    [
      'RELAY_REDIS_PREFIX',
      'redisPrefix',
      ['p', 'cws-relay:ward_7.a', 'p'.repeat(64)],
      ['p'.repeat(65), 'cws relay:', 'a/b', 'x\ncws:'],
    ],
    ['RELAY_STATE_DIR', 'stateDir', ['d', 'd'.repeat(4096)], ['d'.repeat(4097)]],
    ['RELAY_LOG_HASH_KEY', 'logHashKey', ['k'.repeat(16)], ['k'.repeat(15)]],
    ['RELAY_REPLICA_NAME', 'replicaName', ['r', 'r'.repeat(128)], ['r'.repeat(129)]],
  ])('%s takes what fits and refuses what does not', (env, key, taken, refused) => {
    for (const value of taken) expect(load({ [env]: value, ...sentinels(env) })[key as keyof RelayConfig]).toBe(value);
    for (const value of refused) expect(refusal({ [env]: value, ...sentinels(env) })).toContain(`${env} ("${key}"`);
  });

  it('says what a master name, a prefix and a hash key must be', () => {
    expect(refusal({ RELAY_REDIS_MASTER_NAME: 'a b', ...sentinels('RELAY_REDIS_MASTER_NAME') })).toContain(
      'must be 1–64 letters, digits or _ . -',
    );
    expect(refusal({ RELAY_REDIS_PREFIX: 'a b' })).toContain('must be 1–64 letters, digits or _ . : -');
    expect(refusal({ RELAY_LOG_HASH_KEY: 'short' })).toContain('must be at least 16 characters');
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('RELAY_LOG_LEVEL takes %s', (level) => {
    expect(load({ RELAY_LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it('RELAY_LOG_LEVEL refuses another level', () => {
    expect(refusal({ RELAY_LOG_LEVEL: 'verbose' })).toContain('RELAY_LOG_LEVEL ("logLevel"');
  });
});

/** The master name needs Sentinels beside it (and they it). */
function sentinels(env: string): Record<string, string> {
  return env === 'RELAY_REDIS_MASTER_NAME' ? { RELAY_REDIS_SENTINELS: '10.0.0.11:26379' } : {};
}

describe('the issuer', () => {
  it.each(['not a url', 'ftp://issuer.example/x', 'mailto:it@trust.nhs.uk'])(
    'refuses %s as not an http(s) URL',
    (issuer) => {
      expect(refusal({ RELAY_ISSUER: issuer })).toContain(
        'RELAY_ISSUER ("issuer" in the JSON file) must be an http(s) URL',
      );
    },
  );
});

describe('what a relay runs with when nothing is set', () => {
  it('trusts no other audience, publishes no client keys, and keeps Redis keys under cws-relay:', () => {
    const c = load({});
    expect(c.trustedAudiences).toEqual([]);
    expect(c.clientJwksFiles).toEqual({ files: [], keys: [] });
    expect(c.redisPrefix).toBe('cws-relay:');
    expect(c.maxBodyBytes).toBe(32 * 1024);
    expect(c.revocationHours).toBe(12);
    expect(c.logLevel).toBe('info');
  });
});

describe('the rules between settings, as the schema reports them', () => {
  it('each is a custom issue on the setting it names', () => {
    const result = RelayConfigSchema.safeParse({
      issuer: ISSUER,
      clientId: 'x',
      redisUrl: 'redis://10.0.0.5:6379',
      redisSentinels: ['10.0.0.11:26379'],
      port: 8787,
      adminPort: 8787,
    });
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      { code: 'custom', path: ['redisSentinels'], message: 'must not be set together with redisUrl' },
      { code: 'custom', path: ['redisMasterName'], message: 'must be set together with redisSentinels' },
      { code: 'custom', path: ['adminPort'], message: 'must differ from port' },
    ]);
  });
});
