/**
 * The part of Electron's `safeStorage` the local sealed store uses, as a port: the services know
 * nothing of Electron, main/adapters/safe-storage.ts hands the real one over, and tests use a fake
 * that behaves like it (test/adapters/fake-electron.ts, FakeSafeStorage).
 *
 * The asynchronous API, as Electron 45 recommends (its synchronous one is deprecated there). What
 * the store relies on, from electron/electron shell/browser/api/electron_api_safe_storage.cc:
 *
 * - before 'ready', `isAsyncEncryptionAvailable()` resolves false and both encrypt and decrypt
 *   reject ("safeStorage cannot be used before app is ready");
 * - a ciphertext another key made, or a damaged one, rejects; an empty one resolves '' (so the
 *   store never writes or accepts an empty blob);
 * - `shouldReEncrypt` says the OS key was rotated: the caller should encrypt again and store that.
 *
 * On Linux `getSelectedStorageBackend()` names the password store Chromium picked; 'basic_text'
 * means a hard-coded password (no protection at all), 'unknown' means not ready yet.
 */
export interface SafeStoragePort {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only (absent elsewhere, as in Electron). */
  getSelectedStorageBackend?(): string;
}

/** Linux backends that protect nothing: a hard-coded password, or none chosen yet. */
export const unprotectedLinuxBackends: readonly string[] = ['basic_text', 'unknown'];
