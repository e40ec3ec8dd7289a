/**
 * A SecretStore whose secrets never leave this PC: each one is a file in the shell's local data
 * folder (`%LOCALAPPDATA%\Clinical Workstation Shell\secrets` on Windows), sealed under a
 * key-encryption key (KEK) that is itself kept in that folder encrypted with Electron's
 * `safeStorage` (DPAPI on Windows, with Chromium's key in the same local folder's `Local State`).
 *
 * Why: `@napi-rs/keyring` 2.x writes Windows credentials with CRED_PERSIST_ENTERPRISE, so the
 * draft keys and the naming key roamed to profile servers and their backups (issue 13, item 1).
 * What does not roam here is the *place*: DPAPI's user master key does roam, but the blobs it
 * protects stay in `AppData\Local`, which Windows never copies. docs/decisions.md 16.
 *
 * Fails closed: anything that cannot be read or protected (before 'ready', no OS protection, a
 * Linux 'basic_text' password store, a KEK that will not decrypt, a KEK missing while secrets
 * exist) is KEYRING_UNAVAILABLE, which makes the vault keep drafts in memory only; a new KEK is
 * never started over secrets sealed under an old one.
 *
 * Migration: given the old store (`legacy`, the OS keyring), the first use of a service moves
 * each of its secrets here (unless one is already here: what is here is newer) and deletes it
 * from the keyring, then records the service as moved, so sealed drafts stay openable.
 */
import { randomBytes } from 'node:crypto';
import { ShellError } from '../../core/errors';
import { roundTrips, storeUnavailableMessage } from './port';
import type { SecretStore } from './port';
import { unprotectedLinuxBackends } from './safe-storage-port';
import type { SafeStoragePort } from './safe-storage-port';
import {
  deriveEntryKeys,
  entryFiles,
  entryName,
  KEK_FILE,
  openEntry,
  prepareFolder,
  readIfPresent,
  removeIfPresent,
  removeTemps,
  sealEntry,
  writeAtomically,
} from './sealed-entries';
import type { EntryKeys } from './sealed-entries';

export interface LocalSealedSecretStoreOptions {
  /** The folder for the secrets and the KEK: in the non-roaming data folder. */
  readonly dir: string;
  readonly safeStorage: SafeStoragePort;
  readonly platform: NodeJS.Platform;
  /** The store secrets used to be kept in; moved from, then emptied. */
  readonly legacy?: SecretStore;
  readonly probeService?: string;
  /** Longest wait for the KEK (safeStorage may wait on a Keychain prompt); default 5 s. */
  readonly timeoutMs?: number;
}

/** The service under which the store records which services it has moved from the keyring. */
const MIGRATED = 'clinical-workstation-shell/secret-store-migrated';

