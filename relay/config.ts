/**
 * The relay's settings: from environment variables (`RELAY_*`), or a JSON file named by
 * `RELAY_CONFIG` with the same settings in camelCase; a variable overrides the file. Every value
 * is checked with zod, and a bad one stops the relay with a sentence naming the setting (never
 * its value: the Redis URL and the log hash key may hold secrets). docs/relay.md lists them.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as z from 'zod';
import { isHttpsOrLoopback, isWebScheme } from '../main/core/http-scheme';
import { HEARTBEAT_MS } from '../main/services/relay-client/protocol';
import { clientJwksSetting } from './client-jwks';
import { parseCidr } from './net';

/** The 12-hour CIS2 session limit: the revocation list is kept at least this long. */
export const SESSION_HOURS = 12;

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const cidrList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
  .superRefine((list, ctx) => {
    for (const entry of list) {
      if (parseCidr(entry) === null)
        ctx.addIssue({
          code: 'custom',
          message: `"${entry.slice(0, 60)}" is not an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24, 2001:db8::/32)`,
        });
    }
  });

const booleanish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/** `host:port` pairs (IPv6 in brackets), comma-separated or a JSON array: the Redis Sentinels. */
const hostPortList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
  .superRefine((list, ctx) => {
    for (const entry of list) {
      if (parseHostPort(entry) === null)
        ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 60)}" is not host:port (e.g. 192.0.2.10:26379)` });
    }
  });

/** `host:port` or `[v6]:port` → its parts; null when it is not one. */
export function parseHostPort(entry: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535) return null;
  // Stryker disable next-line StringLiteral: equivalent: the regex matched, so one of its two host groups is set and '' is never reached
  return { host: m[1] ?? m[2] ?? '', port };
}

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && isWebScheme(new URL(value)), 'must be an http(s) URL');

