/**
 * SecretStore over @napi-rs/keyring. On Linux it is pinned to the Secret Service by default:
 * the library would otherwise fall back to the kernel keyring, whose keys die with the login
 * session, so the shell would call drafts "protected" and then lose them at the next reboot.
 * Calls are bounded by a timeout because a locked collection can wait on a prompt for ever.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring';
import type { EntryOptions } from '@napi-rs/keyring';
import { ShellError } from '../../core/errors';
import { storeUnavailableMessage } from './port';
import type { SecretStore } from './port';

export interface KeyringSecretStoreOptions {
  /** Linux only. 'auto' lets the library fall back to the kernel keyring. */
  linuxStore?: 'secret-service' | 'keyutils' | 'auto';
  /** Longest wait for one credential-store call; default 5 s. */
  timeoutMs?: number;
  /** Service name the probe writes (and deletes) a throwaway entry under. */
  probeService?: string;
}

export function createKeyringSecretStore(options: KeyringSecretStoreOptions = {}): SecretStore {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const linuxStore = options.linuxStore ?? 'secret-service';
  const entryOptions: EntryOptions | undefined = linuxStore === 'auto' ? undefined : { linux: { store: linuxStore } };
  const probeService = options.probeService ?? 'clinical-workstation-shell/probe';

  async function call<T>(what: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`The credential store did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    try {
      // The entry is built inside the call: its constructor throws when no store is reachable.
      return await Promise.race([Promise.resolve().then(() => what(controller.signal)), timedOut]);
    } catch (cause) {
      throw new ShellError('KEYRING_UNAVAILABLE', storeUnavailableMessage, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  const entry = (service: string, account: string): AsyncEntry => new AsyncEntry(service, account, entryOptions);

  const store: SecretStore = {
    get: (service, account) => call((signal) => entry(service, account).getPassword(signal)),
    set: (service, account, value) => call((signal) => entry(service, account).setPassword(value, signal)),
    delete: (service, account) => call((signal) => entry(service, account).deleteCredential(signal)),
    accounts: (service) =>
      call(async (signal) => {
        // Building an entry first makes an unreachable pinned store fail here too, instead of
        // the listing quietly consulting a fallback store.
        entry(service, 'list-check');
        const found = await findCredentialsAsync(service, null, signal);
        return found.map((credential) => credential.account);
      }),
    async probe() {
      const account = `probe-${randomUUID()}`;
      const value = randomBytes(16).toString('base64url');
      try {
        await store.set(probeService, account, value);
        const back = await store.get(probeService, account);
        await store.delete(probeService, account);
        return back === value;
      } catch {
        return false;
      }
    },
  };
  return store;
}
