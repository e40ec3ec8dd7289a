/**
 * Platform: the OS credential store. Loading @napi-rs/keyring, the OS credential store binding, on first use instead of at start.
 *
 * It is a native module: its JavaScript picks a per-platform package (on Windows x64
 * `@napi-rs/keyring-win32-x64-msvc`) and throws if that package is absent, e.g. from an MSI built
 * on another OS, where npm skipped the Windows package. A static import would throw while the
 * main bundle loads, before the shell has a handler or a window, and Electron would show a bare
 * "JavaScript error in the main process". Loaded here, the same failure is a rejected promise
 * that the stores turn into KEYRING_UNAVAILABLE: drafts stay in memory with the notice, and a
 * private_key_jwt sign-in fails with its own sentence. scripts/check-native.mjs stops an MSI
 * build that would ship without the package; test/packaging/native-modules.test.ts checks the rest.
 */
// Types only: erased from the bundle, so nothing loads the binding until loadKeyring is called.
import type * as Keyring from '@napi-rs/keyring';
export type KeyringModule = typeof Keyring;
/** The binding's entry and its options, for the stores built on it (services/secret-store/keyring.ts). */
export type { AsyncEntry, EntryOptions } from '@napi-rs/keyring';

/** Loads the binding; the stores take one as an option so tests can play a missing package. */
export type KeyringLoader = () => Promise<KeyringModule>;

/** The real binding. The main bundle leaves it external (scripts/main-bundle.mjs). */
export const loadKeyring: KeyringLoader = () => import('@napi-rs/keyring');

/** One load per store: the first call starts it, every later call shares its result (or its failure). */
export function once(load: KeyringLoader): KeyringLoader {
  let loading: Promise<KeyringModule> | null = null;
  // Through then(): a loader that throws instead of rejecting is a failed load like any other.
  return () => (loading ??= Promise.resolve().then(load));
}
