/**
 * The store shared by relay replicas, in Redis (ioredis, which reconnects by itself):
 * - replay set: `<prefix>jti:<jti>` written with SET NX and an expiry, so of two replicas that
 *   receive the same token at once exactly one accepts it;
 * - revocation list: a sorted set per `sid` (`<prefix>rev:sid:<sid>`), or per `sub` for a token
 *   without `sid` (`<prefix>rev:sub:<sub>`), scored by the time it was accepted, trimmed to the
 *   retention and expiring with it;
 * - fan-out: PUBLISH on `<prefix>logout`, which every replica SUBSCRIBEs to.
 * The list and the publication are written in one MULTI, so a logout that reaches other replicas
 * is also in the list for catch-up.
 *
 * Commands are not queued while Redis is away (enableOfflineQueue: false): they fail at once, and
 * the relay answers 503 rather than holding CIS2's request open.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { appliesToSession } from './revocations';
import type { Revocation } from './revocations';
import { parseRevocation } from './store';
import type { RelayStore } from './store';

export interface RedisStoreOptions {
  readonly url: string;
  readonly prefix: string;
  readonly retentionMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Extra time a jti is kept beyond the token's own window, for replica clocks that disagree. */
const JTI_MARGIN_MS = 60_000;

const retryStrategy = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000);

export function createRedisStore(options: RedisStoreOptions): RelayStore {
  const now = options.now ?? Date.now;
  const p = options.prefix;
  const channel = `${p}logout`;
  const keyFor = (r: Pick<Revocation, 'sid' | 'sub'>): string =>
    r.sid !== undefined ? `${p}rev:sid:${r.sid}` : `${p}rev:sub:${r.sub ?? ''}`;
  const common = { connectTimeout: 2_000, retryStrategy, lazyConnect: false, connectionName: 'cws-relay' } as const;
  const cmd = new Redis(options.url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
  });
  const sub = new Redis(options.url, {
    ...common,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResubscribe: false,
  });

  const revocationHandlers: ((r: Revocation) => void)[] = [];
  const availabilityHandlers: ((up: boolean) => void)[] = [];
  let subscribed = false;
  let up = false;
  let closing = false;
  let lastErrorLog = 0;

  function update(): void {
    const nowUp = !closing && cmd.status === 'ready' && subscribed;
    if (nowUp === up) return;
    up = nowUp;
    for (const h of availabilityHandlers) h(up);
  }

  for (const [name, client] of [
    ['commands', cmd],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (err: Error & { code?: string }) => {
      // ioredis reports every failed reconnect; once every 10 s is enough for the log.
      if (now() - lastErrorLog < 10_000) return;
      lastErrorLog = now();
      options.logger.warn(
        { event: 'redis error', connection: name, code: err.code ?? 'unknown' },
        'redis connection error',
      );
    });
    client.on('ready', update);
    client.on('close', () => {
      if (client === sub) subscribed = false;
      update();
    });
    client.on('end', update);
  }

  sub.on('ready', () => {
    sub.subscribe(channel).then(
      () => {
        subscribed = true;
        update();
      },
      () => sub.disconnect(true),
    );
  });
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const revocation = parseRevocation(text);
    if (revocation === null) {
      options.logger.warn({ event: 'redis message refused' }, 'a message on the logout channel was not a revocation');
      return;
    }
    for (const h of revocationHandlers) h(revocation);
  });

  function entries(texts: readonly string[]): Revocation[] {
    return texts.map(parseRevocation).filter((r): r is Revocation => r !== null);
  }

  return {
    kind: 'redis',
    available: () => up,
    async firstSeen(jti, expiresAt) {
      const ttl = Math.max(1_000, Math.ceil(expiresAt - now()) + JTI_MARGIN_MS);
      return (await cmd.set(`${p}jti:${jti}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    async forget(jti) {
      await cmd.del(`${p}jti:${jti}`);
    },
    async publish(revocation) {
      const key = keyFor(revocation);
      const text = JSON.stringify(revocation);
      const results = await cmd
        .multi()
        .zadd(key, revocation.acceptedAt, text)
        .zremrangebyscore(key, '-inf', `(${now() - options.retentionMs}`)
        .pexpire(key, options.retentionMs)
        .publish(channel, text)
        .exec();
      if (results === null) throw new Error('The Redis transaction was discarded.');
      for (const [err] of results) if (err) throw err;
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
      revocationHandlers.push(handler);
    },
    onAvailability(handler) {
      availabilityHandlers.push(handler);
    },
    async close() {
      closing = true;
      update();
      await Promise.allSettled([cmd.quit(), sub.quit()]);
      cmd.disconnect();
      sub.disconnect();
    },
  };
}
