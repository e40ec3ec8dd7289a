/**
 * The relay's log: pino JSON lines on standard output. Never a token; never a subject or session
 * id in clear. Where a line has to say whose logout it was, it carries a keyed hash (HMAC-SHA-256,
 * 12 bytes): the same person gives the same hash on every replica that shares the key, and a
 * 12-digit CIS2 UUID cannot be found from it by trying them all, as it could from a plain hash.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

export function createRelayLogger(options: {
  level: string;
  replica?: string;
  destination?: DestinationStream;
}): Logger {
  const base = { service: 'cws-relay', replica: options.replica ?? `${hostname()}:${process.pid}` };
  // ISO 8601 UTC times, as the shell's audit lines have (docs/audit-log.md, the field mapping).
  const settings = { level: options.level, base, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** A keyed hash standing for an identifier in the log. */
export function logHasher(key?: string): (value: string | undefined) => string | undefined {
  const secret = key ?? randomBytes(32).toString('hex');
  return (value) =>
    value === undefined ? undefined : createHmac('sha256', secret).update(value).digest('base64url').slice(0, 16);
}

/**
 * A keyed hash of a client's network address for the lines about refused sources (429): the key
 * is random for each process and never written down, so lines of one run can be correlated while
 * no address is stored.
 */
export const sourceHash: (source: string) => string = (
  (hash) => (source: string) =>
    hash(source) ?? ''
)(logHasher());

/** Why something failed, for the log: the error's name and message and its causes' names and codes (never a token). */
export function causeOf(err: unknown): { err: string; message?: string; cause?: string } {
  if (!(err instanceof Error)) return { err: 'unknown' };
  const chain: string[] = [];
  let cause: unknown = err.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 4; depth += 1) {
    const c = cause as { name?: unknown; code?: unknown; cause?: unknown };
    chain.push([c.name, c.code].filter((v) => typeof v === 'string').join(' ') || 'unknown');
    cause = c.cause;
  }
  return {
    err: err.name,
    message: err.message.slice(0, 300),
    ...(chain.length > 0 ? { cause: chain.join(' <- ') } : {}),
  };
}
