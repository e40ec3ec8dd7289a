/**
 * Which SecretStore keeps the draft keys and the naming key, per platform (issue 13, item 1):
 * whichever keeps them on this PC only.
 *
 * - Windows: the local sealed store (local-sealed.ts). The keyring binding writes Credential
 *   Manager entries with CRED_PERSIST_ENTERPRISE, which roam with the profile; no option exists.
 *   The old keyring entries are moved over and deleted at first use. The store's generation
 *   (a count, no secret) is kept in the keyring, outside the local data folder, so a restored
 *   `%LOCALAPPDATA%` is refused rather than reopening older drafts (generation.ts).
 * - macOS: the keyring. The binding writes the login keychain (`~/Library/Keychains`), which is
 *   not synced to iCloud (only data-protection keychain items marked synchronizable are) and does
 *   not roam; safeStorage would only add a second key in that same keychain, and on an unsigned
 *   or re-signed build a Keychain prompt at every update (Electron's safe-storage docs).
 * - Linux: the keyring, pinned to the Secret Service (keyring.ts). safeStorage would keep its key
 *   in the same Secret Service (or, on an unrecognised desktop, behind a hard-coded password:
 *   'basic_text'), so it adds nothing; `~/.local/share/keyrings` roams only if IT puts home
 *   folders on a network share, and then the data folder would too.
 */
import { createKeyringSecretStore } from './keyring';
import { createLocalSealedSecretStore } from './local-sealed';
import type { StoreProblem } from './kek';
import type { SecretStore } from './port';
import type { SafeStoragePort } from './safe-storage-port';

export type SecretStoreKind = 'local-sealed' | 'keyring';

export function secretStoreKindFor(platform: NodeJS.Platform): SecretStoreKind {
  return platform === 'win32' ? 'local-sealed' : 'keyring';
}

export interface SecretStoreForPlatformOptions {
  readonly platform: NodeJS.Platform;
  /** The local store's folder, inside the non-roaming data folder. */
  readonly dir: string;
  readonly safeStorage: SafeStoragePort;
  /** The OS keyring store; the real one unless a test passes another. */
  readonly keyring?: () => SecretStore;
  /** Told of a local store that will not be used (another KEK, a restored folder) or damaged secrets. */
  readonly report?: (problem: StoreProblem) => void;
}

export function secretStoreForPlatform(options: SecretStoreForPlatformOptions): {
  kind: SecretStoreKind;
  store: SecretStore;
} {
  const keyring = options.keyring ?? (() => createKeyringSecretStore());
  const kind = secretStoreKindFor(options.platform);
  if (kind === 'keyring') return { kind, store: keyring() };
  const os = keyring();
  return {
    kind,
    store: createLocalSealedSecretStore({
      dir: options.dir,
      safeStorage: options.safeStorage,
      platform: options.platform,
      legacy: os,
      outside: os,
      report: options.report,
    }),
  };
}
