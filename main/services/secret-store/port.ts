import { randomBytes } from 'node:crypto';

/** The SecretStore port, kept apart from the implementations so they can import it. */
export interface SecretStore {
  /** The value, or null when there is none. Rejects when the store cannot be read. */
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** True if something was deleted, false if there was nothing to delete. */
  delete(service: string, account: string): Promise<boolean>;
  /** Accounts holding a value under `service` (the values themselves are not returned). */
  accounts(service: string): Promise<string[]>;
  /** Whether the store can be written, read and cleaned up right now. Never rejects. */
  probe(): Promise<boolean>;
}

export const storeUnavailableMessage =
  "The workstation's credential store could not be used, so drafts are kept in memory only and will be lost if the shell closes; ask IT to check the credential store (Secret Service or Credential Manager).";

/** The probe every store runs: write a random value under `probeService`, read it back, delete it. */
export async function roundTrips(
  store: Pick<SecretStore, 'get' | 'set' | 'delete'>,
  probeService: string,
): Promise<boolean> {
  const account = `probe-${randomBytes(9).toString('base64url')}`;
  const value = randomBytes(16).toString('base64url');
  try {
    await store.set(probeService, account, value);
    const back = await store.get(probeService, account);
    await store.delete(probeService, account);
    return back === value;
  } catch {
    return false;
  }
}