export function createLocalSealedSecretStore(options: LocalSealedSecretStoreOptions): SecretStore {
  const { dir, safeStorage, platform, legacy } = options;
  const probeService = options.probeService ?? 'clinical-workstation-shell/probe';
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keys: Promise<EntryKeys> | null = null;
  const migrated = new Map<string, Promise<void>>();
  // One operation at a time: the KEK's creation, a migration and writes never interleave.
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(step: () => Promise<T>): Promise<T> {
    const run = queue.then(step, step);
    queue = run.catch(() => undefined);
    return run.catch((cause: unknown) => {
      throw cause instanceof ShellError
        ? cause
        : new ShellError('KEYRING_UNAVAILABLE', storeUnavailableMessage, { cause });
    });
  }

  async function loadKeys(): Promise<EntryKeys> {
    if (
      platform === 'linux' &&
      unprotectedLinuxBackends.includes(safeStorage.getSelectedStorageBackend?.() ?? 'unknown')
    ) {
      throw new Error('safeStorage has no OS password store on this Linux desktop (basic_text or not ready).');
    }
    if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('safeStorage encryption is not available.');
    await prepareFolder(dir);
    await removeTemps(dir);
    const stored = await readIfPresent(dir, KEK_FILE);
    if (stored === null) {
      // Secrets without their KEK can never be opened again; starting a new KEK would hide that.
      if ((await entryFiles(dir)).length > 0)
        throw new Error('The key-encryption key is missing but sealed secrets remain.');
      const kek = randomBytes(32);
      await writeKek(kek);
      return deriveEntryKeys(kek);
    }
    const parsed = JSON.parse(stored) as { v?: unknown; protected?: unknown };
    if (parsed.v !== 1 || typeof parsed.protected !== 'string' || parsed.protected === '')
      throw new Error('The key-encryption key file has an unknown format.');
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(parsed.protected, 'base64'));
    const kek = Buffer.from(result, 'base64url');
    if (kek.length !== 32) throw new Error('The key-encryption key did not decrypt to a key.');
    // The OS rotated its key: store the KEK again under the new one.
    if (shouldReEncrypt) await writeKek(kek);
    return deriveEntryKeys(kek);
  }

  async function writeKek(kek: Buffer): Promise<void> {
    const blob = await safeStorage.encryptStringAsync(kek.toString('base64url'));
    if (blob.length === 0) throw new Error('safeStorage returned an empty ciphertext.');
    await writeAtomically(dir, KEK_FILE, JSON.stringify({ v: 1, protected: blob.toString('base64') }));
  }

  /** The KEK's derived keys; a failed load is tried again next time (e.g. after 'ready'). */
  function entryKeys(): Promise<EntryKeys> {
    keys ??= withTimeout(loadKeys(), timeoutMs).catch((error: unknown) => {
      keys = null;
      throw error;
    });
    return keys;
  }

  async function read(service: string, account: string): Promise<string | null> {
    const k = await entryKeys();
    const name = entryName(k, service, account);
    const text = await readIfPresent(dir, name);
    if (text === null) return null;
    const entry = openEntry(k, name, text);
    if (entry.service !== service || entry.account !== account)
      throw new Error('A stored secret is not the one its name says.');
    return entry.value;
  }

  async function write(service: string, account: string, value: string): Promise<void> {
    const k = await entryKeys();
    const name = entryName(k, service, account);
    await writeAtomically(dir, name, sealEntry(k, name, { service, account, value }));
  }

  async function remove(service: string, account: string): Promise<boolean> {
    return removeIfPresent(dir, entryName(await entryKeys(), service, account));
  }

  /** Moves `service`'s secrets out of the keyring, once; a failure is tried again at the next call. */
  async function migrate(service: string): Promise<void> {
    if (legacy === undefined || service === probeService || service === MIGRATED) return;
    let done = migrated.get(service);
    if (done === undefined) {
      done = (async () => {
        if ((await read(MIGRATED, service)) !== null) return;
        for (const account of await legacy.accounts(service)) {
          const value = await legacy.get(service, account);
          // Stored here first, deleted there after: a crash in between moves it again next time.
          if (value !== null && (await read(service, account)) === null) await write(service, account, value);
          await legacy.delete(service, account);
        }
        await write(MIGRATED, service, new Date().toISOString());
      })();
      migrated.set(service, done);
      done.catch(() => migrated.delete(service));
    }
    await done;
  }

  const store: SecretStore = {
    get: (service, account) =>
      serial(async () => {
        await migrate(service);
        return read(service, account);
      }),
    set: (service, account, value) =>
      serial(async () => {
        await migrate(service);
        await write(service, account, value);
      }),
    delete: (service, account) =>
      serial(async () => {
        await migrate(service);
        return remove(service, account);
      }),
    accounts: (service) =>
      serial(async () => {
        await migrate(service);
        const k = await entryKeys();
        const found: string[] = [];
        for (const name of await entryFiles(dir)) {
          const text = await readIfPresent(dir, name);
          if (text === null) continue;
          const entry = openEntry(k, name, text);
          if (entry.service === service) found.push(entry.account);
        }
        return found;
      }),
    probe: () => roundTrips(store, probeService),
  };
  return store;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`safeStorage did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
