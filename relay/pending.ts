/**
 * The logouts this replica accepted while the store was away: passed to its own workstations at
 * once, and published to the others when the store is back. Bounded: past the limit a logout is
 * still delivered here, but no longer kept for publishing.
 */
import type { Revocation } from './revocations';
import type { RelayStore } from './store';

/** Logouts accepted while the store was away, published when it is back (bounded). */
const MAX_PENDING = 10_000;

/** How long a pending logout's jti is held in the replay set when it is published late. */
const LATE_JTI_MS = 300_000;

export interface PendingPublish {
  /** Keeps a logout for publishing (unless the limit is reached). */
  add(revocation: Revocation): void;
  /** Publishes the kept logouts in order while the store is available; stops at the first failure. */
  flush(): Promise<void>;
  readonly size: number;
}

export function pendingPublish(store: RelayStore, now: () => number): PendingPublish {
  const pending: Revocation[] = [];
  return {
    add(revocation) {
      if (pending.length < MAX_PENDING) pending.push(revocation);
    },
    async flush() {
      while (pending.length > 0 && store.available()) {
        const revocation = pending[0] as Revocation;
        try {
          // Unless CIS2 retried it meanwhile and another replica took it.
          if (await store.firstSeen(revocation.jti, now() + LATE_JTI_MS)) await store.publish(revocation);
          pending.shift();
        } catch {
          return;
        }
      }
    },
    get size() {
      return pending.length;
    },
  };
}
