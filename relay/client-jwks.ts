/**
 * The workstation client's public keys, served at CLIENT_JWKS_PATH on the public listener: the
 * JWKS endpoint URI the trust registers with CIS2 for private_key_jwt client authentication
 * (RFC 7523 §2.2, OpenID Connect Core §9). CIS2 fetches it to check the assertions the ward PCs
 * sign at its token endpoint.
 *
 * The keys come from the files named by RELAY_CLIENT_JWKS_FILES, each a JWK Set (RFC 7517 §5)
 * exactly as the shell's --provision-client-key verb prints it. A key that holds a private member,
 * two keys with one kid, or a key without kid, alg or use stops the relay at start-up; what is
 * published is only each key's public members. During a rotation two files (two keys) are named.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';

/** Where the JWK Set is published: `https://<relay's public name>/jwks.json` is the URI to register. */
export const CLIENT_JWKS_PATH = '/jwks.json';

/**
 * How long CIS2 (or any cache between) may keep the set without asking again: five minutes. A
 * rotation waits at least this long between publishing a new key and signing with it, and a
 * compromised key's removal reaches every cache within it; the relay answers a re-fetch cheaply.
 */
export const CLIENT_JWKS_MAX_AGE_S = 300;

/** RFC 7517 §8.5's media type for a JWK Set. */
const JWK_SET_TYPE = 'application/jwk-set+json';

/** Members that belong only to a private (or symmetric) key: RFC 7518 §6.2.2, §6.3.2, §6.4.1. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The signing algorithms a CIS2 client assertion may use, with the key type (and curve) each needs. */
const ALGORITHMS: Readonly<Record<string, { kty: 'RSA' | 'EC'; crv?: string }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
};

/** A published key: only these members, in this order. */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC';
  readonly use: 'sig';
  readonly kid: string;
  readonly alg: string;
  readonly n?: string;
  readonly e?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

export interface ClientJwks {
  readonly files: readonly string[];
  readonly keys: readonly PublicJwk[];
}

const MAX_KEYS = 10;
const MIN_RSA_BITS = 2048;

/** The one key's public members, or the reason it cannot be published (never quoting key material). */
function publicMembers(value: unknown): PublicJwk | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const jwk = value as Record<string, unknown>;
  const held = PRIVATE_MEMBERS.filter((m) => m in jwk);
  if (held.length > 0)
    return `holds private key members (${held.join(', ')}): give only the public key, as the --provision-client-key verb prints it`;
  const { kid, alg, use, kty } = jwk;
  if (typeof kid !== 'string' || kid === '' || kid.length > 256) return 'has no kid (a text of 1–256 characters)';
  if (typeof alg !== 'string' || ALGORITHMS[alg] === undefined)
    return `has no alg, or one CIS2 client assertions cannot use (one of ${Object.keys(ALGORITHMS).join(', ')})`;
  if (use !== 'sig') return 'has no use "sig"';
  const wanted = ALGORITHMS[alg];
  if (kty !== wanted.kty || (wanted.crv !== undefined && jwk['crv'] !== wanted.crv))
    return `has kty${jwk['crv'] === undefined ? '' : ' and crv'} that do not fit alg ${alg}`;
  const names = kty === 'RSA' ? ['n', 'e'] : ['crv', 'x', 'y'];
  if (names.some((name) => typeof jwk[name] !== 'string')) return `lacks its public members (${names.join(', ')})`;
  const members = Object.fromEntries(names.map((name) => [name, jwk[name] as string]));
  try {
    const key = createPublicKey({ key: { kty, ...members } as never, format: 'jwk' });
    if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
      return `is an RSA key shorter than ${MIN_RSA_BITS} bits`;
  } catch {
    return `is not a valid ${String(kty)} public key`;
  }
  return { kty: wanted.kty, use: 'sig', kid, alg, ...members };
}

const jwkSetFile = z.object({ keys: z.array(z.unknown()).min(1, 'holds no keys') });

/** The keys in one file; each problem is added to `problems`, naming the file and the key. */
function keysInFile(file: string, problems: string[]): PublicJwk[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    problems.push(`${file} could not be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push(`${file} is not valid JSON`);
    return [];
  }
  const set = jwkSetFile.safeParse(parsed);
  if (!set.success) {
    problems.push(`${file} is not a JWK Set ({"keys": [...]}, as --provision-client-key prints it)`);
    return [];
  }
  const keys: PublicJwk[] = [];
  for (const [index, entry] of set.data.keys.entries()) {
    const key = publicMembers(entry);
    if (typeof key === 'string') problems.push(`${file}: key ${index + 1} ${key}`);
    else keys.push(key);
  }
  return keys;
}

/** Reads and checks every file; throws nothing, adds each problem to `problems`. */
function readClientJwks(files: readonly string[], problems: string[]): PublicJwk[] {
  const keys = files.flatMap((file) => keysInFile(file, problems));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.kid)) problems.push(`the kid "${key.kid.slice(0, 60)}" is in more than one key`);
    seen.add(key.kid);
  }
  if (keys.length > MAX_KEYS) problems.push(`name at most ${MAX_KEYS} keys (two during a rotation)`);
  return keys;
}

/** The setting: file paths, comma-separated or a JSON array; read and checked when the settings are. */
export const clientJwksSetting = z.union([z.string(), z.array(z.string())]).transform((value, ctx): ClientJwks => {
  const files = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const problems: string[] = [];
  const keys = readClientJwks(files, problems);
  for (const message of problems) ctx.addIssue({ code: 'custom', message, input: value });
  return { files, keys };
});

/** The set as it is sent, with its validator: the same bytes on every replica, so the same ETag. */
export interface PublishedJwks {
  readonly body: string;
  readonly etag: string;
}

export function publishJwks(jwks: ClientJwks): PublishedJwks | null {
  if (jwks.keys.length === 0) return null;
  const body = JSON.stringify({ keys: jwks.keys });
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

/** GET or HEAD of CLIENT_JWKS_PATH; 304 when If-None-Match names the current set, 404 when none is configured. */
export function serveJwks(req: IncomingMessage, res: ServerResponse, published: PublishedJwks | null): void {
  req.resume();
  if (published === null) {
    res.writeHead(404, { 'cache-control': 'no-store', 'content-length': 0 }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'cache-control': 'no-store', 'content-length': 0 }).end();
    return;
  }
  const headers = {
    'cache-control': `public, max-age=${CLIENT_JWKS_MAX_AGE_S}`,
    etag: published.etag,
    'x-content-type-options': 'nosniff',
  };
  const tags = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes(published.etag) || tags.includes('*')) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': JWK_SET_TYPE,
    'content-length': Buffer.byteLength(published.body),
  });
  res.end(req.method === 'HEAD' ? undefined : published.body);
}
