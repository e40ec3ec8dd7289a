import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { faultWords } from '../core/faults';

/**
 * The shell's logger: pino, with secrets removed before anything is written.
 *
 * Two layers, because one is not enough: pino's `redact` for the well-known paths, and a scrub of
 * every logged value that (a) blanks any field whose *name* says it holds a secret, however deep,
 * (b) blanks any string shaped like a JWT/JWE, and (c) strips query strings and fragments from URLs,
 * which is where codes and states travel. Errors are reduced to name, code and message; their
 * `cause` (which may hold a provider response with tokens in it) is never logged.
 */
export type Logger = PinoLogger;

const REDACTED = '[Redacted]';
const SECRET_KEY =
  /token|code|verifier|nonce|secret|password|passphrase|authorization|cookie|assertion|private|^key$|jwk|credential/i;
const JWT_SHAPE = /\beyJ[\w-]*\.[\w-]*\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;
const URL_QUERY = /(https?:\/\/[^\s?#"']*)[?#][^\s"']*/g;
const MAX_DEPTH = 8;

const FORM_PARAM =
  /\b(code|code_verifier|state|nonce|token|access_token|refresh_token|id_token|client_assertion|logout_token|password)=[^&\s"']+/gi;

// The exact secret strings held now (tokens, verifiers, the authorization code): redacted wherever
// they appear, whatever their shape. When the holder lets a secret go (wipe, rotation, end of an
// attempt) the string itself is dropped from here and only a keyed hash of it is kept (HMAC-SHA-256
// under a random per-process key), so a stale copy logged late is still caught when it appears as a
// whole word, while no earlier clinician's token stays in this process's memory through the log's
// redaction list. The hashes are bounded (the most recent MAX_RETIRED); the live list is not: it
// holds exactly what the holder holds.
const MIN_SECRET_LENGTH = 8;
const MAX_RETIRED = 256;
const liveSecrets = new Set<string>();
const retiredDigests = new Set<string>();
const digestKey = randomBytes(32);
// Words a secret can be made of (base64url, base64, opaque token alphabets); a retired secret is
// found as one whole such word.
const SECRET_WORD = /[A-Za-z0-9._~+/=-]{8,}/g;

function digest(secret: string): string {
  return createHmac('sha256', digestKey).update(secret).digest('hex');
}

/** The token holder and the sign-in register every secret they take custody of (at least 8 characters). */
export function registerSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) return;
  liveSecrets.add(secret);
}

/** The holder no longer holds `secret`: drop the string, keep only its keyed hash. */
export function forgetSecret(secret: string): void {
  if (!liveSecrets.delete(secret)) return;
  const d = digest(secret);
  retiredDigests.delete(d);
  retiredDigests.add(d);
  if (retiredDigests.size > MAX_RETIRED) retiredDigests.delete(retiredDigests.values().next().value as string);
}

/** For tests: what the redaction list holds now (the live secrets themselves, and hex digests). */
export function redactionListForTests(): { readonly live: readonly string[]; readonly retired: readonly string[] } {
  return { live: [...liveSecrets.keys()], retired: [...retiredDigests] };
}

function scrubString(value: string): string {
  let out = value.replace(JWT_SHAPE, REDACTED).replace(URL_QUERY, '$1?[Redacted]').replace(FORM_PARAM, '$1=[Redacted]');
  for (const secret of liveSecrets.keys()) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  if (retiredDigests.size > 0)
    out = out.replace(SECRET_WORD, (word) => (retiredDigests.has(digest(word)) ? REDACTED : word));
  return out;
}

function safeError(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return { type: err.name, ...(typeof code === 'string' ? { code } : {}), message: scrubString(err.message) };
}

/** An error code from a fixed vocabulary: UPPER_SNAKE (ShellError, openid-client, Node) or a fault code. */
function isStableCode(value: unknown): value is string {
  return typeof value === 'string' && (/^[A-Z][A-Z0-9_]*$/.test(value) || Object.hasOwn(faultWords, value));
}

export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof Error) return safeError(value);
  if (value instanceof URL) return scrubString(value.href);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && k !== 'code' ? REDACTED : scrub(v, depth + 1);
    // `code` is also the stable error code field (ShellError, openid-client, an adapter's fault):
    // keep it only when it is one (UPPER_SNAKE, or a fault code from core/faults.ts), never when it
    // could be an authorization code.
    if (k === 'code') out[k] = isStableCode(v) ? v : REDACTED;
  }
  return out;
}

/**
 * Whether `fd` is an open file descriptor. A GUI program on Windows has no standard output or
 * error: fd 1 and 2 are not open (Node's own process.stderr is then a stream that discards),
 * and a write to them fails. sonic-boom (pino.destination) re-emits that failure as an 'error'
 * event pino does not handle unless it is EPIPE, which would crash the shell.
 */
export function isOpenFd(fd: number): boolean {
  try {
    // Through the module object, so the check and sonic-boom see the same fs.
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** A destination that drops every line: where there is nowhere to write. */
export function discardDestination(): DestinationStream {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

/**
 * Standard output (1) or error (2) as a pino destination, or, when it is not open, a
 * destination that drops lines. A write that fails later (the console went away) drops lines
 * too, instead of throwing an unhandled 'error'.
 */
export function stdioDestination(fd: 1 | 2): DestinationStream {
  if (!isOpenFd(fd)) return discardDestination();
  const stream = pino.destination(fd);
  stream.on('error', () => undefined);
  return stream;
}

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream they read back. */
  readonly destination?: DestinationStream;
  /**
   * Which PC and OS account wrote each line, so a log folder shared by a ward's PCs stays
   * attributable. The account is the Windows (or OS) account, often a shared kiosk account. The
   * environment is the CIS2 environment it signs in to (core/environment.ts), on every line from
   * the first, so a line from a test workstation is never read as Live's.
   */
  readonly workstation?: { readonly host: string; readonly account: string; readonly environment?: string };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      // ISO 8601 in UTC (`"time":"2026-12-07T19:30:00.123Z"`), not epoch milliseconds: what a SIEM
      // and a person reading the file both parse without a conversion (docs/audit-log.md).
      timestamp: pino.stdTimeFunctions.isoTime,
      base: {
        app: 'clinical-workstation-shell',
        ...(options.workstation === undefined
          ? {}
          : {
              host: options.workstation.host,
              account: options.workstation.account,
              ...(options.workstation.environment === undefined
                ? {}
                : { environment: options.workstation.environment }),
            }),
      },
      redact: {
        paths: ['*.access_token', '*.refresh_token', '*.id_token', 'req.headers.authorization', 'req.headers.cookie'],
        censor: REDACTED,
      },
      serializers: { err: (e: unknown) => (e instanceof Error ? safeError(e) : scrub(e)) },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        // The message string is not covered by formatters.log: scrub it too.
        logMethod(args, method) {
          const [first, ...rest] = args;
          // logger.error(err) would copy err.message into msg unscrubbed: pass it as { err } instead.
          const lead = first instanceof Error ? [{ err: first }, scrubString(first.message)] : [first];
          const scrubbed = [...lead, ...rest].map((a) => (typeof a === 'string' ? scrubString(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? stdioDestination(1),
  );
}
