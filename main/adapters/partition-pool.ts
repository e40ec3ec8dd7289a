/**
 * The shell pages' partitions: a small pool, wiped between clinicians, instead of a new one for
 * each (docs/decisions.md, 30). Electron never frees a session made from a partition: each
 * `session.fromPartition` name (and each `webPreferences.partition`) gets an
 * ElectronBrowserContext kept in a static map until the process shuts down
 * (shell/browser/electron_browser_context.cc, `ContextMap()` and `DestroyAllContexts`;
 * shell/browser/api/electron_api_session.cc `Session::FromPartition`), with its own network
 * context, caches and proxy resolver. A new name per sign-in grows without bound on a PC that
 * runs for weeks.
 *
 * So a partition is taken from the pool for each new page and given back when its window has
 * gone; it goes back into use only once everything a page can leave in it has been cleared:
 * storage (cookies, local storage, IndexedDB, service workers...), the HTTP cache, the HTTP
 * authentication cache, the host resolver cache, and every open connection (a kept-alive socket
 * would otherwise carry the last clinician's TLS session to the next). A partition whose wipe
 * failed is never used again. Only a page that is not in use is wiped, and the pool holds just
 * as many as are in use or being wiped at once (two or three), so its size is bounded by the
 * hand-overs in flight, not by the number of clinicians.
 */
import type { Session } from 'electron';
import type { OnFault } from '../core/faults';

export type WipeableSession = Pick<
  Session,
  'clearStorageData' | 'clearCache' | 'clearAuthCache' | 'clearHostResolverCache' | 'closeAllConnections'
>;

/** Everything a clinician's page can leave in its session, cleared; rejects if any clear failed. */
export async function wipeSession(session: WipeableSession): Promise<void> {
  await Promise.all([
    session.clearStorageData(),
    session.clearCache(),
    session.clearAuthCache(),
    session.clearHostResolverCache(),
    session.closeAllConnections(),
  ]);
}

/**
 * More partitions than this means wipes are failing or hanging (each failed one is retired for
 * good): reported once; new partitions are still made, since isolation comes before memory.
 */
export const partitionPoolWarnAt = 8;

export interface PartitionPool {
  /** A partition no page uses and nothing of a previous clinician is left in. */
  acquire(): string;
  /** The page on `partition` has gone: wipe its session, then make it available again. Never rejects. */
  release(partition: string, session: WipeableSession): Promise<void>;
  /** How many partitions the pool has ever made (each one lives until the process exits). */
  made(): number;
}

export function createPartitionPool(options: { onError?: OnFault; prefix?: string } = {}): PartitionPool {
  const prefix = options.prefix ?? 'shell-';
  const free: string[] = [];
  let made = 0;
  let warned = false;
  return {
    acquire() {
      const reused = free.shift();
      if (reused !== undefined) return reused;
      made += 1;
      if (made > partitionPoolWarnAt && !warned) {
        warned = true;
        options.onError?.('partition-pool-grew');
      }
      // No `persist:` prefix: in memory only.
      return `${prefix}${made}`;
    },
    async release(partition, session) {
      try {
        await wipeSession(session);
      } catch {
        // Never reused: the next page gets a partition of its own.
        options.onError?.('partition-clear-failed');
        return;
      }
      if (!free.includes(partition)) free.push(partition);
    },
    made: () => made,
  };
}
