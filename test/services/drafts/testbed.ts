/**
 * The surroundings of one vault per test, shared by the vault test files: a temp folder, a
 * manual clock and an in-memory key store, made fresh before each test, and after each test the
 * question every one of them ends with: did anything readable reach the disk?
 *
 * The bindings are live (ES modules), so a test file imports them once and always sees the
 * current test's.
 */
import { afterEach, beforeEach } from 'vitest';
import { createMemorySecretStore } from '../../../main/services/secret-store';
import type { MemorySecretStore } from '../../../main/services/secret-store';
import { Clock, Sensitive, alice, bob, openVault } from './fixtures';
import type { Opened } from './fixtures';

export const service = 'cws-test/drafts';
export let sensitive: Sensitive;
export let clock: Clock;
export let store: MemorySecretStore;
export let dataDir: string;

export const open = (): Promise<Opened> => openVault({ dataDir, secretStore: store, now: clock.now, service });

/** Call once at the top of a test file. */
export function useVaultTestbed(): void {
  beforeEach(() => {
    sensitive = new Sensitive();
    sensitive.note(alice, bob);
    clock = new Clock();
    store = createMemorySecretStore();
    dataDir = sensitive.folder();
  });
  afterEach(() => {
    sensitive.assertNothingInPlaintext();
    sensitive.cleanUp();
  });
}
