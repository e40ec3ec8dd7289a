import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import pinoRoll from 'pino-roll';
import { createAudit } from './audit';

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
const SECRET_KEY = /token|code|verifier|nonce|secret|password|passphrase|authorization|cookie|assertion|private|^key$|jwk|credential/i;
const JWT_SHAPE = /\beyJ[\w-]*\.[\w-]*\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;
const URL_QUERY = /(https?:\/\/[^\s?#"']*)[?#][^\s"']*/g;
const MAX_DEPTH = 8;

const FORM_PARAM = /\b(code|code_verifier|state|nonce|token|access_token|refresh_token|id_token|client_assertion|logout_token|password)=[^&\s"']+/gi;

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
  if (retiredDigests.size > 0) out = out.replace(SECRET_WORD, (word) => (retiredDigests.has(digest(word)) ? REDACTED : word));
  return out;
}

function safeError(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return { type: err.name, ...(typeof code === 'string' ? { code } : {}), message: scrubString(err.message) };
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
    // `code` is also the stable error code field (ShellError, openid-client): keep it only when it
    // looks like one (UPPER_SNAKE), never when it could be an authorization code.
    if (k === 'code') out[k] = typeof v === 'string' && /^[A-Z][A-Z0-9_]*$/.test(v) ? v : REDACTED;
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
   * attributable. The account is the Windows (or OS) account, often a shared kiosk account.
   */
  readonly workstation?: { readonly host: string; readonly account: string };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'clinical-workstation-shell', ...(options.workstation === undefined ? {} : { host: options.workstation.host, account: options.workstation.account }) },
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

export interface LogFolderOptions {
  /** The machine policy's log folder (see perUserLogFolder), or the app's own `<userData>/logs`. Created if missing. */
  readonly folder: string;
  /** Tried when `folder` cannot be opened: the app's own `<userData>/logs`, which this user can always write. */
  readonly fallbackFolder?: string;
  readonly level?: string;
  readonly workstation?: LoggerOptions['workstation'];
  /** Start a new file at this size (default 10 MB). Files also start afresh each day. */
  readonly maxFileBytes?: number;
  /** Files kept in the folder, the current one included, across restarts (default 14: two weeks or more). */
  readonly keepFiles?: number;
  /**
   * Where lines go if no folder can be opened (default standard error, or nowhere when there is
   * none: a GUI program on Windows).
   */
  readonly fallback?: DestinationStream;
}

export interface FolderLogger {
  readonly logger: Logger;
  /** The folder written to, or null when none could be opened and the fallback stream is used. */
  readonly folder: string | null;
  /** Writes out anything buffered and closes the file. */
  close(): Promise<void>;
}

/**
 * Where one OS account's shell logs inside a folder IT names: a subfolder per account. On a ward
 * PC several Windows accounts may run the shell (fast user switching runs two at once), and one
 * account cannot append to, rotate or prune another's files; each writes its own.
 */
export function perUserLogFolder(base: string, username: string): string {
  const safe = username.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
  return join(base, safe === '' ? 'user' : safe);
}

const LOG_FILE = /^audit\.(\d{4}-\d{2}-\d{2})\.(\d+)\.log$/;

/**
 * Deletes all but the `keep` newest log files. pino-roll prunes only when it rotates, and a ward
 * PC that restarts every few hours, never reaching midnight or the size limit in one run, would
 * otherwise keep every file it ever wrote.
 */
async function pruneOldFiles(folder: string, keep: number): Promise<void> {
  const files = (await readdir(folder))
    .map((name) => ({ name, match: LOG_FILE.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .sort((a, b) => (a.match[1] ?? '').localeCompare(b.match[1] ?? '') || Number(a.match[2]) - Number(b.match[2]));
  await Promise.allSettled(files.slice(0, Math.max(0, files.length - keep)).map((f) => unlink(join(folder, f.name))));
}

/** The error a log folder that is not this account's own raises: the audit line names the code. */
export class LogFolderNotOursError extends Error {
  readonly code = 'LOG_FOLDER_NOT_OURS';
}

/**
 * The folder must be a real folder, not a symbolic link or (on Windows) a junction, which lstat
 * reports as a link too, and, on POSIX, owned by this process's user. Otherwise another account
 * pre-created it (IT's LogFolder lets every user create folders): it could read our lines, or
 * swap our files. Windows ownership and ACLs need an ACL read that Node cannot do; there the
 * folder's permissions are IT's (docs/audit-log.md, "Permissions IT sets on LogFolder").
 */
export async function checkOwnFolder(folder: string, getuid: (() => number) | undefined = process.getuid?.bind(process)): Promise<void> {
  const info = await lstat(folder);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new LogFolderNotOursError(`The log folder ${folder} is a link or not a folder, so it is not used.`);
  }
  if (getuid !== undefined && info.uid !== getuid()) {
    throw new LogFolderNotOursError(`The log folder ${folder} belongs to another account (uid ${info.uid}), so it is not used.`);
  }
}

async function openFolder(folder: string, options: LogFolderOptions): Promise<FolderLogger> {
  const keep = options.keepFiles ?? 14;
  // 0700 where it is created here, 0600 for the files: the log names who used the workstation and when.
  await mkdir(folder, { recursive: true, mode: 0o700 });
  // An existing folder may have been made by someone else: never write into one that is not ours.
  await checkOwnFolder(folder);
  // Room for the file this run opens (or appends to).
  await pruneOldFiles(folder, keep - 1);
  const stream = await pinoRoll({
    file: join(folder, 'audit'),
    extension: '.log',
    size: `${options.maxFileBytes ?? 10 * 1024 * 1024}b`,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    // removeOtherLogFiles: a ward PC restarts often; the bound must hold across runs, not per run.
    limit: { count: keep, removeOtherLogFiles: true },
    sync: true,
    mode: 0o600,
  });
  // A write that fails later (disk full, folder removed) must not crash the shell: say so once.
  // process.stderr, not fd 2: Node makes it a stream that discards where there is no console.
  let reported = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (reported) return;
    reported = true;
    process.stderr.write(`Clinical Workstation Shell could not write its log in ${folder} (${error.code ?? error.name}); ask IT to check free disk space and the folder's permissions.\n`);
  });
  const logger = createLogger({ level: options.level, destination: stream, ...(options.workstation === undefined ? {} : { workstation: options.workstation }) });
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  let ending = false;
  const close = (): Promise<void> => {
    if (!ending) stream.end();
    ending = true;
    return closed;
  };
  return { logger, folder, close };
}

/**
 * A logger writing JSON lines to rotated files in `folder`: `audit.<yyyy-MM-dd>.<n>.log`.
 *
 * pino-roll runs in this process, not as a pino transport: a transport is a worker thread, which
 * costs about 10 MB resident on a machine with a memory target. Writes are synchronous so the last
 * lines before a crash (which restarts the shell at once) are on disk; the shell logs a few lines
 * a minute, so this costs nothing that matters. If the folder cannot be opened the shell still
 * starts: it logs to `fallbackFolder`, else to standard error, and the first line says why. Where
 * there is no standard error either (a GUI program on Windows has none), lines are dropped
 * rather than written to a descriptor that is not open.
 */
export async function createFolderLogger(options: LogFolderOptions): Promise<FolderLogger> {
  const { folder, fallbackFolder } = options;
  let cause: unknown;
  try {
    return await openFolder(folder, options);
  } catch (error) {
    cause = error;
  }
  if (fallbackFolder !== undefined && fallbackFolder !== folder) {
    try {
      const opened = await openFolder(fallbackFolder, options);
      createAudit(opened.logger).logFolderUnavailable(folder, cause);
      return opened;
    } catch {
      // Neither folder: standard error below, naming the one IT asked for.
    }
  }
  const logger = createLogger({ level: options.level, destination: options.fallback ?? stdioDestination(2), ...(options.workstation === undefined ? {} : { workstation: options.workstation }) });
  createAudit(logger).logFolderUnavailable(folder, cause);
  return { logger, folder: null, close: async () => undefined };
}
