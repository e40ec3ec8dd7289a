/**
 * The store shared by relay replicas, in Redis (the connections: redis-link.ts):
 * - replay set: `<prefix>jti:<jti>` written with SET NX and an expiry, so of two replicas that
 *   receive the same token at once exactly one accepts it;
 * - revocation list: a sorted set per `sid` (`<prefix>rev:sid:<sid>`), or per `sub` for a token
 *   without `sid` (`<prefix>rev:sub:<sub>`), scored by the time it was accepted, trimmed to the
 *   retention and expiring with it;
 * - fan-out: PUBLISH on `<prefix>logout`, which every replica SUBSCRIBEs to.
 * The list and the publication are written in one MULTI, so a logout that reaches other replicas
 * is also in the list for catch-up.
 */
import type { Logger } from 'pino';
import { createEmitter } from '../main/core/emitter';
import { connectRedis } from './redis-link';
import type { RedisTarget } from './redis-link';
import { appliesToSession } from './revocations';
import type { Revocation } from './revocations';
import { PublishNotConfirmed, listenerFailed, parseRevocation } from './store';
import type { RelayStore } from './store';

export interface RedisStoreOptions {
  readonly target: RedisTarget;
  readonly prefix: string;
  readonly retentionMs: number;
  /**
   * Replicas that must have a publication (WAIT) before it counts as taken: 0, none. With more,
   * a publication Redis's replicas did not confirm is kept pending by the replica and published
   * again, so a failover to an asynchronous replica cannot lose it.
   */
  readonly waitReplicas?: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Extra time a jti is kept beyond the token's own window, for replica clocks that disagree. */
const JTI_MARGIN_MS = 60_000;

/** How long a publication waits for its replicas' confirmation (waitReplicas). */
const WAIT_MS = 500;

function entries(texts: readonly string[]): Revocation[] {
  return texts.map(parseRevocation).filter((r): r is Revocation => r !== null);
}

export function createRedisStore(options: RedisStoreOptions): RelayStore {
  const now = options.now ?? Date.now;
  const p = options.prefix;
  const channel = `${p}logout`;
  const keyFor = (r: Pick<Revocation, 'sid' | 'sub'>): string =>
    r.sid !== undefined ? `${p}rev:sid:${r.sid}` : `${p}rev:sub:${r.sub ?? ''}`;
  const onListenerError = listenerFailed(options.logger);
  const revocations = createEmitter<[Revocation]>(onListenerError);
  const onMessage = (text: string): void => {
    const revocation = parseRevocation(text);
    if (revocation === null) {
      options.logger.warn({ event: 'redis message refused' }, 'a message on the logout channel was not a revocation');
      return;
    }
    revocations.emit(revocation);
  };
  const link = connectRedis({
    target: options.target,
    channel,
    logger: options.logger,
    now,
    onMessage,
    onListenerError,
  });
  const cmd = link.commands;

  return {
    kind: 'redis',
    available: link.available,
    async firstSeen(jti, expiresAt) {
      const ttl = Math.max(1_000, Math.ceil(expiresAt - now()) + JTI_MARGIN_MS);
      return (await cmd.set(`${p}jti:${jti}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    async publish(revocation, jtiUntil) {
      const key = keyFor(revocation);
      const text = JSON.stringify(revocation);
      const multi = cmd.multi();
      if (jtiUntil !== undefined)
        multi.set(`${p}jti:${revocation.jti}`, '1', 'PX', Math.max(1_000, Math.ceil(jtiUntil - now()) + JTI_MARGIN_MS));
      const results = await multi
        .zadd(key, revocation.acceptedAt, text)
        .zremrangebyscore(key, '-inf', `(${now() - options.retentionMs}`)
        .pexpire(key, options.retentionMs)
        .publish(channel, text)
        .exec();
      if (results === null) throw new Error('The Redis transaction was discarded.');
      for (const [err] of results) if (err) throw err;
      const wanted = options.waitReplicas ?? 0;
      if (wanted > 0 && (await cmd.wait(wanted, WAIT_MS)) < wanted)
        throw new PublishNotConfirmed(`Fewer than ${wanted} Redis replicas confirmed the publication.`);
    },
    async revocationsFor(registration) {
      const since = now() - options.retentionMs;
      const pipeline = cmd.pipeline();
      if (registration.sid !== undefined) pipeline.zrangebyscore(keyFor({ sid: registration.sid }), since, '+inf');
      pipeline.zrangebyscore(keyFor({ sub: registration.sub }), since, '+inf');
      const results = (await pipeline.exec()) ?? [];
      const found: Revocation[] = [];
      for (const [err, value] of results) {
        if (err) throw err;
        found.push(...entries(value as string[]));
      }
      return found.filter((r) => appliesToSession(r, registration)).sort((a, b) => a.acceptedAt - b.acceptedAt);
    },
    onRevocation(handler) {
      revocations.on(handler);
    },
    onAvailability(handler) {
      link.availability.on(handler);
    },
    close: link.close,
  };
}
