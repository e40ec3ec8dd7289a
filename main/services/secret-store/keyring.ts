/**
 * SecretStore over @napi-rs/keyring. On Linux it is pinned to the Secret Service by default:
 * the library would otherwise fall back to the kernel keyring, whose keys die with the login
 * session, so the shell would call drafts "protected" and then lose them at the next reboot.
 * Calls are bounded by a timeout because a locked collection can wait on a prompt for ever, and
 * run one at a time.
 * The binding is loaded at the first call (main/platform/keyring.ts), so a build without its native
 * package starts, probes false, and keeps drafts in memory instead of failing to start.
 */
import { ShellError } from '../../core/errors';
import { loadKeyring, once } from '../../platform/keyring';
import type { AsyncEntry, EntryOptions, KeyringLoader } from '../../platform/keyring';
import { roundTrips, storeUnavailableMessage } from './port';
import type { SecretStore } from './port';

export interface KeyringSecretStoreOptions {
  /** Linux only. 'auto' lets the library fall back to the kernel keyring. */
  linuxStore?: 'secret-service' | 'keyutils' | 'auto';
  /** Longest wait for one credential-store call; default 5 s. */
  timeoutMs?: number;
  /** Service name the probe writes (and deletes) a throwaway entry under. */
  probeService?: string;
  /** How the binding is loaded; `import('@napi-rs/keyring')` unless a test plays a missing one. */
  load?: KeyringLoader;
}

export function createKeyringSecretStore(options: KeyringSecretStoreOptions = {}): SecretStore {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const linuxStore = options.linuxStore ?? 'secret-service';
  const entryOptions: EntryOptions | undefined = linuxStore === 'auto' ? undefined : { linux: { store: linuxStore } };
  const probeService = options.probeService ?? 'clinical-workstation-shell/probe';
  const load = once(options.load ?? loadKeyring);

  // One call at a time. Each call opens its own connection and Secret Service session; a burst
  // of them (a save's new key and the old key's deletion while a retention sweep lists keys)
  // only queues up inside the store anyway, and gnome-keyring 42 was seen to abort (a GLib
  // assertion in OpenSession) when a session's client had gone by the time it got to it. Each
  // call's own timeout starts when it runs, so a hung call holds the queue for timeoutMs at most.
  let queue: Promise<unknown> = Promise.resolve();
  function call<T>(what: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const run = (): Promise<T> => attempt(what);
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  async function attempt<T>(what: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`The credential store did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    try {
      // The entry is built inside the call: its constructor throws when no store is reachable,
      // and the binding is loaded inside it too, so a missing native package is one more failure.
      return await Promise.race([Promise.resolve().then(() => what(controller.signal)), timedOut]);
    } catch (cause) {
      throw new ShellError('KEYRING_UNAVAILABLE', storeUnavailableMessage, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  const entry = async (service: string, account: string): Promise<AsyncEntry> =>
    new (await load()).AsyncEntry(service, account, entryOptions);

  const store: SecretStore = {
    get: (service, account) => call(async (signal) => (await entry(service, account)).getPassword(signal)),
    set: (service, account, value) =>
      call(async (signal) => (await entry(service, account)).setPassword(value, signal)),
    delete: (service, account) => call(async (signal) => (await entry(service, account)).deleteCredential(signal)),
    accounts: (service) =>
      call(async (signal) => {
        // Building an entry first makes an unreachable pinned store fail here too, instead of
        // the listing quietly consulting a fallback store.
        await entry(service, 'list-check');
        const found = await (await load()).findCredentialsAsync(service, null, signal);
        return found.map((credential) => credential.account);
      }),
    probe: () => roundTrips(store, probeService),
  };
  return store;
}
