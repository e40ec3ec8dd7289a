// RELAY_REDIS_WAIT_REPLICAS with the only Redis replica down: every publication is carried out by
// the primary (recorded and fanned out) and then not confirmed (relay/redis-store.ts throws
// PublishNotConfirmed after WAIT). The replica keeps such logouts pending, but bounded: in a
// round, once one is not confirmed, the others already carried out are not offered again (those
// never carried out still are: their fan-out has not happened); each is offered again on a
// doubling wait from the retry period; after an hour it is let go with a warning. A manual clock.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { pendingPublish } from '../../relay/pending';
import type { Revocation } from '../../relay/revocations';
import { PublishNotConfirmed, createMemoryStore } from '../../relay/store';
import type { RelayStore } from '../../relay/store';

const RETRY_MS = 1_000;

function revocation(n: number, at: number): Revocation {
  return { jti: `jti-${n}`, sid: `sid-${n}`, iat: at / 1000, logoutToken: `a.b.c${n}`, acceptedAt: at };
}

describe('pending logouts that Redis carried out but its replicas did not confirm', () => {
  it('are offered again on a doubling wait, one per round while the replicas are missing, and let go after an hour', async () => {
    let now = 1_800_000_000_000;
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const inner = createMemoryStore({ retentionMs: 12 * 3600_000, now: () => now });
    const published: string[] = [];
    // As the Redis store: the transaction is carried out, then WAIT finds too few replicas.
    const store: RelayStore = {
      ...inner,
      async publish(r, jtiUntil) {
        published.push(r.jti);
        await inner.publish(r, jtiUntil);
        throw new PublishNotConfirmed('Fewer than 1 Redis replicas confirmed the publication.');
      },
    };
    const pending = pendingPublish({ store, now: () => now, logger, dir: undefined, retryMs: RETRY_MS });
    for (let n = 1; n <= 3; n += 1) pending.add(revocation(n, now));

    // First round: all three are new, so all are carried out (fanned out), none confirmed.
    await pending.flush();
    expect(published).toEqual(['jti-1', 'jti-2', 'jti-3']);
    expect(pending.size).toBe(3);

    // Before the first wait is over, nothing is offered again.
    published.length = 0;
    now += RETRY_MS / 2;
    await pending.flush();
    expect(published).toEqual([]);

    // Due: the first is offered, not confirmed, and the round offers no other carried-out one; a
    // new logout in the same round is still carried out.
    now += RETRY_MS;
    pending.add(revocation(4, now));
    await pending.flush();
    expect(published).toEqual(['jti-1', 'jti-4']);

    // The waits double: over an hour of rounds every period, far fewer offers than rounds.
    published.length = 0;
    let rounds = 0;
    while (pending.size > 0 && rounds < 10_000) {
      now += RETRY_MS;
      rounds += 1;
      await pending.flush();
    }
    expect(pending.size).toBe(0);
    expect(rounds).toBeGreaterThan(3_500);
    expect(published.length).toBeLessThan(rounds / 10);
    expect(logs.filter((l) => l.includes('"event":"pending logout unconfirmed"'))).toHaveLength(4);
  });

  it('are let go as published once a replica confirms', async () => {
    let now = 1_800_000_000_000;
    const logger = pino({ level: 'silent' });
    const inner = createMemoryStore({ retentionMs: 12 * 3600_000, now: () => now });
    let replicaUp = false;
    const store: RelayStore = {
      ...inner,
      async publish(r, jtiUntil) {
        await inner.publish(r, jtiUntil);
        if (!replicaUp) throw new PublishNotConfirmed('not confirmed');
      },
    };
    const pending = pendingPublish({ store, now: () => now, logger, dir: undefined, retryMs: RETRY_MS });
    pending.add(revocation(1, now));
    pending.add(revocation(2, now));
    await pending.flush();
    expect(pending.size).toBe(2);
    replicaUp = true;
    now += RETRY_MS;
    await pending.flush();
    expect(pending.size).toBe(0);
  });
});
