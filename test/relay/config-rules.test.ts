// The relay's configuration rules one by one, each with the exact outcome an IT admin sees: the
// value the relay runs with, or the exact sentence it stops with (naming the environment variable
// and the JSON key). config.test.ts has the overview (defaults, file plus environment, secrets kept
// out of the error); this file pins every rule and every sentence, so a changed rule or an
// emptied sentence fails a test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  RelayConfigError,
  RelayConfigSchema,
  loadRelayConfig,
  parseHostPort,
  parseRelayConfig,
} from '../../relay/config';

const ISSUER = 'https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity';
const base = { RELAY_ISSUER: ISSUER, RELAY_CLIENT_ID: 'clinical-workstation-shell' };
const dir = mkdtempSync(join(tmpdir(), 'cws-relay-config-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sentence's start for a setting: its environment variable and its JSON key. */
const setting = (env: string, key: string): string => `The relay setting RELAY_${env} ("${key}" in the JSON file)`;
const HOST_PORT = 'is not host:port (e.g. 192.0.2.10:26379)';
const NOT_CIDR = 'is not an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24, 2001:db8::/32)';
const HTTPS =
  'must use https (http is allowed only on a loopback address, 127.0.0.1 or [::1], with allowInsecureLoopbackIssuer, for the sandbox)';
const long = (prefix: string): string => prefix + 'x'.repeat(80);

function thrown(fn: () => unknown): RelayConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RelayConfigError) return err;
    throw err;
  }
  throw new Error('no error');
}
const message = (env: Record<string, string>): string => thrown(() => loadRelayConfig({ ...base, ...env })).message;

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('relay configuration rules: values taken', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    [
      'source ranges: a comma list, spaces and empty entries dropped',
      { RELAY_ALLOW_SOURCES: ' 192.0.2.0/24 , ,2001:db8::/32,' },
      { allowSources: ['192.0.2.0/24', '2001:db8::/32'] },
    ],
    [
      'Sentinels: host:port and [IPv6]:port, ports 1 and 65535, spaces and empty entries dropped',
      {
        RELAY_REDIS_SENTINELS: ' 10.0.0.11:1 , ,[2001:db8::12]:65535,sentinel-3.trust.internal:26379,',
        RELAY_REDIS_MASTER_NAME: 'cws-relay',
      },
      {
        redisSentinels: ['10.0.0.11:1', '[2001:db8::12]:65535', 'sentinel-3.trust.internal:26379'],
        redisMasterName: 'cws-relay',
      },
    ],
    [
      'trusted audiences: spaces and empty entries dropped',
      { RELAY_TRUSTED_AUDIENCES: ' portal-a , ,portal-b,' },
      { trustedAudiences: ['portal-a', 'portal-b'] },
    ],
    ['listen host localhost', { RELAY_HOST: 'localhost' }, { host: 'localhost' }],
    ['listen host ::', { RELAY_HOST: '::' }, { host: '::' }],
    ['listen host 0.0.0.0', { RELAY_HOST: '0.0.0.0' }, { host: '0.0.0.0' }],
    ['admin host localhost', { RELAY_ADMIN_HOST: 'localhost' }, { adminHost: 'localhost' }],
    ['admin host ::1', { RELAY_ADMIN_HOST: '::1' }, { adminHost: '::1' }],
    ['redis:// URL', { RELAY_REDIS_URL: 'redis://redis.trust.internal:6379' }, {}],
    ['rediss:// URL', { RELAY_REDIS_URL: 'rediss://redis.trust.internal:6380/2' }, {}],
    ['both ports 0 (each picked by the system)', { RELAY_PORT: '0', RELAY_ADMIN_PORT: '0' }, { port: 0, adminPort: 0 }],
    [
      'the same port on another host',
      { RELAY_PORT: '9000', RELAY_ADMIN_PORT: '9000', RELAY_HOST: '10.0.0.5' },
      { port: 9000, adminPort: 9000, host: '10.0.0.5', adminHost: '127.0.0.1' },
    ],
    [
      'headers timeout equal to the request timeout',
      { RELAY_HEADERS_TIMEOUT_MS: '15000', RELAY_REQUEST_TIMEOUT_MS: '15000' },
      { headersTimeoutMs: 15000, requestTimeoutMs: 15000 },
    ],
  ])('%s', (_title, env, expected) => {
    const config = loadRelayConfig({ ...base, ...env });
    expect(config).toMatchObject(expected);
    if (env['RELAY_REDIS_URL'] !== undefined) expect(config.redisUrl).toBe(env['RELAY_REDIS_URL']);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER=%s is %s', (value, expected) => {
    const config = loadRelayConfig({ ...base, RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: value });
    expect(config.allowInsecureLoopbackIssuer).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:4000/issuer', 'true'],
    ['http://[::1]:4000/issuer', 'yes'],
    ['http://127.0.0.1:4000/issuer', '1'],
  ])('takes the sandbox issuer %s with the loopback switch %s', (issuer, allow) => {
    expect(loadRelayConfig({ ...base, RELAY_ISSUER: issuer, RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: allow }).issuer).toBe(
      issuer,
    );
  });

  it('takes JSON booleans for the switch in the file', () => {
    const input = { issuer: 'http://127.0.0.1:4000/issuer', clientId: 'x' };
    expect(parseRelayConfig({ ...input, allowInsecureLoopbackIssuer: true }).allowInsecureLoopbackIssuer).toBe(true);
    expect(thrown(() => parseRelayConfig({ ...input, allowInsecureLoopbackIssuer: false })).message).toBe(
      setting('ISSUER', 'issuer') + ` ${HTTPS}.`,
    );
  });
});

