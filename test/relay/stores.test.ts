// The relay's stores without a Redis server: the reconnect schedule the Redis connections give
// ioredis (the one retry schedule, main/core/backoff.ts, at exactly the numbers it always had),
// and the memory store's fan-out to its listeners.
import { describe, expect, it } from 'vitest';
import { REDIS_BACKOFF, redisRetryDelay } from '../../relay/redis-link';
import type { Revocation } from '../../relay/revocations';
import { createMemoryStore } from '../../relay/store';

describe('the Redis reconnect schedule', () => {
  /** The schedule as it was written before it used main/core/backoff.ts. */
  const before = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000);

  it('is 100 ms doubling to 2 s, without jitter', () => {
    expect(REDIS_BACKOFF).toEqual({ firstMs: 100, maxMs: 2_000 });
  });

  it('waits what it always waited, for every attempt ioredis can ask about', () => {
    for (let attempt = 0; attempt <= 200; attempt += 1) expect(redisRetryDelay(attempt)).toBe(before(attempt));
    expect([1, 2, 3, 4, 5, 6].map(redisRetryDelay)).toEqual([200, 400, 800, 1_600, 2_000, 2_000]);
    expect(redisRetryDelay(Number.MAX_SAFE_INTEGER)).toBe(2_000);
  });
});

describe('the memory store', () => {
  const revocation: Revocation = {
    jti: 'jti-1',
    sub: '555000000001',
    iat: 1_700_000_000,
    logoutToken: 'header.payload.signature',
    acceptedAt: 1_700_000_000_000,
  };

  it('tells every listener of a publication, once the publishing code has run on', async () => {
    const store = createMemoryStore({ retentionMs: 60_000, now: () => revocation.acceptedAt });
    const heard: string[] = [];
    store.onRevocation((r) => heard.push(`a:${r.jti}`));
    store.onRevocation((r) => heard.push(`b:${r.jti}`));
    const published = store.publish(revocation);
    expect(heard).toEqual([]);
    await published;
    await Promise.resolve();
    expect(heard).toEqual(['a:jti-1', 'b:jti-1']);
  });

  it('a listener that throws does not stop the others, and is logged by code', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = { error: (fields: Record<string, unknown>) => void lines.push(fields) };
    const store = createMemoryStore({
      retentionMs: 60_000,
      now: () => revocation.acceptedAt,
      logger: logger as unknown as NonNullable<Parameters<typeof createMemoryStore>[0]['logger']>,
    });
    const heard: string[] = [];
    store.onRevocation(() => {
      throw new TypeError('listener fault');
    });
    store.onRevocation((r) => heard.push(r.jti));
    await store.publish(revocation);
    await Promise.resolve();
    expect(heard).toEqual(['jti-1']);
    expect(lines).toEqual([{ event: 'store listener failed', err: 'TypeError' }]);
  });
});
