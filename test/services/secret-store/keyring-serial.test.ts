/**
 * The keyring store runs one credential-store call at a time (keyring.ts): gnome-keyring 42 was
 * seen to abort under bursts of concurrent sessions. Over a fake binding that counts how many
 * calls are in flight, and one that never answers.
 */
import { describe, expect, it } from 'vitest';
import type { KeyringModule } from '../../../main/platform/keyring';
import { createKeyringSecretStore } from '../../../main/services/secret-store';

function fakeBinding(answer: (what: string) => Promise<void>): { module: KeyringModule; peak: () => number } {
  const values = new Map<string, string>();
  let inFlight = 0;
  let peak = 0;
  const track = async <T>(what: string, result: () => T): Promise<T> => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      await answer(what);
      return result();
    } finally {
      inFlight -= 1;
    }
  };
  class AsyncEntry {
    constructor(
      private readonly service: string,
      private readonly account: string,
    ) {}
    getPassword() {
      return track('get', () => values.get(`${this.service}/${this.account}`));
    }
    setPassword(value: string) {
      return track('set', () => void values.set(`${this.service}/${this.account}`, value));
    }
    deleteCredential() {
      return track('delete', () => values.delete(`${this.service}/${this.account}`));
    }
  }
  const findCredentialsAsync = (service: string) =>
    track('find', () =>
      [...values.keys()]
        .filter((key) => key.startsWith(`${service}/`))
        .map((key) => ({ account: key.slice(service.length + 1), password: '' })),
    );
  return { module: { AsyncEntry, findCredentialsAsync } as unknown as KeyringModule, peak: () => peak };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('keyring SecretStore: one call at a time', () => {
  it('never has two calls in flight, however many are asked for at once, and each gets its own answer', async () => {
    const fake = fakeBinding(() => pause(2));
    const store = createKeyringSecretStore({ load: async () => fake.module });
    const work = [
      ...Array.from({ length: 10 }, (_, i) => store.set('svc', `a${i}`, `v${i}`)),
      store.accounts('svc'),
      ...Array.from({ length: 10 }, (_, i) => store.get('svc', `a${i}`)),
      store.delete('svc', 'a3'),
    ];
    const results = await Promise.all(work);
    expect(fake.peak()).toBe(1);
    // Queued in order: the listing saw all ten keys, every read its own value.
    expect((results[10] as string[]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`).sort());
    expect(results.slice(11, 21)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
    expect(results[21]).toBe(true);
  });

  it('a call that never answers holds the queue for its timeout only; the next call still runs', async () => {
    let first = true;
    const fake = fakeBinding(async () => {
      if (first) {
        first = false;
        await new Promise(() => undefined);
      }
    });
    const store = createKeyringSecretStore({ load: async () => fake.module, timeoutMs: 50 });
    const hung = store.get('svc', 'stuck');
    const next = store.set('svc', 'a', 'v');
    await expect(hung).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE' });
    await expect(next).resolves.toBeUndefined();
    await expect(store.get('svc', 'a')).resolves.toBe('v');
  });

  it('a failed call does not stop the ones queued behind it', async () => {
    const fake = fakeBinding(async (what) => {
      if (what === 'delete') throw new Error('the Secret Service went away');
    });
    const store = createKeyringSecretStore({ load: async () => fake.module });
    const results = await Promise.allSettled([
      store.delete('svc', 'x'),
      store.set('svc', 'y', '1'),
      store.get('svc', 'y'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<string | null>).value).toBe('1');
  });
});