describe('relay configuration rules: the sentence a bad value stops the relay with', () => {
  const sentinels = (list: string): Record<string, string> => ({
    RELAY_REDIS_SENTINELS: list,
    RELAY_REDIS_MASTER_NAME: 'cws-relay',
  });
  it.each<[string, Record<string, string>, string]>([
    [
      'a source that is not an address',
      { RELAY_ALLOW_SOURCES: '192.0.2.0/24, 192.0.2.300' },
      `${setting('ALLOW_SOURCES', 'allowSources')} is not valid: "192.0.2.300" ${NOT_CIDR}.`,
    ],
    [
      'a proxy name, cut to 60 characters',
      { RELAY_TRUSTED_PROXIES: long('proxy.') },
      `${setting('TRUSTED_PROXIES', 'trustedProxies')} is not valid: "${long('proxy.').slice(0, 60)}" ${NOT_CIDR}.`,
    ],
    ...[
      '10.0.0.11',
      '10.0.0.11:0',
      '10.0.0.11:65536',
      '10.0.0.11:263790',
      '10.0.0.11:26379/0',
      'sentinel one:26379',
      '2001:db8::12:26379',
    ].map((entry): [string, Record<string, string>, string] => [
      `Sentinel ${entry}`,
      sentinels(`10.0.0.12:26379, ${entry}`),
      `${setting('REDIS_SENTINELS', 'redisSentinels')} is not valid: "${entry}" ${HOST_PORT}.`,
    ]),
    [
      'a long Sentinel entry, cut to 60 characters',
      sentinels(long('sentinel.')),
      `${setting('REDIS_SENTINELS', 'redisSentinels')} is not valid: "${long('sentinel.').slice(0, 60)}" ${HOST_PORT}.`,
    ],
    [
      'a listen host that is a name',
      { RELAY_HOST: 'relay.trust.internal' },
      `${setting('HOST', 'host')} must be an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::).`,
    ],
    [
      'an admin host that is a name',
      { RELAY_ADMIN_HOST: 'admin.trust.internal' },
      `${setting('ADMIN_HOST', 'adminHost')} must be an IP address to listen on (e.g. 127.0.0.1).`,
    ],
    ...['http://cache.trust.internal/redis://x', 'redis://[cache', 'REDIS://cache:6379', 'cache:6379'].map(
      (url): [string, Record<string, string>, string] => [
        `Redis URL ${url}`,
        { RELAY_REDIS_URL: url },
        `${setting('REDIS_URL', 'redisUrl')} must be a redis:// or rediss:// URL.`,
      ],
    ),
    [
      'Sentinels and a Redis URL together',
      { ...sentinels('10.0.0.11:26379'), RELAY_REDIS_URL: 'redis://r:6379' },
      `${setting('REDIS_SENTINELS', 'redisSentinels')} must not be set together with redisUrl.`,
    ],
    [
      'Sentinels without a primary name',
      { RELAY_REDIS_SENTINELS: '10.0.0.11:26379' },
      `${setting('REDIS_MASTER_NAME', 'redisMasterName')} must be set together with redisSentinels.`,
    ],
    [
      'a primary name without Sentinels',
      { RELAY_REDIS_MASTER_NAME: 'cws-relay' },
      `${setting('REDIS_MASTER_NAME', 'redisMasterName')} must be set together with redisSentinels.`,
    ],
    [
      'the public port on the default admin port',
      { RELAY_PORT: '8788' },
      `${setting('ADMIN_PORT', 'adminPort')} must differ from port.`,
    ],
    [
      'both listeners on one port of all addresses',
      { RELAY_PORT: '9000', RELAY_ADMIN_PORT: '9000', RELAY_HOST: '0.0.0.0', RELAY_ADMIN_HOST: '0.0.0.0' },
      `${setting('ADMIN_PORT', 'adminPort')} must differ from port.`,
    ],
    [
      'a headers timeout longer than the default request timeout',
      { RELAY_HEADERS_TIMEOUT_MS: '20001' },
      `${setting('HEADERS_TIMEOUT_MS', 'headersTimeoutMs')} must not be longer than requestTimeoutMs.`,
    ],
    ...[
      ['http://127.0.0.1:4000/issuer', undefined],
      ['http://127.0.0.1:4000/issuer', 'false'],
      ['http://localhost:4000/issuer', 'true'],
      ['http://cis2.example.nhs.uk/issuer', 'true'],
      ['http://0.0.0.0:4000/issuer', 'true'],
    ].map(([issuer = '', allow]): [string, Record<string, string>, string] => [
      `issuer ${issuer} with the loopback switch ${allow ?? 'unset'}`,
      { RELAY_ISSUER: issuer, ...(allow === undefined ? {} : { RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: allow }) },
      `${setting('ISSUER', 'issuer')} ${HTTPS}.`,
    ]),
    [
      'a switch spelt otherwise',
      { RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER: 'TRUE' },
      `${setting('ALLOW_INSECURE_LOOPBACK_ISSUER', 'allowInsecureLoopbackIssuer')} is not valid: Invalid input.`,
    ],
    [
      "a zod sentence that does not start with 'must'",
      { RELAY_PORT: 'eighty' },
      `${setting('PORT', 'port')} is not valid: Invalid input: expected number, received NaN.`,
    ],
    [
      'two bad settings, one line each',
      { RELAY_PORT: '70000', RELAY_HEADERS_TIMEOUT_MS: '30000', RELAY_REQUEST_TIMEOUT_MS: '10000' },
      `${setting('PORT', 'port')} is not valid: Too big: expected number to be <=65535.\n` +
        `${setting('HEADERS_TIMEOUT_MS', 'headersTimeoutMs')} must not be longer than requestTimeoutMs.`,
    ],
  ])('%s', (_title, env, expected) => {
    expect(message(env)).toBe(expected);
  });

  it('names a missing setting as required', () => {
    expect(thrown(() => loadRelayConfig({ RELAY_ISSUER: ISSUER })).message).toBe(
      `${setting('CLIENT_ID', 'clientId')} is required.`,
    );
  });

  it('is a RelayConfigError by name, as the log and the exit path show it', () => {
    const err = thrown(() => loadRelayConfig({ RELAY_ISSUER: ISSUER }));
    expect(err.name).toBe('RelayConfigError');
    expect(String(err)).toBe(`RelayConfigError: ${setting('CLIENT_ID', 'clientId')} is required.`);
  });

  it('gives a caller that hands over something other than an object a sentence, not a crash', () => {
    expect(thrown(() => parseRelayConfig([] as unknown as Record<string, unknown>)).message).toBe(
      'The relay settings are not valid: Invalid input: expected object, received array.',
    );
  });

  it('reports each rule as a custom issue on its setting in the schema itself', () => {
    const result = RelayConfigSchema.safeParse({
      issuer: 'http://cis2.example.nhs.uk/issuer',
      clientId: 'x',
      allowSources: 'nowhere',
      redisSentinels: ['sentinel'],
      redisMasterName: 'cws-relay',
      headersTimeoutMs: 2,
      requestTimeoutMs: 1,
    });
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      { code: 'custom', path: ['redisSentinels'], message: `"sentinel" ${HOST_PORT}` },
      { code: 'custom', path: ['allowSources'], message: `"nowhere" ${NOT_CIDR}` },
      { code: 'custom', path: ['headersTimeoutMs'], message: 'must not be longer than requestTimeoutMs' },
      { code: 'custom', path: ['issuer'], message: HTTPS },
    ]);
  });
});

