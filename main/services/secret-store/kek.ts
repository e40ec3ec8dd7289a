/**
 * The local sealed store's key-encryption key (KEK): 32 random bytes kept in the store's folder,
 * encrypted with Electron's `safeStorage` (DPAPI on Windows), from which each secret's keys are
 * derived. Fails closed: no OS protection, a Linux 'basic_text' password store, a KEK that will
 * not decrypt, or a KEK missing while secrets exist is an error, never a new KEK over old secrets.
 *
 * A slow first start (issue 24, item 12): an attempt that outlives its timeout is cancelled and
 * writes nothing after that; the KEK is created only if none exists (createOnce: a hard link,
 * which fails when the name is taken) and the one then on disk is adopted, so two attempts, or
 * two processes, can never each seal secrets under a KEK of their own. A KEK under which none
 * of the sealed secrets beside it opens is refused (KekMismatch), and nothing is deleted.
 */
import { randomBytes } from 'node:crypto';
import { unprotectedLinuxBackends } from './safe-storage-port';
import type { SafeStoragePort } from './safe-storage-port';
import {
  createOnce,
  deriveEntryKeys,
  entryFiles,
  KEK_FILE,
  openEntry,
  prepareFolder,
  readIfPresent,
  removeTemps,
  writeAtomically,
} from './sealed-entries';
import type { EntryKeys } from './sealed-entries';

/** Something about the store IT should hear of (services/secret-store/index.ts, SecretStoreProblem). */
export interface StoreProblem {
  readonly kind: 'key-mismatch' | 'entries-damaged' | 'rolled-back';
  /** A sentence for IT; never a value, a key or a secret's name. */
  readonly message: string;
}

export interface KekOptions {
  readonly dir: string;
  readonly safeStorage: SafeStoragePort;
  readonly platform: NodeJS.Platform;
  /** Longest wait for the KEK (safeStorage may wait on a Keychain prompt). */
  readonly timeoutMs: number;
  readonly report?: (problem: StoreProblem) => void;
}

/** Set when the attempt's time is up: from then on it may read, never write. */
interface Attempt {
  cancelled: boolean;
}

/** The KEK does not open the sealed secrets beside it; the store refuses to use it. */
class KekMismatch extends Error {}

function live(attempt: Attempt): void {
  if (attempt.cancelled) throw new Error('The attempt to load the key-encryption key was given up (timed out).');
}

async function protect(options: KekOptions, kek: Buffer): Promise<string> {
  const blob = await options.safeStorage.encryptStringAsync(kek.toString('base64url'));
  if (blob.length === 0) throw new Error('safeStorage returned an empty ciphertext.');
  return JSON.stringify({ v: 1, protected: blob.toString('base64') });
}

async function unprotect(options: KekOptions, attempt: Attempt, stored: string): Promise<Buffer> {
  const parsed = JSON.parse(stored) as { v?: unknown; protected?: unknown };
  if (parsed.v !== 1 || typeof parsed.protected !== 'string' || parsed.protected === '')
    throw new Error('The key-encryption key file has an unknown format.');
  const { result, shouldReEncrypt } = await options.safeStorage.decryptStringAsync(
    Buffer.from(parsed.protected, 'base64'),
  );
  const kek = Buffer.from(result, 'base64url');
  if (kek.length !== 32) throw new Error('The key-encryption key did not decrypt to a key.');
  // The OS rotated its key: store the same KEK again under the new one (never after a timeout).
  if (shouldReEncrypt) {
    const text = await protect(options, kek);
    live(attempt);
    await writeAtomically(options.dir, KEK_FILE, text);
  }
  return kek;
}

/** Creates a KEK unless one exists (then or meanwhile), and returns the stored file's text. */
async function createOrAdopt(options: KekOptions, attempt: Attempt): Promise<string> {
  const { dir } = options;
  // Secrets without their KEK can never be opened again; starting a new KEK would hide that.
  if ((await entryFiles(dir)).length > 0)
    throw new Error('The key-encryption key is missing but sealed secrets remain.');
  const text = await protect(options, randomBytes(32));
  live(attempt);
  await createOnce(dir, KEK_FILE, text);
  // Ours, or the one another attempt created first: whichever is on disk is the KEK.
  const stored = await readIfPresent(dir, KEK_FILE);
  if (stored === null) throw new Error('The key-encryption key vanished while it was created.');
  return stored;
}

/** Every sealed secret should open under the KEK: none opening means another KEK sealed them. */
async function checkEntries(options: KekOptions, keys: EntryKeys): Promise<void> {
  const names = await entryFiles(options.dir);
  let opened = 0;
  for (const name of names) {
    const text = await readIfPresent(options.dir, name);
    if (text === null) continue;
    try {
      openEntry(keys, name, text);
      opened += 1;
    } catch {
      // Counted below.
    }
  }
  if (opened === names.length) return;
  if (opened === 0) {
    const message = `The local secret store's key-encryption key opens none of the ${names.length} sealed secrets beside it, so the store is not used (drafts are kept in memory only) and nothing is deleted; ask IT to restore the folder's key-encryption-key file from the same backup as its secrets.`;
    options.report?.({ kind: 'key-mismatch', message });
    throw new KekMismatch(message);
  }
  options.report?.({
    kind: 'entries-damaged',
    message: `${names.length - opened} of the ${names.length} sealed secrets in the local secret store do not open under its key-encryption key (damaged or put back from elsewhere); they are kept, and refused when read.`,
  });
}

async function loadKeys(options: KekOptions, attempt: Attempt): Promise<EntryKeys> {
  const { dir, safeStorage, platform } = options;
  if (
    platform === 'linux' &&
    unprotectedLinuxBackends.includes(safeStorage.getSelectedStorageBackend?.() ?? 'unknown')
  ) {
    throw new Error('safeStorage has no OS password store on this Linux desktop (basic_text or not ready).');
  }
  if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('safeStorage encryption is not available.');
  live(attempt);
  await prepareFolder(dir);
  await removeTemps(dir);
  const stored = (await readIfPresent(dir, KEK_FILE)) ?? (await createOrAdopt(options, attempt));
  const keys = deriveEntryKeys(await unprotect(options, attempt, stored));
  await checkEntries(options, keys);
  return keys;
}

/** The KEK's derived keys, loaded once; a failed load is tried again next time (e.g. after 'ready'). */
export function kekKeys(options: KekOptions): () => Promise<EntryKeys> {
  let keys: Promise<EntryKeys> | null = null;
  return () => {
    const attempt: Attempt = { cancelled: false };
    keys ??= withTimeout(loadKeys(options, attempt), options.timeoutMs, attempt).catch((error: unknown) => {
      keys = null;
      throw error;
    });
    return keys;
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, attempt: Attempt): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      attempt.cancelled = true;
      reject(new Error(`safeStorage did not answer within ${ms} ms.`));
    }, ms);
  });
  // A late failure of the given-up attempt is nobody's to handle.
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
