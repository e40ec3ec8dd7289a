/**
 * The one listener set: `on` adds a listener and returns its removal; `emit` calls every listener
 * that was registered when it began (a listener removed or added during an emit does not change
 * that emit). A listener that throws does not stop the others: the error goes to `onListenerError`
 * (a fixed code for the caller's log), never to the emitter's caller, so a faulty subscriber can
 * never turn a status change or a reported failure into a thrown one.
 */

export type Listener<T extends readonly unknown[]> = (...args: T) => void;

export interface Emitter<T extends readonly unknown[]> {
  on(listener: Listener<T>): () => void;
  emit(...args: T): void;
  /** Removes every listener (at dispose). */
  clear(): void;
  readonly size: number;
}

export function createEmitter<T extends readonly unknown[]>(onListenerError?: (error: unknown) => void): Emitter<T> {
  const listeners = new Set<Listener<T>>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(...args) {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
    get size() {
      return listeners.size;
    },
  };
}