describe('relay configuration rules: the JSON file named by RELAY_CONFIG', () => {
  it('names every unknown key in the file', () => {
    const file = configFile('unknown.json', JSON.stringify({ issuer: ISSUER, clientId: 'x', redis: 'r', tls: true }));
    expect(thrown(() => loadRelayConfig({ RELAY_CONFIG: file })).message).toBe(
      'The relay setting(s) "redis", "tls" in the JSON file are not known.',
    );
  });

  it.each(['42', 'null', '[]', JSON.stringify([{ issuer: ISSUER }]), '"issuer"', 'true'])(
    'refuses a file holding %s: not one JSON object',
    (text) => {
      const file = configFile('not-an-object.json', text);
      expect(thrown(() => loadRelayConfig({ ...base, RELAY_CONFIG: file })).message).toBe(
        'The relay configuration file named by RELAY_CONFIG must hold one JSON object.',
      );
    },
  );

  it.each([
    ['a missing file', 'ENOENT', (): string => join(dir, 'missing.json')],
    ['a directory', 'EISDIR', (): string => dir],
  ])('names the reason it cannot read %s (%s)', (_what, code, path) => {
    expect(thrown(() => loadRelayConfig({ ...base, RELAY_CONFIG: path() })).message).toBe(
      `The relay configuration file named by RELAY_CONFIG could not be read (${code}).`,
    );
  });

  it('reads no file when RELAY_CONFIG is empty', () => {
    expect(loadRelayConfig({ ...base, RELAY_CONFIG: '' })).toMatchObject({ clientId: base.RELAY_CLIENT_ID });
  });

  it('ignores empty environment variables: the file value stays', () => {
    const file = configFile(
      'values.json',
      JSON.stringify({ issuer: ISSUER, clientId: 'from-file', port: 9000, host: '::1', redisUrl: 'redis://r:6379' }),
    );
    const config = loadRelayConfig({
      RELAY_CONFIG: file,
      RELAY_CLIENT_ID: '',
      RELAY_PORT: '',
      RELAY_HOST: '',
      RELAY_REDIS_URL: '',
    });
    expect(config).toMatchObject({ clientId: 'from-file', port: 9000, host: '::1', redisUrl: 'redis://r:6379' });
  });
});

describe('parseHostPort', () => {
  it.each<[string, { host: string; port: number } | null]>([
    ['10.0.0.11:1', { host: '10.0.0.11', port: 1 }],
    ['[2001:db8::12]:65535', { host: '2001:db8::12', port: 65535 }],
    ['sentinel-3.trust.internal:26379', { host: 'sentinel-3.trust.internal', port: 26379 }],
    ['10.0.0.11:0', null],
    ['10.0.0.11:65536', null],
    ['x 10.0.0.11:26379', null],
    ['10.0.0.11:26379 x', null],
    ['[2001:db8::12]', null],
  ])('%s → %j', (entry, expected) => {
    expect(parseHostPort(entry)).toEqual(expected);
  });
});