export const RelayConfigSchema = z
  .strictObject({
    /** The CIS2 issuer exactly as its configuration document states it. */
    issuer: httpUrl,
    /** The CIS2 client id of the shell (the audience of logout and ID tokens). */
    clientId: z.string().min(1).max(256),
    /**
     * Audiences besides the client that a token may also name (OpenID Connect Core §3.1.3.7; the one
     * audience rule, main/core/audience.ts): none by default, so a token for the client and anyone
     * else is refused.
     */
    trustedAudiences: z
      .union([z.string(), z.array(z.string())])
      .transform((value) =>
        (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s !== ''),
      )
      .pipe(z.array(z.string().min(1).max(256)).max(20))
      .default([]),
    /**
     * Files of the client's public JWK Set (as --provision-client-key prints it), published at
     * /jwks.json for CIS2's private_key_jwt (client-jwks.ts); none: nothing published there.
     */
    clientJwksFiles: clientJwksSetting.default({ files: [], keys: [] }),
    /** Only for the local sandbox: an http:// issuer on a loopback address (main/core/http-scheme.ts). Never for CIS2. */
    allowInsecureLoopbackIssuer: booleanish.default(false),
    host: z
      .string()
      .refine(
        (h) => isIP(h) !== 0 || h === 'localhost',
        'must be an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::)',
      )
      .default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8787),
    /** Set to run as one of several replicas sharing this Redis; unset for one relay with an in-memory store. */
    redisUrl: z
      .string()
      .refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Instead of redisUrl: the Redis Sentinels that name the current primary (with redisMasterName). */
    redisSentinels: hostPortList.default([]),
    /** The primary's name as the Sentinels know it (`sentinel monitor <name> …`). */
    redisMasterName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits or _ . -')
      .optional(),
    /** With Sentinels: the password of the Redis servers (with a URL it is in the URL). */
    redisPassword: z.string().min(1).max(512).optional(),
    /** With Sentinels: the Sentinels' own password, when they require one. */
    redisSentinelPassword: z.string().min(1).max(512).optional(),
    /** Redis replicas that must confirm a logout (WAIT) before it counts as stored; 0: none (see docs/relay.md). */
    redisWaitReplicas: z.coerce.number().int().min(0).max(10).default(0),
    /** Key prefix in Redis, so several environments can share one Redis. */
    redisPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -')
      .default('cws-relay:'),
    /** Source ranges allowed to POST logout tokens; empty: anyone (the token is what is checked). */
    allowSources: cidrList.default([]),
    /** The proxy (addresses or ranges) whose X-Forwarded-For is believed; empty: believe none. */
    trustedProxies: cidrList.default([]),
    maxBodyBytes: positiveInt(1024 * 1024).default(32 * 1024),
    headersTimeoutMs: positiveInt(600_000).default(10_000),
    requestTimeoutMs: positiveInt(600_000).default(20_000),
    /** Logout POSTs per source address per minute. */
    ingressPerMinute: positiveInt(1_000_000).default(600),
    maxConnections: positiveInt(1_000_000).default(20_000),
    maxConnectionsPerSource: positiveInt(1_000_000).default(2_000),
    /** Registrations per source address per minute (each costs a signature check). */
    registrationsPerMinute: positiveInt(1_000_000).default(3_000),
    /** Registrations checked at once; the rest wait, so logout POSTs are served between them (registration-queue.ts). */
    registrationsInFlight: positiveInt(1_000).default(8),
    /** Registrations waiting to be checked, per replica; past it a workstation is told to try again later (1013). */
    maxQueuedRegistrations: positiveInt(1_000_000).default(1_000),
    /** A connection that has not registered within this is closed (1008). */
    registerTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Connections not (yet) registered, per replica: they cannot take more of maxConnections than this. */
    maxUnregistered: positiveInt(1_000_000).default(1_000),
    /** Connections not (yet) registered, per source address. */
    maxUnregisteredPerSource: positiveInt(1_000_000).default(200),
    /** Catch-up requests per connection per minute; past it the connection is closed with 1013. */
    catchUpsPerMinute: positiveInt(10_000).default(12),
    heartbeatMs: z.coerce.number().int().min(50).max(600_000).default(HEARTBEAT_MS),
    /** How long revocations are kept; at least the 12-hour session limit. */
    revocationHours: z.coerce
      .number()
      .min(SESSION_HOURS)
      .max(7 * 24)
      .default(SESSION_HOURS),
    /**
     * Directory where logouts accepted while Redis was away are kept until Redis takes them (one
     * 0600 file each); unset: in memory only, lost if the replica restarts before Redis is back.
     */
    stateDir: z.string().min(1).max(4096).optional(),
    /** How often logouts waiting for Redis are offered to it again. */
    pendingRetryMs: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** The listener for health and metrics (never the public route): loopback by default. */
    adminHost: z
      .string()
      .refine((h) => isIP(h) !== 0 || h === 'localhost', 'must be an IP address to listen on (e.g. 127.0.0.1)')
      .default('127.0.0.1'),
    adminPort: z.coerce.number().int().min(0).max(65535).default(8788),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Key for the hashes that stand for subjects and sessions in the log; random per process when unset. */
    logHashKey: z.string().min(16, 'must be at least 16 characters').optional(),
    /** This replica's name in the log; the host name and process id when unset. */
    replicaName: z.string().min(1).max(128).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.redisSentinels.length > 0 && c.redisUrl !== undefined)
      ctx.addIssue({ code: 'custom', path: ['redisSentinels'], message: 'must not be set together with redisUrl' });
    if (c.redisSentinels.length > 0 !== (c.redisMasterName !== undefined))
      ctx.addIssue({ code: 'custom', path: ['redisMasterName'], message: 'must be set together with redisSentinels' });
    if (c.adminPort !== 0 && c.adminPort === c.port && c.adminHost === c.host)
      ctx.addIssue({ code: 'custom', path: ['adminPort'], message: 'must differ from port' });
    if (c.headersTimeoutMs > c.requestTimeoutMs)
      ctx.addIssue({ code: 'custom', path: ['headersTimeoutMs'], message: 'must not be longer than requestTimeoutMs' });
    const issuer = URL.canParse(c.issuer) ? new URL(c.issuer) : null;
    if (issuer !== null && !isHttpsOrLoopback(issuer, { loopbackHttp: c.allowInsecureLoopbackIssuer })) {
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message:
          'must use https (http is allowed only on a loopback address, 127.0.0.1 or [::1], with allowInsecureLoopbackIssuer, for the sandbox)',
      });
    }
  });

export type RelayConfig = z.output<typeof RelayConfigSchema>;
export type RelayConfigInput = z.input<typeof RelayConfigSchema>;

