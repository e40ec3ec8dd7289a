/**
 * The OS credential store as a port: the draft vault keeps its per-clinician keys here.
 * `createKeyringSecretStore` is the real one (@napi-rs/keyring: Windows Credential Manager,
 * macOS Keychain, Secret Service on Linux); `createMemorySecretStore` is for tests and for
 * parts of the shell that need a store but must not touch the machine's.
 *
 * Every failure is a ShellError('KEYRING_UNAVAILABLE') whose message never holds a value.
 */
export type { SecretStore } from './port';
export { storeUnavailableMessage } from './port';
export { createKeyringSecretStore } from './keyring';
export type { KeyringSecretStoreOptions } from './keyring';
export type { KeyringLoader, KeyringModule } from './load-keyring';
export { createMemorySecretStore } from './memory';
export type { MemorySecretStore } from './memory';
