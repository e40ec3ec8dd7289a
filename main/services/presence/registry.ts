/**
 * The presence sources running on this workstation, in one place: the composition root adds each
 * source it starts, the audit log records which were live at each sign-in (presence.sources), and
 * each change of a source's state (presence.source-changed). Closing disposes them all.
 */
import { createEmitter } from '../../core/emitter';
import { presenceSummary } from '../../core/presence';
import type { PresenceSource, PresenceStatus } from '../../core/presence';
import type { OnFault } from '../../core/faults';

export interface PresenceRegistry {
  add(source: PresenceSource): void;
  statuses(): PresenceStatus[];
  summary(): ReturnType<typeof presenceSummary>;
  /** Any source's status changed. Returns an unsubscribe. */
  onChange(listener: (status: PresenceStatus) => void): () => void;
  dispose(): Promise<void>;
}

export function createPresenceRegistry(onError?: OnFault): PresenceRegistry {
  const sources: { source: PresenceSource; stop: () => void }[] = [];
  const listeners = createEmitter<[PresenceStatus]>(() => onError?.('presence-listener-failed'));
  const tell = (status: PresenceStatus): void => listeners.emit(status);
  const statuses = (): PresenceStatus[] => sources.map(({ source }) => source.status());
  return {
    add(source) {
      if (sources.some((entry) => entry.source.name === source.name))
        throw new Error(`presence source ${source.name} added twice`);
      sources.push({ source, stop: source.onStatusChange(tell) });
    },
    statuses,
    summary: () => presenceSummary(statuses()),
    onChange: (listener) => listeners.on(listener),
    async dispose() {
      const all = sources.splice(0);
      listeners.clear();
      for (const { source, stop } of all) {
        stop();
        try {
          await source.dispose();
        } catch {
          onError?.('presence-dispose-failed');
        }
      }
    },
  };
}
