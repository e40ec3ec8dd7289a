/**
 * The local sealed store's key-encryption key (KEK): 32 random bytes kept in the store's folder,
 * encrypted with Electron's `safeStorage` (DPAPI on Windows), from which each secret's keys are
 * derived. Fails closed: no OS protection, a Linux 'basic_text' password store, a KEK that will
 * not decrypt, or a KEK missing while secrets exist is an error, never a new KEK over old secrets.
 */
import { randomBytes } from 'node:crypto';
import { unprotectedLinuxBackends } from './safe-storage-port';
import type { SafeStoragePort } from './safe-storage-port';
import {
  deriveEntryKeys,
  entryFiles,
  KEK_FILE,
  prepareFolder,
  readIfPresent,
  removeTemps,
  writeAtomically,
} from './sealed-entries';
import type { EntryKeys } from './sealed-entries';

export interface KekOptions {
  readonly dir: string;
  readonly safeStorage: SafeStoragePort;
  readonly platform: NodeJS.Platform;
  /** Longest wait for the KEK (safeStorage may wait on a Keychain prompt). */
  readonly timeoutMs: number;
}

async function writeKek(options: KekOptions, kek: Buffer): Promise<void> {
  const blob = await options.safeStorage.encryptStringAsync(kek.toString('base64url'));
  if (blob.length === 0) throw new Error('safeStorage returned an empty ciphertext.');
  await writeAtomically(options.dir, KEK_FILE, JSON.stringify({ v: 1, protected: blob.toString('base64') }));
}

async function loadKeys(options: KekOptions): Promise<EntryKeys> {
  const { dir, safeStorage, platform } = options;
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
    await writeKek(options, kek);
    return deriveEntryKeys(kek);
  }
  const parsed = JSON.parse(stored) as { v?: unknown; protected?: unknown };
  if (parsed.v !== 1 || typeof parsed.protected !== 'string' || parsed.protected === '')
    throw new Error('The key-encryption key file has an unknown format.');
  const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(parsed.protected, 'base64'));
  const kek = Buffer.from(result, 'base64url');
  if (kek.length !== 32) throw new Error('The key-encryption key did not decrypt to a key.');
  // The OS rotated its key: store the KEK again under the new one.
  if (shouldReEncrypt) await writeKek(options, kek);
  return deriveEntryKeys(kek);
}

/** The KEK's derived keys, loaded once; a failed load is tried again next time (e.g. after 'ready'). */
export function kekKeys(options: KekOptions): () => Promise<EntryKeys> {
  let keys: Promise<EntryKeys> | null = null;
  return () => {
    keys ??= withTimeout(loadKeys(options), options.timeoutMs).catch((error: unknown) => {
      keys = null;
      throw error;
    });
    return keys;
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`safeStorage did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
