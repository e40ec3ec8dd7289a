/**
 * The OS credential store as a port: the draft vault keeps its per-clinician keys here.
 * `createKeyringSecretStore` is the OS keyring (@napi-rs/keyring: Windows Credential Manager,
 * macOS Keychain, Secret Service on Linux); `createLocalSealedSecretStore` keeps each secret in
 * the local data folder under a key protected by Electron's safeStorage (Windows, where the
 * keyring roams); `secretStoreForPlatform` picks between them; `createMemorySecretStore` is for
 * tests and for parts of the shell that need a store but must not touch the machine's.
 *
 * Every failure is a ShellError('KEYRING_UNAVAILABLE') whose message never holds a value.
 */
export type { SecretStore } from './port';
export { storeUnavailableMessage } from './port';
export { createKeyringSecretStore } from './keyring';
export type { KeyringSecretStoreOptions } from './keyring';
export type { KeyringLoader, KeyringModule } from '../../platform/keyring';
export { createLocalSealedSecretStore } from './local-sealed';
export type { LocalSealedSecretStoreOptions } from './local-sealed';
export type { StoreProblem as SecretStoreProblem } from './kek';
export type { SafeStoragePort } from './safe-storage-port';
export { secretStoreForPlatform, secretStoreKindFor } from './for-platform';
export type { SecretStoreKind } from './for-platform';
export { createMemorySecretStore } from './memory';
export type { MemorySecretStore } from './memory';
