/**
 * Electron's safeStorage behind the services' SafeStoragePort (main/services/secret-store/
 * safe-storage-port.ts): the local sealed store protects its key-encryption key with it.
 *
 * The asynchronous API (Electron 45 deprecates the synchronous one). `getSelectedStorageBackend`
 * exists only on Linux (electron_api_safe_storage.cc registers it under BUILDFLAG(IS_LINUX)), so
 * the port has it only there; the store refuses 'basic_text' (a hard-coded password) and
 * 'unknown' (not ready). Electron's module is read at each call, not when the port is made:
 * safeStorage is usable only after 'ready', and the composition root builds the port earlier.
 */
import type { SafeStorage } from 'electron';
import type { SafeStoragePort } from '../services/secret-store/safe-storage-port';

export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export function safeStoragePort(safeStorage: () => SafeStorageApi, platform: NodeJS.Platform): SafeStoragePort {
  const port: SafeStoragePort = {
    isAsyncEncryptionAvailable: () => safeStorage().isAsyncEncryptionAvailable(),
    encryptStringAsync: (plainText) => safeStorage().encryptStringAsync(plainText),
    decryptStringAsync: async (encrypted) => {
      const { shouldReEncrypt, result } = await safeStorage().decryptStringAsync(encrypted);
      return { shouldReEncrypt, result };
    },
  };
  if (platform === 'linux') port.getSelectedStorageBackend = () => safeStorage().getSelectedStorageBackend();
  return port;
}
