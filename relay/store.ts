/**
 * What the relay shares between replicas: the `jti` replay set, the revocation list and the
 * fan-out of accepted logouts. One relay on its own keeps them in memory (this file); replicas
 * share them through Redis (redis-store.ts). Both answer the same interface.
 */
import * as z from 'zod';
import { createEmitter } from '../main/core/emitter';
import type { Logger } from './log';
import { RevocationList } from './revocations';
import type { Registration, Revocation } from './revocations';

export interface RelayStore {
  readonly kind: 'memory' | 'redis';
  /** Whether the shared state can be reached now. The memory store always can. */
  available(): boolean;
  /** Records `jti` until `expiresAt` (epoch ms); true the first time it is seen by any replica. Rejects when unavailable. */
  firstSeen(jti: string, expiresAt: number): Promise<boolean>;
  /**
   * Adds to the revocation list and fans out to every replica, this one included; with `jtiUntil`
   * (epoch ms) also records the jti in the replay set, whether or not it is there already (a logout
   * accepted while the store was away). Rejects when unavailable.
   */
  publish(revocation: Revocation, jtiUntil?: number): Promise<void>;
  /** The kept logouts that apply to a registration (catch-up). Rejects when unavailable. */
  revocationsFor(registration: Registration): Promise<Revocation[]>;
  /** Every logout published by any replica, once per replica (at most: pub/sub may miss one while disconnected). */
  onRevocation(handler: (revocation: Revocation) => void): void;
  /** Told when the store becomes reachable or unreachable. */
  onAvailability(handler: (available: boolean) => void): void;
  close(): Promise<void>;
}

/**
 * A publication Redis carried out (the list written, the logout fanned out) but fewer of its
 * replicas confirmed than required: the replica keeps it and publishes it again later.
 */
export class PublishNotConfirmed extends Error {
  override readonly name = 'PublishNotConfirmed';
}

/** What travels between replicas and sits in Redis; parsed again on the way in. */
export const RevocationSchema = z.strictObject({
  jti: z.string().min(1).max(1024),
  sid: z.string().min(1).max(1024).optional(),
  sub: z.string().min(1).max(1024).optional(),
  iat: z.number(),
  exp: z.number().optional(),
  logoutToken: z
    .string()
    .min(16)
    .max(64 * 1024),
  acceptedAt: z.number(),
});

export function parseRevocation(text: string): Revocation | null {
  try {
    const parsed = RevocationSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const { sid, sub, exp, ...rest } = parsed.data;
    return {
      ...rest,
      ...(sid === undefined ? {} : { sid }),
      ...(sub === undefined ? {} : { sub }),
      ...(exp === undefined ? {} : { exp }),
    };
  } catch {
    return null;
  }
}

/**
 * Where a store's listener that throws is reported: the log, never the store's own caller (a
 * Redis event or the delivery of a publication, which a thrown error would take down).
 */
export function listenerFailed(logger: Logger | undefined): (error: unknown) => void {
  return (error) =>
    logger?.error(
      { event: 'store listener failed', err: error instanceof Error ? error.name : 'unknown' },
      'a listener of the revocation store failed',
    );
}

export function createMemoryStore(options: { retentionMs: number; now?: () => number; logger?: Logger }): RelayStore {
  const now = options.now ?? Date.now;
  const jtis = new Map<string, number>();
  const list = new RevocationList(options.retentionMs, now);
  const revocations = createEmitter<[Revocation]>(listenerFailed(options.logger));
  let lastSweep = now();

  function sweepJtis(): void {
    const t = now();
    if (t - lastSweep < 10_000) return;
    lastSweep = t;
    for (const [jti, until] of jtis) if (until < t) jtis.delete(jti);
  }

  return {
    kind: 'memory',
    available: () => true,
    async firstSeen(jti, expiresAt) {
      sweepJtis();
      const until = jtis.get(jti);
      if (until !== undefined && until >= now()) return false;
      jtis.set(jti, expiresAt);
      return true;
    },
    async publish(revocation, jtiUntil) {
      if (jtiUntil !== undefined) jtis.set(revocation.jti, Math.max(jtiUntil, jtis.get(revocation.jti) ?? 0));
      list.add(revocation);
      // Delivered after the answer is on its way, as a replica hears its own publication.
      queueMicrotask(() => revocations.emit(revocation));
    },
    async revocationsFor(registration) {
      return list.for(registration);
    },
    onRevocation(handler) {
      revocations.on(handler);
    },
    onAvailability() {},
    async close() {},
  };
}
