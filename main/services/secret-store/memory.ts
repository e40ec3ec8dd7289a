/**
 * An in-process SecretStore: values live in a Map and vanish with the process. Tests switch
 * it off with `setAvailable(false)` to play a locked or missing credential store.
 */
import { ShellError } from '../../core/errors';
import { storeUnavailableMessage } from './port';
import type { SecretStore } from './port';

export interface MemorySecretStore extends SecretStore {
  setAvailable(available: boolean): void;
  /** How many values are held, across services. */
  size(): number;
}

export function createMemorySecretStore(options: { available?: boolean } = {}): MemorySecretStore {
  const values = new Map<string, string>();
  let available = options.available ?? true;
  const keyOf = (service: string, account: string): string => JSON.stringify([service, account]);
  const check = (): void => {
    if (!available) throw new ShellError('KEYRING_UNAVAILABLE', storeUnavailableMessage);
  };
  return {
    async get(service, account) {
      check();
      return values.get(keyOf(service, account)) ?? null;
    },
    async set(service, account, value) {
      check();
      values.set(keyOf(service, account), value);
    },
    async delete(service, account) {
      check();
      return values.delete(keyOf(service, account));
    },
    async accounts(service) {
      check();
      const found: string[] = [];
      for (const key of values.keys()) {
        const [s, a] = JSON.parse(key) as [string, string];
        if (s === service) found.push(a);
      }
      return found;
    },
    async probe() {
      return available;
    },
    setAvailable(next) {
      available = next;
    },
    size: () => values.size,
  };
}
