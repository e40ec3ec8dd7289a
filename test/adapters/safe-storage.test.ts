// The safeStorage adapter (main/adapters/safe-storage.ts) and the fake it is tested with, which
// must behave like Electron 45's (electron/electron shell/browser/api/electron_api_safe_storage.cc).
import { afterEach, describe, expect, it } from 'vitest';
import { safeStoragePort } from '../../main/adapters/safe-storage';
import type { SafeStorageApi } from '../../main/adapters/safe-storage';
import { FakeApp, FakeSafeStorage } from './fake-electron';

afterEach(() => FakeApp.reset());

const asApi = (fake: FakeSafeStorage): SafeStorageApi => fake as unknown as SafeStorageApi;

describe('safeStorage port', () => {
  it("reads Electron's module only when called (the composition root builds it before 'ready')", () => {
    expect(() =>
      safeStoragePort(() => {
        throw new Error('not yet');
      }, 'win32'),
    ).not.toThrow();
  });

  it('round-trips through safeStorage and passes shouldReEncrypt on', async () => {
    const fake = new FakeSafeStorage('win32');
    const port = safeStoragePort(() => asApi(fake), 'win32');
    const blob = await port.encryptStringAsync('kek');
    expect(blob.toString('utf8')).not.toContain('kek');
    expect(await port.decryptStringAsync(blob)).toEqual({ shouldReEncrypt: false, result: 'kek' });
    fake.rotate();
    expect(await port.decryptStringAsync(blob)).toEqual({ shouldReEncrypt: true, result: 'kek' });
  });

  it('has getSelectedStorageBackend on Linux only, as Electron does', () => {
    expect(
      safeStoragePort(() => asApi(new FakeSafeStorage('win32')), 'win32').getSelectedStorageBackend,
    ).toBeUndefined();
    expect(
      safeStoragePort(() => asApi(new FakeSafeStorage('darwin')), 'darwin').getSelectedStorageBackend,
    ).toBeUndefined();
    const linux = safeStoragePort(() => asApi(new FakeSafeStorage('linux', { linuxBackend: 'basic_text' })), 'linux');
    expect(linux.getSelectedStorageBackend?.()).toBe('basic_text');
  });
});

describe('FakeSafeStorage behaves like Electron 45', () => {
  it("before 'ready': not available, encrypt and decrypt reject, Linux backend 'unknown'", async () => {
    const app = new FakeApp('linux');
    const fake = new FakeSafeStorage('linux');
    expect(await fake.isAsyncEncryptionAvailable()).toBe(false);
    await expect(fake.encryptStringAsync('x')).rejects.toThrow('safeStorage cannot be used before app is ready');
    await expect(fake.decryptStringAsync(Buffer.from('v10abc'))).rejects.toThrow(
      'safeStorage cannot be used before app is ready',
    );
    expect(fake.getSelectedStorageBackend?.()).toBe('unknown');
    app.becomeReady();
    expect(await fake.isAsyncEncryptionAvailable()).toBe(true);
    expect(fake.getSelectedStorageBackend?.()).toBe('gnome_libsecret');
  });

  it("another profile's ciphertext and a damaged one reject; an empty one is ''", async () => {
    const fake = new FakeSafeStorage('win32');
    const other = await new FakeSafeStorage('win32').encryptStringAsync('theirs');
    await expect(fake.decryptStringAsync(other)).rejects.toThrow(
      'Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.',
    );
    await expect(fake.decryptStringAsync(Buffer.from('plain'))).rejects.toThrow('Error while decrypting');
    expect(await fake.decryptStringAsync(Buffer.alloc(0))).toEqual({ shouldReEncrypt: false, result: '' });
  });
});
