/**
 * The logouts this replica accepted (answered 200) but Redis has not yet taken: passed to its own
 * workstations at once, kept until Redis records and fans them out, and offered to Redis again on
 * a timer (not only when Redis comes back: a command that timed out while the connection stayed
 * "up" must be retried too).
 *
 * With a state directory each one is a file of its own (`<sha256(jti)>.json`, mode 0600, written
 * to a temporary name and renamed, then the directory synced), so a replica restarted before Redis
 * is back still has them; the file holds the revocation (the logout token CIS2 sent, which is not
 * a credential: it can only end the session it names) and nothing else. Without a directory they
 * are kept in memory only.
 *
 * Publishing is idempotent: the replay set's `jti` is written with the publication, whether or not
 * it was there already (this replica's own check may have written it before the publish failed, or
 * CIS2 may have sent the token to another replica too), and a workstation is sent a `jti` at most
 * once per connection; the PC keeps its own `jti` memory. So a pending logout is never dropped
 * because its `jti` is known ("another replica took it" is not a thing this replica can know from
 * the replay set): at worst it is fanned out twice.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  fsyncSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './log';
import type { Revocation } from './revocations';
import { PublishNotConfirmed, parseRevocation } from './store';
import type { RelayStore } from './store';

/** Logouts kept for publishing at most (past it one is still delivered here, and the replica is not ready). */
const MAX_PENDING = 10_000;

/** How long a pending logout's jti is held in the replay set when it is published late. */
const LATE_JTI_MS = 300_000;

export interface PendingOptions {
  readonly store: RelayStore;
  readonly now: () => number;
  readonly logger: Logger;
  /** Where the logouts are kept on disk; undefined: memory only. */
  readonly dir: string | undefined;
}

export interface PendingPublish {
  /** Keeps a logout until Redis takes it; false when it could not be kept durably (full, or the write failed). */
  add(revocation: Revocation): boolean;
  /** Offers the kept logouts to the store in order; stops at the first failure. Never rejects. */
  flush(): Promise<void>;
  /** Whether the last write to the state directory succeeded and there is room. */
  healthy(): boolean;
  /** The logouts kept now, oldest first (after a restart: those found in the state directory). */
  kept(): readonly Revocation[];
  readonly size: number;
}

function fileName(jti: string): string {
  return `${createHash('sha256').update(jti).digest('hex')}.json`;
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `text` to `dir/name` so that a crash leaves either the old file or the whole new one. */
function writeAtomically(dir: string, name: string, text: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode: 0o600, flush: true });
  renameSync(tmp, join(dir, name));
  syncDir(dir);
}

/** The logouts a previous run of this replica left in `dir`, oldest first (temporary files are removed). */
function load(dir: string, logger: Logger): Revocation[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const found: Revocation[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    const revocation = parseRevocation(readFileSync(join(dir, name), 'utf8'));
    if (revocation === null) logger.warn({ event: 'pending logout unreadable' }, 'a pending logout file is not valid');
    else found.push(revocation);
  }
  return found.sort((a, b) => a.acceptedAt - b.acceptedAt);
}

export function pendingPublish(options: PendingOptions): PendingPublish {
  const { store, now, logger, dir } = options;
  const pending: Revocation[] = dir === undefined ? [] : load(dir, logger);
  let writeFailed = false;
  let flushing: Promise<void> | null = null;
  if (pending.length > 0)
    logger.warn({ event: 'pending logouts loaded', count: pending.length }, 'logouts waiting for Redis were found');

  function remove(revocation: Revocation): void {
    if (dir === undefined) return;
    try {
      rmSync(join(dir, fileName(revocation.jti)), { force: true });
    } catch {
      // Published already: a leftover file is published again (idempotent) after a restart.
    }
  }

  /**
   * Offers each kept logout in order. One Redis carried out but its replicas did not confirm stays
   * kept and the next is offered (its fan-out already happened); any other failure stops the round.
   */
  async function flushOnce(): Promise<void> {
    for (const revocation of [...pending]) {
      try {
        await store.publish(revocation, now() + LATE_JTI_MS);
      } catch (err) {
        if (err instanceof PublishNotConfirmed) continue;
        return;
      }
      pending.splice(pending.indexOf(revocation), 1);
      remove(revocation);
      logger.info({ event: 'pending logout published' }, 'a logout accepted while Redis was away is now in Redis');
    }
  }

  return {
    add(revocation) {
      if (pending.some((r) => r.jti === revocation.jti)) return true;
      if (pending.length >= MAX_PENDING) return false;
      pending.push(revocation);
      if (dir === undefined) return true;
      try {
        writeAtomically(dir, fileName(revocation.jti), JSON.stringify(revocation));
        writeFailed = false;
        return true;
      } catch (err) {
        writeFailed = true;
        logger.error(
          { event: 'pending logout not saved', code: (err as NodeJS.ErrnoException).code ?? 'unknown' },
          'a logout waiting for Redis could not be written to the state directory; it is kept in memory',
        );
        return false;
      }
    },
    flush() {
      // One flush at a time: the timer and Redis's return may both ask.
      flushing ??= flushOnce().finally(() => {
        flushing = null;
      });
      return flushing;
    },
    healthy: () => !writeFailed && pending.length < MAX_PENDING,
    kept: () => [...pending],
    get size() {
      return pending.length;
    },
  };
}
