/**
 * The relay's two connections to Redis (ioredis, which reconnects by itself): one for commands
 * and one subscribed to the logout channel. The store is available while the first is ready and
 * the second subscribed; it is told each time that changes.
 *
 * Commands are not queued while Redis is away (enableOfflineQueue: false): they fail at once, and
 * the relay keeps the logout pending (pending.ts) rather than holding CIS2's request open. Redis is
 * one URL, or found through Sentinels (ioredis asks them for the current primary and follows a
 * failover).
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { backoffDelay } from '../main/core/backoff';
import type { Backoff } from '../main/core/backoff';
import { createEmitter } from '../main/core/emitter';
import type { Emitter } from '../main/core/emitter';

/** Between reconnect attempts: 100 ms doubling to 2 s, no jitter (main/core/backoff.ts). */
export const REDIS_BACKOFF: Backoff = { firstMs: 100, maxMs: 2_000 };

/**
 * ioredis's retryStrategy: the wait before reconnect attempt `attempt` (1 the first), one step
 * further along the schedule than the failure count, as it always was: 200 ms, 400 ms, 800 ms,
 * 1.6 s, then 2 s.
 */
export function redisRetryDelay(attempt: number): number {
  return backoffDelay(REDIS_BACKOFF, attempt + 1);
}

/** Where Redis is: one URL, or the Sentinels that name the current primary (which ioredis follows). */
export type RedisTarget =
  | { readonly url: string }
  | {
      readonly sentinels: readonly { host: string; port: number }[];
      readonly name: string;
      readonly password?: string;
      readonly sentinelPassword?: string;
    };

/** After a failover the old primary answers READONLY until it is told; reconnect (to the new one) instead. */
function readonlyReconnect(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

function newRedis(target: RedisTarget, options: RedisOptions): Redis {
  if ('url' in target) return new Redis(target.url, options);
  return new Redis({
    ...options,
    sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.name,
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
    sentinelRetryStrategy: redisRetryDelay,
    // Subscribes to the Sentinels' +switch-master, so a failover is followed at once.
    failoverDetector: true,
  });
}

export interface RedisLinkOptions {
  readonly target: RedisTarget;
  /** The pub/sub channel the logouts travel on. */
  readonly channel: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Every message on the channel, as published. */
  readonly onMessage: (text: string) => void;
  /** Told when an availability listener throws (it never reaches ioredis). */
  readonly onListenerError: (error: unknown) => void;
}

export interface RedisLink {
  /** For commands; they fail at once while Redis is away. */
  readonly commands: Redis;
  available(): boolean;
  /** Told when both connections become ready (true) or either is lost (false). */
  readonly availability: Emitter<[boolean]>;
  close(): Promise<void>;
}

/** The command connection (no offline queue: commands fail at once while Redis is away) and the subscriber. */
function clientsFor(target: RedisTarget): { cmd: Redis; sub: Redis } {
  const common = {
    connectTimeout: 2_000,
    retryStrategy: redisRetryDelay,
    lazyConnect: false,
    connectionName: 'cws-relay',
    reconnectOnError: readonlyReconnect,
  } as const;
  const cmd = newRedis(target, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
  });
  const sub = newRedis(target, {
    ...common,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResubscribe: false,
  });
  return { cmd, sub };
}

export function connectRedis(options: RedisLinkOptions): RedisLink {
  const { channel, now } = options;
  const { cmd, sub } = clientsFor(options.target);
  const availability = createEmitter<[boolean]>(options.onListenerError);
  let subscribed = false;
  let up = false;
  let closing = false;
  let lastErrorLog = 0;

  function update(): void {
    const nowUp = !closing && cmd.status === 'ready' && subscribed;
    if (nowUp === up) return;
    up = nowUp;
    availability.emit(up);
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
    if (from === channel) options.onMessage(text);
  });

  return {
    commands: cmd,
    available: () => up,
    availability,
    async close() {
      closing = true;
      update();
      await Promise.allSettled([cmd.quit(), sub.quit()]);
      cmd.disconnect();
      sub.disconnect();
    },
  };
}
