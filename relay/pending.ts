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

/** An unconfirmed publication is offered again after the retry period, doubling up to this many periods or 5 minutes… */
const UNCONFIRMED_MAX_PERIODS = 60;
const UNCONFIRMED_MAX_WAIT_MS = 300_000;
/** …and let go after this long (unconfirmedPublications). */
const UNCONFIRMED_GIVE_UP_MS = 3_600_000;

/** How long a pending logout's jti is held in the replay set when it is published late. */
const LATE_JTI_MS = 300_000;

export interface PendingOptions {
  readonly store: RelayStore;
  readonly now: () => number;
  readonly logger: Logger;
  /** Where the logouts are kept on disk; undefined: memory only. */
  readonly dir: string | undefined;
  /** The retry timer's period (RELAY_PENDING_RETRY_MS): an unconfirmed publication's first wait. */
  readonly retryMs?: number;
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
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: the name was just listed; force only matters if the file went in between, a race no test can stage
      rmSync(join(dir, name), { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    // Stryker disable next-line StringLiteral: equivalent: without an encoding readFileSync gives a Buffer, which JSON.parse reads as UTF-8 all the same
    const revocation = parseRevocation(readFileSync(join(dir, name), 'utf8'));
    if (revocation === null) logger.warn({ event: 'pending logout unreadable' }, 'a pending logout file is not valid');
    else found.push(revocation);
  }
  return found.sort((a, b) => a.acceptedAt - b.acceptedAt);
}

/** Removes a published logout's file. */
function unlink(dir: string, revocation: Revocation): void {
  try {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: a file never written (the write failed) throws without force, and the catch below takes that
    rmSync(join(dir, fileName(revocation.jti)), { force: true });
  } catch {
    // Published already: a leftover file is published again (idempotent) after a restart.
  }
}

/** Writes a kept logout to the state directory; false (logged) when it could not. */
function save(dir: string, revocation: Revocation, logger: Logger): boolean {
  try {
    writeAtomically(dir, fileName(revocation.jti), JSON.stringify(revocation));
    return true;
  } catch (err) {
    logger.error(
      { event: 'pending logout not saved', code: (err as NodeJS.ErrnoException).code ?? 'unknown' },
      'a logout waiting for Redis could not be written to the state directory; it is kept in memory',
    );
    return false;
  }
}

/**
 * Logouts Redis carried out (recorded and fanned out) but too few replicas confirmed
 * (RELAY_REDIS_WAIT_REPLICAS): each is offered again on a doubling wait (from the retry period to
 * 5 minutes, or 60 periods if shorter), and after
 * UNCONFIRMED_GIVE_UP_MS let go. It is in the primary, and a replica that comes back copies it;
 * what is not covered meanwhile is the primary failing before one does (docs/relay.md).
 */
function unconfirmedPublications(
  now: () => number,
  retryMs: number,
): {
  /** 'new': never carried out; 'due': carried out, unconfirmed, to be offered again; 'waiting': not yet. */
  state(jti: string): 'new' | 'due' | 'waiting';
  /** One more unconfirmed publication: null while it is still to be offered, else the attempts made (let it go). */
  missed(jti: string): number | null;
  forget(jti: string): void;
} {
  const seen = new Map<string, { since: number; attempts: number; nextAt: number }>();
  return {
    state(jti) {
      const s = seen.get(jti);
      // Stryker disable next-line StringLiteral: equivalent: 'new' is only ever told apart from 'waiting' and 'due'
      if (s === undefined) return 'new';
      return s.nextAt > now() ? 'waiting' : 'due';
    },
    missed(jti) {
      const t = now();
      const s = seen.get(jti) ?? { since: t, attempts: 0, nextAt: t };
      s.attempts += 1;
      const most = Math.min(UNCONFIRMED_MAX_WAIT_MS, UNCONFIRMED_MAX_PERIODS * retryMs);
      s.nextAt = t + Math.min(most, retryMs * 2 ** Math.min(30, s.attempts - 1));
      seen.set(jti, s);
      return t - s.since < UNCONFIRMED_GIVE_UP_MS ? null : s.attempts;
    },
    forget: (jti) => void seen.delete(jti),
  };
}

export function pendingPublish(options: PendingOptions): PendingPublish {
  const { store, now, logger, dir } = options;
  const pending: Revocation[] = dir === undefined ? [] : load(dir, logger);
  const unconfirmed = unconfirmedPublications(now, options.retryMs ?? 5_000);
  let writeFailed = false;
  let flushing: Promise<void> | null = null;
  if (pending.length > 0)
    logger.warn({ event: 'pending logouts loaded', count: pending.length }, 'logouts waiting for Redis were found');

  function forget(revocation: Revocation): void {
    pending.splice(pending.indexOf(revocation), 1);
    unconfirmed.forget(revocation.jti);
    // Stryker disable next-line ConditionalExpression: equivalent: without a directory unlink's join(undefined) throws inside its own try, whose catch takes it
    if (dir !== undefined) unlink(dir, revocation);
  }

  function notConfirmed(revocation: Revocation): void {
    const attempts = unconfirmed.missed(revocation.jti);
    if (attempts === null) return;
    forget(revocation);
    logger.warn(
      { event: 'pending logout unconfirmed', attempts },
      'a logout recorded in Redis was never confirmed by its replicas; it is no longer offered again',
    );
  }

  /**
   * Offers each kept logout in order. One carried out but not confirmed by the replicas stays kept
   * (unconfirmedPublications); once one is not confirmed in a round, those already carried out are not offered
   * again in it (the replicas are evidently missing), those never carried out still are (their
   * fan-out has not happened). Any other failure stops the round.
   */
  async function flushOnce(): Promise<void> {
    let replicasMissing = false;
    for (const revocation of [...pending]) {
      const state = unconfirmed.state(revocation.jti);
      if (state === 'waiting' || (state === 'due' && replicasMissing)) continue;
      try {
        await store.publish(revocation, now() + LATE_JTI_MS);
      } catch (err) {
        if (!(err instanceof PublishNotConfirmed)) return;
        replicasMissing = true;
        notConfirmed(revocation);
        continue;
      }
      forget(revocation);
      logger.info({ event: 'pending logout published' }, 'a logout accepted while Redis was away is now in Redis');
    }
  }

  return {
    add(revocation) {
      if (pending.some((r) => r.jti === revocation.jti)) return true;
      if (pending.length >= MAX_PENDING) return false;
      pending.push(revocation);
      if (dir === undefined) return true;
      writeFailed = !save(dir, revocation, logger);
      return !writeFailed;
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
