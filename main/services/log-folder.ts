/**
 * The audit log's folder: pino lines rotated by pino-roll (daily and by size, a bounded number of
 * files kept across restarts, 0600), in IT's LogFolder (a subfolder per OS account) or the app's
 * own, refusing a folder another account made, and standard error when no folder can be opened.
 */
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import pinoRoll from 'pino-roll';
import type { AuditSink } from './audit-sinks/sinks';
import { createAudit } from './audit';
import { createLogger, stdioDestination } from './logger';
import type { Logger, LoggerOptions } from './logger';

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
  /** Where audit lines also go (audit-sinks/sinks.ts): each gets every line, as written to the file. */
  readonly sinks?: readonly AuditSink[];
}

/** The file (or fallback) stream plus the sinks: every line to each, the logger's level deciding which lines. */
function withSinks(stream: DestinationStream, sinks: readonly AuditSink[] | undefined): DestinationStream {
  if (sinks === undefined || sinks.length === 0) return stream;
  return pino.multistream([stream, ...sinks].map((s) => ({ stream: s, level: 'trace' as const })));
}

async function closeSinks(sinks: readonly AuditSink[] | undefined): Promise<void> {
  await Promise.allSettled((sinks ?? []).map((s) => s.close()));
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
  const safe = username
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 64);
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
export async function checkOwnFolder(
  folder: string,
  getuid: (() => number) | undefined = process.getuid?.bind(process),
): Promise<void> {
  const info = await lstat(folder);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new LogFolderNotOursError(`The log folder ${folder} is a link or not a folder, so it is not used.`);
  }
  if (getuid !== undefined && info.uid !== getuid()) {
    throw new LogFolderNotOursError(
      `The log folder ${folder} belongs to another account (uid ${info.uid}), so it is not used.`,
    );
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
    process.stderr.write(
      `Clinical Workstation Shell could not write its log in ${folder} (${error.code ?? error.name}); ask IT to check free disk space and the folder's permissions.\n`,
    );
  });
  const logger = createLogger({
    level: options.level,
    destination: withSinks(stream, options.sinks),
    ...(options.workstation === undefined ? {} : { workstation: options.workstation }),
  });
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  let ending = false;
  const close = async (): Promise<void> => {
    if (!ending) stream.end();
    ending = true;
    await Promise.all([closed, closeSinks(options.sinks)]);
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
  const logger = createLogger({
    level: options.level,
    destination: withSinks(options.fallback ?? stdioDestination(2), options.sinks),
    ...(options.workstation === undefined ? {} : { workstation: options.workstation }),
  });
  createAudit(logger).logFolderUnavailable(folder, cause);
  return { logger, folder: null, close: () => closeSinks(options.sinks) };
}
