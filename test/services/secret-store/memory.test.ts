import { describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { createMemorySecretStore } from '../../../main/services/secret-store';

describe('memory SecretStore', () => {
  it('keeps values per service and account', async () => {
    const store = createMemorySecretStore();
    await store.set('s1', 'a', 'one');
    await store.set('s2', 'a', 'two');
    expect(await store.get('s1', 'a')).toBe('one');
    expect(await store.get('s2', 'a')).toBe('two');
    expect(await store.get('s1', 'b')).toBeNull();
    expect(await store.accounts('s1')).toEqual(['a']);
    expect(await store.delete('s1', 'a')).toBe(true);
    expect(await store.delete('s1', 'a')).toBe(false);
    expect(store.size()).toBe(1);
  });

  it('does not confuse a service and account that share characters', async () => {
    const store = createMemorySecretStore();
    await store.set('a:b', 'c', 'first');
    await store.set('a', 'b:c', 'second');
    expect(await store.get('a:b', 'c')).toBe('first');
    expect(await store.get('a', 'b:c')).toBe('second');
  });

  it('plays an unavailable store: probe false, every call rejects with KEYRING_UNAVAILABLE', async () => {
    const store = createMemorySecretStore({ available: false });
    expect(await store.probe()).toBe(false);
    for (const call of [
      () => store.get('s', 'a'),
      () => store.set('s', 'a', 'v'),
      () => store.delete('s', 'a'),
      () => store.accounts('s'),
    ]) {
      await expect(call()).rejects.toSatisfy(
        (e: unknown) => e instanceof ShellError && e.code === 'KEYRING_UNAVAILABLE',
      );
    }
    store.setAvailable(true);
    expect(await store.probe()).toBe(true);
  });
});
