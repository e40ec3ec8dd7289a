/**
 * How long sealed drafts wait for their owner: 12 hours by default (a clinician's shift, the
 * CIS2 session's own limit); IT policy may shorten it, never lengthen it. Past the limit the key is deleted (crypto-shredding) and the file goes.
 */
import { ShellError } from '../errors';

export const maxRetentionMs = 12 * 60 * 60 * 1000;

/**
 * A seal stamped this far in the future is not trusted to be fresh: a clock set back must not
 * stretch the retention limit, so such a seal counts as expired.
 */
export const futureSealToleranceMs = 5 * 60 * 1000;

export interface ResolvedRetention {
  retentionMs: number;
  /** True when the request asked for more than the maximum and was cut down to it. */
  clamped: boolean;
}

/**
 * The retention the vault will use for an IT policy value (`undefined` = no policy: default).
 * A value that is not a non-negative number of milliseconds is a configuration error, not a
 * reason to guess: guessing long would break the limit, guessing short would shred work.
 */
export function resolveRetention(requestedMs: number | undefined): ResolvedRetention {
  if (requestedMs === undefined) return { retentionMs: maxRetentionMs, clamped: false };
  if (!Number.isFinite(requestedMs) || requestedMs < 0) {
    throw new ShellError(
      'CONFIG_INVALID',
      'The draft retention in the workstation policy is not a valid length of time; IT should set it to a number of milliseconds between 0 and 12 hours.',
    );
  }
  if (requestedMs > maxRetentionMs) return { retentionMs: maxRetentionMs, clamped: true };
  return { retentionMs: Math.floor(requestedMs), clamped: false };
}

/** True when a seal made at `sealedAt` may no longer be opened at `now`. */
export function isSealExpired(sealedAt: number, now: number, retentionMs: number): boolean {
  if (!Number.isFinite(sealedAt)) return true;
  if (sealedAt - now > futureSealToleranceMs) return true;
  return now - sealedAt >= Math.min(retentionMs, maxRetentionMs);
}
