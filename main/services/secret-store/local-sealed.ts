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
 *
 * The KEK is loaded by kek.ts; the secrets' files are sealed-entries.ts's.
 */
import { ShellError } from '../../core/errors';
import { GENERATION, generationLedger } from './generation';
import { kekKeys } from './kek';
import type { StoreProblem } from './kek';
import { roundTrips, storeUnavailableMessage } from './port';
import type { SecretStore } from './port';
import type { SafeStoragePort } from './safe-storage-port';
import {
  entryFiles,
  entryName,
  openEntry,
  readIfPresent,
  removeIfPresent,
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
  /**
   * Where the store's generation is kept outside its folder (the OS credential store), so a
   * folder put back from the past is refused (generation.ts). Without it, no such check.
   */
  readonly outside?: SecretStore;
  /** Told, once per kind, of a KEK that opens none of the secrets, damaged secrets, a rollback. */
  readonly report?: (problem: StoreProblem) => void;
}

/** Each kind of problem reported once per store, however often the operation is retried. */
function once(report: ((problem: StoreProblem) => void) | undefined): (problem: StoreProblem) => void {
  const seen = new Set<StoreProblem['kind']>();
  return (problem) => {
    if (seen.has(problem.kind)) return;
    seen.add(problem.kind);
    report?.(problem);
  };
}

/** The service under which the store records which services it has moved from the keyring. */
const MIGRATED = 'clinical-workstation-shell/secret-store-migrated';

/** One operation at a time: the KEK's creation, a migration and writes never interleave. */
function serialised(): <T>(step: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = queue.then(step, step);
    queue = run.catch(() => undefined);
    return run.catch((cause: unknown) => {
      throw cause instanceof ShellError
        ? cause
        : new ShellError('KEYRING_UNAVAILABLE', storeUnavailableMessage, { cause });
    });
  };
}

/** The secrets in `dir`, each sealed under the KEK's keys; not serialised (the store does that). */
function sealedEntries(dir: string, entryKeys: () => Promise<EntryKeys>) {
  let changed = false;
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
    changed = true;
    await writeAtomically(dir, name, sealEntry(k, name, { service, account, value }));
  }

  async function remove(service: string, account: string): Promise<boolean> {
    const removed = await removeIfPresent(dir, entryName(await entryKeys(), service, account));
    changed ||= removed;
    return removed;
  }

  /** Whether anything was written or removed since the last call. */
  function takeChanged(): boolean {
    const was = changed;
    changed = false;
    return was;
  }

  async function accounts(service: string): Promise<string[]> {
    const k = await entryKeys();
    const found: string[] = [];
    for (const name of await entryFiles(dir)) {
      const text = await readIfPresent(dir, name);
      if (text === null) continue;
      const entry = openEntry(k, name, text);
      if (entry.service === service) found.push(entry.account);
    }
    return found;
  }

  return { read, write, remove, accounts, takeChanged };
}

type SealedEntries = ReturnType<typeof sealedEntries>;

/** Moves a service's secrets out of the keyring, once; a failure is tried again at the next call. */
function migration(
  legacy: SecretStore | undefined,
  probeService: string,
  entries: SealedEntries,
): (service: string) => Promise<void> {
  const { read, write } = entries;
  const migrated = new Map<string, Promise<void>>();
  return async (service) => {
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
  };
}

export function createLocalSealedSecretStore(options: LocalSealedSecretStoreOptions): SecretStore {
  const { dir, safeStorage, platform, legacy } = options;
  const probeService = options.probeService ?? 'clinical-workstation-shell/probe';
  const report = once(options.report);
  const entryKeys = kekKeys({ dir, safeStorage, platform, timeoutMs: options.timeoutMs ?? 5_000, report });
  const entries = sealedEntries(dir, entryKeys);
  const migrate = migration(legacy, probeService, entries);
  const ledger =
    options.outside === undefined
      ? null
      : generationLedger({
          read: entries.read,
          write: entries.write,
          outside: options.outside,
          account: async () => entryName(await entryKeys(), GENERATION, 'outside').replace(/\.secret$/, ''),
          report,
        });
  const serial = serialised();
  /**
   * Every operation, one at a time: on a folder not put back from the past, after the service's
   * secrets have moved here; any change then counts up the generation.
   */
  const afterMigrating = <T>(service: string, step: () => Promise<T>): Promise<T> =>
    serial(async () => {
      await ledger?.check();
      await migrate(service);
      const result = await step();
      if (entries.takeChanged()) await ledger?.bump();
      entries.takeChanged();
      return result;
    });

  const store: SecretStore = {
    get: (service, account) => afterMigrating(service, () => entries.read(service, account)),
    set: (service, account, value) => afterMigrating(service, () => entries.write(service, account, value)),
    delete: (service, account) => afterMigrating(service, () => entries.remove(service, account)),
    accounts: (service) => afterMigrating(service, () => entries.accounts(service)),
    probe: () => roundTrips(store, probeService),
  };
  return store;
}