/** Setting name → environment variable. */
export const RELAY_ENV: Record<keyof RelayConfigInput, string> = {
  issuer: 'RELAY_ISSUER',
  clientId: 'RELAY_CLIENT_ID',
  trustedAudiences: 'RELAY_TRUSTED_AUDIENCES',
  clientJwksFiles: 'RELAY_CLIENT_JWKS_FILES',
  allowInsecureLoopbackIssuer: 'RELAY_ALLOW_INSECURE_LOOPBACK_ISSUER',
  host: 'RELAY_HOST',
  port: 'RELAY_PORT',
  redisUrl: 'RELAY_REDIS_URL',
  redisSentinels: 'RELAY_REDIS_SENTINELS',
  redisMasterName: 'RELAY_REDIS_MASTER_NAME',
  redisPassword: 'RELAY_REDIS_PASSWORD',
  redisSentinelPassword: 'RELAY_REDIS_SENTINEL_PASSWORD',
  redisWaitReplicas: 'RELAY_REDIS_WAIT_REPLICAS',
  redisPrefix: 'RELAY_REDIS_PREFIX',
  allowSources: 'RELAY_ALLOW_SOURCES',
  trustedProxies: 'RELAY_TRUSTED_PROXIES',
  maxBodyBytes: 'RELAY_MAX_BODY_BYTES',
  headersTimeoutMs: 'RELAY_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'RELAY_REQUEST_TIMEOUT_MS',
  ingressPerMinute: 'RELAY_INGRESS_PER_MINUTE',
  maxConnections: 'RELAY_MAX_CONNECTIONS',
  maxConnectionsPerSource: 'RELAY_MAX_CONNECTIONS_PER_SOURCE',
  registrationsPerMinute: 'RELAY_REGISTRATIONS_PER_MINUTE',
  registrationsInFlight: 'RELAY_REGISTRATIONS_IN_FLIGHT',
  maxQueuedRegistrations: 'RELAY_MAX_QUEUED_REGISTRATIONS',
  registerTimeoutMs: 'RELAY_REGISTER_TIMEOUT_MS',
  maxUnregistered: 'RELAY_MAX_UNREGISTERED',
  maxUnregisteredPerSource: 'RELAY_MAX_UNREGISTERED_PER_SOURCE',
  catchUpsPerMinute: 'RELAY_CATCH_UPS_PER_MINUTE',
  heartbeatMs: 'RELAY_HEARTBEAT_MS',
  revocationHours: 'RELAY_REVOCATION_HOURS',
  stateDir: 'RELAY_STATE_DIR',
  pendingRetryMs: 'RELAY_PENDING_RETRY_MS',
  adminHost: 'RELAY_ADMIN_HOST',
  adminPort: 'RELAY_ADMIN_PORT',
  logLevel: 'RELAY_LOG_LEVEL',
  logHashKey: 'RELAY_LOG_HASH_KEY',
  replicaName: 'RELAY_REPLICA_NAME',
};

export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
}

/** Every issue's first path key is a setting of the schema, and RELAY_ENV names each one. */
function describeSetting(key: string): string {
  return `${RELAY_ENV[key as keyof RelayConfigInput]} ("${key}" in the JSON file)`;
}

/** Checks settings already gathered into one object; throws RelayConfigError naming each bad setting. */
export function parseRelayConfig(input: Record<string, unknown>): RelayConfig {
  const parsed = RelayConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    if (issue.code === 'unrecognized_keys')
      return `The relay setting(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} in the JSON file are not known.`;
    if (key === undefined) return `The relay settings are not valid: ${issue.message}.`;
    const missing = issue.code === 'invalid_type' && input[String(key)] === undefined;
    return missing
      ? `The relay setting ${describeSetting(String(key))} is required.`
      : `The relay setting ${describeSetting(String(key))} ${issue.message.startsWith('must') ? issue.message : `is not valid: ${issue.message}`}.`;
  });
  throw new RelayConfigError(lines.join('\n'));
}

/** Settings from a JSON file (RELAY_CONFIG) overlaid with RELAY_* environment variables. */
export function loadRelayConfig(env: Record<string, string | undefined> = process.env): RelayConfig {
  let fromFile: Record<string, unknown> = {};
  const file = env['RELAY_CONFIG'];
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      // Stryker disable next-line StringLiteral: equivalent: without an encoding readFileSync gives a Buffer, which JSON.parse reads as the same UTF-8 text
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      // Stryker disable next-line StringLiteral: untestable: readFileSync's errors for a path (system errors, ERR_FS_FILE_TOO_LARGE) all carry a code; only running out of memory could show 'error'
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new RelayConfigError(`The relay configuration file named by RELAY_CONFIG could not be read (${code}).`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RelayConfigError('The relay configuration file named by RELAY_CONFIG is not valid JSON.');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new RelayConfigError('The relay configuration file named by RELAY_CONFIG must hold one JSON object.');
    fromFile = value as Record<string, unknown>;
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(RELAY_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  return parseRelayConfig({ ...fromFile, ...fromEnv });
}
