/**
 * Per-source token buckets: `perMinute` requests a minute on average, bursts up to the same
 * number. Memory is bounded: full buckets are forgotten (they carry no information), and past
 * `maxKeys` sources the oldest are dropped.
 */
export interface RateLimiter {
  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean;
  /** Seconds until `key` has a token again (for Retry-After). */
  retryAfterSeconds(key: string): number;
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A bucket's tokens at `t`. A clock set back (NTP stepping a replica's clock, a VM restored) adds
 * nothing and takes nothing away: counted as no time passing, not as negative time, which would
 * empty the bucket for as long as the clock was set back and refuse every PC behind that source.
 */
function refilled(bucket: Bucket, t: number, capacity: number, perMs: number): number {
  return Math.min(capacity, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
}

export function rateLimiter(perMinute: number, now: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  const capacity = perMinute;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  function refill(bucket: Bucket, t: number): void {
    bucket.tokens = refilled(bucket, t, capacity, perMs);
    bucket.at = t;
  }

  function sweep(t: number): void {
    if (t - lastSweep < 60_000 && buckets.size < maxKeys) return;
    lastSweep = t;
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
    while (buckets.size >= maxKeys) {
      const oldest = buckets.keys().next();
      if (oldest.done === true) break;
      buckets.delete(oldest.value);
    }
  }

  return {
    take(key) {
      const t = now();
      sweep(t);
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = { tokens: capacity, at: t };
        buckets.set(key, bucket);
      }
      refill(bucket, t);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    retryAfterSeconds(key) {
      const bucket = buckets.get(key);
      if (bucket === undefined) return 0;
      refill(bucket, now());
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs / 1000);
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The same bucket per object (a connection) rather than per key: forgotten with the object, so it
 * needs no sweep. `perMinute` on average, bursts up to the same number.
 */
export function perObjectLimiter<T extends object>(perMinute: number, now: () => number): (owner: T) => boolean {
  const buckets = new WeakMap<T, Bucket>();
  const perMs = perMinute / 60_000;
  return (owner) => {
    const t = now();
    const bucket = buckets.get(owner) ?? { tokens: perMinute, at: t };
    bucket.tokens = refilled(bucket, t, perMinute, perMs);
    bucket.at = t;
    buckets.set(owner, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}
